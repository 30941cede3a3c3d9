// One registry endpoint (an API root such as https://host/v2/, with its TLS
// and hosts.toml headers) spoken to with one set of credentials. It builds
// each request (request_builder.h), asks the authorizer for its
// Authorization, sends it through the transport, and on a 401 teaches the
// authorizer and tries once more. Credentials only ever go to this
// endpoint's origin (scheme, host, port) — never to a redirect target
// elsewhere, never to a mirror (the caller gives mirrors no credentials).
#ifndef BERTH_SRC_REGISTRY_ENDPOINT_CLIENT_H_
#define BERTH_SRC_REGISTRY_ENDPOINT_CLIENT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/registry_service.h"
#include "registry/authorizer.h"
#include "registry/request_builder.h"
#include "registry/shared_state.h"

namespace berth::registry {

class EndpointClient {
 public:
  EndpointClient(SharedState& state, Endpoint endpoint, Credentials credentials);
  EndpointClient(const EndpointClient&) = delete;
  EndpointClient& operator=(const EndpointClient&) = delete;

  // "https://host/v2/" (or the hosts.toml URL as is, with a "/").
  const std::string& api_root() const { return api_root_; }
  const Endpoint& endpoint() const { return endpoint_; }
  // The credentials after any refresh token the token server issued.
  const Credentials& credentials() const { return credentials_; }
  // Whether the last request got no HTTP answer at all (connection, TLS,
  // timeout), as opposed to an answer or an authorization error.
  bool unreachable() const { return unreachable_; }
  // Whether this endpoint has given an HTTP answer (of any status): to a
  // request of this client, or earlier, when it issued the challenges a
  // request of this client used.
  bool answered() const { return answered_; }

  // A request of `kind` to `path` under the API root (or to a URL of this
  // endpoint), with the endpoint's TLS, headers and the options' limits.
  http::Request NewRequest(RequestKind kind, std::string_view path) const;
  // Given to every request NewRequest makes (http::Request::cancelled).
  void set_cancelled(std::function<bool()> cancelled) { cancelled_ = std::move(cancelled); }

  // The v2 ping: GET of the API root without credentials; any status is an
  // answer, and the challenges of a 401 are remembered.
  Result<http::Response> Ping();

  // A request to a URL of this endpoint, authorized for `scopes` from the
  // challenges known (or learned from a first 401), redirects followed (at
  // most 5; credentials only to this origin). Errors are worded as Go's
  // url.Error: `Get "URL": what happened`, with the class of what happened.
  Result<http::Response> Fetch(http::Request request, const std::vector<std::string>& scopes,
                               Authorizer::Tokens tokens = Authorizer::Tokens::kCached);

  // A request with a given Authorization (or none), for the v1 protocol
  // that knows no challenges; redirects as Fetch.
  Result<http::Response> SendWith(http::Request request, const std::string& authorization);

 private:
  Result<http::Response> Send(http::Request request, const std::string& authorization);

  SharedState& state_;
  Endpoint endpoint_;
  Credentials credentials_;
  std::string api_root_;
  std::string origin_;
  std::function<bool()> cancelled_;
  bool unreachable_ = false;
  bool answered_ = false;
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_ENDPOINT_CLIENT_H_
