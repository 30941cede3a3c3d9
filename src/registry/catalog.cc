// GET /v2/_catalog: a registry's repository names, page by page (Link:
// rel="next"), for the catalog search and for berthd's registry image store.
#include <optional>

#include "registry/documents.h"
#include "registry/endpoint_fallback.h"
#include "registry/operations.h"
#include "registry/registry_errors.h"
#include "registry/registry_repository.h"

namespace berth::registry {

namespace {
constexpr int kCatalogPageSize = 100;
}  // namespace

Status WalkCatalog(EndpointClient& client, int max_pages, const std::function<bool(const std::string&)>& each) {
  std::string url = client.api_root() + "_catalog?n=" + std::to_string(kCatalogPageSize);
  for (int page = 0; !url.empty(); ++page) {
    if (page >= max_pages) return Error(ErrorKind::kSystem, "more than " + std::to_string(page) + " catalog pages");
    Result<http::Response> response =
        client.Fetch(client.NewRequest(RequestKind::kListing, url), {"registry:catalog:*"});
    if (!response) return response.error();
    if (response->status != 200) return ErrorFromResponse(*response);
    CatalogDocument catalog;
    if (Status decoded = DecodeDocument(response->body, catalog); !decoded.ok()) {
      return Error(ErrorKind::kSystem, "error decoding registry catalog: " + decoded.message());
    }
    for (const std::string& repository : catalog.repositories)
      if (!each(repository)) return {};
    url = NextLink(url, response->HeaderValues("link"));
  }
  return {};
}

Result<std::vector<std::string>> Catalog(const RegistryService& service, SharedState& state, std::string_view registry,
                                         const AuthResolver& auth_for) {
  Result<IndexInfo> index = service.ResolveIndex(registry);
  if (!index) return index.error();
  Result<AuthConfig> auth = auth_for ? auth_for(*index) : Result<AuthConfig>(AuthConfig{});
  if (!auth) return auth.error();
  Result<std::vector<Endpoint>> endpoints = service.PushEndpoints(index->name);
  if (!endpoints) return endpoints.error();
  std::optional<Error> last;
  EndpointFallback fallback(state);
  for (Endpoint& endpoint : *endpoints) {
    EndpointClient client(state, std::move(endpoint), CredentialsFrom(*auth));
    if (fallback.Skip(client, /*more=*/false)) continue;
    std::vector<std::string> names;
    Status walked = WalkCatalog(client, state.options().max_catalog_pages, [&](const std::string& repository) {
      names.push_back(repository);
      return true;
    });
    fallback.Note(client);
    if (walked.ok()) return names;
    last = walked.error();
    if (last->kind() != ErrorKind::kSystem) break;  // an answer, not an unreachable endpoint
  }
  if (!last) return Error(ErrorKind::kSystem, "no endpoint of " + index->name + " to list repositories at");
  return *last;
}

}  // namespace berth::registry
