#include "registry/session.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <thread>

#include "internal/base64.h"
#include "internal/go_url.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/registry_errors.h"
#include "internal/ascii.h"

namespace berth::registry {
namespace {

using Clock = std::chrono::steady_clock;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The authority of a URL: what lies between "://" and the path.
std::string_view Authority(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  return rest;
}

// Seconds to wait from a Retry-After value: delta-seconds or an HTTP date.
std::optional<std::chrono::milliseconds> RetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 6) return std::chrono::hours(24);  // far beyond any bound
    return std::chrono::seconds(std::stol(value));
  }
  std::tm tm{};
  if (strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
  std::time_t when = timegm(&tm);
  std::time_t now = std::time(nullptr);
  return std::chrono::seconds(when > now ? when - now : 0);
}

// "100;w=21600" → 100 and 21600.
void ParseRateLimit(const std::string& value, std::int64_t& count, std::int64_t& window) {
  std::size_t i = 0;
  std::int64_t n = 0;
  bool digits = false;
  while (i < value.size() && value[i] >= '0' && value[i] <= '9' && n < (INT64_MAX / 10 - 9)) {
    n = n * 10 + (value[i++] - '0');
    digits = true;
  }
  if (!digits) return;
  count = n;
  std::size_t w = value.find("w=", i);
  if (w == std::string::npos) return;
  std::int64_t seconds = 0;
  bool any = false;
  for (std::size_t j = w + 2; j < value.size() && value[j] >= '0' && value[j] <= '9' && seconds < INT64_MAX / 10 - 9; ++j) {
    seconds = seconds * 10 + (value[j] - '0');
    any = true;
  }
  if (any) window = seconds;
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

// Where a Location header points, from the URL it answered.
std::string ResolveLocation(const std::string& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  std::string origin = base.substr(0, base.find('/', base.find("://") + 3));
  if (StartsWith(location, "//")) return base.substr(0, base.find("://") + 1) + location;
  if (StartsWith(location, "/")) return origin + location;
  std::string dir = base.substr(0, base.find_first_of("?#"));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return dir + location;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

void SetHeader(http::Request& request, const std::string& name, const std::string& value) {
  for (auto& [n, v] : request.headers) {
    if (detail::EqualsIgnoreAsciiCase(n, name)) {
      v = value;
      return;
    }
  }
  request.headers.emplace_back(name, value);
}

void RemoveHeader(http::Request& request, const std::string& name) {
  std::erase_if(request.headers, [&](const auto& h) { return detail::EqualsIgnoreAsciiCase(h.first, name); });
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

std::string OriginOf(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string scheme = detail::AsciiLower(url.substr(0, scheme_end));
  std::string authority = detail::AsciiLower(Authority(url));
  bool has_port = false;
  if (!authority.empty() && authority.back() != ']') {
    std::size_t colon = authority.rfind(':');
    has_port = colon != std::string::npos && (authority.front() != '[' || colon > authority.find(']'));
    if (has_port && colon + 1 == authority.size()) {
      authority.pop_back();  // "host:" means the default port
      has_port = false;
    }
  }
  if (!has_port) authority += scheme == "http" ? ":80" : ":443";
  return scheme + "://" + authority;
}

std::string HostOf(std::string_view url) { return detail::AsciiLower(Authority(url)); }

// ---- SharedState ---------------------------------------------------------------

SharedState::SharedState(RegistryClientOptions options, TlsLookup tls_for_host, InsecureCheck insecure)
    : options_(std::move(options)), tls_for_host_(std::move(tls_for_host)), insecure_(std::move(insecure)) {}

std::unique_ptr<http::HttpClient> SharedState::Acquire() {
  std::lock_guard lock(mu_);
  if (idle_.empty()) return std::make_unique<http::HttpClient>();
  std::unique_ptr<http::HttpClient> client = std::move(idle_.back());
  idle_.pop_back();
  return client;
}

void SharedState::Release(std::unique_ptr<http::HttpClient> client) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(client));
}

Result<http::Response> SharedState::Send(const http::Request& request, bool to_token_server) {
  std::unique_ptr<http::HttpClient> client = Acquire();
  for (int attempt = 0;; ++attempt) {
    Result<http::Response> response = client->Do(request);
    (to_token_server ? token_requests_ : registry_requests_)++;
    if (!response) {
      Release(std::move(client));
      return response;
    }
    connections_ += static_cast<std::uint64_t>(response->new_connections);
    NoteRateLimit(request.url, *response);
    const long status = response->status;
    if ((status == 429 || status == 503) && attempt < options_.max_retries) {
      std::optional<std::chrono::milliseconds> wait = RetryAfter(response->Header("retry-after"));
      if (wait && *wait <= options_.max_retry_wait) {
        std::chrono::milliseconds backoff(250LL << attempt);
        std::this_thread::sleep_for(std::min(std::max(*wait, backoff), options_.max_retry_wait));
        ++retries_;
        continue;
      }
    }
    Release(std::move(client));
    return response;
  }
}

void SharedState::NoteRateLimit(const std::string& url, const http::Response& response) {
  std::string limit = response.Header("ratelimit-limit");
  std::string remaining = response.Header("ratelimit-remaining");
  if (limit.empty() && remaining.empty()) return;
  RegistryRateLimit record;
  record.registry = HostOf(url);
  std::int64_t remaining_window = -1;
  ParseRateLimit(limit, record.limit, record.window_seconds);
  ParseRateLimit(remaining, record.remaining, remaining_window);
  if (record.window_seconds == -1) record.window_seconds = remaining_window;
  record.source = response.Header("docker-ratelimit-source");
  record.observed = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  rate_limits_[record.registry] = std::move(record);
}

std::optional<std::vector<Challenge>> SharedState::Challenges(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = challenges_.find(key);
  if (it == challenges_.end()) return std::nullopt;
  return it->second;
}

void SharedState::SetChallenges(const std::string& key, std::vector<Challenge> challenges) {
  std::lock_guard lock(mu_);
  challenges_[key] = std::move(challenges);
}

std::optional<std::string> SharedState::CachedToken(const std::string& key) {
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

void SharedState::PutToken(const std::string& key, std::string token, Clock::time_point expiry) {
  std::lock_guard lock(mu_);
  tokens_[key] = Token{std::move(token), expiry};
}

void SharedState::DropToken(const std::string& key) {
  std::lock_guard lock(mu_);
  tokens_.erase(key);
}

void SharedState::MarkUnreachable(const std::string& api_root) {
  std::lock_guard lock(mu_);
  unreachable_until_[api_root] = Clock::now() + std::chrono::seconds(30);
}

bool SharedState::RecentlyUnreachable(const std::string& api_root) const {
  std::lock_guard lock(mu_);
  auto it = unreachable_until_.find(api_root);
  return it != unreachable_until_.end() && Clock::now() < it->second;
}

void SharedState::NoteSpeaksTls(const std::string& host) {
  std::lock_guard lock(mu_);
  speaks_tls_.insert(host);
}

bool SharedState::SpeaksTls(const std::string& host) const {
  std::lock_guard lock(mu_);
  return speaks_tls_.count(host) > 0;
}

std::vector<RegistryRateLimit> SharedState::RateLimits() const {
  std::lock_guard lock(mu_);
  std::vector<RegistryRateLimit> out;
  for (const auto& [host, record] : rate_limits_) out.push_back(record);
  return out;
}

RegistryClientStats SharedState::Stats() const {
  return RegistryClientStats{registry_requests_.load(), token_requests_.load(), token_cache_hits_.load(),
                             retries_.load(), connections_.load()};
}

// ---- Session ----------------------------------------------------------------------

Session::Session(SharedState& state, Endpoint endpoint, Credentials credentials)
    : state_(state), endpoint_(std::move(endpoint)), credentials_(std::move(credentials)) {
  endpoint_.tls.verify = endpoint_.tls_verify;
  std::string base = endpoint_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  api_root_ = endpoint_.override_path ? base + "/" : base + "/v2/";
  origin_ = OriginOf(api_root_);
}

Result<http::Response> Session::Ping() {
  http::Request request;
  request.url = api_root_;
  request.timeout = state_.options().auth_timeout;
  request.max_body = 1u << 20;
  request.tls = &endpoint_.tls;
  for (const auto& [name, values] : endpoint_.headers)
    for (const std::string& v : values) request.headers.emplace_back(name, v);
  Result<http::Response> response = state_.Send(request, false);
  if (response && response->status == 401)
    state_.SetChallenges(api_root_, ParseChallenges(response->HeaderValues("www-authenticate")));
  return response;
}

Result<http::Response> Session::Fetch(http::Request request, const std::vector<std::string>& scopes,
                                      Tokens tokens) {
  for (const auto& [name, values] : endpoint_.headers)
    for (const std::string& v : values) request.headers.emplace_back(name, v);
  std::optional<std::vector<Challenge>> challenges = state_.Challenges(api_root_);
  bool known = challenges.has_value();
  // Challenges come from an answer of this endpoint: it has answered, even
  // when this request stops before it is sent (no credentials for them).
  answered_ = answered_ || known;
  bool use_cache = tokens == Tokens::kCached;
  for (int round = 0;; ++round) {
    std::string token_key;
    std::string authorization;
    if (challenges) {
      Result<std::string> auth = Authorization(*challenges, scopes, use_cache, &token_key);
      if (!auth) {
        std::string method = request.method.substr(0, 1) + detail::AsciiLower(request.method.substr(1));
        return Error(auth.error().kind(), method + " \"" + request.url + "\": " + auth.error().message());
      }
      authorization = std::move(*auth);
    }
    Result<http::Response> response = FollowRedirects(request, authorization, origin_, false);
    if (!response || response->status != 401 || round > 0) return response;
    // One more try, never a loop: with the challenges a first 401 taught,
    // or with a fresh token where a cached one was refused.
    if (!known) {
      std::vector<Challenge> learned = ParseChallenges(response->HeaderValues("www-authenticate"));
      if (learned.empty()) return response;
      state_.SetChallenges(api_root_, learned);
      challenges = std::move(learned);
      known = true;
    } else if (!token_key.empty()) {
      state_.DropToken(token_key);
      use_cache = false;
    } else {
      return response;
    }
  }
}

Result<http::Response> Session::SendWith(http::Request request, const std::string& authorization) {
  for (const auto& [name, values] : endpoint_.headers)
    for (const std::string& v : values) request.headers.emplace_back(name, v);
  return FollowRedirects(std::move(request), authorization, origin_, false);
}

Result<http::Response> Session::FollowRedirects(http::Request request, const std::string& authorization,
                                                const std::string& auth_origin, bool to_token_server) {
  const TlsMaterial* first_tls = request.tls;
  const std::string first_origin = OriginOf(request.url);
  TlsMaterial other_tls;
  for (int hop = 0;; ++hop) {
    if (!authorization.empty() && OriginOf(request.url) == auth_origin) {
      SetHeader(request, "Authorization", authorization);
    } else {
      RemoveHeader(request, "Authorization");
    }
    Result<http::Response> response = state_.Send(request, to_token_server);
    if (!to_token_server) {
      unreachable_ = !response;
      answered_ = answered_ || response.ok();
    }
    if (!response || !IsRedirect(response->status) || hop == 5) return response;
    std::string location = response->Header("location");
    if (location.empty()) return response;
    std::string next = ResolveLocation(request.url, location);
    if (OriginOf(next).empty()) return response;
    if (OriginOf(next) == first_origin) {
      request.tls = first_tls;
    } else {
      other_tls = state_.TlsFor(HostOf(next));
      request.tls = &other_tls;
    }
    if (response->status == 303 && request.method != "HEAD") {
      request.method = "GET";
      request.body.clear();
    }
    request.url = std::move(next);
  }
}

Result<std::string> Session::Authorization(const std::vector<Challenge>& challenges,
                                           const std::vector<std::string>& scopes, bool use_cache,
                                           std::string* token_key) {
  // The Engine's handler order: bearer, then basic.
  for (const Challenge& c : challenges) {
    if (c.scheme != "bearer") continue;
    if (!credentials_.registry_token.empty()) return "Bearer " + credentials_.registry_token;
    Result<std::string> token = BearerToken(c, scopes, use_cache, token_key);
    if (!token) return token.error();
    return "Bearer " + *token;
  }
  for (const Challenge& c : challenges) {
    if (c.scheme != "basic") continue;
    if (!credentials_.HasBasic()) return Error(ErrorKind::kSystem, "no basic auth credentials");
    return BasicAuthorization(credentials_);
  }
  return std::string();
}

Result<std::string> Session::BearerToken(const Challenge& challenge, const std::vector<std::string>& scopes,
                                         bool use_cache, std::string* token_key) {
  const std::string realm = challenge.Param("realm");
  if (realm.empty()) return Error(ErrorKind::kSystem, "no realm specified for token auth challenge");
  Result<detail::GoUrl> parsed = detail::ParseGoUrl(realm);
  if (!parsed) return Error(ErrorKind::kSystem, "invalid token auth challenge realm: " + parsed.error().message());
  const std::string service = challenge.Param("service");
  // Tokens belong to the credentials that got them: the key holds a digest
  // of the credentials, never the credentials.
  *token_key = realm + "\n" + service + "\n" + JoinScopes(scopes) + "\n" +
               Sha256Digest(credentials_.username + '\0' + credentials_.password + '\0' +
                            credentials_.identity_token);
  if (use_cache) {
    if (std::optional<std::string> cached = state_.CachedToken(*token_key)) return *cached;
  }
  Result<http::Response> response = FetchToken(realm, service, scopes);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 400) return ErrorFromResponse(*response);
  TokenResponse body;
  if (Status decoded = DecodeDocument(response->body, body); !decoded.ok()) {
    return Error(ErrorKind::kSystem, "unable to decode token response: " + decoded.message());
  }
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const std::int64_t issued = body.issued_at.IsZero() ? now : body.issued_at.unix_seconds;
  const bool oauth = !credentials_.identity_token.empty();
  std::string token = body.access_token.empty() && !oauth ? body.token : body.access_token;
  if (token.empty() && !oauth) {
    return Error(ErrorKind::kSystem, "authorization server did not include a token in the response");
  }
  if (!body.refresh_token.empty()) credentials_.identity_token = body.refresh_token;
  const std::int64_t expires_in = std::max<std::int64_t>(body.expires_in, 60);
  // Bounded either way (a year-9999 issued_at must not overflow the clock).
  const std::int64_t left = std::clamp<std::int64_t>(issued + std::min<std::int64_t>(expires_in, 1LL << 32) - now,
                                                     -1, 1LL << 32);
  state_.PutToken(*token_key, token, Clock::now() + std::chrono::seconds(left));
  return token;
}

Result<http::Response> Session::FetchToken(const std::string& realm, const std::string& service,
                                           const std::vector<std::string>& scopes) {
  const bool oauth = !credentials_.identity_token.empty();
  const bool basic = !oauth && credentials_.HasBasic();
  const std::string host = HostOf(realm);
  // Secrets cross plain http only to a host the configuration calls insecure.
  if ((oauth || basic) && detail::AsciiLower(realm.substr(0, 8)) != "https://" && !state_.Insecure(host)) {
    return Error(ErrorKind::kSystem, "refusing to send credentials to token realm " + realm +
                                         " over plain http: " + host + " is not an insecure registry");
  }
  // The Engine reaches the realm through the registry endpoint's transport:
  // the same TLS configuration.
  http::Request request;
  request.timeout = state_.options().auth_timeout;
  request.max_body = 1u << 20;
  request.tls = &endpoint_.tls;
  std::string authorization;
  if (oauth) {
    detail::QueryValues form{{"client_id", {"docker"}},
                             {"grant_type", {"refresh_token"}},
                             {"refresh_token", {credentials_.identity_token}},
                             {"scope", {JoinScopes(scopes)}},
                             {"service", {service}}};
    request.method = "POST";
    request.url = realm;
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
      query["account"].push_back(credentials_.username);
      authorization = BasicAuthorization(credentials_);
    }
    request.url = base + "?" + detail::EncodeQuery(query);
  }
  return FollowRedirects(std::move(request), authorization, OriginOf(realm), true);
}

}  // namespace berth::registry
