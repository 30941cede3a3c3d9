#include "engine/http_util.h"

#include "internal/go_url.h"

namespace berth::engine {
namespace {

long long Component(std::string_view s) {
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    if (v < 1000000000) v = v * 10 + (c - '0');
  }
  return v;
}

// The next dot-separated component of s from pos (pos moves past it); 0
// once s is used up, so "1.44" and "1.44.0" compare equal.
long long NextComponent(std::string_view s, std::size_t& pos) {
  if (pos > s.size()) return 0;
  std::size_t dot = s.find('.', pos);
  std::string_view part = s.substr(pos, dot == std::string_view::npos ? dot : dot - pos);
  pos = dot == std::string_view::npos ? s.size() + 1 : dot + 1;
  return Component(part);
}

}  // namespace

int CompareVersions(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i <= a.size() || j <= b.size()) {
    long long p = NextComponent(a, i), q = NextComponent(b, j);
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}

Status ParseQuery(std::string_view raw, Query& out) {
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
    Result<std::string> key = detail::QueryUnescape(pair.substr(0, eq));
    Result<std::string> value = detail::QueryUnescape(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key || !value) {
      if (first.ok()) first = key ? value.error() : key.error();
      continue;
    }
    out[*key].push_back(*value);
  }
  return first;
}

Result<std::string> UnescapePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out += path[i];
      continue;
    }
    if (i + 2 >= path.size() || hex(path[i + 1]) < 0 || hex(path[i + 2]) < 0) {
      return Error(ErrorKind::kInvalidParameter, "invalid URL escape \"" + std::string(path.substr(i, 3)) + "\"");
    }
    out += static_cast<char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
    i += 2;
  }
  return out;
}

int StatusFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidParameter: return 400;
    case ErrorKind::kUnauthorized: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kTooManyRequests: return 429;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kSystem: return 500;
  }
  return 500;
}

}  // namespace berth::engine
