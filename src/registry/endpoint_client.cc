#include "registry/endpoint_client.h"

#include <optional>

#include "internal/ascii.h"
#include "registry/urls.h"

namespace berth::registry {

EndpointClient::EndpointClient(SharedState& state, Endpoint endpoint, Credentials credentials)
    : state_(state),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      api_root_(ApiRootOf(endpoint_)),
      origin_(OriginOf(api_root_)) {
  endpoint_.tls.verify = endpoint_.tls_verify;
}

http::Request EndpointClient::NewRequest(RequestKind kind, std::string_view path) const {
  http::Request request = NewEndpointRequest(state_.options(), endpoint_, kind, path);
  request.cancelled = cancelled_;
  return request;
}

Result<http::Response> EndpointClient::Ping() {
  Result<http::Response> response = Send(NewRequest(RequestKind::kAuth, ""), "");
  if (response && response->status == 401) state_.authorizer().AddChallenges(api_root_, *response);
  return response;
}

Result<http::Response> EndpointClient::Fetch(http::Request request, const std::vector<std::string>& scopes,
                                             Authorizer::Tokens tokens) {
  Authorizer& authorizer = state_.authorizer();
  std::optional<std::vector<Challenge>> challenges = authorizer.Challenges(api_root_);
  bool known = challenges.has_value();
  // Challenges come from an answer of this endpoint: it has answered, even
  // when this request stops before it is sent (no credentials for them).
  answered_ = answered_ || known;
  for (int round = 0;; ++round) {
    Authorizer::Grant grant;
    if (challenges) {
      Result<Authorizer::Grant> granted =
          authorizer.Authorize(*challenges, credentials_, scopes, &endpoint_.tls, tokens);
      if (!granted) {
        std::string method = request.method.substr(0, 1) + detail::AsciiLower(request.method.substr(1));
        return Error(granted.error().kind(), method + " \"" + request.url + "\": " + granted.error().message());
      }
      grant = std::move(*granted);
    }
    Result<http::Response> response = Send(request, grant.authorization);
    if (!response || response->status != 401 || round > 0) return response;
    // One more try, never a loop: with the challenges a first 401 taught,
    // or with another token where a cached one was refused.
    if (!known) {
      std::vector<Challenge> learned = authorizer.AddChallenges(api_root_, *response);
      if (learned.empty()) return response;
      challenges = std::move(learned);
      known = true;
    } else if (!grant.token_key.empty()) {
      authorizer.Refused(grant.token_key);
    } else {
      return response;
    }
  }
}

Result<http::Response> EndpointClient::SendWith(http::Request request, const std::string& authorization) {
  return Send(std::move(request), authorization);
}

Result<http::Response> EndpointClient::Send(http::Request request, const std::string& authorization) {
  bool answered = false;
  Result<http::Response> response = state_.transport().SendFollowingRedirects(
      std::move(request), authorization, origin_, Destination::kRegistry, &answered);
  unreachable_ = !response;
  answered_ = answered_ || answered;
  return response;
}

}  // namespace berth::registry
