// Which endpoints of a host an operation may try. The Engine falls back
// from https://HOST to http://HOST (insecure and loopback registries) after
// any failure — so a wrong password that https refused with 401 is sent
// again in clear, and the user reads http's "400 Bad Request" from a TLS
// port. berth tries http only for a host whose https endpoint has never
// given an HTTP answer (no connection, no TLS handshake, no response) —
// in this operation or, through SharedState, in any earlier one.
#ifndef BERTH_SRC_REGISTRY_ENDPOINT_FALLBACK_H_
#define BERTH_SRC_REGISTRY_ENDPOINT_FALLBACK_H_

#include "registry/endpoint_client.h"
#include "registry/shared_state.h"
#include "registry/urls.h"

namespace berth::registry {

class EndpointFallback {
 public:
  explicit EndpointFallback(SharedState& state) : state_(state) {}

  // Before an attempt: whether to leave this endpoint out. An http
  // endpoint of a host that speaks TLS is left out; an https endpoint that
  // recently could not be reached is left out when another endpoint
  // follows (`more`) — unless its host speaks TLS, when it stays the one
  // to try.
  bool Skip(const EndpointClient& client, bool more) const {
    const std::string& root = client.api_root();
    const bool tls_host = state_.SpeaksTls(HostOf(root));
    if (root.rfind("http://", 0) == 0 && tls_host) return true;
    return more && !tls_host && state_.RecentlyUnreachable(root);
  }

  // After an attempt: what it taught about the endpoint.
  void Note(const EndpointClient& client) {
    const std::string& root = client.api_root();
    if (client.answered() && root.rfind("https://", 0) == 0) state_.NoteSpeaksTls(HostOf(root));
    if (!client.answered()) state_.MarkUnreachable(root);
  }

 private:
  SharedState& state_;
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_ENDPOINT_FALLBACK_H_
