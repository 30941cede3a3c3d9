// The endpoints a repository is reached at, and the small requests that
// need no file of their own: a blob's HEAD and a cross-repository mount.
#include "registry/registry_repository.h"

#include <optional>

#include "registry/digest.h"
#include "registry/endpoint_fallback.h"
#include "registry/registry_errors.h"
#include "registry/urls.h"

namespace berth::registry {

RegistryRepository::RegistryRepository(SharedState& state, std::string path, std::string registry,
                                       std::vector<Endpoint> endpoints, Credentials credentials,
                                       RepositoryAccess access)
    : state_(state),
      path_(std::move(path)),
      registry_(std::move(registry)),
      endpoints_(std::move(endpoints)),
      credentials_(std::move(credentials)),
      scopes_{"repository:" + path_ + (access == RepositoryAccess::kPush ? ":pull,push" : ":pull")} {}

Status RegistryRepository::OnEndpoints(const std::function<Status(EndpointClient&)>& op) {
  if (endpoints_.empty()) return Error(ErrorKind::kSystem, "no endpoints for " + registry_);
  EndpointFallback fallback(state_);
  std::optional<Error> last;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    const Endpoint& endpoint = endpoints_[i];
    // Mirrors never see the registry's credentials.
    EndpointClient client(state_, endpoint, endpoint.mirror ? Credentials{} : credentials_);
    client.set_cancelled(cancelled_);
    if (fallback.Skip(client, i + 1 < endpoints_.size())) continue;
    Status done = op(client);
    fallback.Note(client);
    if (done.ok()) return done;
    last = done.error();
    // An endpoint's own answer stands (a 404 from the registry is the
    // registry's word); a mirror that lacks something, or an endpoint that
    // could not be reached, hands over to the next.
    if (!client.unreachable() && !endpoint.mirror) break;
  }
  if (!last) return Error(ErrorKind::kSystem, "no endpoint answered for " + registry_);
  return *last;
}

Result<std::optional<std::int64_t>> RegistryRepository::BlobSize(std::string_view digest) {
  if (!IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + std::string(digest));
  std::optional<std::int64_t> size;
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request request = client.NewRequest(RequestKind::kAuth, path_ + "/blobs/" + std::string(digest));
    request.method = "HEAD";
    request.timeout = state_.options().request_timeout;
    Result<http::Response> response = client.Fetch(std::move(request), scopes_);
    if (!response) return response.error();
    if (response->status == 404) {
      size.reset();
      return {};
    }
    if (response->status != 200) return ErrorFromResponse(*response);
    const std::string length = response->Header("content-length");
    size = length.empty() ? -1 : std::stoll(length);
    return {};
  });
  if (!done.ok()) return done.error();
  return size;
}

Result<bool> RegistryRepository::MountBlob(std::string_view digest, std::string_view from_repository) {
  if (!IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + std::string(digest));
  bool mounted = false;
  std::vector<std::string> scopes = scopes_;
  scopes.push_back("repository:" + std::string(from_repository) + ":pull");
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request request =
        client.NewRequest(RequestKind::kAuth, path_ + "/blobs/uploads/?mount=" + QueryEscapeDigest(digest) +
                                                  "&from=" + std::string(from_repository));
    request.method = "POST";
    request.timeout = state_.options().request_timeout;
    Result<http::Response> response = client.Fetch(request, scopes);
    if (!response) return response.error();
    if (response->status == 201) {
      mounted = true;
      return {};
    }
    if (response->status != 202) return ErrorFromResponse(*response);
    // An upload was started instead: cancel it (best effort; it expires
    // anyway).
    std::string location = response->Header("location");
    if (!location.empty()) {
      http::Request cancel = client.NewRequest(RequestKind::kAuth, ResolveLocation(request.url, location));
      cancel.method = "DELETE";
      (void)client.Fetch(std::move(cancel), scopes_);
    }
    return {};
  });
  if (!done.ok()) return done.error();
  return mounted;
}

}  // namespace berth::registry
