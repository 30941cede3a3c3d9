#include "internal/go_url.h"

#include "internal/ascii.h"
#include "internal/go_quote.h"

namespace berth::detail {
namespace {

enum class Mode { kPath, kUserPassword, kHost, kZone, kFragment, kQueryComponent };

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Go's shouldEscape for the modes url.Parse uses.
bool ShouldEscape(unsigned char c, Mode mode) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
  if (mode == Mode::kHost || mode == Mode::kZone) {
    switch (c) {
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case ':':
      case '[':
      case ']':
      case '<':
      case '>':
      case '"': return false;
      default: break;
    }
  }
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '~': return false;
    case '$':
    case '&':
    case '+':
    case ',':
    case '/':
    case ':':
    case ';':
    case '=':
    case '?':
    case '@':
      switch (mode) {
        case Mode::kPath: return c == '?';
        case Mode::kUserPassword: return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kFragment: return false;
        case Mode::kQueryComponent: return true;
        default: break;
      }
      break;
    default: break;
  }
  if (mode == Mode::kFragment) {
    switch (c) {
      case '!':
      case '(':
      case ')':
      case '*': return false;
      default: break;
    }
  }
  return true;
}

Error UrlError(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

// Go's unescape; errors are EscapeError / InvalidHostError texts.
Result<std::string> Unescape(std::string_view s, Mode mode) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHexDigit(s[i + 1]) || !IsHexDigit(s[i + 2])) {
        return UrlError("invalid URL escape " + GoQuote(s.substr(i, 3)));
      }
      if (mode == Mode::kHost && Unhex(s[i + 1]) < 8 && s.substr(i, 3) != "%25") {
        return UrlError("invalid URL escape " + GoQuote(s.substr(i, 3)));
      }
      if (mode == Mode::kZone) {
        unsigned v = static_cast<unsigned>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]));
        if (s.substr(i, 3) != "%25" && v != ' ' && ShouldEscape(static_cast<unsigned char>(v), Mode::kHost)) {
          return UrlError("invalid URL escape " + GoQuote(s.substr(i, 3)));
        }
      }
      i += 3;
      continue;
    }
    if ((mode == Mode::kHost || mode == Mode::kZone) && c < 0x80 && ShouldEscape(c, mode)) {
      return UrlError("invalid character " + GoQuote(s.substr(i, 1)) + " in host name");
    }
    ++i;
  }
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      out += static_cast<char>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string Escape(std::string_view s, Mode mode) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ShouldEscape(c, mode)) {
      out += '%';
      out += kUpperHexDigits[c >> 4];
      out += kUpperHexDigits[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string EscapePath(std::string_view path) {
  return Escape(path, Mode::kPath);
}

std::string QueryEscape(std::string_view s) {
  std::string out;
  for (std::size_t start = 0;;) {
    std::size_t space = s.find(' ', start);
    out += Escape(s.substr(start, space == std::string_view::npos ? space : space - start), Mode::kQueryComponent);
    if (space == std::string_view::npos) return out;
    out += '+';
    start = space + 1;
  }
}

Result<std::string> QueryUnescape(std::string_view s) {
  std::string plus_as_space(s);
  for (char& c : plus_as_space)
    if (c == '+') c = ' ';
  return Unescape(plus_as_space, Mode::kQueryComponent);
}

Status ParseQuery(std::string_view raw, QueryValues& out) {
  Status first;
  for (std::size_t start = 0; start <= raw.size();) {
    std::size_t amp = raw.find('&', start);
    std::string_view pair = raw.substr(start, amp == std::string_view::npos ? amp : amp - start);
    start = amp == std::string_view::npos ? raw.size() + 1 : amp + 1;
    if (pair.empty()) continue;
    if (pair.find(';') != std::string_view::npos) {
      if (first.ok()) first = Error(ErrorKind::kInvalidParameter, "invalid semicolon separator in query");
      continue;
    }
    std::size_t eq = pair.find('=');
    Result<std::string> key = QueryUnescape(pair.substr(0, eq));
    Result<std::string> value = QueryUnescape(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key || !value) {
      if (first.ok()) first = key ? value.error() : key.error();
      continue;
    }
    out[*key].push_back(*value);
  }
  return first;
}

Result<std::string> PathUnescape(std::string_view s) {
  return Unescape(s, Mode::kPath);
}

std::string EncodeQuery(const QueryValues& values) {
  std::string out;
  for (const auto& [key, list] : values) {
    for (const std::string& value : list) {
      if (!out.empty()) out += '&';
      out += QueryEscape(key);
      out += '=';
      out += QueryEscape(value);
    }
  }
  return out;
}

namespace {

bool ValidEncoded(std::string_view s, Mode mode) {
  for (char ch : s) {
    switch (ch) {
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case ':':
      case '@':
      case '[':
      case ']':
      case '%': break;
      default:
        if (ShouldEscape(static_cast<unsigned char>(ch), mode)) return false;
    }
  }
  return true;
}

bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (char c : port.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

Result<std::string> ParseHost(std::string_view host) {
  if (!host.empty() && host[0] == '[') {
    std::size_t i = host.rfind(']');
    if (i == std::string_view::npos) return UrlError("missing ']' in host");
    std::string_view colon_port = host.substr(i + 1);
    if (!ValidOptionalPort(colon_port)) {
      return UrlError("invalid port " + GoQuote(colon_port) + " after host");
    }
    std::size_t zone = host.substr(0, i).find("%25");
    if (zone != std::string_view::npos) {
      Result<std::string> h1 = Unescape(host.substr(0, zone), Mode::kHost);
      if (!h1) return h1;
      Result<std::string> h2 = Unescape(host.substr(zone, i - zone), Mode::kZone);
      if (!h2) return h2;
      Result<std::string> h3 = Unescape(host.substr(i), Mode::kHost);
      if (!h3) return h3;
      return *h1 + *h2 + *h3;
    }
  } else if (std::size_t i = host.rfind(':'); i != std::string_view::npos) {
    std::string_view colon_port = host.substr(i);
    if (!ValidOptionalPort(colon_port)) {
      return UrlError("invalid port " + GoQuote(colon_port) + " after host");
    }
  }
  return Unescape(host, Mode::kHost);
}

bool ValidUserinfo(std::string_view s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    switch (c) {
      case '-':
      case '.':
      case '_':
      case ':':
      case '~':
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case '%':
      case '@': continue;
      default: return false;
    }
  }
  return true;
}

Status ParseAuthority(std::string_view authority, GoUrl& url) {
  std::size_t at = authority.rfind('@');
  Result<std::string> host = ParseHost(at == std::string_view::npos ? authority : authority.substr(at + 1));
  if (!host) return host.error();
  url.host = std::move(*host);
  if (at == std::string_view::npos) return {};
  std::string_view userinfo = authority.substr(0, at);
  if (!ValidUserinfo(userinfo)) return UrlError("net/url: invalid userinfo");
  GoUrl::User user;
  std::size_t colon = userinfo.find(':');
  Result<std::string> name = Unescape(userinfo.substr(0, colon), Mode::kUserPassword);
  if (!name) return name.error();
  user.username = std::move(*name);
  if (colon != std::string_view::npos) {
    Result<std::string> pass = Unescape(userinfo.substr(colon + 1), Mode::kUserPassword);
    if (!pass) return pass.error();
    user.password = std::move(*pass);
    user.password_set = true;
  }
  url.user = std::move(user);
  return {};
}

Status SetPath(std::string_view p, GoUrl& url) {
  Result<std::string> path = Unescape(p, Mode::kPath);
  if (!path) return path.error();
  url.path = std::move(*path);
  url.raw_path = Escape(url.path, Mode::kPath) == p ? "" : std::string(p);
  return {};
}

// Go's parse(rawURL, viaRequest=false).
Status ParseWithoutFragment(std::string_view raw, GoUrl& url) {
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return UrlError("net/url: invalid control character in URL");
  }
  if (raw == "*") {
    url.path = "*";
    return {};
  }
  // getScheme
  std::string_view rest = raw;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return UrlError("missing protocol scheme");
      url.scheme = std::string(raw.substr(0, i));
      for (char& s : url.scheme)
        if (s >= 'A' && s <= 'Z') s = static_cast<char>(s - 'A' + 'a');
      rest = raw.substr(i + 1);
    }
    break;
  }
  if (!rest.empty() && rest.back() == '?' && rest.find('?') == rest.size() - 1) {
    url.force_query = true;
    rest.remove_suffix(1);
  } else if (std::size_t q = rest.find('?'); q != std::string_view::npos) {
    url.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.substr(0, 1) != "/") {
    if (!url.scheme.empty()) {
      url.opaque = std::string(rest);  // a rootless path is opaque
      return {};
    }
    std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.find(':') != std::string_view::npos) return UrlError("first path segment in URL cannot contain colon");
  }
  if ((!url.scheme.empty() || rest.substr(0, 3) != "///") && rest.substr(0, 2) == "//") {
    std::string_view authority = rest.substr(2);
    rest = {};
    if (std::size_t slash = authority.find('/'); slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    Status st = ParseAuthority(authority, url);
    if (!st) return st;
  } else if (!url.scheme.empty() && rest.substr(0, 1) == "/") {
    url.omit_host = true;
  }
  return SetPath(rest, url);
}

}  // namespace

