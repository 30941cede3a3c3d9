// EngineApi: routing and dockerd's version middleware in front of the
// route handlers; per-route metrics.
#include <array>
#include <atomic>
#include <map>
#include <mutex>

#include "berth/engine_api.h"
#include "engine/routes.h"

namespace berth {

using detail::CompareApiVersions;
using engine::Context;
using engine::ErrorResponse;
using engine::JsonResponse;

std::string EngineRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

struct EngineApi::Impl {
  Impl(const RegistryService& s, EngineOptions o)
      : service(s), options(std::move(o)), client(s, options.client),
        cache(options.inspect_cache_ttl, options.inspect_cache_entries),
        server_header("berthd/" + options.version + " (linux)") {}

  const RegistryService& service;
  EngineOptions options;
  RegistryClient client;
  engine::InspectCache cache;
  const std::string server_header;

  mutable std::mutex mu;
  std::map<std::pair<std::string, int>, std::uint64_t> requests;  // (route, status) → count

  // With may_block false, nullopt where answering would need a registry.
  std::optional<EngineResponse> Route(const EngineRequest& request, bool may_block);
  std::string MetricsText() const;
  void Count(const EngineResponse& response);

  // Requests per route answered 200, without a lock; other statuses below.
  static constexpr std::size_t kRouteCount = 9;
  std::array<std::atomic<std::uint64_t>, kRouteCount> ok_requests{};
};

namespace {

constexpr std::array<std::string_view, 9> kRouteNames{
    "/_ping", "/version", "/info", "/auth", "/images/search", "/distribution/{name}/json", "/metrics", "unknown",
    "OPTIONS"};

std::size_t RouteIndex(std::string_view route) {
  for (std::size_t i = 0; i < kRouteNames.size(); ++i)
    if (kRouteNames[i] == route) return i;
  return 7;
}

}  // namespace

void EngineApi::Impl::Count(const EngineResponse& response) {
  if (response.status == 200) {
    ++ok_requests[RouteIndex(response.route)];
    return;
  }
  std::lock_guard lock(mu);
  ++requests[{response.route, response.status}];
}

namespace {

EngineResponse PageNotFound() {
  EngineResponse r = JsonResponse(404, "{\"message\":\"page not found\"}");
  r.route = "unknown";
  return r;
}

// "/v1.44/rest" → ("1.44", "/rest"); no prefix → ("", path).
std::pair<std::string_view, std::string_view> SplitVersion(std::string_view path) {
  if (path.size() > 2 && path[0] == '/' && path[1] == 'v') {
    std::size_t end = 2;
    while (end < path.size() && ((path[end] >= '0' && path[end] <= '9') || path[end] == '.')) ++end;
    if (end > 2 && end < path.size() && path[end] == '/') return {path.substr(2, end - 2), path.substr(end)};
  }
  return {"", path};
}

}  // namespace

std::optional<EngineResponse> EngineApi::Impl::Route(const EngineRequest& request, bool may_block) {
  if (request.method == "OPTIONS") {
    EngineResponse r;
    r.route = "OPTIONS";
    return r;
  }
  std::string_view target = request.target;
  std::string_view raw_path = target.substr(0, target.find('?'));
  std::string_view raw_query = target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
  // Most paths have nothing escaped: no copy for them.
  Result<std::string> unescaped = raw_path.find('%') == std::string_view::npos
                                      ? Result<std::string>(std::string())
                                      : detail::PathUnescape(raw_path);
  if (!unescaped) return ErrorResponse(unescaped.error(), kEngineApiVersion);
  auto [version, rest] = SplitVersion(raw_path.find('%') == std::string_view::npos ? raw_path : *unescaped);

  // Which route, before any middleware: unknown ones are dockerd's 404.
  enum class Which { kPing, kVersion, kInfo, kAuth, kSearch, kDistribution, kMetrics, kNone } which = Which::kNone;
  std::string_view name;
  const std::string& m = request.method;
  if (rest == "/_ping" && (m == "GET" || m == "HEAD")) {
    which = Which::kPing;
  } else if (rest == "/version" && m == "GET") {
    which = Which::kVersion;
  } else if (rest == "/info" && m == "GET") {
    which = Which::kInfo;
  } else if (rest == "/auth" && m == "POST") {
    which = Which::kAuth;
  } else if (rest == "/images/search" && m == "GET") {
    which = Which::kSearch;
  } else if (rest == "/metrics" && m == "GET" && version.empty()) {
    which = Which::kMetrics;
  } else if (m == "GET" && rest.rfind("/distribution/", 0) == 0 && rest.size() > 19 &&
             rest.compare(rest.size() - 5, 5, "/json") == 0) {
    which = Which::kDistribution;
    name = rest.substr(14, rest.size() - 19);
  }
  if (which == Which::kNone) return PageNotFound();
  if (which == Which::kMetrics) {
    EngineResponse r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = MetricsText();
    r.route = "/metrics";
    return r;
  }

  // dockerd's version middleware: its headers first, then the check.
  const std::string_view api_version = version.empty() ? kEngineApiVersion : version;
  EngineResponse response;
  bool version_ok = false;
  if (api_version == kEngineApiVersion) {
    version_ok = true;  // the usual case: no comparisons
  } else if (CompareApiVersions(api_version, kEngineMinApiVersion) < 0) {
    response = ErrorResponse(Error(ErrorKind::kInvalidParameter,
                                   "client version " + std::string(api_version) + " is too old. Minimum supported API version is " +
                                       std::string(kEngineMinApiVersion) +
                                       ", please upgrade your client to a newer version"),
                             version);
  } else if (CompareApiVersions(api_version, kEngineApiVersion) > 0) {
    response = ErrorResponse(Error(ErrorKind::kInvalidParameter, "client version " + std::string(api_version) +
                                                                     " is too new. Maximum supported API version is " +
                                                                     std::string(kEngineApiVersion)),
                             version);
  } else {
    version_ok = true;
  }
  if (version_ok) {
    Context c{service, options, client, cache, api_version};
    if (!may_block) {
      // Only what cannot wait on a registry.
      if (which == Which::kDistribution) {
        std::optional<EngineResponse> cached = engine::CachedDistribution(c, request, std::string(name));
        if (!cached) return std::nullopt;
        response = std::move(*cached);
        which = Which::kDistribution;
      } else if (which != Which::kPing && which != Which::kVersion && which != Which::kInfo) {
        return std::nullopt;
      }
    }
    if (may_block || which != Which::kDistribution) switch (which) {
      case Which::kPing: response = engine::PingRoute(c, m == "HEAD"); break;
      case Which::kVersion: response = engine::VersionRoute(c); break;
      case Which::kInfo: response = engine::InfoRoute(c); break;
      case Which::kAuth: response = engine::AuthRoute(c, request); break;
      case Which::kSearch: {
        detail::QueryValues query;
        Status parsed = detail::ParseQuery(raw_query, query);
        response = parsed.ok() ? engine::SearchRoute(c, request, query) : ErrorResponse(parsed.error(), api_version);
        response.route = "/images/search";
        break;
      }
      case Which::kDistribution: response = engine::DistributionRoute(c, request, std::string(name)); break;
      default: break;
    }
  }
  static constexpr const char* kRoutes[] = {"/_ping", "/version", "/info", "/auth",
                                            "/images/search", "/distribution/{name}/json"};
  response.route = kRoutes[static_cast<int>(which)];
  // dockerd's order: its middleware's headers, the handler's, then
  // Docker-Experimental (not on a version error). Moved, not copied.
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(response.headers.size() + 4);
  headers.emplace_back("Api-Version", kEngineApiVersion);
  headers.emplace_back("Ostype", "linux");
  headers.emplace_back("Server", server_header);
  for (auto& h : response.headers) headers.push_back(std::move(h));
  if (version_ok) headers.emplace_back("Docker-Experimental", "false");
  response.headers = std::move(headers);
  return response;
}

namespace {

// A Prometheus label value: backslash, quote and newline escaped.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
         std::to_string(value) + "\n";
}

}  // namespace

