// A registry that breaks on purpose (tests/fixtures/fault_server.py; no real
// peer stands behind it): every fault ends within a bounded time with a
// clear error — no crash, no hang, no unbounded read, no credential sent
// where it does not belong.
#include <gtest/gtest.h>

#include <chrono>

#include "berth/registry_client.h"
#include "fixtures.h"

namespace berth {
namespace {

using Clock = std::chrono::steady_clock;

struct Outcome {
  Result<DistributionInspect> result = Error(ErrorKind::kSystem, "not run");
  double seconds = 0;
  RegistryClientStats stats;
  std::vector<RegistryRateLimit> rate_limits;
  std::string log;
};

RegistryClientOptions ShortTimeouts() {
  RegistryClientOptions options;
  options.auth_timeout = std::chrono::milliseconds(1500);
  options.request_timeout = std::chrono::milliseconds(1500);
  options.max_retry_wait = std::chrono::milliseconds(2000);
  return options;
}

// Inspects an image on a fault server in `mode` (127.0.0.1 is insecure:
// https is tried first, then plain http, as the Engine does).
Outcome InspectFaulty(const std::vector<std::string>& args, const AuthConfig& auth = {}) {
  testing::TempDir dir;
  Outcome out;
  out.log = dir.path() + "/fault.log";
  std::vector<std::string> all{"--log", out.log};
  all.insert(all.end(), args.begin(), args.end());
  testing::FixtureServer fault("fault_server.py", all);
  EXPECT_TRUE(fault.ok()) << fault.error();
  if (!fault.ok()) return out;
  auto service = RegistryService::Create({});
  RegistryClient client(**service, ShortTimeouts());
  Clock::time_point start = Clock::now();
  out.result = client.Inspect("127.0.0.1:" + std::to_string(fault.port()) + "/test/image:1.0", auth);
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.stats = client.Stats();
  out.rate_limits = client.RateLimits();
  out.log = testing::ReadFile(out.log);
  return out;
}

std::string ErrorOf(const Outcome& o) {
  return o.result.ok() ? "(no error)" : o.result.error().message();
}

TEST(Faults, HealthyBaselineAnswers) {
  Outcome o = InspectFaulty({"--mode", "normal"});
  ASSERT_TRUE(o.result.ok()) << ErrorOf(o);
  EXPECT_EQ(o.result->descriptor.media_type, "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(o.result->platforms.size(), 2u);
  // The rate limit the registry reported is kept for it.
  ASSERT_EQ(o.rate_limits.size(), 1u);
  EXPECT_EQ(o.rate_limits[0].registry.rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(o.rate_limits[0].limit, 100);
  EXPECT_EQ(o.rate_limits[0].remaining, 76);
  EXPECT_EQ(o.rate_limits[0].window_seconds, 21600);
  EXPECT_EQ(o.rate_limits[0].source, "127.0.0.1");
}

TEST(Faults, RegistryDown) {
  auto service = RegistryService::Create({});
  RegistryClient client(**service, ShortTimeouts());
  Clock::time_point start = Clock::now();
  Result<DistributionInspect> r = client.Inspect("127.0.0.1:1/test/image:1.0", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kSystem);
  EXPECT_EQ(r.error().message().rfind("Get \"http://127.0.0.1:1/v2/test/image/manifests/1.0\": ", 0), 0u)
      << r.error().message();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5);
}

TEST(Faults, ConnectionReset) {
  Outcome o = InspectFaulty({"--mode", "reset"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(o.result.error().kind(), ErrorKind::kSystem);
  EXPECT_LT(o.seconds, 5);
}

TEST(Faults, ServerErrors) {
  Outcome o = InspectFaulty({"--mode", "500"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(ErrorOf(o), "received unexpected HTTP status: 500 Internal Server Error");
}

TEST(Faults, SlowServerTimesOut) {
  Outcome o = InspectFaulty({"--mode", "slow", "--sleep", "60"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_NE(ErrorOf(o).find("imed out"), std::string::npos) << ErrorOf(o);
  EXPECT_LT(o.seconds, 6);  // two endpoints, 1.5 s each
}

TEST(Faults, MalformedJson) {
  Outcome o = InspectFaulty({"--mode", "malformed-json"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(ErrorOf(o), "unexpected end of JSON input");
}

TEST(Faults, TruncatedBody) {
  Outcome o = InspectFaulty({"--mode", "truncated"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(o.result.error().kind(), ErrorKind::kSystem);
  EXPECT_LT(o.seconds, 5);
}

TEST(Faults, OversizedBodyIsRefusedWithoutReadingIt) {
  Outcome o = InspectFaulty({"--mode", "oversized", "--size-mib", "100"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_NE(ErrorOf(o).find("exceeds 4194304 bytes"), std::string::npos) << ErrorOf(o);
  EXPECT_LT(o.seconds, 5);
}

TEST(Faults, WrongDigest) {
  Outcome o = InspectFaulty({"--mode", "wrong-digest"});
  ASSERT_FALSE(o.result.ok());
  EXPECT_NE(ErrorOf(o).find("digest mismatch"), std::string::npos) << ErrorOf(o);
}

TEST(Faults, UnauthorizedLoopEndsAfterOneRetry) {
  AuthConfig alice;
  alice.username = "alice";
  alice.password = "s3cret";
  Outcome o = InspectFaulty({"--mode", "auth-loop"}, alice);
  ASSERT_FALSE(o.result.ok());
  EXPECT_EQ(o.result.error().kind(), ErrorKind::kUnauthorized);
  // Unauthenticated, then once with the credentials the challenge asks for.
  int manifest_requests = 0;
  for (std::size_t at = 0; (at = o.log.find("/manifests/", at)) != std::string::npos; ++at) ++manifest_requests;
  EXPECT_LE(manifest_requests, 2);
}

TEST(Faults, RedirectToAnotherHostCarriesNoCredentials) {
  testing::TempDir dir;
  std::string target_log = dir.path() + "/target.log";
  testing::FixtureServer target("fault_server.py", {"--mode", "normal", "--log", target_log});
  ASSERT_TRUE(target.ok());
  AuthConfig alice;
  alice.username = "alice";
  alice.password = "s3cret";
  Outcome o = InspectFaulty({"--mode", "auth-redirect", "--redirect-port", std::to_string(target.port())}, alice);
  ASSERT_TRUE(o.result.ok()) << ErrorOf(o);
  // The registry itself got the credentials it asked for…
  EXPECT_NE(o.log.find("/manifests/1.0 auth=Basic"), std::string::npos) << o.log;
  std::string followed = testing::ReadFile(target_log);
  EXPECT_NE(followed.find("/manifests/"), std::string::npos);
  EXPECT_EQ(followed.find("auth=Bearer"), std::string::npos);
  EXPECT_EQ(followed.find("auth=Basic"), std::string::npos);
}

TEST(Faults, RetryAfterIsWaitedOut) {
  Outcome o = InspectFaulty({"--mode", "retry-after", "--count", "2"});
  ASSERT_TRUE(o.result.ok()) << ErrorOf(o);
  EXPECT_EQ(o.stats.retries, 2u);
  EXPECT_LT(o.seconds, 6);
}

TEST(Faults, MissingContentTypeFallsBackToThePayloadsMediaType) {
  Outcome o = InspectFaulty({"--mode", "no-content-type"});
  ASSERT_TRUE(o.result.ok()) << ErrorOf(o);
  EXPECT_EQ(o.result->descriptor.media_type, "application/vnd.oci.image.index.v1+json");
}

// A TLS registry that answered 401, then drops the connection when the
// credentials come: nothing goes to plain http — not in that inspect, not in
// the next ones (the Engine would go on to http://HOST with the password),
// and not after the registry was gone for a while and came back.
TEST(Faults, NoPlainHttpForAHostThatAnsweredOverTls) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::MakePki(dir.path() + "/pki"));
  const int port = testing::FreePort();
  const std::vector<std::string> args{"--mode", "auth-then-close",
                                      "--port", std::to_string(port),
                                      "--cert", dir.path() + "/pki/server.crt",
                                      "--key",  dir.path() + "/pki/server.key"};
  auto service = RegistryService::Create({});
  RegistryClient client(**service, ShortTimeouts());
  AuthConfig alice;
  alice.username = "alice";
  alice.password = "s3cret";
  const std::string host = "127.0.0.1:" + std::to_string(port);
  {
    testing::FixtureServer fault("fault_server.py", args);
    ASSERT_TRUE(fault.ok()) << fault.error();
    for (const char* image : {"a:1", "b:1", "c:1"}) {
      Result<DistributionInspect> r = client.Inspect(host + "/" + image, alice);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().message().rfind("Get \"https://" + host + "/", 0), 0u) << r.error().message();
    }
  }
  // Gone: https cannot connect, and http is still not tried.
  Result<DistributionInspect> gone = client.Inspect(host + "/a:1", alice);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().message().find("http://"), std::string::npos) << gone.error().message();
  // Back within the 30 s an unreachable endpoint is skipped: https again.
  testing::FixtureServer back("fault_server.py", args);
  ASSERT_TRUE(back.ok()) << back.error();
  Result<DistributionInspect> again = client.Inspect(host + "/a:1", AuthConfig{});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(), "Get \"https://" + host + "/v2/a/manifests/1\": no basic auth credentials");
}

}  // namespace
}  // namespace berth
