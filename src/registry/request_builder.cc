#include "registry/request_builder.h"

namespace berth::registry {

namespace {

// Each kind's timeout and size limit in the options, in RequestKind's order.
struct KindLimits {
  std::chrono::milliseconds RegistryClientOptions::*timeout;
  std::size_t RegistryClientOptions::*max_bytes;
};
constexpr KindLimits kLimits[] = {
    {&RegistryClientOptions::auth_timeout, &RegistryClientOptions::max_auth_bytes},         // kAuth
    {&RegistryClientOptions::request_timeout, &RegistryClientOptions::max_manifest_bytes},  // kManifest
    {&RegistryClientOptions::request_timeout, &RegistryClientOptions::max_config_bytes},    // kConfigBlob
    {&RegistryClientOptions::request_timeout, &RegistryClientOptions::max_listing_bytes},   // kListing
    {&RegistryClientOptions::request_timeout, &RegistryClientOptions::max_auth_bytes},      // kBlob
};

}  // namespace

http::Request NewRequest(const RegistryClientOptions& options, RequestKind kind, std::string url,
                         const TlsMaterial* tls) {
  const KindLimits& limits = kLimits[static_cast<std::size_t>(kind)];
  http::Request request;
  request.url = std::move(url);
  request.tls = tls;
  request.user_agent = options.user_agent;
  request.timeout = options.*limits.timeout;
  request.max_body = options.*limits.max_bytes;
  if (kind == RequestKind::kBlob) request.stall_timeout = request.timeout;
  return request;
}

std::string ApiRootOf(const Endpoint& endpoint) {
  std::string base = endpoint.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return endpoint.override_path ? base + "/" : base + "/v2/";
}

http::Request NewEndpointRequest(const RegistryClientOptions& options, const Endpoint& endpoint, RequestKind kind,
                                 std::string_view path) {
  std::string url =
      path.find("://") != std::string_view::npos ? std::string(path) : ApiRootOf(endpoint) + std::string(path);
  http::Request request = NewRequest(options, kind, std::move(url), &endpoint.tls);
  for (const auto& [name, values] : endpoint.headers)
    for (const std::string& v : values) request.headers.emplace_back(name, v);
  return request;
}

}  // namespace berth::registry
