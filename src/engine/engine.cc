// EngineApi: a route table and dockerd's version middleware in front of the
// route handlers (system_routes.cc, registry_routes.cc); per-route metrics.
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

namespace {

// ---- the route table -----------------------------------------------------------

// What a handler gets besides the context: the request, its raw query and,
// for /distribution/{name}/json, the name.
struct RouteCall {
  const EngineRequest& request;
  std::string_view query;
  std::string name;
};

// Whether answering may wait on a registry: berthd's I/O threads answer the
// routes that never do, and a distribution inspect that is in the cache.
enum class Waits { kNever, kOnRegistry, kUnlessCached };

struct Route {
  std::string_view name;  // as metrics and logs show it
  std::string_view method;
  std::string_view also_method;  // "" or a second method (HEAD /_ping)
  std::string_view path;         // the path, or the part before {name}
  std::string_view suffix;       // "" or the part after {name}
  Waits waits;
  EngineResponse (*handle)(const Context&, const RouteCall&);
  std::optional<EngineResponse> (*cached)(const Context&, const RouteCall&);  // for kUnlessCached
  bool needs_images = false;                                                  // answered from the image store
  bool transfer = false;  // may run for minutes (a pull, push, save, load): see EngineApi::IsTransfer
};

EngineResponse SearchWithQuery(const Context& c, const RouteCall& call) {
  detail::QueryValues query;
  Status parsed = detail::ParseQuery(call.query, query);
  return parsed.ok() ? engine::SearchRoute(c, call.request, query) : ErrorResponse(parsed.error(), c.api_version);
}

// A route handler that reads the query: `handle` gets it parsed.
template <EngineResponse (*handle)(const Context&, const RouteCall&, const detail::QueryValues&)>
EngineResponse WithQuery(const Context& c, const RouteCall& call) {
  detail::QueryValues query;
  Status parsed = detail::ParseQuery(call.query, query);
  return parsed.ok() ? handle(c, call, query) : ErrorResponse(parsed.error(), c.api_version);
}

EngineResponse ImageList(const Context& c, const RouteCall&, const detail::QueryValues& q) {
  return engine::ImageListRoute(c, q);
}
EngineResponse ImageCreate(const Context& c, const RouteCall& call, const detail::QueryValues& q) {
  return engine::ImageCreateRoute(c, call.request, q);
}
EngineResponse ImageLoad(const Context& c, const RouteCall& call, const detail::QueryValues& q) {
  return engine::ImageLoadRoute(c, call.request, q);
}
EngineResponse ImagePrune(const Context& c, const RouteCall&, const detail::QueryValues& q) {
  return engine::ImagePruneRoute(c, q);
}
EngineResponse ImageSaveMany(const Context& c, const RouteCall&, const detail::QueryValues& q) {
  auto it = q.find("names");
  return engine::ImageSaveRoute(c, it == q.end() ? std::vector<std::string>() : it->second);
}
EngineResponse ImagePush(const Context& c, const RouteCall& call, const detail::QueryValues& q) {
  return engine::ImagePushRoute(c, call.request, call.name, q);
}
EngineResponse ImageTag(const Context& c, const RouteCall& call, const detail::QueryValues& q) {
  return engine::ImageTagRoute(c, call.name, q);
}
EngineResponse ImageDelete(const Context& c, const RouteCall& call, const detail::QueryValues& q) {
  return engine::ImageDeleteRoute(c, call.name, q);
}

// dockerd's registry routes, in the order they are matched.
constexpr Route kRoutes[] = {
    {"/_ping", "GET", "HEAD", "/_ping", "", Waits::kNever,
     [](const Context& c, const RouteCall& call) { return engine::PingRoute(c, call.request.method == "HEAD"); }},
    {"/version", "GET", "", "/version", "", Waits::kNever,
     [](const Context& c, const RouteCall&) { return engine::VersionRoute(c); }},
    {"/info", "GET", "", "/info", "", Waits::kNever,
     [](const Context& c, const RouteCall&) { return engine::InfoRoute(c); }},
    {"/auth", "POST", "", "/auth", "", Waits::kOnRegistry,
     [](const Context& c, const RouteCall& call) { return engine::AuthRoute(c, call.request); }},
    {"/images/search", "GET", "", "/images/search", "", Waits::kOnRegistry, &SearchWithQuery},
    {"/distribution/{name}/json", "GET", "", "/distribution/", "/json", Waits::kUnlessCached,
     [](const Context& c, const RouteCall& call) { return engine::DistributionRoute(c, call.request, call.name); },
     [](const Context& c, const RouteCall& call) { return engine::CachedDistribution(c, call.request, call.name); }},
    // The image routes: exact paths first, then those with {name}.
    {"/images/json", "GET", "", "/images/json", "", Waits::kOnRegistry, &WithQuery<&ImageList>, nullptr, true},
    {"/images/get", "GET", "", "/images/get", "", Waits::kOnRegistry, &WithQuery<&ImageSaveMany>, nullptr, true, true},
    {"/images/create", "POST", "", "/images/create", "", Waits::kOnRegistry, &WithQuery<&ImageCreate>, nullptr, true,
     true},
    {"/images/load", "POST", "", "/images/load", "", Waits::kOnRegistry, &WithQuery<&ImageLoad>, nullptr, true, true},
    {"/images/prune", "POST", "", "/images/prune", "", Waits::kOnRegistry, &WithQuery<&ImagePrune>, nullptr, true},
    {"/images/{name}/json", "GET", "", "/images/", "/json", Waits::kOnRegistry,
     [](const Context& c, const RouteCall& call) { return engine::ImageInspectRoute(c, call.name); }, nullptr, true},
    {"/images/{name}/history", "GET", "", "/images/", "/history", Waits::kOnRegistry,
     [](const Context& c, const RouteCall& call) { return engine::ImageHistoryRoute(c, call.name); }, nullptr, true},
    {"/images/{name}/get", "GET", "", "/images/", "/get", Waits::kOnRegistry,
     [](const Context& c, const RouteCall& call) { return engine::ImageSaveRoute(c, {call.name}); }, nullptr, true,
     true},
    {"/images/{name}/push", "POST", "", "/images/", "/push", Waits::kOnRegistry, &WithQuery<&ImagePush>, nullptr, true,
     true},
    {"/images/{name}/tag", "POST", "", "/images/", "/tag", Waits::kOnRegistry, &WithQuery<&ImageTag>, nullptr, true},
    {"/images/{name}", "DELETE", "", "/images/", "", Waits::kOnRegistry, &WithQuery<&ImageDelete>, nullptr, true},
};

// Names metrics count under: the routes', then what no route answers.
constexpr std::size_t kRouteCount = std::size(kRoutes);
constexpr std::string_view kMetricsRoute = "/metrics";
constexpr std::string_view kUnknownRoute = "unknown";
constexpr std::string_view kOptionsRoute = "OPTIONS";

// The route for a method and an unversioned path, and the {name} in it.
// A route's path ending in '/' is the part before {name}.
const Route* MatchRoute(std::string_view method, std::string_view path, std::string_view* name) {
  for (const Route& r : kRoutes) {
    if (method != r.method && (r.also_method.empty() || method != r.also_method)) continue;
    if (!r.path.ends_with('/')) {
      if (path == r.path) return &r;
      continue;
    }
    if (path.size() > r.path.size() + r.suffix.size() && path.starts_with(r.path) && path.ends_with(r.suffix)) {
      *name = path.substr(r.path.size(), path.size() - r.path.size() - r.suffix.size());
      return &r;
    }
  }
  return nullptr;
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

// ---- dockerd's version middleware ------------------------------------------------

// The error for an API version berthd does not serve; nullopt when it does.
std::optional<Error> UnsupportedApiVersion(std::string_view api_version) {
  if (api_version == kEngineApiVersion) return std::nullopt;  // the usual case: no comparisons
  if (CompareApiVersions(api_version, kEngineMinApiVersion) < 0) {
    return Error(ErrorKind::kInvalidParameter,
                 "client version " + std::string(api_version) + " is too old. Minimum supported API version is " +
                     std::string(kEngineMinApiVersion) + ", please upgrade your client to a newer version");
  }
  if (CompareApiVersions(api_version, kEngineApiVersion) > 0) {
    return Error(ErrorKind::kInvalidParameter, "client version " + std::string(api_version) +
                                                   " is too new. Maximum supported API version is " +
                                                   std::string(kEngineApiVersion));
  }
  return std::nullopt;
}

// dockerd's order: its middleware's headers, the handler's, then
// Docker-Experimental (not on a version error). Moved, not copied.
void AddMiddlewareHeaders(EngineResponse& response, const std::string& server_header, bool version_ok) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(response.headers.size() + 4);
  headers.emplace_back("Api-Version", kEngineApiVersion);
  headers.emplace_back("Ostype", "linux");
  headers.emplace_back("Server", server_header);
  for (auto& h : response.headers) headers.push_back(std::move(h));
  if (version_ok) headers.emplace_back("Docker-Experimental", "false");
  response.headers = std::move(headers);
}

// dockerd's not-found handler: its error handler without the middleware,
// so the error is plain text when the path names an API version below 1.24.
EngineResponse PageNotFound(std::string_view version) {
  EngineResponse r = ErrorResponse(Error(ErrorKind::kNotFound, "page not found"), version);
  r.route = std::string(kUnknownRoute);
  return r;
}

}  // namespace

