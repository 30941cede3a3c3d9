#include "registry/urls.h"

#include "internal/ascii.h"

namespace berth::registry {
namespace {

// The authority of a URL: what lies between "://" and the path, without
// any userinfo.
std::string_view Authority(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  return rest;
}

}  // namespace

std::string OriginOf(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string scheme = detail::AsciiLower(url.substr(0, scheme_end));
  std::string authority = detail::AsciiLower(Authority(url));
  bool has_port = false;
  if (!authority.empty() && authority.back() != ']') {
    std::size_t colon = authority.rfind(':');
    has_port = colon != std::string::npos && (authority.front() != '[' || colon > authority.find(']'));
    if (has_port && colon + 1 == authority.size()) {
      authority.pop_back();  // "host:" means the default port
      has_port = false;
    }
  }
  if (!has_port) authority += scheme == "http" ? ":80" : ":443";
  return scheme + "://" + authority;
}

std::string HostOf(std::string_view url) {
  return detail::AsciiLower(Authority(url));
}

std::string ResolveLocation(const std::string& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  std::string origin = base.substr(0, base.find('/', base.find("://") + 3));
  if (location.starts_with("//")) return base.substr(0, base.find("://") + 1) + location;
  if (location.starts_with("/")) return origin + location;
  std::string dir = base.substr(0, base.find_first_of("?#"));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return dir + location;
}

std::string QueryEscapeDigest(std::string_view digest) {
  std::string out;
  for (char c : digest) out += c == ':' ? std::string("%3A") : std::string(1, c);
  return out;
}

std::string WithQuery(const std::string& url, std::string_view name, std::string_view value) {
  std::string base = url.substr(0, url.find('#'));
  if (base.find('?') == std::string::npos) {
    base += '?';
  } else if (base.back() != '?' && base.back() != '&') {
    base += '&';
  }
  base.append(name).append("=").append(value);
  return base;
}

}  // namespace berth::registry
