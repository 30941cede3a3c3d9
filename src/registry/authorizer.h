// Authorization for registry requests, as the Engine's authorizing
// transport and containerd's docker authorizer give it: the challenges each
// endpoint issued (WWW-Authenticate on a 401), Bearer tokens fetched from
// the challenge's realm and cached per realm, service, scopes and
// credentials, Basic where the registry asks for it. Requests that need
// the same token while it is being fetched wait for that one fetch (single
// flight per cache key), so a burst of first requests to a registry costs
// one token request. The sender only asks for a header and reports a 401.
#ifndef BERTH_SRC_REGISTRY_AUTHORIZER_H_
#define BERTH_SRC_REGISTRY_AUTHORIZER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "berth/challenge.h"
#include "berth/registry_client.h"
#include "berth/types.h"
#include "registry/transport.h"

namespace berth::registry {

// What the Engine's credential store hands its handlers.
struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // a refresh token: the OAuth POST flow
  std::string registry_token;  // a bearer token used as is
  // Whose cached tokens these credentials use: set by the first refresh
  // token a token server issues (which replaces identity_token), so that
  // the token fetched with the password still serves the next request of
  // the same scope. Empty: derived from the fields above.
  std::string token_owner;

  bool HasBasic() const { return !username.empty() && !password.empty(); }
};
Credentials CredentialsFrom(const AuthConfig& auth);
// "Basic base64(username:password)"
std::string BasicAuthorization(const Credentials& credentials);

class Authorizer {
 public:
  // Whether a host may be sent secrets over plain http (an insecure registry).
  using InsecureCheck = std::function<bool(const std::string& host)>;

  Authorizer(Transport& transport, const RegistryClientOptions& options, InsecureCheck insecure);

  // Challenges the endpoint with this API root issued; nullopt until it
  // issued any.
  std::optional<std::vector<Challenge>> Challenges(const std::string& api_root) const;
  // Remembers the challenges of a 401 from that endpoint and returns them
  // (empty when it sent none: nothing is remembered then).
  std::vector<Challenge> AddChallenges(const std::string& api_root, const http::Response& unauthorized);

  // Whether a Bearer token may come from the cache (or a fetch already
  // under way). A login always asks the token server: the Engine checks
  // credentials with the registry on every login, and a cached token would
  // hide a changed password.
  enum class Tokens { kCached, kFresh };

  struct Grant {
    std::string authorization;  // the Authorization header; "" for none
    std::string token_key;      // the cached Bearer token it came from, if any
  };

  // The Authorization for `challenges` (the Engine's order: bearer, then
  // basic; none when the endpoint issued neither). A Bearer token is the
  // credentials' registry token, else from the cache, else fetched from the
  // realm over `tls` (the endpoint's) — the refresh token a token server
  // issues replaces `credentials.identity_token`. Errors: the token
  // server's (ErrorFromResponse), `no basic auth credentials`, `no realm
  // specified for token auth challenge`, a refusal to send secrets to a
  // plain-http realm that is not insecure.
  Result<Grant> Authorize(const std::vector<Challenge>& challenges, Credentials& credentials,
                          const std::vector<std::string>& scopes, const TlsMaterial* tls, Tokens tokens);

  // The registry refused a token from the cache: it is not handed out again.
  void Refused(const std::string& token_key);

  std::uint64_t token_cache_hits() const { return token_cache_hits_.load(); }

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expiry;
  };
  // One fetch of one token, waited on by every request that needs it.
  struct Flight {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    Result<std::string> token = Error(ErrorKind::kSystem, "token fetch did not finish");
  };

  Result<std::string> BearerToken(const Challenge& challenge, Credentials& credentials,
                                  const std::vector<std::string>& scopes, const TlsMaterial* tls, Tokens tokens,
                                  std::string* token_key);
  // Fetches, decodes and caches one token.
  Result<std::string> FetchToken(const std::string& key, const std::string& realm, const std::string& service,
                                 Credentials& credentials, const std::vector<std::string>& scopes,
                                 const TlsMaterial* tls);
  // The token request: GET with Basic credentials, or the OAuth POST with
  // a refresh token.
  Result<http::Response> RequestToken(const std::string& realm, const std::string& service,
                                      const Credentials& credentials, const std::vector<std::string>& scopes,
                                      const TlsMaterial* tls);
  std::optional<std::string> Cached(const std::string& key);

  Transport& transport_;
  const RegistryClientOptions& options_;
  InsecureCheck insecure_;

  mutable std::mutex mu_;
  std::map<std::string, std::vector<Challenge>> challenges_;
  std::map<std::string, Token> tokens_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
  std::atomic<std::uint64_t> token_cache_hits_{0};
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_AUTHORIZER_H_
