// POST /auth, GET /images/search, GET /distribution/{name}/json: the
// registry client behind the Engine's request parsing and error mapping.
#include <cctype>

#include "berth/auth_header.h"
#include "berth/json.h"
#include "berth/reference.h"
#include "engine/routes.h"
#include "json/writer.h"
#include "registry/search_filters.h"

namespace berth::engine {
namespace {

// Go's http.CanonicalHeaderKey: "x-meta-foo" → "X-Meta-Foo".
std::string Canonical(std::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

// X-Registry-Auth as the search and distribution routes read it: errors
// ignored, an empty AuthConfig then (spec README #4).
AuthConfig HeaderAuth(const EngineRequest& request) {
  return DecodeAuthConfig(request.Header("x-registry-auth")).config;
}

}  // namespace

EngineResponse AuthRoute(const Context& c, const EngineRequest& request) {
  AuthConfig auth;
  if (Status decoded = DecodeFirstValue(request.body, auth); !decoded.ok()) {
    // The Engine leaves body errors unclassified: 500 (spec README #5).
    return ErrorResponse(Error(ErrorKind::kSystem, decoded.message()), c.api_version);
  }
  std::size_t start = request.body.find_first_not_of(" \t\r\n");
  if (start != std::string::npos && request.body.compare(start, 4, "null") == 0) {
    // The Engine dereferences the missing config and drops the connection.
    return ErrorResponse(Error(ErrorKind::kInvalidParameter, "no auth configuration in the request body (null)"),
                         c.api_version);
  }
  Result<AuthenticateOKBody> ok = c.client.Login(auth);
  if (!ok) return ErrorResponse(ok.error(), c.api_version);
  return JsonResponse(200, Marshal(*ok, MarshalOptions{.escape_html = false}));
}

EngineResponse SearchRoute(const Context& c, const EngineRequest& request, const detail::QueryValues& query) {
  SearchRequest search;
  search.term = QueryValue(query, "term");
  if (std::string limit = QueryValue(query, "limit"); !limit.empty()) {
    Result<std::int64_t> n = registry::GoAtoi(limit);
    if (!n)
      return ErrorResponse(Error(ErrorKind::kInvalidParameter, "invalid limit specified: " + n.error().message()),
                           c.api_version);
    // Negative limits: the Engine answers 200 with no body; berth says why
    // (docs/compatibility.md A3).
    if (*n != 0 && (*n < 1 || *n > 100)) {
      return ErrorResponse(
          Error(ErrorKind::kInvalidParameter, "limit " + std::to_string(*n) + " is outside the range of [1, 100]"),
          c.api_version);
    }
    search.limit = static_cast<int>(*n);
  }
  Result<SearchFilters> filters = ParseSearchFilters(QueryValue(query, "filters"));
  if (!filters) return ErrorResponse(filters.error(), c.api_version);
  search.filters = std::move(*filters);
  for (const auto& [name, value] : request.headers) {
    std::string canonical = Canonical(name);
    if (canonical.rfind("X-Meta-", 0) == 0) search.meta_headers[canonical] = value;
  }
  Result<SearchOutcome> outcome = c.client.Search(search, HeaderAuth(request));
  if (!outcome) return ErrorResponse(outcome.error(), c.api_version);
  std::string out = "[";
  for (std::size_t i = 0; i < outcome->results.size(); ++i) {
    if (i > 0) out += ',';
    MarshalTo(out, outcome->results[i], MarshalOptions{.escape_html = false});
  }
  out += ']';
  return JsonResponse(200, std::move(out));
}

std::optional<EngineResponse> CachedDistribution(const Context& c, const EngineRequest& request,
                                                 const std::string& name) {
  if (!c.cache.enabled()) return std::nullopt;
  std::optional<std::string> cached = c.cache.Get(InspectCache::Key(name, HeaderAuth(request)));
  if (!cached) return std::nullopt;
  EngineResponse r;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(*cached);
  return r;
}

EngineResponse DistributionRoute(const Context& c, const EngineRequest& request, const std::string& name) {
  if (std::optional<EngineResponse> cached = CachedDistribution(c, request, name)) return std::move(*cached);
  AuthConfig auth = HeaderAuth(request);
  const std::string key = InspectCache::Key(name, auth);
  Result<DistributionInspect> inspected = c.client.Inspect(name, auth);
  if (!inspected) return ErrorResponse(inspected.error(), c.api_version);
  EngineResponse r = JsonResponse(200, Marshal(*inspected, MarshalOptions{.escape_html = false}));
  Result<Reference> ref = ParseAnyReference(name);
  c.cache.Put(key, r.body, ref && ref->has_digest());
  return r;
}

}  // namespace berth::engine
