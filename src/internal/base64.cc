#include "internal/base64.h"

#include <array>
#include <bit>
#include <cstring>

namespace berth::detail {
namespace {

constexpr char kStdChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> MakeDecodeMap(const char* chars) {
  std::array<std::uint8_t, 256> map{};
  for (auto& v : map) v = kInvalid;
  for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(chars[i])] = i;
  return map;
}

// Two output symbols for every 12 input bits: half the table lookups of a
// symbol-at-a-time encoder. The first symbol is in the low byte (memory
// order on little-endian machines, which is all berth builds for).
constexpr std::array<std::uint16_t, 4096> MakePairTable(const char* chars) {
  std::array<std::uint16_t, 4096> t{};
  for (int x = 0; x < 4096; ++x) {
    t[x] = static_cast<std::uint16_t>(static_cast<unsigned char>(chars[x >> 6]) |
                                      (static_cast<unsigned char>(chars[x & 63]) << 8));
  }
  return t;
}

static_assert(std::endian::native == std::endian::little, "the pair table stores symbols in little-endian order");
constexpr auto kStdPairs = MakePairTable(kStdChars);
constexpr auto kUrlPairs = MakePairTable(kUrlChars);

// Decoding tables that place a symbol's six bits where they go in the
// 24-bit group, one table per position; a symbol outside the alphabet maps
// to a value with bit 31 set, so one test checks all four.
struct ShiftedMaps {
  std::array<std::uint32_t, 256> at[4];
};
constexpr ShiftedMaps MakeShiftedMaps(const char* chars) {
  ShiftedMaps m{};
  for (int pos = 0; pos < 4; ++pos) {
    for (auto& v : m.at[pos]) v = 0x80000000u;
    for (int i = 0; i < 64; ++i)
      m.at[pos][static_cast<unsigned char>(chars[i])] = static_cast<std::uint32_t>(i) << (18 - 6 * pos);
  }
  return m;
}
constexpr ShiftedMaps kStdShifted = MakeShiftedMaps(kStdChars);
constexpr ShiftedMaps kUrlShifted = MakeShiftedMaps(kUrlChars);

constexpr auto kStdMap = MakeDecodeMap(kStdChars);
constexpr auto kUrlMap = MakeDecodeMap(kUrlChars);

inline bool IsNewline(unsigned char c) {
  return c == '\n' || c == '\r';
}

struct Quantum {
  std::size_t next;      // index after the quantum
  std::size_t written;   // bytes written to dst
  std::size_t error_at;  // kNoBase64Error if none
};

// Go's decodeQuantum for a padded encoding.
Quantum DecodeQuantum(const std::array<std::uint8_t, 256>& map, std::string_view src, std::size_t si,
                      std::uint8_t* dst) {
  std::uint8_t d[4] = {0, 0, 0, 0};
  std::size_t dlen = 4;
  std::size_t err = kNoBase64Error;
  const std::size_t n = src.size();
  for (std::size_t j = 0; j < 4; ++j) {
    if (si == n) {
      if (j == 0) return {si, 0, kNoBase64Error};
      return {si, 0, si - j};  // padding is required
    }
    auto in = static_cast<unsigned char>(src[si]);
    ++si;
    std::uint8_t out = map[in];
    if (out != kInvalid) {
      d[j] = out;
      continue;
    }
    if (IsNewline(in)) {
      --j;
      continue;
    }
    if (in != '=') return {si, 0, si - 1};
    // Padding: only after two or three symbols.
    if (j < 2) return {si, 0, si - 1};
    if (j == 2) {
      while (si < n && IsNewline(static_cast<unsigned char>(src[si]))) ++si;
      if (si == n) return {si, 0, n};
      if (src[si] != '=') return {si, 0, si - 1};
      ++si;
    }
    while (si < n && IsNewline(static_cast<unsigned char>(src[si]))) ++si;
    if (si < n) err = si;  // input after the padding
    dlen = j;
    break;
  }
  std::uint32_t val =
      (std::uint32_t{d[0]} << 18) | (std::uint32_t{d[1]} << 12) | (std::uint32_t{d[2]} << 6) | std::uint32_t{d[3]};
  // Go is not strict: bits left over in the last symbol are dropped.
  dst[0] = static_cast<std::uint8_t>(val >> 16);
  if (dlen >= 3) dst[1] = static_cast<std::uint8_t>(val >> 8);
  if (dlen == 4) dst[2] = static_cast<std::uint8_t>(val);
  return {si, dlen - 1, err};
}

}  // namespace

void AppendBase64(std::string& out, const std::uint8_t* data, std::size_t n, Base64Alphabet alphabet) {
  std::size_t base = out.size();
  out.resize(base + (n + 2) / 3 * 4);
  EncodeBase64(data, n, out.data() + base, alphabet);
}

