// Talking to one registry endpoint with one set of credentials, the way
// the Engine's authorizing transport does: challenges remembered per
// endpoint, Bearer tokens fetched from the realm and cached per realm,
// service, scopes and credentials, Basic where the registry asks for it.
// Credentials only ever go to the origin (scheme, host, port) that
// challenged — never to a redirect target elsewhere, never to a mirror
// (the caller gives mirrors no credentials). Rate-limited answers are
// waited out within bounds.
#ifndef BERTH_SRC_REGISTRY_SESSION_H_
#define BERTH_SRC_REGISTRY_SESSION_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "berth/challenge.h"
#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "berth/types.h"
#include "http/http_client.h"

namespace berth::registry {

// What the Engine's credential store hands its handlers.
struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // a refresh token: the OAuth POST flow
  std::string registry_token;  // a bearer token used as is

  bool HasBasic() const { return !username.empty() && !password.empty(); }
};
Credentials CredentialsFrom(const AuthConfig& auth);
// "Basic base64(username:password)"
std::string BasicAuthorization(const Credentials& credentials);

// "scheme://host:port" with the host lower-cased and the port spelled out;
// "" for a URL without "://".
std::string OriginOf(std::string_view url);
// The host[:port] of a URL as written (lower-cased).
std::string HostOf(std::string_view url);

// What every session of one RegistryClient shares: pooled connections, the
// challenges each endpoint issued, the token cache, rate limits, counters.
class SharedState {
 public:
  using TlsLookup = std::function<TlsMaterial(const std::string& host)>;
  using InsecureCheck = std::function<bool(const std::string& host)>;

  SharedState(RegistryClientOptions options, TlsLookup tls_for_host, InsecureCheck insecure);

  const RegistryClientOptions& options() const { return options_; }
  TlsMaterial TlsFor(const std::string& host) const { return tls_for_host_(host); }
  bool Insecure(const std::string& host) const { return insecure_(host); }

  // One request, with 429/503 + Retry-After waited out (bounded); counted
  // as a registry or a token request.
  Result<http::Response> Send(const http::Request& request, bool to_token_server);

  // Challenges an endpoint issued; nullopt until it issued any.
  std::optional<std::vector<Challenge>> Challenges(const std::string& key) const;
  void SetChallenges(const std::string& key, std::vector<Challenge> challenges);

  std::optional<std::string> CachedToken(const std::string& key);
  void PutToken(const std::string& key, std::string token, std::chrono::steady_clock::time_point expiry);
  void DropToken(const std::string& key);

  std::vector<RegistryRateLimit> RateLimits() const;
  RegistryClientStats Stats() const;

  // Endpoints that could not be reached (no HTTP answer at all) are skipped
  // for a while when a later endpoint can serve: an insecure registry's
  // https attempt costs one failed connection per client, not per request.
  void MarkUnreachable(const std::string& api_root);
  bool RecentlyUnreachable(const std::string& api_root) const;

  // Hosts (host[:port]) whose https endpoint has given an HTTP answer, for
  // the client's life: their http endpoint is never tried (a TLS port, and
  // credentials must not cross it in clear), and a passing outage of their
  // https endpoint does not send anyone to http.
  void NoteSpeaksTls(const std::string& host);
  bool SpeaksTls(const std::string& host) const;

 private:
  std::unique_ptr<http::HttpClient> Acquire();
  void Release(std::unique_ptr<http::HttpClient> client);
  void NoteRateLimit(const std::string& url, const http::Response& response);

  RegistryClientOptions options_;
  TlsLookup tls_for_host_;
  InsecureCheck insecure_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<http::HttpClient>> idle_;
  std::map<std::string, std::vector<Challenge>> challenges_;
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expiry;
  };
  std::map<std::string, Token> tokens_;
  std::map<std::string, RegistryRateLimit> rate_limits_;
  std::map<std::string, std::chrono::steady_clock::time_point> unreachable_until_;
  std::set<std::string> speaks_tls_;

  std::atomic<std::uint64_t> registry_requests_{0}, token_requests_{0}, token_cache_hits_{0},
      retries_{0}, connections_{0};
};

class Session {
 public:
  Session(SharedState& state, Endpoint endpoint, Credentials credentials);

  // "https://host/v2/" (or the hosts.toml URL as is, with a "/").
  const std::string& api_root() const { return api_root_; }
  const Endpoint& endpoint() const { return endpoint_; }
  // The credentials after any refresh token the token server issued.
  const Credentials& credentials() const { return credentials_; }
  // Whether the last request got no HTTP answer at all (connection, TLS,
  // timeout), as opposed to an answer or an authorization error.
  bool unreachable() const { return unreachable_; }
  // Whether this endpoint has given an HTTP answer (of any status): to a
  // request of this session, or earlier, when it issued the challenges a
  // request of this session used.
  bool answered() const { return answered_; }

  // GET api_root without credentials (auth timeout); any status is an
  // answer, and the challenges of a 401 are remembered.
  Result<http::Response> Ping();

  // Whether a Bearer token may come from the token cache. A login always
  // asks the token server: the Engine checks credentials with the registry
  // on every login, and a cached token would hide a changed password.
  enum class Tokens { kCached, kFresh };

  // A request to a URL of this endpoint, authorized for `scopes` from the
  // challenges known (or learned from a first 401), redirects followed (at
  // most 5; credentials only to this origin). Errors are worded as Go's
  // url.Error: `Get "URL": what happened`, with the class of what happened.
  Result<http::Response> Fetch(http::Request request, const std::vector<std::string>& scopes,
                               Tokens tokens = Tokens::kCached);

  // A request with a given Authorization (or none), for the v1 protocol
  // that knows no challenges; redirects as Fetch.
  Result<http::Response> SendWith(http::Request request, const std::string& authorization);

 private:
  Result<std::string> Authorization(const std::vector<Challenge>& challenges,
                                    const std::vector<std::string>& scopes, bool use_cache,
                                    std::string* token_key);
  Result<std::string> BearerToken(const Challenge& challenge, const std::vector<std::string>& scopes,
                                  bool use_cache, std::string* token_key);
  Result<http::Response> FetchToken(const std::string& realm, const std::string& service,
                                    const std::vector<std::string>& scopes);
  // Sends request, following redirects; `authorization` goes only to
  // `auth_origin`.
  Result<http::Response> FollowRedirects(http::Request request, const std::string& authorization,
                                         const std::string& auth_origin, bool to_token_server);

  SharedState& state_;
  Endpoint endpoint_;
  Credentials credentials_;
  std::string api_root_;
  std::string origin_;
  bool unreachable_ = false;
  bool answered_ = false;
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_SESSION_H_
