#include "berth/registry_client.h"

#include "http/http_client.h"

namespace berth {

Result<PingResult> PingRegistry(const Endpoint& endpoint) {
  std::string base = endpoint.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  TlsMaterial tls = endpoint.tls;
  tls.verify = endpoint.tls_verify;
  http::HttpClient client;
  http::Request request;
  request.tls = &tls;
  request.url = endpoint.override_path ? base + "/" : base + "/v2/";
  request.timeout = std::chrono::seconds(15);
  request.max_body = 1u << 20;
  for (const auto& [name, values] : endpoint.headers)
    for (const std::string& v : values) request.headers.emplace_back(name, v);
  Result<http::Response> response = client.Do(request);
  if (!response) return response.error();
  PingResult ping;
  ping.status = response->status;
  ping.api_version = response->Header("docker-distribution-api-version");
  if (response->status == 401) ping.challenges = ParseChallenges(response->HeaderValues("www-authenticate"));
  return ping;
}

}  // namespace berth
