#include "internal/api_version.h"

namespace berth::detail {
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

int CompareApiVersions(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i <= a.size() || j <= b.size()) {
    long long p = NextComponent(a, i), q = NextComponent(b, j);
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}

}  // namespace berth::detail
