#include "registry/authorizer.h"

#include <algorithm>
#include <ctime>

#include "internal/ascii.h"
#include "internal/base64.h"
#include "internal/go_url.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/registry_errors.h"
#include "registry/request_builder.h"
#include "registry/urls.h"

namespace berth::registry {
namespace {

using Clock = std::chrono::steady_clock;

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

// Whom a token belongs to: a digest of the credentials, never the
// credentials.
std::string TokenOwner(const Credentials& credentials) {
  if (!credentials.token_owner.empty()) return credentials.token_owner;
  return Sha256Digest(credentials.username + '\0' + credentials.password + '\0' + credentials.identity_token);
}

// The cache key of a token: realm, service, scopes and owner.
std::string TokenKey(const std::string& realm, const std::string& service, const std::vector<std::string>& scopes,
                     const Credentials& credentials) {
  return realm + "\n" + service + "\n" + JoinScopes(scopes) + "\n" + TokenOwner(credentials);
}

}  // namespace

Credentials CredentialsFrom(const AuthConfig& auth) {
  return Credentials{auth.username, auth.password, auth.identity_token, auth.registry_token};
}

std::string BasicAuthorization(const Credentials& credentials) {
  std::string pair = credentials.username + ":" + credentials.password;
  std::string header = "Basic ";
  detail::AppendBase64(header, reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size(),
                       detail::Base64Alphabet::kStd);
  return header;
}

Authorizer::Authorizer(Transport& transport, const RegistryClientOptions& options, InsecureCheck insecure)
    : transport_(transport), options_(options), insecure_(std::move(insecure)) {}

std::optional<std::vector<Challenge>> Authorizer::Challenges(const std::string& api_root) const {
  std::lock_guard lock(mu_);
  auto it = challenges_.find(api_root);
  if (it == challenges_.end()) return std::nullopt;
  return it->second;
}

std::vector<Challenge> Authorizer::AddChallenges(const std::string& api_root, const http::Response& unauthorized) {
  std::vector<Challenge> learned = ParseChallenges(unauthorized.HeaderValues("www-authenticate"));
  if (!learned.empty()) {
    std::lock_guard lock(mu_);
    challenges_[api_root] = learned;
  }
  return learned;
}

Result<Authorizer::Grant> Authorizer::Authorize(const std::vector<Challenge>& challenges, Credentials& credentials,
                                                const std::vector<std::string>& scopes, const TlsMaterial* tls,
                                                Tokens tokens) {
  for (const Challenge& c : challenges) {
    if (c.scheme != "bearer") continue;
    if (!credentials.registry_token.empty()) return Grant{"Bearer " + credentials.registry_token, ""};
    Grant grant;
    Result<std::string> token = BearerToken(c, credentials, scopes, tls, tokens, &grant.token_key);
    if (!token) return token.error();
    grant.authorization = "Bearer " + *token;
    return grant;
  }
  for (const Challenge& c : challenges) {
    if (c.scheme != "basic") continue;
    if (!credentials.HasBasic()) return Error(ErrorKind::kSystem, "no basic auth credentials");
    return Grant{BasicAuthorization(credentials), ""};
  }
  return Grant{};
}

void Authorizer::Refused(const std::string& token_key) {
  std::lock_guard lock(mu_);
  tokens_.erase(token_key);
}

std::optional<std::string> Authorizer::Cached(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(key);
  if (it == tokens_.end()) return std::nullopt;
  if (Clock::now() > it->second.expiry) {
    tokens_.erase(it);
    return std::nullopt;
  }
  ++token_cache_hits_;
  return it->second.value;
}

Result<std::string> Authorizer::BearerToken(const Challenge& challenge, Credentials& credentials,
                                            const std::vector<std::string>& scopes, const TlsMaterial* tls,
                                            Tokens tokens, std::string* token_key) {
  const std::string realm = challenge.Param("realm");
  if (realm.empty()) return Error(ErrorKind::kSystem, "no realm specified for token auth challenge");
  Result<detail::GoUrl> parsed = detail::ParseGoUrl(realm);
  if (!parsed) return Error(ErrorKind::kSystem, "invalid token auth challenge realm: " + parsed.error().message());
  const std::string service = challenge.Param("service");
  *token_key = TokenKey(realm, service, scopes, credentials);
  if (tokens == Tokens::kFresh) return FetchToken(*token_key, realm, service, credentials, scopes, tls);

  if (std::optional<std::string> cached = Cached(*token_key)) return *cached;
  // Join the fetch under way for this key, or lead one.
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(mu_);
    std::shared_ptr<Flight>& slot = flights_[*token_key];
    if (!slot) {
      slot = std::make_shared<Flight>();
      leader = true;
    }
    flight = slot;
  }
  if (!leader) {
    std::unique_lock lock(flight->mu);
    flight->done_cv.wait(lock, [&] { return flight->done; });
    return flight->token;
  }
  Result<std::string> token = FetchToken(*token_key, realm, service, credentials, scopes, tls);
  {
    std::lock_guard lock(flight->mu);
    flight->token = token;
    flight->done = true;
  }
  flight->done_cv.notify_all();
  std::lock_guard lock(mu_);
  flights_.erase(*token_key);
  return token;
}

