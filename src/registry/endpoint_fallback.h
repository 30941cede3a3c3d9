// Which endpoints of a host one operation may still try. The Engine falls
// back from https://HOST to http://HOST (insecure and loopback registries)
// after any failure — so a wrong password that https refused with 401 is
// sent again in clear, and the user reads http's "400 Bad Request" from a
// TLS port. berth tries http only when https got no HTTP answer at all
// (no connection, no TLS handshake, no response).
#ifndef BERTH_SRC_REGISTRY_ENDPOINT_FALLBACK_H_
#define BERTH_SRC_REGISTRY_ENDPOINT_FALLBACK_H_

#include <set>
#include <string>

#include "registry/session.h"

namespace berth::registry {

class EndpointFallback {
 public:
  // After an attempt on `session`: whether its endpoint answered over https.
  void Note(const Session& session) {
    if (session.answered() && session.api_root().rfind("https://", 0) == 0) {
      https_answered_.insert(HostOf(session.api_root()));
    }
  }
  // Before an attempt: an http endpoint of a host whose https answered is
  // not tried.
  bool Skip(const Session& session) const {
    return session.api_root().rfind("http://", 0) == 0 && https_answered_.count(HostOf(session.api_root())) > 0;
  }

 private:
  std::set<std::string> https_answered_;  // host[:port], lower-cased
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_ENDPOINT_FALLBACK_H_
