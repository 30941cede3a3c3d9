#include "base64.h"

#include <array>

namespace berth::detail {
namespace {

constexpr char kStdChars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlChars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> MakeDecodeMap(const char* chars) {
  std::array<std::uint8_t, 256> map{};
  for (auto& v : map) v = kInvalid;
  for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(chars[i])] = i;
  return map;
}

constexpr auto kStdMap = MakeDecodeMap(kStdChars);
constexpr auto kUrlMap = MakeDecodeMap(kUrlChars);

inline bool IsNewline(unsigned char c) { return c == '\n' || c == '\r'; }

struct Quantum {
  std::size_t next;      // index after the quantum
  std::size_t written;   // bytes written to dst
  std::size_t error_at;  // kNoBase64Error if none
};

// Go's decodeQuantum for a padded encoding.
Quantum DecodeQuantum(const std::array<std::uint8_t, 256>& map,
                      std::string_view src, std::size_t si,
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
  std::uint32_t val = (std::uint32_t{d[0]} << 18) | (std::uint32_t{d[1]} << 12) |
                      (std::uint32_t{d[2]} << 6) | std::uint32_t{d[3]};
  // Go is not strict: bits left over in the last symbol are dropped.
  dst[0] = static_cast<std::uint8_t>(val >> 16);
  if (dlen >= 3) dst[1] = static_cast<std::uint8_t>(val >> 8);
  if (dlen == 4) dst[2] = static_cast<std::uint8_t>(val);
  return {si, dlen - 1, err};
}

}  // namespace

void AppendBase64(std::string& out, const std::uint8_t* data, std::size_t n,
                  Base64Alphabet alphabet) {
  std::size_t base = out.size();
  out.resize(base + (n + 2) / 3 * 4);
  EncodeBase64(data, n, out.data() + base, alphabet);
}

void EncodeBase64(const std::uint8_t* data, std::size_t n, char* o,
                  Base64Alphabet alphabet) {
  const char* chars = alphabet == Base64Alphabet::kStd ? kStdChars : kUrlChars;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) |
                      (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    *o++ = chars[v >> 18];
    *o++ = chars[(v >> 12) & 0x3f];
    *o++ = chars[(v >> 6) & 0x3f];
    *o++ = chars[v & 0x3f];
  }
  if (std::size_t rem = n - i; rem > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rem == 2) v |= std::uint32_t{data[i + 1]} << 8;
    *o++ = chars[v >> 18];
    *o++ = chars[(v >> 12) & 0x3f];
    *o++ = rem == 2 ? chars[(v >> 6) & 0x3f] : '=';
    *o++ = '=';
  }
}

void EncodeBase64InPlace(std::string& s, Base64Alphabet alphabet) {
  const char* chars = alphabet == Base64Alphabet::kStd ? kStdChars : kUrlChars;
  const std::size_t n = s.size();
  const std::size_t groups = (n + 2) / 3;
  s.resize(groups * 4);
  auto* p = reinterpret_cast<std::uint8_t*>(s.data());
  // Backwards: group k's output [4k, 4k+4) only overwrites input of later
  // groups, which are already encoded.
  for (std::size_t k = groups; k-- > 0;) {
    std::size_t in = 3 * k;
    std::size_t rem = n - in;
    std::uint32_t v = std::uint32_t{p[in]} << 16;
    if (rem > 1) v |= std::uint32_t{p[in + 1]} << 8;
    if (rem > 2) v |= p[in + 2];
    char* o = s.data() + 4 * k;
    o[0] = chars[v >> 18];
    o[1] = chars[(v >> 12) & 0x3f];
    o[2] = rem > 1 ? chars[(v >> 6) & 0x3f] : '=';
    o[3] = rem > 2 ? chars[v & 0x3f] : '=';
  }
}

Base64Decoded GoBase64Decode(std::string_view src, std::uint8_t* dst,
                             Base64Alphabet alphabet) {
  const auto& map = alphabet == Base64Alphabet::kStd ? kStdMap : kUrlMap;
  Base64Decoded result;
  const auto* s = reinterpret_cast<const unsigned char*>(src.data());
  const std::size_t n = src.size();
  std::size_t si = 0;
  while (si < n) {
    // Fast path: four plain symbols.
    if (n - si >= 4) {
      std::uint8_t a = map[s[si]], b = map[s[si + 1]], c = map[s[si + 2]],
                   d = map[s[si + 3]];
      if ((a | b | c | d) != kInvalid) {
        std::uint32_t v = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) |
                          (std::uint32_t{c} << 6) | d;
        dst[result.written] = static_cast<std::uint8_t>(v >> 16);
        dst[result.written + 1] = static_cast<std::uint8_t>(v >> 8);
        dst[result.written + 2] = static_cast<std::uint8_t>(v);
        result.written += 3;
        si += 4;
        continue;
      }
    }
    Quantum q = DecodeQuantum(map, src, si, dst + result.written);
    si = q.next;
    result.written += q.written;
    if (q.error_at != kNoBase64Error) {
      result.error_at = q.error_at;
      return result;
    }
  }
  return result;
}

std::string Base64ErrorMessage(std::size_t offset) {
  return "illegal base64 data at input byte " + std::to_string(offset);
}

}  // namespace berth::detail