void EncodeBase64(const std::uint8_t* data, std::size_t n, char* o, Base64Alphabet alphabet) {
  const char* chars = alphabet == Base64Alphabet::kStd ? kStdChars : kUrlChars;
  const auto& pairs = alphabet == Base64Alphabet::kStd ? kStdPairs : kUrlPairs;
  std::size_t i = 0;
  // Six bytes to eight symbols per step, from one eight-byte load.
  for (; i + 8 <= n; i += 6) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    w = __builtin_bswap64(w);  // the six bytes are now bits 63..16
    std::uint64_t eight = std::uint64_t{pairs[(w >> 52) & 0xfff]} | (std::uint64_t{pairs[(w >> 40) & 0xfff]} << 16) |
                          (std::uint64_t{pairs[(w >> 28) & 0xfff]} << 32) |
                          (std::uint64_t{pairs[(w >> 16) & 0xfff]} << 48);
    std::memcpy(o, &eight, 8);
    o += 8;
  }
  for (; i + 3 <= n; i += 3) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    std::uint32_t four = pairs[v >> 12] | (std::uint32_t{pairs[v & 0xfff]} << 16);
    std::memcpy(o, &four, 4);
    o += 4;
  }
  if (std::size_t rem = n - i; rem > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rem == 2) v |= std::uint32_t{data[i + 1]} << 8;
    o[0] = chars[v >> 18];
    o[1] = chars[(v >> 12) & 0x3f];
    o[2] = rem == 2 ? chars[(v >> 6) & 0x3f] : '=';
    o[3] = '=';
  }
}

Base64Decoded GoBase64Decode(std::string_view src, std::uint8_t* dst, Base64Alphabet alphabet) {
  const auto& map = alphabet == Base64Alphabet::kStd ? kStdMap : kUrlMap;
  const auto* s = reinterpret_cast<const unsigned char*>(src.data());
  const std::size_t n = src.size();
  // Locals, not the result struct: stores through dst (a byte pointer)
  // would otherwise force reloads on every quantum.
  std::size_t si = 0;
  std::uint8_t* o = dst;
  // Fastest path, while another quantum follows (its output slot takes the
  // fourth byte of the four-byte store): four plain symbols, four lookups.
  const ShiftedMaps& shifted = alphabet == Base64Alphabet::kStd ? kStdShifted : kUrlShifted;
  while (si + 8 <= n) {
    std::uint32_t v =
        shifted.at[0][s[si]] | shifted.at[1][s[si + 1]] | shifted.at[2][s[si + 2]] | shifted.at[3][s[si + 3]];
    if (v & 0x80000000u) break;
    std::uint32_t be = __builtin_bswap32(v << 8);  // three bytes, in order
    std::memcpy(o, &be, 4);
    o += 3;
    si += 4;
  }
  // The common last quantum: two or three symbols and padding, nothing after.
  if (n - si == 4 && s[si + 3] == '=') {
    const bool two = s[si + 2] == '=';
    std::uint32_t v = shifted.at[0][s[si]] | shifted.at[1][s[si + 1]] | (two ? 0 : shifted.at[2][s[si + 2]]);
    // Bits below the kept bytes may be set (Go does not check them).
    if (!(v & 0x80000000u)) {
      o[0] = static_cast<std::uint8_t>(v >> 16);
      if (!two) o[1] = static_cast<std::uint8_t>(v >> 8);
      return {static_cast<std::size_t>(o - dst) + (two ? 1 : 2), kNoBase64Error};
    }
  }
  while (si < n) {
    // Fast path: four plain symbols.
    if (n - si >= 4) {
      std::uint32_t a = map[s[si]], b = map[s[si + 1]], c = map[s[si + 2]], d = map[s[si + 3]];
      if ((a | b | c | d) != kInvalid) {
        std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
        o[0] = static_cast<std::uint8_t>(v >> 16);
        o[1] = static_cast<std::uint8_t>(v >> 8);
        o[2] = static_cast<std::uint8_t>(v);
        o += 3;
        si += 4;
        continue;
      }
    }
    Quantum q = DecodeQuantum(map, src, si, o);
    si = q.next;
    o += q.written;
    if (q.error_at != kNoBase64Error) {
      return {static_cast<std::size_t>(o - dst), q.error_at};
    }
  }
  return {static_cast<std::size_t>(o - dst), kNoBase64Error};
}

std::string Base64ErrorMessage(std::size_t offset) {
  return "illegal base64 data at input byte " + std::to_string(offset);
}

}  // namespace berth::detail
