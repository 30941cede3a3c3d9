// The route handlers of EngineApi, and what they share. Private.
#ifndef BERTH_SRC_ENGINE_ROUTES_H_
#define BERTH_SRC_ENGINE_ROUTES_H_

#include <string>
#include <string_view>

#include "berth/engine_api.h"
#include "berth/image_store.h"
#include "engine/inspect_cache.h"
#include "internal/api_version.h"
#include "internal/go_url.h"

namespace berth::engine {

struct Context {
  const RegistryService& service;
  const EngineOptions& options;
  RegistryClient& client;
  InspectCache& cache;
  std::string_view api_version;  // of the request ("1.44" without a prefix)
  ImageStore* images;            // null: no image routes
};

// A JSON body as the Engine writes it: Content-Type set, "\n" after.
EngineResponse JsonResponse(int status, std::string json);
// {"message":"…"} (plain text for API versions before 1.24), the status
// from the error's class.
EngineResponse ErrorResponse(const Error& error, std::string_view api_version);

EngineResponse PingRoute(const Context& c, bool head);
EngineResponse VersionRoute(const Context& c);
EngineResponse InfoRoute(const Context& c);
EngineResponse AuthRoute(const Context& c, const EngineRequest& request);
EngineResponse SearchRoute(const Context& c, const EngineRequest& request, const detail::QueryValues& query);
EngineResponse DistributionRoute(const Context& c, const EngineRequest& request, const std::string& name);
// The cached answer of DistributionRoute, if there is one.
std::optional<EngineResponse> CachedDistribution(const Context& c, const EngineRequest& request,
                                                 const std::string& name);

// A query value ("" when absent), and one read as a boolean as dockerd's
// httputils.BoolValue reads it: anything but "", "0", "no", "false" and
// "none" (any case, spaces trimmed) is true.
std::string QueryValue(const detail::QueryValues& query, const char* key);
bool QueryBool(const detail::QueryValues& query, const char* key);

// The image routes (image_routes.cc, image_stream_routes.cc); the
// dispatcher calls them only when there is an image store.
EngineResponse ImageListRoute(const Context& c, const detail::QueryValues& query);
EngineResponse ImageInspectRoute(const Context& c, const std::string& name);
EngineResponse ImageHistoryRoute(const Context& c, const std::string& name);
EngineResponse ImageTagRoute(const Context& c, const std::string& name, const detail::QueryValues& query);
EngineResponse ImageDeleteRoute(const Context& c, const std::string& name, const detail::QueryValues& query);
EngineResponse ImagePruneRoute(const Context& c, const detail::QueryValues& query);
EngineResponse ImageCreateRoute(const Context& c, const EngineRequest& request, const detail::QueryValues& query);
EngineResponse ImagePushRoute(const Context& c, const EngineRequest& request, const std::string& name,
                              const detail::QueryValues& query);
EngineResponse ImageSaveRoute(const Context& c, std::vector<std::string> names);
EngineResponse ImageLoadRoute(const Context& c, const EngineRequest& request, const detail::QueryValues& query);

}  // namespace berth::engine

#endif  // BERTH_SRC_ENGINE_ROUTES_H_
