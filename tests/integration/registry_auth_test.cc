// The registry client against the real CNCF registry over TLS (a test CA
// in a certs.d directory) with Basic auth (htpasswd) and with Bearer token
// auth (the token-server fixture signing JWTs the registry verifies).
// The registry is reached as localhost:PORT with a DNS stand-in that keeps
// it out of 127.0.0.0/8 — the Engine treats that range as insecure and
// would switch TLS verification off.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "berth/engine_client.h"
#include "berth/json.h"
#include "berth/registry_client.h"
#include "fixtures.h"
#include "local_berthd.h"
#include "local_registry.h"
#include "tls_registry.h"

namespace berth {
namespace {

namespace fs = std::filesystem;
using testing::FixtureServer;
using testing::PushedImages;
using testing::TempDir;
using testing::TlsRegistry;
using testing::TokenRegistry;

AuthConfig Credentials(const std::string& server, const std::string& user, const std::string& password) {
  AuthConfig auth;
  auth.server_address = server;
  auth.username = user;
  auth.password = password;
  return auth;
}

TEST(BasicAuthRegistry, LoginInspectAndTheEnginesErrors) {
  TlsRegistry tls;
  PushedImages pushed;
  ASSERT_TRUE(tls.StartForAlice(pushed)) << pushed.error;

  {
    RegistryClient client(*tls.service);
    Result<AuthenticateOKBody> ok = client.Login(Credentials(tls.name, "alice", "s3cret"));
    ASSERT_TRUE(ok.ok()) << ok.error().message();
    EXPECT_EQ(ok->status, "Login Succeeded");
    EXPECT_EQ(ok->identity_token, "");
    // Ping, then the authorized check: two requests, one connection.
    EXPECT_EQ(client.Stats().registry_requests, 2u);
    EXPECT_EQ(client.Stats().connections, 1u);
  }
  RegistryClient client(*tls.service);
  Result<AuthenticateOKBody> wrong = client.Login(Credentials(tls.name, "alice", "nope"));
  ASSERT_FALSE(wrong.ok());
  // The Engine's 500, unauthorized in berth (docs/compatibility.md A16).
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(wrong.error().message(),
            "login attempt to https://" + tls.name + "/v2/ failed with status: 401 Unauthorized");

  AuthConfig alice = Credentials("", "alice", "s3cret");
  for (const auto& [image, expected] : pushed.images) {
    Result<DistributionInspect> got = client.Inspect(tls.name + "/" + image, alice);
    ASSERT_TRUE(got.ok()) << image << ": " << got.error().message();
    EXPECT_EQ(got->descriptor.digest, expected.digest) << image;
  }
  Result<DistributionInspect> anonymous = client.Inspect(tls.name + "/berth/multi:1.0", {});
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().message(),
            "Get \"https://" + tls.name + "/v2/berth/multi/manifests/1.0\": no basic auth credentials");

  // Without the CA the certificate is not trusted: a clear TLS error.
  TempDir empty;
  ASSERT_TRUE(tls.MakeService(empty.path()));
  RegistryClient untrusting(*tls.service);
  Result<DistributionInspect> untrusted = untrusting.Inspect(tls.name + "/berth/multi:1.0", alice);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.error().message().find("certificate"), std::string::npos) << untrusted.error().message();
}