struct EngineApi::Impl {
  Impl(const RegistryService& s, EngineOptions o)
      : service(s),
        options(std::move(o)),
        client(s, options.client),
        cache(options.inspect_cache_ttl, options.inspect_cache_entries),
        server_header("berthd/" + options.version + " (linux)") {}

  const RegistryService& service;
  EngineOptions options;
  RegistryClient client;
  engine::InspectCache cache;
  const std::string server_header;
  ImageStore* images = nullptr;

  mutable std::mutex mu;
  std::map<std::pair<std::string, int>, std::uint64_t> requests;  // (route, status) → count
  // Requests per route answered 200, without a lock; other statuses above.
  std::array<std::atomic<std::uint64_t>, kRouteCount> ok_requests{};

  // With may_block false, nullopt where answering would need a registry.
  std::optional<EngineResponse> Dispatch(const EngineRequest& request, bool may_block);
  std::string MetricsText() const;
  void Count(const EngineResponse& response);
};

void EngineApi::Impl::Count(const EngineResponse& response) {
  if (response.status == 200) {
    for (std::size_t i = 0; i < kRouteCount; ++i) {
      if (kRoutes[i].name == response.route) {
        ++ok_requests[i];
        return;
      }
    }
  }
  std::lock_guard lock(mu);
  ++requests[{response.route, response.status}];
}

