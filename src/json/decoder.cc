#include "json/decoder.h"

#include <cstdint>

#include "json/swar.h"
#include "json/utf8.h"

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

bool IsSurrogate(int r) { return r >= 0xd800 && r < 0xe000; }

// Bytes the fast path copies as they are.
inline bool Plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// The end of the run of Plain bytes that starts at i.
inline std::size_t PlainRunEnd(const unsigned char* p, std::size_t i,
                               std::size_t n) {
  while (i + 8 <= n) {
    std::uint64_t v = swar::Load(p + i);
    if (swar::AnyStringSpecial(v) | (v & swar::kHigh)) break;
    i += 8;
  }
  while (i < n && Plain(p[i])) ++i;
  return i;
}

}  // namespace

template <class Out>
void Decoder::Unquote(Out& out) {
  const std::string_view s = data_;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = pos_ + 1;  // past the opening quote
  while (i < n) {
    std::size_t start = i;
    i = PlainRunEnd(p, i, n);
    out.append(s.data() + start, i - start);
    if (i >= n) break;
    unsigned char c = p[i];
    if (c == '"') {
      ++i;
      break;
    }
    if (c == '\\') {
      char e = i + 1 < n ? s[i + 1] : '\0';
      switch (e) {
        case '"': case '\\': case '/': out.push_back(e); i += 2; continue;
        case 'b': out.push_back('\b'); i += 2; continue;
        case 'f': out.push_back('\f'); i += 2; continue;
        case 'n': out.push_back('\n'); i += 2; continue;
        case 'r': out.push_back('\r'); i += 2; continue;
        case 't': out.push_back('\t'); i += 2; continue;
        case 'u': {
          int r = GetU4(s, i);
          if (r < 0) {  // cannot happen after the scanner; stay safe
            i += 2;
            continue;
          }
          i += 6;
          if (IsSurrogate(r)) {
            int r2 = GetU4(s, i);
            if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
              i += 6;
              AppendRune(out, 0x10000 + ((static_cast<std::uint32_t>(r) - 0xd800) << 10) +
                                  (static_cast<std::uint32_t>(r2) - 0xdc00));
              continue;
            }
            out.append(kReplacementUtf8, 3);
            continue;
          }
          AppendRune(out, static_cast<std::uint32_t>(r));
          continue;
        }
        default:
          i += 2;  // cannot happen after the scanner
          continue;
      }
    }
    if (c < 0x20) {  // cannot happen after the scanner
      ++i;
      continue;
    }
    std::size_t len = ValidRuneLength(p + i, n - i);
    if (len == 0) {
      out.append(kReplacementUtf8, 3);
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  pos_ = i;
}

void Decoder::ReadString(std::string& out) {
  out.clear();
  // Fast path: plain ASCII up to the closing quote.
  const std::size_t n = data_.size();
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  std::size_t i = PlainRunEnd(p, pos_ + 1, n);
  if (i < n && p[i] == '"') {
    out.assign(data_.data() + pos_ + 1, i - pos_ - 1);
    pos_ = i + 1;
    return;
  }
  Unquote(out);
}

std::string_view Decoder::ReadKey() {
  const std::size_t n = data_.size();
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  std::size_t i = PlainRunEnd(p, pos_ + 1, n);
  if (i < n && p[i] == '"') {
    std::string_view key = data_.substr(pos_ + 1, i - pos_ - 1);
    pos_ = i + 1;
    return key;
  }
  key_scratch_.clear();
  Unquote(key_scratch_);
  return key_scratch_;
}

std::string_view Decoder::ReadLiteral() {
  std::size_t start = pos_;
  while (pos_ < data_.size()) {
    char c = data_[pos_];
    if (c == ',' || c == '}' || c == ']' || IsSpace(c)) break;
    ++pos_;
  }
  return data_.substr(start, pos_ - start);
}

void Decoder::SkipString() {
  std::size_t i = pos_ + 1;
  const std::size_t n = data_.size();
  while (i < n) {
    char c = data_[i];
    if (c == '"') {
      ++i;
      break;
    }
    i += c == '\\' ? 2 : 1;
  }
  pos_ = i;
}

void Decoder::SkipValue() {
  std::size_t depth = 0;
  do {
    SkipSpace();
    if (pos_ >= data_.size()) return;
    char c = data_[pos_];
    switch (c) {
      case '"':
        SkipString();
        break;
      case '{':
      case '[':
        ++depth;
        ++pos_;
        break;
      case '}':
      case ']':
        --depth;
        ++pos_;
        break;
      case ',':
      case ':':
        ++pos_;
        break;
      default:
        ReadLiteral();
        break;
    }
  } while (depth > 0);
}

std::string_view Decoder::NextKind() const {
  switch (Peek()) {
    case '"': return "string";
    case '{': return "object";
    case '[': return "array";
    case 't': case 'f': return "bool";
    default: return "number";
  }
}

std::string Decoder::TypeErrorMessage(std::string_view what,
                                      std::string_view go_type) const {
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
