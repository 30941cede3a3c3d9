#include "berth/challenge.h"

#include "internal/ascii.h"

namespace berth {
namespace {

// RFC 7230 tchar.
bool IsTokenChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool IsToken68Char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::vector<Challenge> Run() {
    std::vector<Challenge> out;
    SkipSpaceAndCommas();
    while (i_ < s_.size()) {
      std::string_view scheme = Token();
      if (scheme.empty()) break;  // not a challenge: stop
      Challenge c;
      c.scheme = detail::AsciiLower(scheme);
      bool more = Params(c);
      out.push_back(std::move(c));
      if (!more) break;
      SkipSpaceAndCommas();
    }
    return out;
  }

 private:
  void SkipSpace() {
    while (i_ < s_.size() && IsSpace(s_[i_])) ++i_;
  }
  void SkipSpaceAndCommas() {
    while (i_ < s_.size() && (IsSpace(s_[i_]) || s_[i_] == ',')) ++i_;
  }
  std::string_view Token() {
    std::size_t start = i_;
    while (i_ < s_.size() && IsTokenChar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  // token / quoted-string; false when neither is there (or a quote is open).
  bool Value(std::string& out) {
    if (i_ < s_.size() && s_[i_] == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        out += s_[i_++];
      }
      if (i_ >= s_.size()) return false;  // unterminated
      ++i_;
      return true;
    }
    std::string_view t = Token();
    out = std::string(t);
    return !t.empty();
  }

  // The parameters (or token68) after a scheme. Returns false when parsing
  // must stop; true when another challenge may follow.
  bool Params(Challenge& c) {
    std::size_t save = i_;
    SkipSpace();
    if (i_ >= s_.size()) return false;
    if (i_ == save && s_[i_] != ',') return false;  // junk right after the scheme
    // "Scheme token68" (e.g. "Negotiate abc=="): token68 characters, then
    // padding, then the end or a comma.
    std::size_t start = i_;
    while (i_ < s_.size() && IsToken68Char(s_[i_])) ++i_;
    std::size_t end68 = i_;
    while (i_ < s_.size() && s_[i_] == '=') ++i_;
    std::size_t after = i_;
    SkipSpace();
    if (end68 > start && (i_ >= s_.size() || s_[i_] == ',')) {
      c.token68 = std::string(s_.substr(start, after - start));
      return i_ < s_.size();
    }
    i_ = start;
    for (;;) {
      SkipSpace();
      std::size_t before = i_;
      std::string_view key = Token();
      if (key.empty()) return i_ < s_.size() && s_[i_] == ',';
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != '=') {
        // A new challenge starts with this token.
        i_ = before;
        return true;
      }
      ++i_;
      SkipSpace();
      std::string value;
      if (!Value(value)) return false;
      c.params[detail::AsciiLower(key)] = std::move(value);
      SkipSpace();
      if (i_ >= s_.size()) return false;
      if (s_[i_] != ',') return false;
      // After the comma: another parameter, or another challenge.
      ++i_;
      SkipSpaceAndCommas();
      std::size_t next = i_;
      std::string_view t = Token();
      SkipSpace();
      bool param = !t.empty() && i_ < s_.size() && s_[i_] == '=';
      i_ = next;
      if (!param) return true;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::string Challenge::Param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

std::vector<Challenge> ParseChallenges(std::string_view header_value) {
  return Parser(header_value).Run();
}

std::vector<Challenge> ParseChallenges(const std::vector<std::string>& header_values) {
  std::vector<Challenge> all;
  for (const std::string& v : header_values) {
    std::vector<Challenge> some = ParseChallenges(v);
    for (Challenge& c : some) all.push_back(std::move(c));
  }
  return all;
}

}  // namespace berth
