// URL pieces the registry client compares and follows: the origin a
// credential belongs to, the host a rate limit or TLS setting is kept
// for, and where a Location header points.
#ifndef BERTH_SRC_REGISTRY_URLS_H_
#define BERTH_SRC_REGISTRY_URLS_H_

#include <string>
#include <string_view>

namespace berth::registry {

// "scheme://host:port" with scheme and host lower-cased and the port spelled
// out (80 for http, 443 otherwise); "" for a URL without "://". Credentials
// go only to the origin that asked for them.
std::string OriginOf(std::string_view url);

// The host[:port] of a URL as written, lower-cased, without any userinfo.
std::string HostOf(std::string_view url);

// Where a Location header sent with the answer to `base` points: absolute,
// scheme-relative ("//host/p"), absolute-path or relative to base's path.
std::string ResolveLocation(const std::string& base, const std::string& location);

// A digest as a query value: "sha256%3A<hex>" (Go's url.QueryEscape of
// a valid digest).
std::string QueryEscapeDigest(std::string_view digest);

// `url` with "name=value" added to its query (value as given).
std::string WithQuery(const std::string& url, std::string_view name, std::string_view value);

// 301, 302, 303, 307 or 308.
constexpr bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_URLS_H_
