// The registry operations behind RegistryClient, one file each (ping.cc,
// login.cc, inspect.cc, search.cc), all reaching endpoints through
// EndpointClients on one SharedState.
#ifndef BERTH_SRC_REGISTRY_OPERATIONS_H_
#define BERTH_SRC_REGISTRY_OPERATIONS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "registry/endpoint_client.h"
#include "registry/shared_state.h"

namespace berth::registry {

Result<PingResult> Ping(SharedState& state, const Endpoint& endpoint);

Result<AuthenticateOKBody> Login(const RegistryService& service, SharedState& state, const AuthConfig& auth);

Result<DistributionInspect> Inspect(const RegistryService& service, SharedState& state, std::string_view name,
                                    const AuthResolver& auth_for);

Result<SearchOutcome> Search(const RegistryService& service, SharedState& state, const SearchRequest& request,
                             const AuthResolver& auth_for);

// Every repository name /v2/_catalog lists, on the registry's push
// endpoints (never a mirror), following Link pagination up to
// max_catalog_pages pages.
Result<std::vector<std::string>> Catalog(const RegistryService& service, SharedState& state,
                                         std::string_view registry, const AuthResolver& auth_for);

// The catalog pages `client` serves, each name to `each` (false stops).
Status WalkCatalog(EndpointClient& client, int max_pages, const std::function<bool(const std::string&)>& each);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_OPERATIONS_H_
