// v2 ping against a real registry (Debian's docker-registry on 127.0.0.1).
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include "berth/registry_client.h"

#include "local_registry.h"

namespace berth {
namespace {

TEST(PingRegistry, PlainHttpRegistryAnswersV2) {
  testing::LocalRegistry registry;
  ASSERT_TRUE(registry.ok()) << registry.error();
  auto service = RegistryService::Create({});
  ASSERT_TRUE(service.ok());
  // 127.0.0.0/8 is insecure: https first, then plain http.
  Result<std::vector<Endpoint>> endpoints = (*service)->PullEndpoints(registry.host());
  ASSERT_TRUE(endpoints.ok());
  ASSERT_EQ(endpoints->size(), 2u);
  const Endpoint& plain = (*endpoints)[1];
  EXPECT_EQ(plain.url, "http://" + registry.host());
  Result<PingResult> ping = PingRegistry(plain);
  ASSERT_TRUE(ping.ok()) << ping.error().message();
  EXPECT_EQ(ping->status, 200);
  EXPECT_EQ(ping->api_version, "registry/2.0");
  EXPECT_TRUE(ping->challenges.empty());
  // The https endpoint of a plain-http registry fails, as a clear error.
  Result<PingResult> tls = PingRegistry((*endpoints)[0]);
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.error().kind(), ErrorKind::kSystem);
}

TEST(PingRegistry, HtpasswdRegistryChallengesWithBasic) {
  namespace fs = std::filesystem;
  // An htpasswd file with one bcrypt entry; a ping sends no credentials,
  // so only the challenge matters here.
  std::string htpasswd = fs::temp_directory_path() / ("berth-htpasswd-" + std::to_string(::getpid()));
  std::ofstream(htpasswd) << "berth:$2y$05$Zm1n5GzjrwbP9oqWlxnkJ.KDbJ6/mWrbpphBHcvA7qCl1xgcETn3a\n";
  testing::LocalRegistry registry("auth:\n  htpasswd:\n    realm: berth-test\n    path: " + htpasswd + "\n");
  ASSERT_TRUE(registry.ok()) << registry.error();
  Endpoint e;
  e.url = "http://" + registry.host();
  e.tls_verify = false;
  Result<PingResult> ping = PingRegistry(e);
  fs::remove(htpasswd);
  ASSERT_TRUE(ping.ok()) << ping.error().message();
  EXPECT_EQ(ping->status, 401);
  ASSERT_EQ(ping->challenges.size(), 1u);
  EXPECT_EQ(ping->challenges[0].scheme, "basic");
  EXPECT_EQ(ping->challenges[0].Param("realm"), "berth-test");
}

TEST(PingRegistry, NothingListeningIsUnavailable) {
  Endpoint e;
  e.url = "http://127.0.0.1:1";
  e.tls_verify = false;
  Result<PingResult> ping = PingRegistry(e);
  ASSERT_FALSE(ping.ok());
  EXPECT_EQ(ping.error().kind(), ErrorKind::kSystem);
}

}  // namespace
}  // namespace berth
