// RegistryClient: the public face of the registry operations, one shared
// state (connections, retries, challenges, tokens, rate limits) for all of
// them.
#include "berth/registry_client.h"

#include "berth/reference.h"
#include "internal/parallel.h"
#include "registry/operations.h"
#include "registry/registry_repository.h"
#include "registry/shared_state.h"

namespace berth {

std::string_view SearchMethodName(SearchMethod method) {
  return method == SearchMethod::kV1Search ? "v1 search" : "v2 catalog";
}

struct RegistryClient::Impl {
  Impl(const RegistryService& s, RegistryClientOptions options)
      : service(s),
        state(
            std::move(options),
            [this](const std::string& host) {
              Result<TlsMaterial> tls = service.TlsForHost(host);
              return tls ? std::move(*tls) : TlsMaterial{};
            },
            [this](const std::string& host) { return !service.IsSecureIndex(host); }) {}

  const RegistryService& service;
  registry::SharedState state;
};

RegistryClient::RegistryClient(const RegistryService& service, RegistryClientOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

RegistryClient::~RegistryClient() = default;

Result<AuthenticateOKBody> RegistryClient::Login(const AuthConfig& auth) {
  return registry::Login(impl_->service, impl_->state, auth);
}

namespace {

// The same credentials whatever the registry (the Engine's X-Registry-Auth).
AuthResolver Always(const AuthConfig& auth) {
  return [&auth](const IndexInfo&) -> Result<AuthConfig> { return auth; };
}

}  // namespace

Result<SearchOutcome> RegistryClient::Search(const SearchRequest& request, const AuthConfig& auth) {
  return SearchWith(request, Always(auth));
}

Result<SearchOutcome> RegistryClient::SearchWith(const SearchRequest& request, const AuthResolver& auth_for) {
  return registry::Search(impl_->service, impl_->state, request, auth_for);
}

Result<DistributionInspect> RegistryClient::Inspect(std::string_view name, const AuthConfig& auth) {
  return InspectWith(name, Always(auth));
}

Result<DistributionInspect> RegistryClient::InspectWith(std::string_view name, const AuthResolver& auth_for) {
  return registry::Inspect(impl_->service, impl_->state, name, auth_for);
}

std::vector<Result<DistributionInspect>> RegistryClient::InspectMany(const std::vector<std::string>& names,
                                                                     const AuthConfig& auth, int concurrency) {
  return InspectManyWith(names, Always(auth), concurrency);
}

std::vector<Result<DistributionInspect>> RegistryClient::InspectManyWith(const std::vector<std::string>& names,
                                                                         const AuthResolver& auth, int concurrency) {
  std::vector<Result<DistributionInspect>> results(names.size(), Error(ErrorKind::kSystem, "not inspected"));
  if (names.empty()) return results;
  // Workers that need the same token wait on one fetch of it (the
  // authorizer's single flight).
  detail::ForEachIndex(names.size(), concurrency, [&](std::size_t i) { results[i] = InspectWith(names[i], auth); });
  return results;
}

Result<std::unique_ptr<RemoteRepository>> RegistryClient::OpenRepository(std::string_view name, RepositoryAccess access,
                                                                         const AuthResolver& auth_for) {
  Result<Reference> ref = ParseNormalizedNamed(name);
  if (!ref) return ref.error();
  Result<RepositoryInfo> repo = impl_->service.ResolveRepository(*ref);
  if (!repo) return repo.error();
  if (repo->name.FamiliarName() == "scratch") return Error(ErrorKind::kForbidden, "'scratch' is a reserved name");
  Result<AuthConfig> auth = auth_for ? auth_for(repo->index) : Result<AuthConfig>(AuthConfig{});
  if (!auth) return auth.error();
  Result<std::vector<Endpoint>> endpoints = access == RepositoryAccess::kPush
                                                ? impl_->service.PushEndpoints(repo->index.name)
                                                : impl_->service.PullEndpoints(repo->index.name);
  if (!endpoints) return endpoints.error();
  return std::unique_ptr<RemoteRepository>(
      std::make_unique<registry::RegistryRepository>(impl_->state, repo->name.path(), repo->index.name,
                                                     std::move(*endpoints), registry::CredentialsFrom(*auth), access));
}

Result<std::vector<std::string>> RegistryClient::Catalog(std::string_view registry, const AuthResolver& auth_for) {
  return registry::Catalog(impl_->service, impl_->state, registry, auth_for);
}

Result<PingResult> RegistryClient::Ping(const Endpoint& endpoint) {
  return registry::Ping(impl_->state, endpoint);
}

std::vector<RegistryRateLimit> RegistryClient::RateLimits() const {
  return impl_->state.RateLimits();
}

RegistryClientStats RegistryClient::Stats() const {
  return impl_->state.Stats();
}

}  // namespace berth
