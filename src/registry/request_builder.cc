#include "registry/request_builder.h"

namespace berth::registry {

http::Request NewRequest(const RegistryClientOptions& options, RequestKind kind, std::string url,
                         const TlsMaterial* tls) {
  http::Request request;
  request.url = std::move(url);
  request.tls = tls;
  request.user_agent = options.user_agent;
  switch (kind) {
    case RequestKind::kAuth:
      request.timeout = options.auth_timeout;
      request.max_body = options.max_auth_bytes;
      break;
    case RequestKind::kManifest:
      request.timeout = options.request_timeout;
      request.max_body = options.max_manifest_bytes;
      break;
    case RequestKind::kConfigBlob:
      request.timeout = options.request_timeout;
      request.max_body = options.max_config_bytes;
      break;
    case RequestKind::kListing:
      request.timeout = options.request_timeout;
      request.max_body = options.max_listing_bytes;
      break;
  }
  return request;
}

std::string ApiRootOf(const Endpoint& endpoint) {
  std::string base = endpoint.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return endpoint.override_path ? base + "/" : base + "/v2/";
}

http::Request NewEndpointRequest(const RegistryClientOptions& options, const Endpoint& endpoint, RequestKind kind,
                                 std::string_view path) {
  std::string url = path.find("://") != std::string_view::npos ? std::string(path) : ApiRootOf(endpoint) + std::string(path);
  http::Request request = NewRequest(options, kind, std::move(url), &endpoint.tls);
  for (const auto& [name, values] : endpoint.headers)
    for (const std::string& v : values) request.headers.emplace_back(name, v);
  return request;
}

}  // namespace berth::registry
