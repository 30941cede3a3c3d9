// The v2 ping: GET /v2/ without credentials. The Engine accepts any status
// as an answer; a 401 carries the challenges later requests answer.
#include "berth/registry_client.h"
#include "registry/endpoint_client.h"
#include "registry/operations.h"

namespace berth::registry {

Result<PingResult> Ping(SharedState& state, const Endpoint& endpoint) {
  EndpointClient client(state, endpoint, Credentials{});
  Result<http::Response> response = client.Ping();
  if (!response) return response.error();
  PingResult ping;
  ping.status = response->status;
  ping.api_version = response->Header("docker-distribution-api-version");
  if (response->status == 401) ping.challenges = ParseChallenges(response->HeaderValues("www-authenticate"));
  return ping;
}

}  // namespace berth::registry

namespace berth {

Result<PingResult> PingRegistry(const Endpoint& endpoint) {
  // A client of its own: a redirect to another host gets no TLS material
  // beyond the defaults, and no host counts as insecure for credentials
  // (a ping sends none).
  registry::SharedState state(
      RegistryClientOptions{}, [](const std::string&) { return TlsMaterial{}; },
      [](const std::string&) { return false; });
  return registry::Ping(state, endpoint);
}

}  // namespace berth
