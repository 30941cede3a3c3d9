#include "json/decoder.h"

#include <cstdint>
#include <cstring>

#include "internal/utf8.h"
#include "json/scanner.h"
#include "json/simd.h"
#include "json/swar.h"

namespace berth::json_detail {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's getu4: the code unit of a `\uXXXX` at s[i], or -1.
int GetU4(std::string_view s, std::size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int r = 0;
  for (std::size_t k = 2; k < 6; ++k) {
    int h = HexValue(s[i + k]);
    if (h < 0) return -1;
    r = r * 16 + h;
  }
  return r;
}

bool IsSurrogate(int r) {
  return r >= 0xd800 && r < 0xe000;
}

constexpr std::size_t kMaxNesting = 10000;  // Go's maxNestingDepth

// Plain bytes are copied as they are: printable ASCII but the quote and
// the backslash.
// Eight bytes at a time; the lowest flagged byte of the mask is exactly the
// first byte that is not Plain. The last, partial word is read zero-padded
// (a zero byte is not Plain, so the run stops at the end of input).
inline std::size_t PlainRunEnd(const unsigned char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  while (i + 16 <= n) {
    unsigned m = simd::NotPlainMask(simd::Load16(p + i));
    if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(m));
    i += 16;
  }
#endif
  for (;;) {
    std::uint64_t v;
    if (i + 8 <= n) {
      v = swar::Load(p + i);
    } else {
      if (i >= n) return n;
      v = 0;
      std::memcpy(&v, p + i, n - i);
    }
    std::uint64_t m = swar::AnyStringSpecial(v) | (v & swar::kHigh);
    if (m != 0) {
      std::size_t end = i + (static_cast<std::size_t>(__builtin_ctzll(m)) >> 3);
      return end < n ? end : n;
    }
    i += 8;
  }
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

template <class Out>
bool Decoder::Unquote(Out& out) {
  const std::string_view s = data_;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = pos_ + 1;  // past the opening quote
  for (;;) {
    std::size_t start = i;
    i = PlainRunEnd(p, i, n);
    out.append(s.data() + start, i - start);
    if (i >= n) return Bad();  // unterminated
    unsigned char c = p[i];
    if (c == '"') {
      pos_ = i + 1;
      return true;
    }
    if (c == '\\') {
      char e = i + 1 < n ? s[i + 1] : '\0';
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          i += 2;
          continue;
        case 'b':
          out.push_back('\b');
          i += 2;
          continue;
        case 'f':
          out.push_back('\f');
          i += 2;
          continue;
        case 'n':
          out.push_back('\n');
          i += 2;
          continue;
        case 'r':
          out.push_back('\r');
          i += 2;
          continue;
        case 't':
          out.push_back('\t');
          i += 2;
          continue;
        case 'u': {
          int r = GetU4(s, i);
          if (r < 0) return Bad();
          i += 6;
          if (IsSurrogate(r)) {
            // A high surrogate followed by a low one is one rune; anything
            // else is U+FFFD, and what follows is read on its own.
            int r2 = GetU4(s, i);
            if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
              i += 6;
              detail::AppendRune(out, 0x10000 + ((static_cast<std::uint32_t>(r) - 0xd800) << 10) +
                                          (static_cast<std::uint32_t>(r2) - 0xdc00));
              continue;
            }
            out.append(detail::kReplacementUtf8, 3);
            continue;
          }
          detail::AppendRune(out, static_cast<std::uint32_t>(r));
          continue;
        }
        default: return Bad();
      }
    }
    if (c < 0x20) return Bad();  // control characters must be escaped
    std::size_t len = detail::ValidRuneLength(p + i, n - i);
    if (len == 0) {
      out.append(detail::kReplacementUtf8, 3);
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
}

bool Decoder::ReadString(std::string& out) {
  // Fast path: plain ASCII up to the closing quote.
  const std::size_t n = data_.size();
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  std::size_t i = PlainRunEnd(p, pos_ + 1, n);
  if (i < n && p[i] == '"') {
    out.assign(data_.data() + pos_ + 1, i - pos_ - 1);
    pos_ = i + 1;
    return true;
  }
  out.clear();
  return Unquote(out);
}

bool Decoder::ReadKey(std::string_view& key) {
  if (Peek() != '"') return Bad();
  const std::size_t n = data_.size();
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  std::size_t i = PlainRunEnd(p, pos_ + 1, n);
  if (i < n && p[i] == '"') {
    key = data_.substr(pos_ + 1, i - pos_ - 1);
    pos_ = i + 1;
    return true;
  }
  key_scratch_.clear();
  if (!Unquote(key_scratch_)) return false;
  key = key_scratch_;
  return true;
}

std::string_view Decoder::ReadLiteral() {
  const std::size_t n = data_.size();
  const std::size_t start = pos_;
  auto word = [&](std::string_view w) -> std::string_view {
    if (data_.substr(start, w.size()) != w) {
      Bad();
      return {};
    }
    pos_ = start + w.size();
    return data_.substr(start, w.size());
  };
  switch (Peek()) {
    case 't': return word("true");
    case 'f': return word("false");
    case 'n': return word("null");
    default: break;
  }
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  std::size_t i = start;
  auto digits = [&] {
    std::size_t from = i;
    while (i < n && IsDigit(data_[i])) ++i;
    return i > from;
  };
  if (i < n && data_[i] == '-') ++i;
  if (i < n && data_[i] == '0') {
    ++i;
  } else if (!(i < n && data_[i] >= '1' && data_[i] <= '9') || !digits()) {
    Bad();
    return {};
  }
  if (i < n && data_[i] == '.') {
    ++i;
    if (!digits()) {
      Bad();
      return {};
    }
  }
  if (i < n && (data_[i] == 'e' || data_[i] == 'E')) {
    ++i;
    if (i < n && (data_[i] == '+' || data_[i] == '-')) ++i;
    if (!digits()) {
      Bad();
      return {};
    }
  }
  pos_ = i;
  return data_.substr(start, i - start);
}

bool Decoder::SkipString() {
  if (Peek() != '"') return Bad();
  const std::size_t n = data_.size();
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  std::size_t i = pos_ + 1;
  for (;;) {
    i = simd::SkipStringPlain(p, i, n);
    while (i + 8 <= n && !swar::AnyStringSpecial(swar::Load(p + i))) i += 8;
    while (i < n && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\') ++i;
    if (i >= n) return Bad();
    unsigned char c = p[i];
    if (c == '"') {
      pos_ = i + 1;
      return true;
    }
    if (c != '\\') return Bad();  // a control character
    char e = i + 1 < n ? data_[i + 1] : '\0';
    if (IsSimpleEscape(e)) {
      i += 2;
    } else if (e == 'u' && GetU4(data_, i) >= 0) {
      i += 6;
    } else {
      return Bad();
    }
  }
}

bool Decoder::EnterContainer() {
  if (++nesting_ > kMaxNesting) return Bad();
  return true;
}

bool Decoder::SkipValue() {
  // Containers opened by this skip, innermost last: '{' or '['.
  std::string open;
  bool want_value = true;
  for (;;) {
    SkipSpace();
    if (want_value) {
      char c = Peek();
      if (c == '{' || c == '[') {
        if (!EnterContainer()) return false;
        open.push_back(c);
        ++pos_;
        SkipSpace();
        char close = c == '{' ? '}' : ']';
        if (Peek() == close) {
          ++pos_;
          open.pop_back();
          LeaveContainer();
          want_value = false;
          continue;
        }
        if (c == '{') {
          if (!SkipString()) return false;
          SkipSpace();
          if (!Consume(':')) return false;
        }
        continue;  // a value comes next
      }
      if (c == '"') {
        if (!SkipString()) return false;
      } else if (ReadLiteral().empty()) {
        return false;
      }
      want_value = false;
      continue;
    }
    if (open.empty()) return true;
    char c = Peek();
    char close = open.back() == '{' ? '}' : ']';
    if (c == close) {
      ++pos_;
      open.pop_back();
      LeaveContainer();
      continue;
    }
    if (c != ',') return Bad();
    ++pos_;
    if (open.back() == '{') {
      SkipSpace();
      if (!SkipString()) return false;
      SkipSpace();
      if (!Consume(':')) return false;
    }
    want_value = true;
  }
}

std::string_view Decoder::NextKind() const {
  switch (Peek()) {
    case '"': return "string";
    case '{': return "object";
    case '[': return "array";
    case 't':
    case 'f': return "bool";
    default: return "number";
  }
}

std::string Decoder::TypeErrorMessage(std::string_view what, std::string_view go_type) const {
  std::string m = "json: cannot unmarshal ";
  m += what;
  if (!struct_name_.empty() || depth_ > 0) {
    m += " into Go struct field ";
    m += struct_name_;
    m += '.';
    for (std::size_t i = 0; i < depth_ && i < fields_.size(); ++i) {
      if (i > 0) m += '.';
      m += fields_[i];
    }
  } else {
    m += " into Go value";
  }
  m += " of type ";
  m += go_type;
  return m;
}

void Decoder::SaveTypeError(std::string_view what, std::string_view go_type) {
  if (!saved_) saved_ = TypeErrorMessage(what, go_type);
}

void Decoder::SaveError(std::string message) {
  if (!saved_) saved_ = std::move(message);
}

bool Decoder::FailTypeError(std::string_view what, std::string_view go_type) {
  failed_ = TypeErrorMessage(what, go_type);
  return false;
}

bool Decoder::Fail(std::string message) {
  failed_ = std::move(message);
  return false;
}

Status Decoder::status() const {
  // An error that stopped decoding wins over one saved earlier, as in Go.
  if (failed_) return Error(ErrorKind::kInvalidParameter, *failed_);
  if (saved_) return Error(ErrorKind::kInvalidParameter, *saved_);
  return {};
}

}  // namespace berth::json_detail