// An insecure registry that speaks TLS: its endpoints are https://HOST,
// then http://HOST. Once https answered — whatever it said — nothing of that
// operation goes to http (the Engine retries there, sending the password in
// clear to a TLS port and reporting its "400 Bad Request").
TEST(BasicAuthRegistry, NothingGoesToPlainHttpAfterHttpsAnswered) {
  TlsRegistry tls;
  PushedImages pushed;
  ASSERT_TRUE(tls.StartForAlice(pushed)) << pushed.error;
  ServiceOptions options;
  options.insecure_registries = {tls.name};
  RegistryServiceSettings settings;
  settings.resolver = [](const std::string&) { return std::vector<std::vector<std::uint8_t>>{}; };
  auto service = RegistryService::Create(options, settings);
  ASSERT_TRUE(service.ok()) << service.error().message();
  Result<std::vector<Endpoint>> endpoints = (*service)->PushEndpoints(tls.name);
  ASSERT_TRUE(endpoints.ok());
  ASSERT_EQ(endpoints->size(), 2u);
  EXPECT_EQ((*endpoints)[1].url, "http://" + tls.name);

  RegistryClient client(**service);
  Result<AuthenticateOKBody> wrong = client.Login(Credentials(tls.name, "alice", "nope"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(wrong.error().message(),
            "login attempt to https://" + tls.name + "/v2/ failed with status: 401 Unauthorized");
  EXPECT_EQ(client.Stats().registry_requests, 2u);  // ping and check over https, nothing over http

  RegistryClient inspecting(**service);
  Result<DistributionInspect> refused =
      inspecting.Inspect(tls.name + "/berth/multi:1.0", Credentials("", "alice", "nope"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(refused.error().message(), "unauthorized: authentication required");
  EXPECT_EQ(inspecting.Stats().registry_requests, 2u);  // the 401, and the retry with the challenge's credentials
  // Without credentials: the challenges are known, so each inspect stops
  // before sending anything — and still nothing goes to http.
  for (const char* image : {"berth/multi:1.0", "berth/docker-v2:1.0"}) {
    Result<DistributionInspect> anonymous = inspecting.Inspect(tls.name + "/" + image, {});
    ASSERT_FALSE(anonymous.ok());
    EXPECT_EQ(anonymous.error().message().rfind("Get \"https://" + tls.name + "/v2/", 0), 0u)
        << anonymous.error().message();
    EXPECT_NE(anonymous.error().message().find("no basic auth credentials"), std::string::npos);
  }
  EXPECT_EQ(inspecting.Stats().registry_requests, 2u);

  RegistryClient searching(**service);
  SearchRequest search;
  search.term = tls.name + "/berth";
  Result<SearchOutcome> denied = searching.Search(search, Credentials("", "alice", "nope"));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().message().find("http://"), std::string::npos) << denied.error().message();

  // berthd sees localhost as insecure too (127.0.0.0/8): its POST /auth
  // says 401 with https's answer (dockerd: 500 with http's 400).
  testing::LocalBerthd berthd;
  ASSERT_TRUE(berthd.ok()) << berthd.error();
  EngineClientOptions engine_options;
  engine_options.host = berthd.unix_host();
  auto engine = EngineClient::Create(engine_options);
  ASSERT_TRUE(engine.ok()) << engine.error().message();
  Result<AuthenticateOKBody> through = (*engine)->RegistryLogin(Credentials(tls.name, "alice", "nope"));
  ASSERT_FALSE(through.ok());
  EXPECT_EQ(through.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(through.error().message(), "Error response from daemon: login attempt to https://" + tls.name +
                                           "/v2/ failed with status: 401 Unauthorized");

  // The right password over the same endpoints: https, as before.
  Result<AuthenticateOKBody> ok = client.Login(Credentials(tls.name, "alice", "s3cret"));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  Result<DistributionInspect> got =
      inspecting.Inspect(tls.name + "/berth/multi:1.0", Credentials("", "alice", "s3cret"));
  ASSERT_TRUE(got.ok()) << got.error().message();
}

TEST(TokenAuthRegistry, LoginIssuesAnIdentityTokenThatLogsInAgain) {
  TokenRegistry token;
  ASSERT_TRUE(token.Start());
  RegistryClient client(*token.tls.service);
  Result<AuthenticateOKBody> ok = client.Login(Credentials(token.tls.name, "alice", "s3cret"));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->status, "Login Succeeded");
  EXPECT_FALSE(ok->identity_token.empty());
  // Ping, token, check.
  EXPECT_EQ(client.Stats().registry_requests, 2u);
  EXPECT_EQ(client.Stats().token_requests, 1u);
  EXPECT_EQ(testing::CountLines(token.token_log, {"GET /token", "account=alice", "client_id=docker",
                                                  "offline_token=true", "service=berth-test-registry", "auth=Basic"}),
            1);

  // The identity token alone logs in again: the OAuth refresh-token flow.
  RegistryClient again(*token.tls.service);
  AuthConfig refresh;
  refresh.server_address = token.tls.name;
  refresh.identity_token = ok->identity_token;
  Result<AuthenticateOKBody> refreshed = again.Login(refresh);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().message();
  EXPECT_EQ(refreshed->identity_token, ok->identity_token);
  EXPECT_EQ(testing::CountLines(token.token_log, {"POST /token", "grant_type=refresh_token"}), 1);

  // Wrong password: the token server's 401 stays unauthorized (the Engine's 401).
  Result<AuthenticateOKBody> wrong = again.Login(Credentials(token.tls.name, "alice", "nope"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(wrong.error().message(),
            "Get \"https://" + token.tls.name + "/v2/\": unauthorized: incorrect username or password");
  // No secret in any log line of the token server.
  EXPECT_EQ(testing::ReadFile(token.token_log).find("s3cret"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(token.token_log).find(ok->identity_token), std::string::npos);
}

TEST(TokenAuthRegistry, InspectUsesOneRequestPerReferenceOnceATokenIsCached) {
  TokenRegistry token;
  ASSERT_TRUE(token.Start());
  PushedImages pushed = token.tls.Push("alice:s3cret");
  ASSERT_TRUE(pushed.ok) << pushed.error;
  RegistryClient client(*token.tls.service);
  AuthConfig alice = Credentials("", "alice", "s3cret");
  for (const auto& [image, expected] : pushed.images) {
    Result<DistributionInspect> got = client.Inspect(token.tls.name + "/" + image, alice);
    ASSERT_TRUE(got.ok()) << image << ": " << got.error().message();
    EXPECT_EQ(got->descriptor.digest, expected.digest) << image;
    EXPECT_EQ(got->descriptor.media_type, expected.media_type) << image;
  }

  // 200 references to tags of one index, token cached: one manifest GET each.
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back(token.tls.name + "/berth/multi:t" + std::to_string(i % 5 + 1));
  const std::string log = token.tls.registry->log_path();
  int before = testing::CountLines(log, {"\"GET /v2/berth/multi/manifests/"});
  RegistryClientStats stats_before = client.Stats();
  std::vector<Result<DistributionInspect>> many = client.InspectMany(names, alice, 8);
  for (const auto& r : many) ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(many[0]->descriptor.digest, pushed.images["berth/multi:t1"].digest);
  RegistryClientStats stats = client.Stats();
  EXPECT_EQ(stats.registry_requests - stats_before.registry_requests, 200u);
  EXPECT_EQ(stats.token_requests, stats_before.token_requests);
  EXPECT_EQ(testing::CountLines(log, {"\"GET /v2/berth/multi/manifests/"}) - before, 200);

  // Anonymous: the token server grants nothing, the registry refuses.
  Result<DistributionInspect> anonymous = client.Inspect(token.tls.name + "/berth/multi:1.0", {});
  ASSERT_FALSE(anonymous.ok());
  EXPECT_TRUE(anonymous.error().kind() == ErrorKind::kForbidden || anonymous.error().kind() == ErrorKind::kUnauthorized)
      << anonymous.error().message();
}

TEST(TokenAuthRegistry, ConcurrentFirstRequestsFetchOneToken) {
  TokenRegistry token;
  ASSERT_TRUE(token.Start());
  PushedImages pushed = token.tls.Push("alice:s3cret");
  ASSERT_TRUE(pushed.ok) << pushed.error;
  // A new client knows no challenge and no token: 8 workers start at once,
  // each learns the challenge from a 401, and all of them wait on one fetch
  // of the one token their scope needs.
  RegistryClient client(*token.tls.service);
  const int before = testing::CountLines(token.token_log, {"GET /token"});
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back(token.tls.name + "/berth/multi:t" + std::to_string(i % 5 + 1));
  std::vector<Result<DistributionInspect>> many = client.InspectMany(names, Credentials("", "alice", "s3cret"), 8);
  for (const auto& r : many) ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(client.Stats().token_requests, 1u);
  EXPECT_EQ(testing::CountLines(token.token_log, {"GET /token"}) - before, 1);

  // An image manifest and its config blob share the scope: the refresh
  // token the first fetch brought does not make the second miss the cache.
  RegistryClient single(*token.tls.service);
  Result<DistributionInspect> got =
      single.Inspect(token.tls.name + "/berth/oci-single:1.0", Credentials("", "alice", "s3cret"));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->platforms.size(), 1u);
  EXPECT_EQ(single.Stats().token_requests, 1u);
}

TEST(TokenAuthRegistry, SearchWithAnIdentityTokenListsTheCatalog) {
  TokenRegistry token;
  ASSERT_TRUE(token.Start());
  PushedImages pushed = token.tls.Push("alice:s3cret");
  ASSERT_TRUE(pushed.ok) << pushed.error;
  RegistryClient client(*token.tls.service);
  Result<AuthenticateOKBody> login = client.Login(Credentials(token.tls.name, "alice", "s3cret"));
  ASSERT_TRUE(login.ok()) << login.error().message();
  // The Engine's "v2 auth" search client: user name plus identity token, the
  // OAuth refresh flow; the CNCF registry has no v1 search, so the catalog.
  AuthConfig auth;
  auth.username = "alice";
  auth.identity_token = login->identity_token;
  SearchRequest request;
  request.term = token.tls.name + "/nested";
  Result<SearchOutcome> found = client.Search(request, auth);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->method, SearchMethod::kV2Catalog);
  ASSERT_EQ(found->results.size(), 1u);
  EXPECT_EQ(found->results[0].name, token.tls.name + "/berth/deep/nested/name");
  EXPECT_GE(testing::CountLines(token.token_log, {"POST /token", "grant_type=refresh_token"}), 1);
  // Without credentials the catalog is refused, with the registry's words.
  Result<SearchOutcome> refused = client.Search(request, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().kind() == ErrorKind::kUnauthorized || refused.error().kind() == ErrorKind::kForbidden)
      << refused.error().message();
}

TEST(TokenAuthRegistry, BrokenTokenServersGiveTheEnginesErrors) {
  for (auto [mode, expected] : std::vector<std::pair<std::string, std::string>>{
           {"no-token", "authorization server did not include a token in the response"},
           {"junk", "unable to decode token response: invalid character"},
           {"slow", "imed out"}}) {
    SCOPED_TRACE(mode);
    TokenRegistry token;
    ASSERT_TRUE(token.Start(mode));
    RegistryClientOptions options;
    options.auth_timeout = std::chrono::milliseconds(1500);
    RegistryClient client(*token.tls.service, options);
    auto start = std::chrono::steady_clock::now();
    Result<AuthenticateOKBody> r = client.Login(Credentials(token.tls.name, "alice", "s3cret"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind(), ErrorKind::kSystem);
    EXPECT_NE(r.error().message().find(expected), std::string::npos) << r.error().message();
    EXPECT_EQ(r.error().message().find("s3cret"), std::string::npos);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5);
  }
}

// A login always asks the registry: berthd's token cache must not answer
// POST /auth for credentials the token server no longer takes (the docker
// CLI would then store a dead password), and a repeated login gets its
// identity token.
TEST(TokenAuthRegistry, ALoginThroughBerthdAlwaysAsksTheTokenServer) {
  TokenRegistry token;
  const std::string users = token.tls.dir.path() + "/users";
  std::ofstream(users) << "carol:old-pass-1\n";
  ASSERT_TRUE(token.Start("normal", {"--users", users}));
  testing::LocalBerthd berthd;
  ASSERT_TRUE(berthd.ok()) << berthd.error();
  EngineClientOptions options;
  options.host = berthd.unix_host();
  auto engine = EngineClient::Create(options);
  ASSERT_TRUE(engine.ok()) << engine.error().message();
  for (int i = 0; i < 2; ++i) {
    Result<AuthenticateOKBody> ok = (*engine)->RegistryLogin(Credentials(token.tls.name, "carol", "old-pass-1"));
    ASSERT_TRUE(ok.ok()) << ok.error().message();
    EXPECT_EQ(ok->status, "Login Succeeded");
    EXPECT_FALSE(ok->identity_token.empty()) << "login " << i;
  }
  EXPECT_EQ(testing::CountLines(token.token_log, {"GET /token"}), 2);
  std::ofstream(users, std::ios::trunc) << "carol:new-pass-2\n";
  Result<AuthenticateOKBody> stale = (*engine)->RegistryLogin(Credentials(token.tls.name, "carol", "old-pass-1"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_NE(stale.error().message().find("unauthorized: incorrect username or password"), std::string::npos)
      << stale.error().message();
  Result<AuthenticateOKBody> fresh = (*engine)->RegistryLogin(Credentials(token.tls.name, "carol", "new-pass-2"));
  EXPECT_TRUE(fresh.ok()) << fresh.error().message();
}

// issued_at is a Go time.Time: only an RFC 3339 string decodes, and the
// rest fails the login with Go 1.21's words.
TEST(TokenAuthRegistry, IssuedAtIsDecodedAsGoDecodesATime) {
  for (auto [issued_at, expected] : std::vector<std::pair<std::string, std::string>>{
           {R"("")", R"(unable to decode token response: parsing time "" as "2006-01-02T15:04:05Z07:00": )"
                     R"(cannot parse "" as "2006")"},
           {"1700000000", "unable to decode token response: Time.UnmarshalJSON: input is not a JSON string"},
           {R"({"t":1})", "unable to decode token response: Time.UnmarshalJSON: input is not a JSON string"},
           {R"("2026-02-30T10:00:00Z")",
            R"(unable to decode token response: parsing time "2026-02-30T10:00:00Z": day out of range)"},
           {R"("2026-11-30 10:00:00Z")",
            R"(unable to decode token response: parsing time "2026-11-30 10:00:00Z" as "2006-01-02T15:04:05Z07:00": )"
            R"(cannot parse " 10:00:00Z" as "T")"}}) {
    SCOPED_TRACE(issued_at);
    TokenRegistry token;
    ASSERT_TRUE(token.Start("normal", {"--issued-at", issued_at}));
    RegistryClient client(*token.tls.service);
    Result<AuthenticateOKBody> r = client.Login(Credentials(token.tls.name, "alice", "s3cret"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind(), ErrorKind::kSystem);
    EXPECT_NE(r.error().message().find(expected), std::string::npos) << r.error().message();
  }
  // null is Go's zero time: the token counts from now.
  TokenRegistry token;
  ASSERT_TRUE(token.Start("normal", {"--issued-at", "null"}));
  RegistryClient client(*token.tls.service);
  Result<AuthenticateOKBody> ok = client.Login(Credentials(token.tls.name, "alice", "s3cret"));
  EXPECT_TRUE(ok.ok()) << ok.error().message();
}

}  // namespace
}  // namespace berth