Result<std::string> Authorizer::FetchToken(const std::string& key, const std::string& realm, const std::string& service,
                                           Credentials& credentials, const std::vector<std::string>& scopes,
                                           const TlsMaterial* tls) {
  Result<http::Response> response = RequestToken(realm, service, credentials, scopes, tls);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 400) return ErrorFromResponse(*response);
  TokenResponse body;
  if (Status decoded = DecodeDocument(response->body, body); !decoded.ok()) {
    return Error(ErrorKind::kSystem, "unable to decode token response: " + decoded.message());
  }
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const std::int64_t issued = body.issued_at.IsZero() ? now : body.issued_at.unix_seconds;
  const bool oauth = !credentials.identity_token.empty();
  std::string token = body.access_token.empty() && !oauth ? body.token : body.access_token;
  if (token.empty() && !oauth) {
    return Error(ErrorKind::kSystem, "authorization server did not include a token in the response");
  }
  if (!body.refresh_token.empty()) {
    credentials.token_owner = TokenOwner(credentials);  // before the refresh token changes them
    credentials.identity_token = body.refresh_token;
  }
  const std::int64_t expires_in = std::max<std::int64_t>(body.expires_in, 60);
  // Bounded either way (a year-9999 issued_at must not overflow the clock).
  const std::int64_t left =
      std::clamp<std::int64_t>(issued + std::min<std::int64_t>(expires_in, 1LL << 32) - now, -1, 1LL << 32);
  std::lock_guard lock(mu_);
  tokens_[key] = Token{token, Clock::now() + std::chrono::seconds(left)};
  return token;
}

Result<http::Response> Authorizer::RequestToken(const std::string& realm, const std::string& service,
                                                const Credentials& credentials, const std::vector<std::string>& scopes,
                                                const TlsMaterial* tls) {
  const bool oauth = !credentials.identity_token.empty();
  const bool basic = !oauth && credentials.HasBasic();
  const std::string host = HostOf(realm);
  // Secrets cross plain http only to a host the configuration calls insecure.
  if ((oauth || basic) && detail::AsciiLower(realm.substr(0, 8)) != "https://" && !insecure_(host)) {
    return Error(ErrorKind::kSystem, "refusing to send credentials to token realm " + realm +
                                         " over plain http: " + host + " is not an insecure registry");
  }
  // The Engine reaches the realm through the registry endpoint's transport:
  // the same TLS configuration.
  http::Request request = NewRequest(options_, RequestKind::kAuth, realm, tls);
  std::string authorization;
  if (oauth) {
    detail::QueryValues form{{"client_id", {"docker"}},
                             {"grant_type", {"refresh_token"}},
                             {"refresh_token", {credentials.identity_token}},
                             {"scope", {JoinScopes(scopes)}},
                             {"service", {service}}};
    request.method = "POST";
    request.body = detail::EncodeQuery(form);
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    // The realm's own query, then ours; url.Values.Encode sorts the keys.
    std::string base = realm;
    detail::QueryValues query;
    std::size_t q = realm.find('?');
    if (q != std::string::npos) {
      base = realm.substr(0, q);
      std::string_view raw = std::string_view(realm).substr(q + 1);
      (void)detail::ParseQuery(raw.substr(0, raw.find('#')), query);  // url.Query(): errors dropped
    }
    if (!service.empty()) query["service"].push_back(service);
    for (const std::string& s : scopes) query["scope"].push_back(s);
    query["offline_token"].push_back("true");
    query["client_id"].push_back("docker");
    if (basic) {
      query["account"].push_back(credentials.username);
      authorization = BasicAuthorization(credentials);
    }
    request.url = base + "?" + detail::EncodeQuery(query);
  }
  return transport_.SendFollowingRedirects(std::move(request), authorization, OriginOf(realm),
                                           Destination::kTokenServer);
}

}  // namespace berth::registry
