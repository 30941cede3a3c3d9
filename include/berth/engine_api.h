// EngineApi: the Docker Engine API's registry routes — /_ping, /version,
// /info, /auth, /images/search, /distribution/{name}/json — with dockerd's
// version rules, headers, error bodies and status mapping, independent of
// any socket: berthd's HTTP server hands it requests and writes back what
// it returns. Safe to call from many threads.
#ifndef BERTH_ENGINE_API_H_
#define BERTH_ENGINE_API_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "berth/version.h"

namespace berth {

struct EngineRequest {
  std::string method;  // "GET"
  std::string target;  // "/v1.44/images/search?term=x", as sent
  // Header names in lower case, in the order sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string Header(std::string_view lower_name) const;
};

struct EngineResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Which route answered ("/_ping", "/distribution/{name}/json", "unknown"),
  // for metrics and logs.
  std::string route = "unknown";
  // The message of the error the body carries, when the route failed (for
  // logs, as dockerd logs its 5xx errors); "" otherwise. Never a secret.
  std::string error;
};

struct EngineOptions {
  std::string version{kVersion};  // berthd's own
  std::string name;               // the host name /info reports
  std::string id;                 // /info's ID
  std::string kernel_version;
  std::string operating_system;
  std::string architecture = "x86_64";  // uname -m
  std::string go_arch = "amd64";        // GOARCH spelling for /version
  int ncpu = 1;
  long long mem_total = 0;
  bool debug = false;
  // Distribution inspect results by tag are kept this long (0: not at all);
  // by digest they are kept until evicted (they cannot change).
  std::chrono::milliseconds inspect_cache_ttl{0};
  std::size_t inspect_cache_entries = 10000;
  RegistryClientOptions client;
};

class EngineApi {
 public:
  // `service` must outlive the API; its reloads apply to later requests.
  EngineApi(const RegistryService& service, EngineOptions options);
  ~EngineApi();
  EngineApi(const EngineApi&) = delete;
  EngineApi& operator=(const EngineApi&) = delete;

  EngineResponse Handle(const EngineRequest& request);

  // The answer when it needs no registry and cannot block (/_ping,
  // /version, /info, /metrics, errors found before any request, inspect
  // cache hits); nullopt otherwise — then Handle, on a thread that may
  // block. Lets a server answer these on its I/O threads.
  std::optional<EngineResponse> HandleWithoutBlocking(const EngineRequest& request);

  // GET /metrics: Prometheus text (requests by route and status, registry
  // round trips, cache hits, retries, rate limits).
  std::string Metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth

#endif  // BERTH_ENGINE_API_H_
