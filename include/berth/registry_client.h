// RegistryClient: what users run against registries — log in, search,
// resolve an image to its digest and platforms, ping an endpoint — with the Docker Engine's
// semantics and messages, over kept-alive connections with tokens cached per
// registry, scope and credentials. One client serves many threads.
#ifndef BERTH_REGISTRY_CLIENT_H_
#define BERTH_REGISTRY_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "berth/challenge.h"
#include "berth/error.h"
#include "berth/registry_service.h"
#include "berth/remote_repository.h"
#include "berth/types.h"
#include "berth/version.h"

namespace berth {

struct RegistryClientOptions {
  // Ping, login and token requests (the Engine's 15 s).
  std::chrono::milliseconds auth_timeout{15000};
  // Manifest, blob, search and catalog requests.
  std::chrono::milliseconds request_timeout{30000};
  // 429 and 503 answers with Retry-After are retried this many times, each
  // wait the larger of Retry-After and an exponential backoff, at most
  // max_retry_wait (a longer Retry-After is not waited for).
  int max_retries = 3;
  std::chrono::milliseconds max_retry_wait{10000};
  // The largest answers read into memory; a larger one is an error
  // (`… exceeds N bytes`), read no further.
  std::size_t max_manifest_bytes = 4u << 20;  // manifests (distribution's own limit)
  std::size_t max_config_bytes = 8u << 20;    // image configuration blobs
  std::size_t max_auth_bytes = 1u << 20;      // pings, token answers, login checks
  std::size_t max_listing_bytes = 8u << 20;   // search results, one catalog page
  // A catalog search reads at most this many pages of 100 names.
  int max_catalog_pages = 1000;
  // Sent with every request (the Engine sends its own).
  std::string user_agent{kUserAgent};
};

// The rate limit a registry last reported (Docker Hub's RateLimit-Limit and
// RateLimit-Remaining headers, "100;w=21600"); -1 where not reported.
struct RegistryRateLimit {
  std::string registry;  // host[:port]
  std::int64_t limit = -1;
  std::int64_t remaining = -1;
  std::int64_t window_seconds = -1;
  std::string source;  // Docker-RateLimit-Source, if sent
  std::chrono::system_clock::time_point observed;
};

// Counters since the client was made.
struct RegistryClientStats {
  std::uint64_t registry_requests = 0;  // to registries and mirrors
  std::uint64_t token_requests = 0;     // to token servers
  std::uint64_t token_cache_hits = 0;
  std::uint64_t retries = 0;      // 429/503 answers waited out
  std::uint64_t connections = 0;  // new connections opened
};

// Search filters as the Engine's filters.Args: key → set of values.
using SearchFilters = std::map<std::string, std::set<std::string>>;

struct SearchRequest {
  std::string term;
  int limit = 0;  // 0: the Engine's default of 25; else 1..100
  SearchFilters filters;
  // Request headers named X-Meta-* that the Engine forwards.
  std::map<std::string, std::string> meta_headers;
};

enum class SearchMethod {
  kV1Search,   // GET /v1/search (Docker Hub and registries that have it)
  kV2Catalog,  // GET /v2/_catalog, names matched by berth
};
std::string_view SearchMethodName(SearchMethod method);  // "v1 search", "v2 catalog"

struct SearchOutcome {
  std::vector<SearchResult> results;
  SearchMethod method = SearchMethod::kV1Search;
  std::string endpoint;  // the URL that answered
};

// Credentials for a registry, chosen once its index is known (from a
// CredentialStore, say); an error stops the operation for that registry.
using AuthResolver = std::function<Result<AuthConfig>(const IndexInfo& index)>;

// What a v2 ping of an endpoint found.
struct PingResult {
  long status = 0;                    // the Engine accepts any status from a v2 ping
  std::string api_version;            // Docker-Distribution-API-Version, e.g. "registry/2.0"
  std::vector<Challenge> challenges;  // from a 401 only
};

// GET <endpoint>/v2/ (or <url>/ with override_path) without credentials,
// 15 s timeout, at most 1 MiB read, TLS and headers as the endpoint says;
// one connection, not kept. kSystem (`Get "URL": …`) when it cannot be
// reached. RegistryClient::Ping does the same over the client's pooled
// connections.
Result<PingResult> PingRegistry(const Endpoint& endpoint);

// The Engine's filters.FromJSON ({"k":{"v":true}} or {"k":["v"]}); "" is no
// filters. Error: kInvalidParameter "invalid filter".
Result<SearchFilters> ParseSearchFilters(std::string_view json);

class RegistryClient {
 public:
  // `service` must outlive the client; reloads of it apply to later calls.
  explicit RegistryClient(const RegistryService& service, RegistryClientOptions options = {});
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  // POST /auth: the Engine's Service.Auth. serveraddress picks the registry
  // (Docker Hub when empty); push endpoints in order, the next one on
  // errors other than unauthorized. IdentityToken is the refresh token the
  // token server issued (or the one given).
  Result<AuthenticateOKBody> Login(const AuthConfig& auth);

  // GET /images/search: filters checked, then v1 search; where the registry
  // has no v1 search, its v2 catalog.
  Result<SearchOutcome> Search(const SearchRequest& request, const AuthConfig& auth);
  // The same with credentials chosen per registry.
  Result<SearchOutcome> SearchWith(const SearchRequest& request, const AuthResolver& auth_for);

  // GET /distribution/{name}/json: the descriptor of the manifest `name`
  // points at (verified against its digest) and its platforms.
  Result<DistributionInspect> Inspect(std::string_view name, const AuthConfig& auth);
  Result<DistributionInspect> InspectWith(std::string_view name, const AuthResolver& auth_for);

  // Inspect for many names at once over shared connections, `concurrency`
  // at a time; results in the order of `names`.
  std::vector<Result<DistributionInspect>> InspectMany(const std::vector<std::string>& names, const AuthConfig& auth,
                                                       int concurrency = 8);
  std::vector<Result<DistributionInspect>> InspectManyWith(const std::vector<std::string>& names,
                                                           const AuthResolver& auth_for, int concurrency = 8);

  // A repository to move images from (kPull: mirrors, then the registry)
  // or to (kPush: the registry's push endpoints only). `name` as docker
  // names images ("busybox", "127.0.0.1:5000/team/app"); a tag or digest
  // in it is ignored; a null `auth_for` is anonymous. The repository must
  // not outlive the client. Errors:
  // the name's (kInvalidParameter), "'scratch' is a reserved name"
  // (kForbidden), the resolver's.
  Result<std::unique_ptr<RemoteRepository>> OpenRepository(std::string_view name, RepositoryAccess access,
                                                           const AuthResolver& auth_for);

  // Every repository the registry's /v2/_catalog lists (`registry` as the
  // Engine names it: "127.0.0.1:5000", "registry.example.com"), on its
  // push endpoints, every page. The registry's errors ("unauthorized: …"
  // without catalog access); kSystem when it cannot be reached.
  Result<std::vector<std::string>> Catalog(std::string_view registry, const AuthResolver& auth_for);

  // PingRegistry over this client's connections; a 401's challenges are
  // remembered for later requests to the endpoint.
  Result<PingResult> Ping(const Endpoint& endpoint);

  std::vector<RegistryRateLimit> RateLimits() const;
  RegistryClientStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth

#endif  // BERTH_REGISTRY_CLIENT_H_
