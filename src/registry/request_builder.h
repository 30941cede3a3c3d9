// Where every registry request starts: the URL (an endpoint's API root and
// a path, or a URL as given), the TLS configuration, the User-Agent, and the
// timeout and size limit RegistryClientOptions sets for its kind. Operation
// files say what they ask for; the limits live in the options, not in them.
#ifndef BERTH_SRC_REGISTRY_REQUEST_BUILDER_H_
#define BERTH_SRC_REGISTRY_REQUEST_BUILDER_H_

#include <string>
#include <string_view>

#include "berth/registry_client.h"
#include "http/http_client.h"

namespace berth::registry {

// What a request fetches, which picks its timeout and size limit.
enum class RequestKind {
  kAuth,        // pings, token requests, login checks: auth_timeout, max_auth_bytes
  kManifest,    // manifests: request_timeout, max_manifest_bytes
  kConfigBlob,  // image configs read into memory: request_timeout, max_config_bytes
  kListing,     // search results, catalog pages, tags, referrers: request_timeout, max_listing_bytes
  kBlob,        // blobs and uploads, streamed: request_timeout as the stall limit, no size limit but the
                // error bodies' (max_auth_bytes)
};

// A GET of `url` of that kind, over `tls` (which must outlive the request).
http::Request NewRequest(const RegistryClientOptions& options, RequestKind kind, std::string url,
                         const TlsMaterial* tls);

// The API root of an endpoint: "https://host/v2/", or the hosts.toml URL
// as it is, with one "/" (override_path).
std::string ApiRootOf(const Endpoint& endpoint);

// A GET of `path` under the endpoint's API root ("library/x/manifests/1"),
// or of `path` itself when it is a URL; the endpoint's TLS and its hosts.toml
// headers.
http::Request NewEndpointRequest(const RegistryClientOptions& options, const Endpoint& endpoint, RequestKind kind,
                                 std::string_view path);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_REQUEST_BUILDER_H_
