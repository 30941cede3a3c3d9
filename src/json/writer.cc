#include "json/writer.h"

#include <array>
#include <charconv>

#include "json/utf8.h"

namespace berth::json_detail {
namespace {

// 0: copy as is; 1: escape; 2: non-ASCII, look closer.
constexpr std::array<std::uint8_t, 256> MakeClassTable(bool escape_html) {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c == '"' || c == '\\') {
      t[c] = 1;
    } else if (c >= 0x80) {
      t[c] = 2;
    } else if (escape_html && (c == '<' || c == '>' || c == '&')) {
      t[c] = 1;
    }
  }
  return t;
}

constexpr auto kPlainClasses = MakeClassTable(false);
constexpr auto kHtmlClasses = MakeClassTable(true);
constexpr char kHex[] = "0123456789abcdef";

}  // namespace

void Writer::String(std::string_view s) {
  const auto& cls = escape_html ? kHtmlClasses : kPlainClasses;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  out.push_back('"');
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    std::uint8_t k = cls[c];
    if (k == 0) {
      ++i;
      continue;
    }
    if (k == 1) {
      out.append(s.data() + start, i - start);
      out.push_back('\\');
      switch (c) {
        case '\\': case '"': out.push_back(static_cast<char>(c)); break;
        case '\n': out.push_back('n'); break;
        case '\r': out.push_back('r'); break;
        case '\t': out.push_back('t'); break;
        default:
          out.append("u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
      }
      start = ++i;
      continue;
    }
    std::size_t len = ValidRuneLength(p + i, n - i);
    if (len == 0) {
      out.append(s.data() + start, i - start);
      out.append("\\ufffd");
      start = ++i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript parsers.
    if (len == 3 && c == 0xe2 && p[i + 1] == 0x80 &&
        (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
      out.append(s.data() + start, i - start);
      out.append(p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
      i += 3;
      start = i;
      continue;
    }
    i += len;
  }
  out.append(s.data() + start, n - start);
  out.push_back('"');
}

void Writer::Int(std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace berth::json_detail
