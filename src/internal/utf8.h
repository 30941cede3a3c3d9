// UTF-8 decoding with Go's utf8.DecodeRune rules: overlong forms, surrogate
// code points and values past U+10FFFF are invalid, and an invalid sequence
// counts as one byte.
#ifndef BERTH_SRC_INTERNAL_UTF8_H_
#define BERTH_SRC_INTERNAL_UTF8_H_

#include <cstddef>
#include <cstdint>

namespace berth::detail {

// Length of the valid UTF-8 sequence starting at p (p[0] >= 0x80), or 0 if
// it is invalid. `avail` bytes are readable from p.
inline std::size_t ValidRuneLength(const unsigned char* p, std::size_t avail) {
  unsigned char c = p[0];
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xbf) {
    return i < avail && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c == 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c == 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// The rune at p (`avail` bytes readable) and its length in `len`; -1 (and
// len 1) for a byte that does not start valid UTF-8, as Go's
// utf8.DecodeRune reports RuneError with width 1.
inline long DecodeRune(const unsigned char* p, std::size_t avail, std::size_t& len) {
  std::uint32_t r = p[0];
  len = 1;
  if (r < 0x80) return static_cast<long>(r);
  len = ValidRuneLength(p, avail);
  if (len == 0) {
    len = 1;
    return -1;
  }
  r = len == 2 ? (r & 0x1f) : len == 3 ? (r & 0x0f) : (r & 0x07);
  for (std::size_t k = 1; k < len; ++k) r = (r << 6) | (p[k] & 0x3f);
  return static_cast<long>(r);
}

// Appends the UTF-8 form of code point r (r must be valid).
template <class Out>
inline void AppendRune(Out& out, std::uint32_t r) {
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3f)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3f)));
  }
}

inline constexpr char kReplacementUtf8[] = "\xef\xbf\xbd";  // U+FFFD

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_UTF8_H_
