#include "json/codec.h"

namespace berth::json_detail {
namespace {

// The digits of a JSON number literal, or empty if it has a fraction or an
// exponent (which Go's integer parsers refuse).
bool IsPlainInteger(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c == '.' || c == 'e' || c == 'E') return false;
  return true;
}

bool AccumulateDigits(std::string_view digits, std::uint64_t limit, std::uint64_t& out) {
  if (digits.empty()) return false;
  std::uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (limit - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

}  // namespace

bool ParseGoInt(std::string_view s, std::int64_t& out) {
  if (!IsPlainInteger(s)) return false;
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  constexpr std::uint64_t kMaxPositive = 9223372036854775807ULL;
  std::uint64_t v;
  if (!AccumulateDigits(s, negative ? kMaxPositive + 1 : kMaxPositive, v)) return false;
  out = negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return true;
}

bool ParseGoUint(std::string_view s, std::uint64_t& out) {
  if (!IsPlainInteger(s)) return false;
  return AccumulateDigits(s, ~std::uint64_t{0}, out);  // a sign is refused
}

bool FoldedKeyMatches(std::string_view name, std::string_view key) {
  std::size_t k = 0;
  for (char nc : name) {
    if (k >= key.size()) return false;
    auto kc = static_cast<unsigned char>(key[k]);
    char upper = (nc >= 'a' && nc <= 'z') ? static_cast<char>(nc - 32) : nc;
    if (kc < 0x80) {
      char ku = (kc >= 'a' && kc <= 'z') ? static_cast<char>(kc - 32) : static_cast<char>(kc);
      if (ku != upper) return false;
      ++k;
      continue;
    }
    // Only two non-ASCII runes fold onto ASCII letters.
    if (upper == 'S' && key.substr(k, 2) == "\xc5\xbf") {  // U+017F
      k += 2;
    } else if (upper == 'K' && key.substr(k, 3) == "\xe2\x84\xaa") {  // U+212A
      k += 3;
    } else {
      return false;
    }
  }
  return k == key.size();
}

}  // namespace berth::json_detail
