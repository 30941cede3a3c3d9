// What every request of one RegistryClient shares, put together: the
// options, the transport (pooled connections, retries), its observers
// (counters, rate limits), the authorizer (challenges, token cache) and
// what the client has learned about endpoints (which could not be reached,
// which hosts speak TLS). Operations reach endpoints through EndpointClients
// made on it.
#ifndef BERTH_SRC_REGISTRY_SHARED_STATE_H_
#define BERTH_SRC_REGISTRY_SHARED_STATE_H_

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "registry/authorizer.h"
#include "registry/observers.h"
#include "registry/transport.h"

namespace berth::registry {

class SharedState {
 public:
  using TlsLookup = Transport::TlsLookup;
  using InsecureCheck = Authorizer::InsecureCheck;

  SharedState(RegistryClientOptions options, TlsLookup tls_for_host, InsecureCheck insecure);
  SharedState(const SharedState&) = delete;
  SharedState& operator=(const SharedState&) = delete;

  const RegistryClientOptions& options() const { return options_; }
  TlsMaterial TlsFor(const std::string& host) const { return tls_for_host_(host); }
  Transport& transport() { return transport_; }
  Authorizer& authorizer() { return authorizer_; }

  std::vector<RegistryRateLimit> RateLimits() const { return rate_limits_.RateLimits(); }
  RegistryClientStats Stats() const;

  // Endpoints that could not be reached (no HTTP answer at all) are skipped
  // for 30 s when a later endpoint can serve: an insecure registry's https
  // attempt costs one failed connection per client, not per request.
  void MarkUnreachable(const std::string& api_root);
  bool RecentlyUnreachable(const std::string& api_root) const;

  // Hosts (host[:port]) whose https endpoint has given an HTTP answer, for
  // the client's life: their http endpoint is never tried (a TLS port, and
  // credentials must not cross it in clear), and a passing outage of their
  // https endpoint does not send anyone to http.
  void NoteSpeaksTls(const std::string& host);
  bool SpeaksTls(const std::string& host) const;

 private:
  RegistryClientOptions options_;
  TlsLookup tls_for_host_;
  RequestCounters counters_;
  RateLimitRecorder rate_limits_;
  Transport transport_;
  Authorizer authorizer_;

  mutable std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> unreachable_until_;
  std::set<std::string> speaks_tls_;
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_SHARED_STATE_H_
