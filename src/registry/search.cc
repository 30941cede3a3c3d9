// GET /images/search: the Engine's v1 search (endpoint from the index,
// /v1/_ping, /v1/search?q=&n=), and beyond the Engine, a registry's
// /v2/_catalog where it has no v1 search (the CNCF registry, Harbor…).
#include <algorithm>
#include <cctype>
#include <optional>

#include "berth/json.h"
#include "internal/ascii.h"
#include "internal/go_url.h"
#include "registry/documents.h"
#include "registry/endpoint_fallback.h"
#include "registry/operations.h"
#include "registry/registry_errors.h"
#include "registry/search_filters.h"

namespace berth::registry {
namespace {

constexpr int kDefaultLimit = 25;  // the Engine's

struct V1Endpoint {
  std::string url;  // ".../v1/"
  bool standalone = false;
  bool secure = true;
};

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// The Engine's v1 endpoint address for an index.
Result<std::string> V1Address(const IndexInfo& index) {
  std::string address = index.official ? std::string(kIndexServer) : index.name;
  if (!StartsWith(address, "http://") && !StartsWith(address, "https://")) address = "https://" + address;
  std::string trimmed = address;
  if (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
  if (trimmed.size() >= 3 && trimmed.compare(trimmed.size() - 3, 3, "/v2") == 0) {
    return Error(ErrorKind::kInvalidParameter, "search is not supported on v2 endpoints: " + address);
  }
  if (trimmed.size() >= 3 && trimmed.compare(trimmed.size() - 3, 3, "/v1") == 0) trimmed.resize(trimmed.size() - 3);
  Result<detail::GoUrl> url = detail::ParseGoUrl(trimmed);
  if (!url) return Error(ErrorKind::kInvalidParameter, url.error().message());
  return url->String() + "/v1/";
}

std::string WithScheme(const std::string& url, std::string_view scheme) {
  return std::string(scheme) + url.substr(url.find("://"));
}

// GET <endpoint>_ping: only a transport failure counts.
Result<http::Response> PingV1(EndpointClient& endpoint, const std::string& v1_url) {
  return endpoint.SendWith(endpoint.NewRequest(RequestKind::kAuth, v1_url + "_ping"), "");
}

bool Standalone(const http::Response& ping) {
  std::string header = ping.Header("x-docker-registry-standalone");
  if (ping.headers.count("x-docker-registry-standalone"))
    return header == "1" || detail::EqualsIgnoreAsciiCase(header, "true");
  V1PingDocument doc;
  (void)DecodeDocument(ping.body, doc);  // errors ignored: the default is true
  return doc.standalone;
}

Endpoint EndpointFor(const std::string& url, const IndexInfo& index, const SharedState& state) {
  Endpoint e;
  e.url = url;
  e.host = index.name;
  e.tls_verify = index.secure;
  if (index.secure) e.tls = state.TlsFor(index.name);
  return e;
}

// Where the index answers v1 requests: https, or plain http for an
// insecure one, as the Engine's NewV1Endpoint decides.
Result<V1Endpoint> FindV1Endpoint(const IndexInfo& index, SharedState& state) {
  Result<std::string> address = V1Address(index);
  if (!address) return address.error();
  V1Endpoint out;
  out.secure = index.secure;
  if (index.official) {
    out.url = *address;
    return out;
  }
  std::string https = WithScheme(*address, "https");
  EndpointClient https_endpoint(state, EndpointFor(https, index, state), {});
  Result<http::Response> ping = PingV1(https_endpoint, https);
  std::string host = HostOf(https);
  if (ping) {
    state.NoteSpeaksTls(host);
    out.url = https;
    out.standalone = Standalone(*ping);
    return out;
  }
  // A host that has answered over TLS is not asked over plain http, even
  // when its https endpoint is down for now (docs/compatibility.md A16).
  if (!index.secure && state.SpeaksTls(host)) {
    return Error(ErrorKind::kInvalidParameter, "invalid registry endpoint " + https + ": " + ping.error().message() +
                                                   " (" + host + " answered over TLS before: no plain http for it)");
  }
  if (index.secure) {
    return Error(ErrorKind::kInvalidParameter,
                 "invalid registry endpoint " + https + ": " + ping.error().message() +
                     ". If this private registry supports only HTTP or HTTPS with an unknown CA certificate, "
                     "please add `--insecure-registry " +
                     host +
                     "` to the daemon's arguments. In the case of "
                     "HTTPS, if you have access to the registry's CA certificate, no need for the flag; simply "
                     "place the CA certificate at /etc/docker/certs.d/" +
                     host + "/ca.crt");
  }
  std::string plain = WithScheme(*address, "http");
  EndpointClient plain_endpoint(state, EndpointFor(plain, index, state), {});
  Result<http::Response> plain_ping = PingV1(plain_endpoint, plain);
  if (!plain_ping) {
    return Error(ErrorKind::kInvalidParameter, "invalid registry endpoint \"" + https +
                                                   "\". HTTPS attempt: " + ping.error().message() +
                                                   ". HTTP attempt: " + plain_ping.error().message());
  }
  out.url = plain;
  out.standalone = Standalone(*plain_ping);
  return out;
}

// Beyond the Engine: repository names from /v2/_catalog that contain the
// term (case-insensitively), as pullable names "HOST/REPO".
Result<SearchOutcome> SearchCatalog(const RegistryService& service, SharedState& state, const IndexInfo& index,
                                    const std::string& remote, int limit, const CheckedFilters& filters,
                                    const AuthConfig& auth) {
  Result<std::vector<Endpoint>> endpoints = service.PushEndpoints(index.name);
  if (!endpoints) return endpoints.error();
  const std::string needle = detail::AsciiLower(remote);
  std::optional<Error> last;
  EndpointFallback fallback(state);
  for (Endpoint& endpoint : *endpoints) {
    EndpointClient client(state, std::move(endpoint), CredentialsFrom(auth));
    if (fallback.Skip(client, /*more=*/false)) continue;
    SearchOutcome outcome;
    outcome.method = SearchMethod::kV2Catalog;
    outcome.endpoint = client.api_root() + "_catalog";
    Status walked = WalkCatalog(client, state.options().max_catalog_pages, [&](const std::string& repository) {
      if (detail::AsciiLower(repository).find(needle) == std::string::npos) return true;
      SearchResult result;
      result.name = index.name + "/" + repository;
      if (!PassesFilters(filters, result)) return true;
      outcome.results.push_back(std::move(result));
      return static_cast<int>(outcome.results.size()) < limit;
    });
    fallback.Note(client);
    if (walked.ok()) return outcome;
    last = walked.error();
    if (last->kind() != ErrorKind::kSystem) break;  // an answer, not an unreachable endpoint
  }
  return *last;
}

}  // namespace

Result<SearchOutcome> Search(const RegistryService& service, SharedState& state, const SearchRequest& request,
                             const AuthResolver& auth_for) {
  Result<CheckedFilters> filters = CheckSearchFilters(request.filters);
  if (!filters) return filters.error();
  // The Engine checks the limit only after pinging a private registry;
  // berth before any request (docs/compatibility.md).
  const int limit = request.limit == 0 ? kDefaultLimit : request.limit;
  if (limit < 1 || limit > 100) {
    return Error(ErrorKind::kInvalidParameter,
                 "limit " + std::to_string(request.limit) + " is outside the range of [1, 100]");
  }
  if (request.term.find("://") != std::string::npos) {
    return Error(ErrorKind::kInvalidParameter,
                 "invalid repository name: repository name (" + request.term + ") should not have a scheme");
  }
  auto [index_name, remote] = SplitSearchTerm(request.term);
  Result<IndexInfo> index = service.ResolveIndex(index_name);
  if (!index) return Error(ErrorKind::kInvalidParameter, index.error().message());
  if (index->official && StartsWith(remote, "library/")) remote = remote.substr(8);
  Result<AuthConfig> resolved = auth_for(*index);
  if (!resolved) return resolved.error();
  const AuthConfig& auth = *resolved;

  Result<V1Endpoint> v1 = FindV1Endpoint(*index, state);
  if (!v1) return v1.error();
  Credentials credentials = CredentialsFrom(auth);
  Endpoint endpoint = EndpointFor(v1->url, *index, state);
  const std::string search_url = v1->url + "search?q=" + detail::QueryEscape(remote) + "&n=" + std::to_string(limit);
  // The search request, on whichever endpoint client sends it.
  auto search_request = [&](const EndpointClient& client) {
    http::Request search = client.NewRequest(RequestKind::kListing, search_url);
    search.headers.emplace_back("X-Docker-Token", "true");
    for (const auto& [name, value] : request.meta_headers) search.headers.emplace_back(name, value);
    return search;
  };

  Result<http::Response> response = Error(ErrorKind::kSystem, "");
  if (!credentials.identity_token.empty() && !credentials.username.empty()) {
    // The Engine's "v2 auth" client: challenges from <host>/v2/, a token
    // for registry:catalog:search.
    std::string base = v1->url.substr(0, v1->url.size() - 4);  // without "/v1/"
    Endpoint v2 = endpoint;
    v2.url = base;
    EndpointClient client(state, std::move(v2), credentials);
    Result<http::Response> ping = client.Ping();
    if (!ping) return ping.error();
    response = client.Fetch(search_request(client), {"registry:catalog:search"});
  } else {
    EndpointClient client(state, std::move(endpoint), credentials);
    // Basic credentials: to a standalone https registry (the Engine sends
    // them even when empty; berth only when there are some), or with
    // X-Docker-Token to the index.
    std::string authorization;
    const bool https = StartsWith(v1->url, "https://");
    if (!index->official && https && v1->standalone) {
      if (!credentials.username.empty() || !credentials.password.empty())
        authorization = BasicAuthorization(credentials);
    } else if (!credentials.username.empty()) {
      authorization = BasicAuthorization(credentials);
    }
    response = client.SendWith(search_request(client), authorization);
  }
  if (!response) return response.error();
  if (response->status != 200) {
    // Beyond the Engine: a registry without v1 search is searched through
    // its catalog.
    if (!index->official && (response->status == 404 || response->status == 405)) {
      return SearchCatalog(service, state, *index, remote, limit, *filters, auth);
    }
    return Error(ErrorKind::kSystem, "Unexpected status code " + std::to_string(response->status));
  }
  SearchResults results;
  if (Status decoded = DecodeFirstValue(response->body, results); !decoded.ok()) {
    return Error(ErrorKind::kSystem, "error decoding registry search results: " + decoded.message());
  }
  SearchOutcome outcome;
  outcome.method = SearchMethod::kV1Search;
  outcome.endpoint = v1->url + "search";
  for (SearchResult& r : results.results) {
    if (PassesFilters(*filters, r)) outcome.results.push_back(std::move(r));
  }
  return outcome;
}

}  // namespace berth::registry
