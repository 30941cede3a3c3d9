// Index resolution, the secure decision and endpoint order, with the
// Engine's own test vectors (registry/config_test.go and
// service_test.go of the Docker Engine) and its DNS
// stand-in: localhost -> 127.0.0.1, ::1; example.com -> 42.42.42.42;
// other.com -> 43.43.43.43; nothing else resolves.
#include "berth/registry_service.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

std::vector<std::vector<std::uint8_t>> FakeDns(const std::string& host) {
  if (host == "localhost") return {{127, 0, 0, 1}, ParseIP("::1")};
  if (host == "example.com") return {{42, 42, 42, 42}};
  if (host == "other.com") return {{43, 43, 43, 43}};
  return {};
}

std::unique_ptr<RegistryService> Service(ServiceOptions o) {
  auto s = RegistryService::Create(o, RegistryServiceSettings{.certs_dir = "/nonexistent", .resolver = FakeDns});
  EXPECT_TRUE(s.ok());
  return std::move(*s);
}

TEST(RegistryService, SecureAndNondistributableVectors) {
  struct Case {
    std::string addr;
    std::vector<std::string> list;
    bool secure, allow;
  } cases[] = {
      {"docker.io", {}, true, false},
      {"example.com", {}, true, false},
      {"example.com", {"example.com"}, false, true},
      {"localhost", {"localhost:5000"}, false, false},
      {"localhost:5000", {"localhost:5000"}, false, true},
      {"localhost", {"example.com"}, false, false},
      {"127.0.0.1:5000", {"127.0.0.1:5000"}, false, true},
      {"localhost", {}, false, false},
      {"localhost:5000", {}, false, false},
      {"127.0.0.1", {}, false, false},
      {"127.0.0.1", {"example.com"}, false, false},
      {"127.0.0.1:5000", {"example.com"}, false, false},
      {"example.com:5000", {"42.42.0.0/16"}, false, true},
      {"example.com", {"42.42.0.0/16"}, false, true},
      {"example.com:5000", {"42.42.42.42/8"}, false, true},
      {"127.0.0.1:5000", {"127.0.0.0/8"}, false, true},
      {"42.42.42.42:5000", {"42.1.1.1/8"}, false, true},
      {"invalid.example.com", {"42.42.0.0/16"}, true, false},
      {"invalid.example.com", {"invalid.example.com"}, false, true},
      {"invalid.example.com:5000", {"invalid.example.com"}, true, false},
      {"invalid.example.com:5000", {"invalid.example.com:5000"}, false, true},
  };
  for (const Case& c : cases) {
    ServiceOptions insecure, allow;
    insecure.insecure_registries = List<std::string>(c.list);
    allow.allow_nondistributable_artifacts = List<std::string>(c.list);
    EXPECT_EQ(Service(insecure)->IsSecureIndex(c.addr), c.secure) << c.addr;
    EXPECT_EQ(Service(allow)->AllowNondistributableArtifacts(c.addr), c.allow) << c.addr;
  }
}

TEST(RegistryService, IndexInfoVectors) {
  auto empty = Service({});
  for (std::string hub : {"docker.io", "index.docker.io"}) {
    IndexInfo i = *empty->ResolveIndex(hub);
    EXPECT_EQ(i.name, "docker.io");
    EXPECT_TRUE(i.official && i.secure && i.mirrors.empty());
  }
  EXPECT_TRUE(empty->ResolveIndex("example.com")->secure);
  EXPECT_FALSE(empty->ResolveIndex("example.com")->official);
  EXPECT_FALSE(empty->ResolveIndex("127.0.0.1:5000")->secure);
  EXPECT_FALSE(empty->ResolveIndex("-bad").ok());

  ServiceOptions o;
  o.mirrors = {"http://mirror1.local", "http://mirror2.local"};
  o.insecure_registries = {"example.com"};
  auto s = Service(o);
  EXPECT_EQ(s->ResolveIndex("index.docker.io")->mirrors.size(), 2u);
  EXPECT_FALSE(s->ResolveIndex("example.com")->secure);
  EXPECT_TRUE(s->ResolveIndex("example.com:5000")->secure);
  EXPECT_FALSE(s->ResolveIndex("127.0.0.1")->secure);
  EXPECT_FALSE(s->ResolveIndex("127.0.0.1:5000")->secure);
  EXPECT_TRUE(s->ResolveIndex("other.com")->secure);

  ServiceOptions cidr;
  cidr.insecure_registries = {"42.42.0.0/16"};
  auto c = Service(cidr);
  for (std::string h : {"example.com", "example.com:5000", "127.0.0.1", "127.0.0.1:5000"})
    EXPECT_FALSE(c->ResolveIndex(h)->secure) << h;
  EXPECT_TRUE(c->ResolveIndex("other.com")->secure);
}