Result<GoUrl> ParseGoUrl(std::string_view raw) {
  std::size_t hash = raw.find('#');
  std::string_view u = raw.substr(0, hash);
  GoUrl url;
  Status st = ParseWithoutFragment(u, url);
  if (!st) return UrlError("parse " + GoQuote(u) + ": " + st.message());
  if (hash == std::string_view::npos) return url;
  std::string_view frag = raw.substr(hash + 1);
  if (frag.empty()) return url;
  Result<std::string> fragment = Unescape(frag, Mode::kFragment);
  if (!fragment) return UrlError("parse " + GoQuote(raw) + ": " + fragment.error().message());
  url.fragment = std::move(*fragment);
  url.raw_fragment = Escape(url.fragment, Mode::kFragment) == frag ? "" : std::string(frag);
  return url;
}

std::string GoUrl::String() const {
  std::string buf;
  if (!scheme.empty()) {
    buf += scheme;
    buf += ':';
  }
  if (!opaque.empty()) {
    buf += opaque;
  } else {
    if (!scheme.empty() || !host.empty() || user) {
      if (!(omit_host && host.empty() && !user)) {
        if (!host.empty() || !path.empty() || user) buf += "//";
        if (user) {
          buf += Escape(user->username, Mode::kUserPassword);
          if (user->password_set) buf += ":" + Escape(user->password, Mode::kUserPassword);
          buf += '@';
        }
        if (!host.empty()) buf += Escape(host, Mode::kHost);
      }
    }
    // EscapedPath
    std::string escaped;
    bool use_raw = false;
    if (!raw_path.empty() && ValidEncoded(raw_path, Mode::kPath)) {
      Result<std::string> p = Unescape(raw_path, Mode::kPath);
      use_raw = p.ok() && *p == path;
    }
    if (use_raw) {
      escaped = raw_path;
    } else if (path == "*") {
      escaped = "*";
    } else {
      escaped = Escape(path, Mode::kPath);
    }
    if (!escaped.empty() && escaped[0] != '/' && !host.empty()) buf += '/';
    if (buf.empty()) {
      std::string_view segment = std::string_view(escaped).substr(0, escaped.find('/'));
      if (segment.find(':') != std::string_view::npos) buf += "./";
    }
    buf += escaped;
  }
  if (force_query || !raw_query.empty()) {
    buf += '?';
    buf += raw_query;
  }
  if (!fragment.empty()) {
    buf += '#';
    bool use_raw = false;
    if (!raw_fragment.empty() && ValidEncoded(raw_fragment, Mode::kFragment)) {
      Result<std::string> f = Unescape(raw_fragment, Mode::kFragment);
      use_raw = f.ok() && *f == fragment;
    }
    buf += use_raw ? raw_fragment : Escape(fragment, Mode::kFragment);
  }
  return buf;
}

}  // namespace berth::detail
