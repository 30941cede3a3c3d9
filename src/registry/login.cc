// POST /auth: the Engine's Service.Auth and loginV2. Push endpoints in
// order (never a mirror); per endpoint an unauthenticated ping, then the
// same GET authorized from the challenges it taught. Requests: 2 with
// Basic (ping, check), 3 with Bearer (ping, token, check).
#include <optional>

#include "internal/go_url.h"
#include "registry/endpoint_fallback.h"
#include "registry/operations.h"

namespace berth::registry {
namespace {

constexpr std::string_view kLoginSucceeded = "Login Succeeded";

Result<AuthenticateOKBody> LoginV2(EndpointClient& endpoint) {
  const std::string& url = endpoint.api_root();
  Result<http::Response> ping = endpoint.Ping();
  if (!ping) return ping.error();  // the next endpoint is tried
  Result<http::Response> response =
      endpoint.Fetch(endpoint.NewRequest(RequestKind::kAuth, ""), {}, Authorizer::Tokens::kFresh);
  if (!response) {
    // Only a token server's single UNAUTHORIZED stays unauthorized (401
    // from the Engine, and no further endpoint); everything else is 500.
    const Error& e = response.error();
    bool unauthorized = e.kind() == ErrorKind::kUnauthorized && e.message().find("errors:\n") == std::string::npos;
    return Error(unauthorized ? ErrorKind::kUnauthorized : ErrorKind::kSystem, e.message());
  }
  if (response->status != 200) {
    // The Engine answers 500 here even for 401; berth says unauthorized
    // (docs/compatibility.md A16).
    return Error(response->status == 401 ? ErrorKind::kUnauthorized : ErrorKind::kSystem,
                 "login attempt to " + url + " failed with status: " + response->status_line);
  }
  return AuthenticateOKBody{endpoint.credentials().identity_token, std::string(kLoginSucceeded)};
}

}  // namespace

Result<AuthenticateOKBody> Login(const RegistryService& service, SharedState& state, const AuthConfig& auth) {
  std::string host(kLegacyDefaultDomain);  // the Engine's default for an empty address
  if (!auth.server_address.empty()) {
    std::string address = auth.server_address;
    if (address.rfind("https://", 0) != 0 && address.rfind("http://", 0) != 0) address = "https://" + address;
    Result<detail::GoUrl> url = detail::ParseGoUrl(address);
    if (!url) return Error(ErrorKind::kInvalidParameter, "unable to parse server address: " + url.error().message());
    host = url->host;
  }
  Result<std::vector<Endpoint>> endpoints = service.PushEndpoints(host);
  if (!endpoints) return Error(ErrorKind::kInvalidParameter, endpoints.error().message());
  std::optional<Error> last;
  EndpointFallback fallback(state);
  for (Endpoint& endpoint : *endpoints) {
    EndpointClient client(state, std::move(endpoint), CredentialsFrom(auth));
    if (fallback.Skip(client, /*more=*/false)) continue;  // a login tries every endpoint it may
    Result<AuthenticateOKBody> result = LoginV2(client);
    fallback.Note(client);
    if (result) return result;
    if (result.error().kind() == ErrorKind::kUnauthorized) return result;
    last = result.error();
  }
  if (!last) return Error(ErrorKind::kSystem, "no endpoint to log in to " + host);
  return *last;
}

}  // namespace berth::registry
