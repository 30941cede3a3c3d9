// Where an Engine listens, as the docker CLI reads -H / DOCKER_HOST:
// unix:///path, tcp://host[:port] (2375, or 2376 with TLS; "host:port"
// alone is tcp, as the CLI's ParseHost takes it), http://host[:port],
// https://host[:port]. Private to the library.
#ifndef BERTH_SRC_ENGINE_CLIENT_ENGINE_HOST_H_
#define BERTH_SRC_ENGINE_CLIENT_ENGINE_HOST_H_

#include <string>
#include <string_view>

#include "berth/error.h"

namespace berth::engine_client {

struct EngineHost {
  std::string unix_socket;  // set for unix://
  // Where requests go: "http://api.moby.localhost" for a unix socket (the
  // Go client's Host), else "http(s)://host:port".
  std::string base_url;
  bool tls = false;
  // The host as the CLI names it in messages: tcp://host:port with the
  // default port filled in, other forms as given.
  std::string name;
};

// Errors (kInvalidParameter) as the CLI words them: "unable to parse
// docker host `…`", "Invalid bind address format: …".
Result<EngineHost> ParseEngineHost(std::string_view host, bool tls);

}  // namespace berth::engine_client

#endif  // BERTH_SRC_ENGINE_CLIENT_ENGINE_HOST_H_
