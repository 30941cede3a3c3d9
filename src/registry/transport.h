// The registry client's sender: pooled, kept-alive connections; answers
// retried as the RetryPolicy says; redirects followed with credentials kept
// to the origin they belong to; every attempt reported to the observers.
// It knows nothing of challenges or tokens (the Authorizer's) or of which
// endpoint to try (the operations').
#ifndef BERTH_SRC_REGISTRY_TRANSPORT_H_
#define BERTH_SRC_REGISTRY_TRANSPORT_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "berth/registry_service.h"
#include "http/http_client.h"
#include "registry/observers.h"
#include "registry/retry_policy.h"

namespace berth::registry {

class Transport {
 public:
  // The TLS configuration for a host a redirect leads to (certs.d).
  using TlsLookup = std::function<TlsMaterial(const std::string& host)>;

  Transport(RetryPolicy retry, TlsLookup tls_for_host);

  // Observers are added before the first request and outlive the transport.
  void AddObserver(TransportObserver* observer) { observers_.push_back(observer); }

  // One request on a pooled connection, sent again while the retry policy
  // says so (sleeping on this thread in between).
  Result<http::Response> Send(const http::Request& request, Destination destination);

  // Send, following up to 5 redirects. `authorization` is set on a request
  // to `auth_origin` and removed from any other (a storage backend or a
  // presigned URL never sees it); a request to another origin uses that
  // host's TLS configuration. A 303 turns into a GET without body.
  // `answered`, if given, is set when any hop got an HTTP answer.
  Result<http::Response> SendFollowingRedirects(http::Request request, const std::string& authorization,
                                                const std::string& auth_origin, Destination destination,
                                                bool* answered = nullptr);

 private:
  std::unique_ptr<http::HttpClient> Acquire();
  void Release(std::unique_ptr<http::HttpClient> client);
  void Report(const Attempt& attempt) const;

  RetryPolicy retry_;
  TlsLookup tls_for_host_;
  std::vector<TransportObserver*> observers_;
  std::mutex mu_;
  std::vector<std::unique_ptr<http::HttpClient>> idle_;
};

// Sets a header, replacing any of that name (case-insensitively).
void SetHeader(http::Request& request, const std::string& name, const std::string& value);
// Removes every header of that name (case-insensitively).
void RemoveHeader(http::Request& request, const std::string& name);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_TRANSPORT_H_
