#include "internal/go_quote.h"

#include <cstdint>

#include "internal/ascii.h"
#include "internal/utf8.h"

namespace berth::detail {
namespace {

struct PrintRun {
  std::uint32_t first, last;
};
constexpr PrintRun kPrintRuns[] = {
#include "internal/unicode_print.inc"
};

bool IsPrint(std::uint32_t r) {
  std::size_t lo = 0, hi = sizeof kPrintRuns / sizeof kPrintRuns[0];
  while (lo < hi) {  // runs are sorted and disjoint
    std::size_t mid = (lo + hi) / 2;
    if (r < kPrintRuns[mid].first) {
      hi = mid;
    } else if (r > kPrintRuns[mid].last) {
      lo = mid + 1;
    } else {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len;
    long decoded = detail::DecodeRune(p + i, s.size() - i, len);
    if (decoded < 0) {  // a byte that is not UTF-8
      out += "\\x";
      out += kLowerHexDigits[p[i] >> 4];
      out += kLowerHexDigits[p[i] & 0xf];
      ++i;
      continue;
    }
    auto r = static_cast<std::uint32_t>(decoded);
    if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (IsPrint(r)) {
      out.append(s.data() + i, len);
    } else {
      switch (r) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (r < ' ' || r == 0x7f) {
            out += "\\x";
            out += kLowerHexDigits[r >> 4];
            out += kLowerHexDigits[r & 0xf];
          } else if (r < 0x10000) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += kLowerHexDigits[(r >> shift) & 0xf];
          } else {
            out += "\\U";
            for (int shift = 28; shift >= 0; shift -= 4) out += kLowerHexDigits[(r >> shift) & 0xf];
          }
      }
    }
    i += len;
  }
  out += '"';
  return out;
}

}  // namespace berth::detail
