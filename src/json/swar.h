// Eight bytes at a time: tests that let the codec skip runs of ordinary
// characters without looking at each byte.
#ifndef BERTH_SRC_JSON_SWAR_H_
#define BERTH_SRC_JSON_SWAR_H_

#include <cstdint>
#include <cstring>

namespace berth::json_detail::swar {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

inline std::uint64_t Load(const void* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
// Non-zero iff some byte of v is below n (n <= 128).
inline std::uint64_t AnyBelow(std::uint64_t v, std::uint8_t n) {
  return (v - kOnes * n) & ~v & kHigh;
}
// Non-zero iff some byte of v equals b.
inline std::uint64_t AnyEqual(std::uint64_t v, std::uint8_t b) {
  std::uint64_t x = v ^ (kOnes * b);
  return (x - kOnes) & ~x & kHigh;
}
// Bytes a JSON string can hold with no state change: not a control
// character, quote or backslash.
inline std::uint64_t AnyStringSpecial(std::uint64_t v) {
  return AnyBelow(v, 0x20) | AnyEqual(v, '"') | AnyEqual(v, '\\');
}

}  // namespace berth::json_detail::swar

#endif  // BERTH_SRC_JSON_SWAR_H_