std::optional<EngineResponse> EngineApi::Impl::Dispatch(const EngineRequest& request, bool may_block) {
  if (request.method == "OPTIONS") {
    EngineResponse r;
    r.route = std::string(kOptionsRoute);
    return r;
  }
  std::string_view target = request.target;
  std::string_view raw_path = target.substr(0, target.find('?'));
  std::string_view raw_query = target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
  // Most paths have nothing escaped: no copy for them.
  Result<std::string> unescaped = raw_path.find('%') == std::string_view::npos ? Result<std::string>(std::string())
                                                                               : detail::PathUnescape(raw_path);
  if (!unescaped) return ErrorResponse(unescaped.error(), kEngineApiVersion);
  auto [version, rest] = SplitVersion(raw_path.find('%') == std::string_view::npos ? raw_path : *unescaped);

  if (rest == kMetricsRoute && request.method == "GET" && version.empty()) {
    EngineResponse r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = MetricsText();
    r.route = std::string(kMetricsRoute);
    return r;
  }
  // Which route, before any middleware: unknown ones are dockerd's 404.
  std::string_view name;
  const Route* route = MatchRoute(request.method, rest, &name);
  if (route == nullptr) return PageNotFound(version);

  const std::string_view api_version = version.empty() ? kEngineApiVersion : version;
  EngineResponse response;
  std::optional<Error> unsupported = UnsupportedApiVersion(api_version);
  if (unsupported) {
    response = ErrorResponse(*unsupported, version);
  } else if (route->needs_images && images == nullptr) {
    response = ErrorResponse(Error(ErrorKind::kUnavailable, "berthd has no image store"), version);
  } else {
    Context c{service, options, client, cache, api_version, images};
    RouteCall call{request, raw_query, std::string(name)};
    if (may_block || route->waits == Waits::kNever) {
      response = route->handle(c, call);
    } else if (route->waits == Waits::kUnlessCached) {
      std::optional<EngineResponse> cached = route->cached(c, call);
      if (!cached) return std::nullopt;
      response = std::move(*cached);
    } else {
      return std::nullopt;
    }
  }
  response.route = std::string(route->name);
  AddMiddlewareHeaders(response, server_header, !unsupported);
  if (response.stream) {
    // A streamed route's answer without a body (an error before any output)
    // gets the middleware's headers too.
    response.stream = [inner = std::move(response.stream), this](ResponseStream& out) {
      EngineResponse outcome = inner(out);
      AddMiddlewareHeaders(outcome, server_header, true);
      return outcome;
    };
  }
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
      out += "berthd_requests_total{route=\"" + std::string(kRoutes[i].name) + "\",status=\"200\"} " +
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
  if (images) {
    const ImageStoreStats s = images->Stats();
    Counter(out, "berthd_image_pulls_total", "Pulls into the image store that finished.", s.pulls);
    Counter(out, "berthd_image_pushes_total", "Pushes from the image store that finished.", s.pushes);
    Counter(out, "berthd_image_loads_total", "docker load requests that finished.", s.loads);
    Counter(out, "berthd_image_blobs_fetched_total", "Blobs fetched into the image store.", s.blobs_fetched);
    Counter(out, "berthd_image_bytes_fetched_total", "Bytes of blobs fetched into the image store.", s.bytes_fetched);
    Counter(out, "berthd_image_blobs_pushed_total", "Blobs uploaded to registries.", s.blobs_pushed);
    Counter(out, "berthd_image_bytes_pushed_total", "Bytes of blobs uploaded to registries.", s.bytes_pushed);
    Counter(out, "berthd_image_blobs_mounted_total", "Blobs mounted from another repository instead of uploaded.",
            s.blobs_mounted);
    Counter(out, "berthd_image_blobs_skipped_total", "Blobs already in the store or at the registry.", s.blobs_skipped);
    Counter(out, "berthd_image_store_full_reads_total", "Reads of every name a registry image store holds.",
            s.store_full_reads);
    Counter(out, "berthd_image_store_partial_reads_total",
            "Reads of a registry image store limited to the names other instances changed.", s.store_partial_reads);
  }
  std::vector<RegistryRateLimit> limits = client.RateLimits();
  out +=
      "# HELP berthd_registry_ratelimit_limit The rate limit a registry last reported.\n"
      "# TYPE berthd_registry_ratelimit_limit gauge\n";
  for (const RegistryRateLimit& l : limits)
    if (l.limit >= 0)
      out +=
          "berthd_registry_ratelimit_limit{registry=\"" + Label(l.registry) + "\"} " + std::to_string(l.limit) + "\n";
  out +=
      "# HELP berthd_registry_ratelimit_remaining What a registry last reported as left of its rate limit.\n"
      "# TYPE berthd_registry_ratelimit_remaining gauge\n";
  for (const RegistryRateLimit& l : limits)
    if (l.remaining >= 0)
      out += "berthd_registry_ratelimit_remaining{registry=\"" + Label(l.registry) + "\"} " +
             std::to_string(l.remaining) + "\n";
  return out;
}

std::string EngineApi::Metrics() const {
  return impl_->MetricsText();
}

EngineApi::EngineApi(const RegistryService& service, EngineOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

EngineApi::~EngineApi() = default;

void EngineApi::SetImageStore(ImageStore* images) {
  impl_->images = images;
}

RegistryClient& EngineApi::client() {
  return impl_->client;
}

bool EngineApi::SpoolsBody(std::string_view method, std::string_view target) const {
  if (method != "POST") return false;
  std::string_view path = target.substr(0, target.find('?'));
  return SplitVersion(path).second == "/images/load";
}

bool EngineApi::IsTransfer(std::string_view method, std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view name;
  const Route* route = MatchRoute(method, SplitVersion(path).second, &name);
  return route != nullptr && route->transfer;
}

EngineResponse EngineApi::Handle(const EngineRequest& request) {
  EngineResponse response = std::move(*impl_->Dispatch(request, true));
  impl_->Count(response);
  return response;
}

std::optional<EngineResponse> EngineApi::HandleWithoutBlocking(const EngineRequest& request) {
  std::optional<EngineResponse> response = impl_->Dispatch(request, false);
  if (response) impl_->Count(*response);
  return response;
}

}  // namespace berth
