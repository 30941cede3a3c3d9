// ASCII text helpers every layer of the library shares, each written once:
// lower-casing, case-insensitive comparison, trimming, hex digits. ASCII
// only, on purpose: what berth compares this way (HTTP header names, URL
// schemes and hosts, challenge parameters, registry names) is
// case-insensitive in ASCII alone, and the locale must not change it.
#ifndef BERTH_SRC_INTERNAL_ASCII_H_
#define BERTH_SRC_INTERNAL_ASCII_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::detail {

inline constexpr char kLowerHexDigits[] = "0123456789abcdef";
inline constexpr char kUpperHexDigits[] = "0123456789ABCDEF";

constexpr char AsciiToLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with A-Z lowered; every other byte as it is.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiToLower(c);
  return out;
}

// a == b, A-Z and a-z counting as the same.
inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  return true;
}

// `s` without the ASCII white space around it (Go's strings.TrimSpace on
// ASCII: space, \t, \n, \v, \f, \r).
inline std::string_view TrimAsciiSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Two lower-case hex digits for a byte.
inline void AppendHexByte(std::string& out, std::uint8_t byte) {
  out += kLowerHexDigits[byte >> 4];
  out += kLowerHexDigits[byte & 0xf];
}

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_ASCII_H_
