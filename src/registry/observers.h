// What watches the registry transport: every attempt it makes is reported
// to its observers, which keep what RegistryClient tells its users — the
// request counters (RegistryClient::Stats) and the rate limits registries
// last reported (RegistryClient::RateLimits). The transport itself only
// sends; adding a metric is adding an observer.
#ifndef BERTH_SRC_REGISTRY_OBSERVERS_H_
#define BERTH_SRC_REGISTRY_OBSERVERS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "berth/registry_client.h"
#include "http/http_client.h"

namespace berth::registry {

// Whom a request went to: the registry (or mirror), or its token server.
enum class Destination { kRegistry, kTokenServer };

// One attempt of one request: the request, its answer (null when none came:
// no connection, TLS, timeout) and whether the transport will retry it.
struct Attempt {
  const http::Request& request;
  const http::Response* response;
  Destination destination;
  bool will_retry;
};

class TransportObserver {
 public:
  virtual ~TransportObserver() = default;
  // Called on the sending thread after every attempt; must be thread-safe.
  virtual void OnAttempt(const Attempt& attempt) = 0;
};

// Requests per destination, retries and new connections.
class RequestCounters : public TransportObserver {
 public:
  void OnAttempt(const Attempt& attempt) override;
  // The counters; token_cache_hits is left 0 (the authorizer counts those).
  RegistryClientStats Stats() const;

 private:
  std::atomic<std::uint64_t> registry_requests_{0}, token_requests_{0}, retries_{0}, connections_{0};
};

// Docker Hub's RateLimit-Limit / RateLimit-Remaining ("100;w=21600") and
// Docker-RateLimit-Source headers, kept per host[:port] as last reported.
class RateLimitRecorder : public TransportObserver {
 public:
  void OnAttempt(const Attempt& attempt) override;
  std::vector<RegistryRateLimit> RateLimits() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, RegistryRateLimit> by_host_;
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_OBSERVERS_H_