std::string EngineApi::Impl::MetricsText() const {
  std::string out =
      "# HELP berthd_requests_total Engine API requests by route and status.\n"
      "# TYPE berthd_requests_total counter\n";
  for (std::size_t i = 0; i < kRouteCount; ++i) {
    if (std::uint64_t n = ok_requests[i].load())
      out += "berthd_requests_total{route=\"" + std::string(kRouteNames[i]) + "\",status=\"200\"} " +
             std::to_string(n) + "\n";
  }
  {
    std::lock_guard lock(mu);
    for (const auto& [key, count] : requests) {
      out += "berthd_requests_total{route=\"" + Label(key.first) + "\",status=\"" + std::to_string(key.second) +
             "\"} " + std::to_string(count) + "\n";
    }
  }
  RegistryClientStats stats = client.Stats();
  Counter(out, "berthd_registry_requests_total", "Requests sent to registries and mirrors.", stats.registry_requests);
  Counter(out, "berthd_token_requests_total", "Requests sent to token servers.", stats.token_requests);
  Counter(out, "berthd_token_cache_hits_total", "Requests authorized with a cached token.", stats.token_cache_hits);
  Counter(out, "berthd_registry_retries_total", "429/503 answers waited out.", stats.retries);
  Counter(out, "berthd_registry_connections_total", "Connections opened to registries.", stats.connections);
  Counter(out, "berthd_inspect_cache_hits_total", "Distribution inspect answers from the cache.", cache.hits());
  Counter(out, "berthd_inspect_cache_misses_total", "Distribution inspect lookups not in the cache.", cache.misses());
  std::vector<RegistryRateLimit> limits = client.RateLimits();
  out += "# HELP berthd_registry_ratelimit_limit The rate limit a registry last reported.\n"
         "# TYPE berthd_registry_ratelimit_limit gauge\n";
  for (const RegistryRateLimit& l : limits)
    if (l.limit >= 0)
      out += "berthd_registry_ratelimit_limit{registry=\"" + Label(l.registry) + "\"} " + std::to_string(l.limit) + "\n";
  out += "# HELP berthd_registry_ratelimit_remaining What a registry last reported as left of its rate limit.\n"
         "# TYPE berthd_registry_ratelimit_remaining gauge\n";
  for (const RegistryRateLimit& l : limits)
    if (l.remaining >= 0)
      out += "berthd_registry_ratelimit_remaining{registry=\"" + Label(l.registry) + "\"} " +
             std::to_string(l.remaining) + "\n";
  return out;
}

std::string EngineApi::Metrics() const { return impl_->MetricsText(); }

EngineApi::EngineApi(const RegistryService& service, EngineOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

EngineApi::~EngineApi() = default;

EngineResponse EngineApi::Handle(const EngineRequest& request) {
  EngineResponse response = std::move(*impl_->Route(request, true));
  impl_->Count(response);
  return response;
}

std::optional<EngineResponse> EngineApi::HandleWithoutBlocking(const EngineRequest& request) {
  std::optional<EngineResponse> response = impl_->Route(request, false);
  if (response) impl_->Count(*response);
  return response;
}

}  // namespace berth