TEST(RegistryService, RepositoryInfoVectors) {
  auto s = Service({});
  struct Case {
    std::string in, index, remote, local, canonical;
    bool index_official, official;
  } cases[] = {
      {"fooo/bar", "docker.io", "fooo/bar", "fooo/bar", "docker.io/fooo/bar", true, false},
      {"library/ubuntu", "docker.io", "library/ubuntu", "ubuntu", "docker.io/library/ubuntu", true, true},
      {"ubuntu", "docker.io", "library/ubuntu", "ubuntu", "docker.io/library/ubuntu", true, true},
      {"other/library", "docker.io", "other/library", "other/library", "docker.io/other/library", true, false},
      {"127.0.0.1:8000/private/moonbase", "127.0.0.1:8000", "private/moonbase", "127.0.0.1:8000/private/moonbase",
       "127.0.0.1:8000/private/moonbase", false, false},
      {"localhost:8000/privatebase", "localhost:8000", "privatebase", "localhost:8000/privatebase",
       "localhost:8000/privatebase", false, false},
      {"example.com:8000/privatebase", "example.com:8000", "privatebase", "example.com:8000/privatebase",
       "example.com:8000/privatebase", false, false},
      {"localhost/privatebase", "localhost", "privatebase", "localhost/privatebase", "localhost/privatebase", false,
       false},
      {"index.docker.io/public/moonbase", "docker.io", "public/moonbase", "public/moonbase",
       "docker.io/public/moonbase", true, false},
      {"index.docker.io/ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", "ubuntu-12.04-base",
       "docker.io/library/ubuntu-12.04-base", true, true},
  };
  for (const Case& c : cases) {
    Result<RepositoryInfo> r = s->ResolveRepository(*ParseNormalizedNamed(c.in));
    ASSERT_TRUE(r.ok()) << c.in;
    EXPECT_EQ(r->index.name, c.index) << c.in;
    EXPECT_EQ(r->index.official, c.index_official) << c.in;
    EXPECT_EQ(r->name.path(), c.remote) << c.in;
    EXPECT_EQ(r->name.FamiliarName(), c.local) << c.in;
    EXPECT_EQ(r->name.Name(), c.canonical) << c.in;
    EXPECT_EQ(r->official, c.official) << c.in;
  }
  EXPECT_EQ(AuthConfigKey(s->ResolveIndex("docker.io").value()), "https://index.docker.io/v1/");
  EXPECT_EQ(AuthConfigKey(s->ResolveIndex("example.com:5000").value()), "example.com:5000");
}

TEST(RegistryService, EndpointOrder) {
  ServiceOptions o;
  o.mirrors = {"https://my.mirror", "http://plain.mirror:5000/v2"};
  o.insecure_registries = {"reg.local:5000"};
  auto s = Service(o);
  auto pull = s->PullEndpoints("docker.io");
  ASSERT_TRUE(pull.ok());
  ASSERT_EQ(pull->size(), 3u);
  EXPECT_EQ((*pull)[0].url, "https://my.mirror/");
  EXPECT_TRUE((*pull)[0].mirror);
  EXPECT_EQ((*pull)[1].url, "http://plain.mirror:5000/v2/");
  EXPECT_EQ((*pull)[2].url, "https://registry-1.docker.io");
  EXPECT_TRUE((*pull)[2].official);
  auto push = s->PushEndpoints("index.docker.io");
  ASSERT_EQ(push->size(), 1u);  // never a mirror: credentials stay with the registry
  EXPECT_EQ((*push)[0].url, "https://registry-1.docker.io");

  auto insecure = s->PullEndpoints("reg.local:5000");
  ASSERT_EQ(insecure->size(), 2u);
  EXPECT_EQ((*insecure)[0].url, "https://reg.local:5000");
  EXPECT_FALSE((*insecure)[0].tls_verify);
  EXPECT_EQ((*insecure)[1].url, "http://reg.local:5000");
  auto secure = s->PullEndpoints("other.com");
  ASSERT_EQ(secure->size(), 1u);
  EXPECT_TRUE((*secure)[0].tls_verify);
}

TEST(RegistryService, ReloadKeepsTheOldConfigOnError) {
  auto s = Service({});
  ServiceOptions bad;
  bad.mirrors = {"ftp://nope"};
  EXPECT_FALSE(s->Reload(bad).ok());
  EXPECT_TRUE(s->config()->mirrors.empty());
  ServiceOptions good;
  good.mirrors = {"https://m"};
  EXPECT_TRUE(s->Reload(good).ok());
  EXPECT_EQ(s->config()->mirrors.size(), 1u);
}

}  // namespace
}  // namespace berth
