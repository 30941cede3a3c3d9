// containerd's hosts.toml: parsing, and how it decides the endpoints of any
// registry (berth's extension of the Engine's docker.io-only mirrors).
#include "berth/hosts_toml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "berth/registry_service.h"
#include "fixtures.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

TEST(HostsToml, ParsesHostsInFileOrder) {
  const char* text = R"(
server = "https://registry.example.com"
ca = "server-ca.pem"

[host."https://zeta.mirror"]
  capabilities = ["pull", "resolve"]
  skip_verify = true

[host."alpha.mirror:5000"]
  ca = ["/abs/ca1.pem", "ca2.pem"]
  client = [["c.cert", "c.key"], ["both.pem", ""]]
  override_path = true
  [host."alpha.mirror:5000".header]
    x-team = "berth"
    x-many = ["a", "b"]
)";
  Result<HostsConfig> c = ParseHostsToml(text, "/etc/docker/certs.d/registry.example.com");
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_TRUE(c->server.has_value());
  EXPECT_EQ(c->server->url, "https://registry.example.com");
  EXPECT_EQ(c->server->ca_files, std::vector<std::string>{"/etc/docker/certs.d/registry.example.com/server-ca.pem"});
  ASSERT_EQ(c->hosts.size(), 2u);
  EXPECT_EQ(c->hosts[0].url, "https://zeta.mirror");  // file order, not key order
  EXPECT_TRUE(c->hosts[0].skip_verify);
  EXPECT_TRUE(c->hosts[0].Can("pull"));
  EXPECT_FALSE(c->hosts[0].Can("push"));
  const RegistryHost& a = c->hosts[1];
  EXPECT_EQ(a.url, "https://alpha.mirror:5000");
  EXPECT_TRUE(a.Can("push"));  // the default is all three
  EXPECT_TRUE(a.override_path);
  EXPECT_EQ(a.ca_files[0], "/abs/ca1.pem");
  EXPECT_EQ(a.ca_files[1], "/etc/docker/certs.d/registry.example.com/ca2.pem");
  ASSERT_EQ(a.client_pairs.size(), 2u);
  EXPECT_EQ(a.client_pairs[1].second, "");
  EXPECT_EQ(a.headers.at("x-team"), std::vector<std::string>{"berth"});
  EXPECT_EQ(a.headers.at("x-many").size(), 2u);
}

TEST(HostsToml, ClearErrors) {
  auto error = [](const char* text) {
    Result<HostsConfig> c = ParseHostsToml(text, "/d");
    return c ? std::string("ok") : c.error().message();
  };
  EXPECT_EQ(error("[host.\"https://m\"]\ncapabilities = \"pull\"\n"),
            "hosts.toml: host \"https://m\" capabilities: expected an array of strings");
  EXPECT_EQ(error("[host.\"https://m\"]\ncapabilities = [\"pull\", \"fly\"]\n"),
            "hosts.toml: host \"https://m\" capabilities: unknown capability \"fly\"");
  EXPECT_EQ(error("[host.\"https://m\"]\nskip_verify = \"yes\"\n"),
            "hosts.toml: host \"https://m\" skip_verify: expected true or false");
  EXPECT_EQ(error("server = 5\n"), "hosts.toml: server: expected a URL string");
  EXPECT_EQ(error("[host.\"ftp://m\"]\n"), "hosts.toml: host \"ftp://m\": not a registry URL");
  EXPECT_NE(error("server = \n").find("hosts.toml: "), std::string::npos);
  EXPECT_NE(error("server = \n").find("(line 1"), std::string::npos);
}

class HostsTomlEndpoints : public ::testing::Test {
 protected:
  void Write(const std::string& host, const std::string& text) {
    fs::create_directories(dir_ / host);
    std::ofstream(dir_ / host / "hosts.toml") << text;
  }
  std::unique_ptr<RegistryService> Service(ServiceOptions o = {}) {
    auto s = RegistryService::Create(
        o, RegistryServiceSettings{.certs_dir = dir_.string(), .resolver = [](const std::string&) {
                                     return std::vector<std::vector<std::uint8_t>>{};
                                   }});
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  testing::TempDir tmp_;
  fs::path dir_ = tmp_.path();
};

TEST_F(HostsTomlEndpoints, MirrorsForAnyRegistry) {
  Write("registry.local:5000", R"(
server = "https://registry.local:5000"
[host."https://pull-only.mirror"]
  capabilities = ["pull", "resolve"]
[host."http://cache.local:8080/v2/registry.local"]
  override_path = true
  skip_verify = true
)");
  auto s = Service();
  auto pull = s->PullEndpoints("registry.local:5000");
  ASSERT_TRUE(pull.ok()) << pull.error().message();
  ASSERT_EQ(pull->size(), 3u);
  EXPECT_EQ((*pull)[0].url, "https://pull-only.mirror");
  EXPECT_TRUE((*pull)[0].mirror);
  EXPECT_EQ((*pull)[1].url, "http://cache.local:8080/v2/registry.local");
  EXPECT_TRUE((*pull)[1].override_path);
  EXPECT_FALSE((*pull)[1].tls_verify);
  EXPECT_EQ((*pull)[2].url, "https://registry.local:5000");
  EXPECT_FALSE((*pull)[2].mirror);
  // Push goes to the registry itself only: a mirror never gets its
  // credentials.
  auto push = s->PushEndpoints("registry.local:5000");
  ASSERT_EQ(push->size(), 1u);
  EXPECT_EQ((*push)[0].url, "https://registry.local:5000");
}

TEST_F(HostsTomlEndpoints, HostsTomlWinsOverRegistryMirrors) {
  Write("docker.io", R"(
[host."https://hub-cache.local"]
  capabilities = ["pull", "resolve"]
)");
  ServiceOptions o;
  o.mirrors = {"https://engine-mirror.local"};
  auto pull = Service(o)->PullEndpoints("index.docker.io");
  ASSERT_TRUE(pull.ok());
  ASSERT_EQ(pull->size(), 2u);
  EXPECT_EQ((*pull)[0].url, "https://hub-cache.local");
  EXPECT_EQ((*pull)[1].url, "https://registry-1.docker.io");
  EXPECT_TRUE((*pull)[1].official);
}

TEST_F(HostsTomlEndpoints, BrokenFileIsAnError) {
  Write("registry.local", "[host.\"https://m\"]\nca = 5\n");
  auto pull = Service()->PullEndpoints("registry.local");
  ASSERT_FALSE(pull.ok());
  EXPECT_NE(pull.error().message().find("ca: expected a string or an array of strings"), std::string::npos);
}

}  // namespace
}  // namespace berth
