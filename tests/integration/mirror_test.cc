// Mirrors come first, and never see the registry's credentials. Docker
// Hub's mirrors and upstream are all redirected to loopback with a
// hosts.toml under certs.d/docker.io, so nothing leaves the machine: the
// mirror is the broken-registry fixture (it challenges and logs whether a
// request carried credentials), the upstream a real registry with htpasswd.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "berth/registry_client.h"
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

}  // namespace
}  // namespace berth
