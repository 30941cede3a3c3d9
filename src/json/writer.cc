#include "json/writer.h"

#include <array>
#include <charconv>
#include <new>

#include "internal/ascii.h"
#include "internal/base64.h"
#include "internal/utf8.h"
#include "json/simd.h"
#include "json/swar.h"

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

// The escape Go writes for each ASCII byte that needs one, padded to eight
// bytes so it is stored with one move; length in the last byte.
struct Escape {
  char text[8];
};
constexpr std::array<Escape, 128> MakeEscapes() {
  std::array<Escape, 128> t{};
  for (int c = 0; c < 128; ++c) {
    char* e = t[c].text;
    int n = 0;
    e[n++] = '\\';
    switch (c) {
      case '\\':
      case '"': e[n++] = static_cast<char>(c); break;
      case '\n': e[n++] = 'n'; break;
      case '\r': e[n++] = 'r'; break;
      case '\t': e[n++] = 't'; break;
      default:
        e[n++] = 'u';
        e[n++] = '0';
        e[n++] = '0';
        e[n++] = detail::kLowerHexDigits[c >> 4];
        e[n++] = detail::kLowerHexDigits[c & 0xf];
    }
    e[7] = static_cast<char>(n);
  }
  return t;
}
constexpr auto kEscapes = MakeEscapes();

constexpr auto kPlainClasses = MakeClassTable(false);
constexpr auto kHtmlClasses = MakeClassTable(true);

// The SWAR path (no SSE2) only.
[[maybe_unused]] inline std::uint64_t NeedsLook(std::uint64_t v, bool html) {
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

void Writer::String(std::string_view s) {
  StringImpl(s, escape_html_);
}
void Writer::HtmlEscapedString(std::string_view s) {
  StringImpl(s, true);
}

namespace {

// Writes the byte at p[i] that needs a look (an escape, a UTF-8 sequence,
// invalid UTF-8) and returns the index after it.
inline std::size_t EmitSpecial(const unsigned char* p, std::size_t i, std::size_t n, char*& o,
                               const std::array<std::uint8_t, 256>& cls) {
  const unsigned char c = p[i];
  if (cls[c] == 1) {  // ASCII: one eight-byte store (the output has slack)
    const Escape& e = kEscapes[c];
    std::memcpy(o, e.text, 8);
    o += e.text[7];
    return i + 1;
  }
  std::size_t len = detail::ValidRuneLength(p + i, n - i);
  if (len == 0) {  // each byte of invalid UTF-8
    std::memcpy(o, "\\ufffd", 6);
    o += 6;
    return i + 1;
  }
  // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript parsers.
  if (len == 3 && c == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
    std::memcpy(o, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
    o += 6;
    return i + 3;
  }
  std::memcpy(o, p + i, len);
  o += len;
  return i + len;
}

}  // namespace

void Writer::StringImpl(std::string_view s, bool html) {
  const auto& cls = html ? kHtmlClasses : kPlainClasses;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  // Worst case: every byte becomes a six-byte escape; and 16 bytes of slack
  // for whole-block stores and eight-byte escape stores.
  char* o = Reserve(n * 6 + 2 + 16);
  *o++ = '"';
#if defined(__SSE2__)
  // Short strings (most keys, names, credentials): two overlapping words
  // cover them; when no byte needs a look they are stored as they are.
  if (n >= 4 && n <= 16) {
    __m128i v;
    std::uint64_t lo, hi;
    if (n >= 8) {
      std::memcpy(&lo, p, 8);
      std::memcpy(&hi, p + n - 8, 8);
      v = _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo));
    } else {
      std::uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      lo = a;
      hi = b;
      v = _mm_set_epi64x(static_cast<long long>(hi) | static_cast<long long>(hi << 32),
                         static_cast<long long>(lo) | static_cast<long long>(lo << 32));
    }
    if (simd::EscapeMask(v, html) == 0) {
      if (n >= 8) {
        std::memcpy(o, &lo, 8);
        std::memcpy(o + n - 8, &hi, 8);
      } else {
        std::uint32_t a = static_cast<std::uint32_t>(lo), b = static_cast<std::uint32_t>(hi);
        std::memcpy(o, &a, 4);
        std::memcpy(o + n - 4, &b, 4);
      }
      o += n;
      *o++ = '"';
      pos_ = static_cast<std::size_t>(o - buf_);
      return;
    }
  }
  // Sixteen bytes at a time: store the block whole, keep the bytes before
  // the first one that needs a look. The last partial block is read from a
  // zero-padded copy (a zero byte needs a look, so the block stops there).
  alignas(16) unsigned char tail[32];
  const unsigned char* src = p;
  std::size_t len = n;
  std::size_t i = 0;
  bool padded = false;
  while (i < len) {
    if (len - i < 16 && !padded) {
      std::size_t rem = len - i;
      std::memset(tail, 0, sizeof tail);
      std::memcpy(tail, src + i, rem);
      src = tail;
      len = rem;
      i = 0;
      padded = true;
    }
    __m128i v = simd::Load16(src + i);
    simd::Store16(o, v);
    unsigned m = simd::EscapeMask(v, html);
    if (m == 0) {
      o += 16;
      i += 16;
      continue;
    }
    std::size_t k = static_cast<std::size_t>(__builtin_ctz(m));
    if (k >= len - i) {  // the padding: the string ends here
      o += len - i;
      break;
    }
    o += k;
    i = EmitSpecial(src, i + k, len, o, cls);
  }
#else
  std::size_t i = 0;
  while (i < n) {
    // Runs of plain ASCII eight bytes at a time; the lowest flagged byte of
    // the mask is exactly the first one that needs a look.
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
    i = EmitSpecial(p, i, n, o, cls);
  }
#endif
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
