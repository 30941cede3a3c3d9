#include "json/writer.h"

#include <array>
#include <charconv>
#include <new>

#include "base64.h"
#include "json/swar.h"
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

inline std::uint64_t NeedsLook(std::uint64_t v, bool html) {
  std::uint64_t m = swar::AnyStringSpecial(v) | (v & swar::kHigh);
  if (html) m |= swar::AnyEqual(v, '<') | swar::AnyEqual(v, '>') | swar::AnyEqual(v, '&');
  return m;
}

}  // namespace

void Writer::Grow(std::size_t n) {
  std::size_t cap = cap_ * 2;
  if (cap < pos_ + n) cap = pos_ + n;
  if (heap_ == nullptr) {
    heap_ = static_cast<char*>(std::malloc(cap));
    if (heap_ == nullptr) throw std::bad_alloc();
    std::memcpy(heap_, inline_, pos_);
  } else {
    char* bigger = static_cast<char*>(std::realloc(heap_, cap));
    if (bigger == nullptr) throw std::bad_alloc();
    heap_ = bigger;
  }
  buf_ = heap_;
  cap_ = cap;
}

void Writer::String(std::string_view s) { StringImpl(s, escape_html_); }
void Writer::HtmlEscapedString(std::string_view s) { StringImpl(s, true); }

void Writer::StringImpl(std::string_view s, bool html) {
  const auto& cls = html ? kHtmlClasses : kPlainClasses;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  // Worst case: every byte becomes a six-byte escape.
  char* o = Reserve(n * 6 + 2);
  *o++ = '"';
  std::size_t i = 0;
  while (i < n) {
    // Copy runs of plain ASCII eight bytes at a time; the lowest flagged
    // byte of the mask is exactly the first one that needs a look.
    if (i + 8 <= n) {
      std::uint64_t v = swar::Load(p + i);
      std::uint64_t m = NeedsLook(v, html);
      std::memcpy(o, p + i, 8);  // room: 6 bytes out per byte in
      if (m == 0) {
        o += 8;
        i += 8;
        continue;
      }
      std::size_t k = static_cast<std::size_t>(__builtin_ctzll(m)) >> 3;
      o += k;
      i += k;
    } else {
      while (i < n && cls[p[i]] == 0) *o++ = static_cast<char>(p[i++]);
      if (i >= n) break;
    }
    unsigned char c = p[i];
    std::uint8_t k = cls[c];
    if (k == 1) {
      *o++ = '\\';
      switch (c) {
        case '\\': case '"': *o++ = static_cast<char>(c); break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
          *o++ = 'u';
          *o++ = '0';
          *o++ = '0';
          *o++ = kHex[c >> 4];
          *o++ = kHex[c & 0xf];
      }
      ++i;
      continue;
    }
    std::size_t len = ValidRuneLength(p + i, n - i);
    if (len == 0) {  // each byte of invalid UTF-8
      std::memcpy(o, "\\ufffd", 6);
      o += 6;
      ++i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript parsers.
    if (len == 3 && c == 0xe2 && p[i + 1] == 0x80 &&
        (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
      std::memcpy(o, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
      o += 6;
      i += 3;
      continue;
    }
    std::memcpy(o, p + i, len);
    o += len;
    i += len;
  }
  *o++ = '"';
  pos_ = static_cast<std::size_t>(o - buf_);
}

void Writer::Int(std::int64_t v) {
  char* o = Reserve(24);
  auto r = std::to_chars(o, o + 24, v);
  pos_ += static_cast<std::size_t>(r.ptr - o);
}

void Writer::Base64String(const std::uint8_t* data, std::size_t n) {
  std::size_t len = (n + 2) / 3 * 4;
  char* o = Reserve(len + 2);
  *o++ = '"';
  detail::EncodeBase64(data, n, o, detail::Base64Alphabet::kStd);
  o[len] = '"';
  pos_ += len + 2;
}

}  // namespace berth::json_detail
