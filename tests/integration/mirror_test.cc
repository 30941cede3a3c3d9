// Mirrors come first, and never see the registry's credentials. Docker
// Hub's mirrors and upstream are all redirected to loopback with a
// hosts.toml under certs.d/docker.io, so nothing leaves the machine: the
// mirror is the broken-registry fixture (it challenges and logs whether a
// request carried credentials), the upstream a real registry with htpasswd.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "berth/registry_client.h"
#include "berth/transfer.h"
#include "fixtures.h"
#include "local_registry.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

TEST(Mirrors, TriedFirstWithoutCredentialsThenUpstreamWithThem) {
  testing::TempDir dir;
  const std::string auth = testing::AliceHtpasswdAuth(dir.path());
  ASSERT_FALSE(auth.empty());
  testing::LocalRegistry upstream(auth);
  ASSERT_TRUE(upstream.ok()) << upstream.error();
  testing::PushedImages pushed =
      testing::PushImages(upstream.host(), dir.path() + "/images", {"--creds", "alice:s3cret", "--tls-verify=false"});
  ASSERT_TRUE(pushed.ok) << pushed.error;
  std::string mirror_log = dir.path() + "/mirror.log";
  testing::FixtureServer mirror("fault_server.py", {"--mode", "auth-loop", "--log", mirror_log});
  ASSERT_TRUE(mirror.ok()) << mirror.error();

  fs::create_directories(dir.path() + "/certs.d/docker.io");
  std::ofstream(dir.path() + "/certs.d/docker.io/hosts.toml")
      << "server = \"http://" << upstream.host() << "\"\n"
      << "[host.\"http://127.0.0.1:" << mirror.port() << "\"]\n  capabilities = [\"pull\", \"resolve\"]\n";
  RegistryServiceSettings settings;
  settings.certs_dir = dir.path() + "/certs.d";
  auto service = RegistryService::Create({}, settings);
  ASSERT_TRUE(service.ok());
  auto endpoints = (*service)->PullEndpoints("docker.io");
  ASSERT_TRUE(endpoints.ok());
  ASSERT_EQ(endpoints->size(), 2u);
  EXPECT_TRUE((*endpoints)[0].mirror);

  RegistryClient client(**service);
  AuthConfig alice;
  alice.username = "alice";
  alice.password = "s3cret";
  // docker.io/berth/multi: the mirror first (it refuses), then upstream.
  Result<DistributionInspect> got = client.Inspect("berth/multi:1.0", alice);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->descriptor.digest, pushed.images["berth/multi:1.0"].digest);
  std::string log = testing::ReadFile(mirror_log);
  EXPECT_NE(log.find("/v2/berth/multi/manifests/1.0"), std::string::npos) << log;
  EXPECT_EQ(log.find("auth=Basic"), std::string::npos) << log;
  EXPECT_EQ(log.find("auth=Bearer"), std::string::npos) << log;
}

// berth copy pulls through the mirror (without credentials) and pushes only
// upstream. The mirror is a real registry holding the images, behind the
// pass-through proxy that logs each request's Authorization scheme.
TEST(Mirrors, CopiesPullFromTheMirrorAndPushOnlyUpstream) {
  testing::TempDir dir;
  const std::string auth = testing::AliceHtpasswdAuth(dir.path());
  ASSERT_FALSE(auth.empty());
  testing::LocalRegistry upstream(auth);
  ASSERT_TRUE(upstream.ok()) << upstream.error();
  testing::LocalRegistry mirror_registry;
  ASSERT_TRUE(mirror_registry.ok()) << mirror_registry.error();
  testing::PushedImages pushed =
      testing::PushImages(mirror_registry.host(), dir.path() + "/images", {"--tls-verify=false"});
  ASSERT_TRUE(pushed.ok) << pushed.error;
  const std::string mirror_log = dir.path() + "/mirror.log";
  testing::FixtureServer mirror("fault_proxy.py",
                                {"--upstream", mirror_registry.host(), "--mode", "pass", "--log", mirror_log});
  ASSERT_TRUE(mirror.ok()) << mirror.error();
  fs::create_directories(dir.path() + "/certs.d/docker.io");
  std::ofstream(dir.path() + "/certs.d/docker.io/hosts.toml")
      << "server = \"http://" << upstream.host() << "\"\n"
      << "[host.\"http://127.0.0.1:" << mirror.port() << "\"]\n  capabilities = [\"pull\", \"resolve\"]\n";
  RegistryServiceSettings settings;
  settings.certs_dir = dir.path() + "/certs.d";
  auto service = RegistryService::Create({}, settings);
  ASSERT_TRUE(service.ok());
  RegistryClient client(**service);
  CopyOptions options;
  options.source_auth = options.destination_auth = [](const IndexInfo&) -> Result<AuthConfig> {
    AuthConfig alice;
    alice.username = "alice";
    alice.password = "s3cret";
    return alice;
  };
  const std::string layout = dir.path() + "/layout";
  Result<CopyResult> pulled = CopyImage(client, {LocationKind::kRegistry, "berth/multi:1.0", ""},
                                        {LocationKind::kOciLayout, layout, "m"}, options);
  ASSERT_TRUE(pulled.ok()) << pulled.error().message();
  EXPECT_EQ(pulled->digest, pushed.images["berth/multi:1.0"].digest);
  EXPECT_GT(testing::CountLines(mirror_log, {"GET /v2/berth/multi/blobs/", "auth=none"}), 0);
  EXPECT_EQ(testing::CountLines(mirror_log, {"auth=Basic"}), 0);
  EXPECT_EQ(testing::CountLines(upstream.log_path(), {"/v2/berth/multi/"}), 0);

  Result<CopyResult> pushed_back = CopyImage(client, {LocationKind::kOciLayout, layout, "m"},
                                             {LocationKind::kRegistry, "berth/pushed:1", ""}, options);
  ASSERT_TRUE(pushed_back.ok()) << pushed_back.error().message();
  EXPECT_EQ(testing::CountLines(mirror_log, {"/v2/berth/pushed/"}), 0);
  EXPECT_GT(testing::CountLines(upstream.log_path(), {"POST /v2/berth/pushed/blobs/uploads/"}), 0);
}

}  // namespace
}  // namespace berth
