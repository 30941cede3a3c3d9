// The registry service configuration against the vectors of the spec
// (service-config.md).
#include "berth/service_config.h"
#include "berth/daemon_config.h"

#include <gtest/gtest.h>

#include "berth/json.h"

namespace berth {
namespace {

std::string Outcome(const Result<std::string>& r) {
  return r ? *r : "error: " + r.error().message();
}
std::string Outcome(const Status& s) {
  return s ? "ok" : "error: " + s.message();
}

TEST(ValidateIndexName, SpecVectors) {
  EXPECT_EQ(Outcome(ValidateIndexName("index.docker.io")), "docker.io");
  EXPECT_EQ(Outcome(ValidateIndexName("example.com")), "example.com");
  EXPECT_EQ(Outcome(ValidateIndexName("127.0.0.1:8080")), "127.0.0.1:8080");
  EXPECT_EQ(Outcome(ValidateIndexName("mytest-1.com")), "mytest-1.com");
  EXPECT_EQ(Outcome(ValidateIndexName("mirror-1.example.com/v1/?q=foo")), "mirror-1.example.com/v1/?q=foo");
  EXPECT_EQ(Outcome(ValidateIndexName("docker.io-")),
            "error: invalid index name (docker.io-). Cannot begin or end with a hyphen");
  EXPECT_EQ(Outcome(ValidateIndexName("-example.com")),
            "error: invalid index name (-example.com). Cannot begin or end with a hyphen");
  EXPECT_EQ(Outcome(ValidateIndexName("mirror-1.example.com/v1/?q=foo-")),
            "error: invalid index name (mirror-1.example.com/v1/?q=foo-). Cannot begin or end with a hyphen");
}

TEST(ValidateMirror, SpecVectors) {
  EXPECT_EQ(Outcome(ValidateMirror("http://mirror-1.example.com")), "http://mirror-1.example.com/");
  EXPECT_EQ(Outcome(ValidateMirror("https://mirror-1.example.com/")), "https://mirror-1.example.com/");
  EXPECT_EQ(Outcome(ValidateMirror("https://mirror-1.example.com/v1/")), "https://mirror-1.example.com/v1/");
  EXPECT_EQ(Outcome(ValidateMirror("http://localhost:5000")), "http://localhost:5000/");
  EXPECT_EQ(Outcome(ValidateMirror("https://127.0.0.1")), "https://127.0.0.1/");
  EXPECT_EQ(Outcome(ValidateMirror("https://m.example.com//")), "https://m.example.com//");
  EXPECT_EQ(Outcome(ValidateMirror("!invalid!://%as%")),
            "error: invalid mirror: \"!invalid!://%as%\" is not a valid URI: parse \"!invalid!://%as%\": "
            "first path segment in URL cannot contain colon");
  EXPECT_EQ(Outcome(ValidateMirror("ftp://mirror-1.example.com")),
            "error: invalid mirror: unsupported scheme \"ftp\" in \"ftp://mirror-1.example.com\"");
  EXPECT_EQ(Outcome(ValidateMirror("example.com:5000")),
            "error: invalid mirror: unsupported scheme \"example.com\" in \"example.com:5000\"");
  EXPECT_EQ(Outcome(ValidateMirror("mirror.example.com")),
            "error: invalid mirror: unsupported scheme \"\" in \"mirror.example.com\"");
  EXPECT_EQ(Outcome(ValidateMirror("http://mirror-1.example.com/?q=foo")),
            "error: invalid mirror: query or fragment at end of the URI \"http://mirror-1.example.com/?q=foo\"");
  for (std::string m : {"http://mirror-1.example.com/v1/?q=foo#frag", "https://mirror-1.example.com#frag",
                        "https://mirror-1.example.com/#frag", "https://mirror-1.example.com/v1/#frag",
                        "https://mirror-1.example.com?q", "http://mirror-1.example.com?q=foo"}) {
    EXPECT_NE(Outcome(ValidateMirror(m)).find("query or fragment at end of the URI"), std::string::npos) << m;
  }
  EXPECT_EQ(Outcome(ValidateMirror("http://foo:bar@mirror-1.example.com/")),
            "error: invalid mirror: username/password not allowed in URI \"http://foo:xxxxx@mirror-1.example.com/\"");
  EXPECT_EQ(Outcome(ValidateMirror("http://foo@mirror-1.example.com/")),
            "error: invalid mirror: username/password not allowed in URI \"http://foo:xxxxx@mirror-1.example.com/\"");
  EXPECT_EQ(Outcome(ValidateMirror("HTTPS://m.example.com")), "HTTPS://m.example.com/");
  EXPECT_EQ(Outcome(ValidateMirror("https://m.example.com?")), "https://m.example.com?/");
  EXPECT_EQ(Outcome(ValidateMirror("https://m.example.com:x/")),
            "error: invalid mirror: \"https://m.example.com:x/\" is not a valid URI: parse "
            "\"https://m.example.com:x/\": invalid port \":x\" after host");
  EXPECT_EQ(Outcome(ValidateMirror("https://m%2.example.com/")),
            "error: invalid mirror: \"https://m%2.example.com/\" is not a valid URI: parse "
            "\"https://m%2.example.com/\": invalid URL escape \"%2.\"");
}

TEST(ValidateHostPort, SpecVectors) {
  for (std::string ok :
       {"127.0.0.1", "127.0.0.1:8080", "2001:db8::1", "[2001:db8::1]:80", "[::1]", "::1", "example.com:0"}) {
    EXPECT_EQ(Outcome(ValidateHostPort(ok)), "ok") << ok;
  }
  EXPECT_EQ(Outcome(ValidateHostPort("mytest-.com")), "error: invalid host \"mytest-.com\"");
  EXPECT_EQ(Outcome(ValidateHostPort("1200:0000:AB00:1234:0000:2552:7777:1313:8080")),
            "error: invalid host \"1200:0000:AB00:1234:0000:2552:7777:1313:8080\"");
  EXPECT_EQ(Outcome(ValidateHostPort("myregistry.example.com:500000")), "error: invalid port \"500000\"");
  EXPECT_EQ(Outcome(ValidateHostPort("\"myregistry.example.com\"")),
            "error: invalid host \"\\\"myregistry.example.com\\\"\"");
  EXPECT_EQ(Outcome(ValidateHostPort("\"myregistry.example.com:5000\"")),
            "error: invalid host \"\\\"myregistry.example.com\"");
  EXPECT_EQ(Outcome(ValidateHostPort("[fe80::]/64")), "error: invalid host \"[fe80::]/64\"");
  EXPECT_EQ(Outcome(ValidateHostPort("localhost:abc")), "error: invalid host \"localhost\"");
  EXPECT_EQ(Outcome(ValidateHostPort("a_b.com")), "error: invalid host \"a_b.com\"");
  EXPECT_EQ(Outcome(ValidateHostPort("example.com:65536")), "error: invalid port \"65536\"");
  EXPECT_EQ(Outcome(ValidateHostPort("[::1]:abc")), "error: strconv.Atoi: parsing \"abc\": invalid syntax");
}

std::string ConfigOutcome(const ServiceOptions& o) {
  Result<ServiceConfig> c = NewServiceConfig(o);
  if (!c) return "error: " + c.error().message();
  return Marshal(ServiceConfigForInfo(*c), MarshalOptions{.escape_html = false});
}

TEST(ServiceOptions, DaemonJsonForm) {
  ServiceOptions o;
  ASSERT_TRUE(
      UnmarshalServiceOptions(
          R"({"debug":true,"registry-mirrors":["https://m"],"insecure-registries":["r:5000"],"log-opts":{"a":"b"}})", o)
          .ok());
  EXPECT_EQ(o.mirrors, List<std::string>{"https://m"});
  EXPECT_EQ(o.insecure_registries, List<std::string>{"r:5000"});
  EXPECT_TRUE(o.allow_nondistributable_artifacts.is_nil());
  EXPECT_EQ(MarshalServiceOptions(o), R"({"registry-mirrors":["https://m"],"insecure-registries":["r:5000"]})");
}

TEST(NewServiceConfig, DefaultIsWhatInfoShows) {
  EXPECT_EQ(
      ConfigOutcome({}),
      R"({"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}},"Mirrors":null})");
  ServiceOptions o;
  o.mirrors = {"https://m.example.com", "https://m.example.com/"};
  EXPECT_EQ(
      ConfigOutcome(o),
      R"({"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":["https://m.example.com/"],"Secure":true,"Official":true}},"Mirrors":["https://m.example.com/"]})");
}

TEST(NewServiceConfig, EngineListVectors) {
  auto allow = [](std::vector<std::string> v) {
    ServiceOptions o;
    o.allow_nondistributable_artifacts = List<std::string>(std::move(v));
    return ConfigOutcome(o);
  };
  auto insecure = [](std::vector<std::string> v) {
    ServiceOptions o;
    o.insecure_registries = List<std::string>(std::move(v));
    return ConfigOutcome(o);
  };
  EXPECT_NE(
      allow({"1.2.3.0/24", "2001:db8::/120", "127.0.0.1", "127.0.0.1:8080"})
          .find(
              R"("AllowNondistributableArtifactsCIDRs":["1.2.3.0/24","2001:db8::/120"],"AllowNondistributableArtifactsHostnames":["127.0.0.1","127.0.0.1:8080"])"),
      std::string::npos);
  EXPECT_EQ(allow({"http://myregistry.example.com"}),
            "error: allow-nondistributable-artifacts registry http://myregistry.example.com should not contain '://'");
  EXPECT_EQ(allow({"-invalid-registry"}),
            "error: invalid index name (-invalid-registry). Cannot begin or end with a hyphen");
  EXPECT_EQ(allow({"mytest-.com"}),
            "error: allow-nondistributable-artifacts registry mytest-.com is not valid: invalid host \"mytest-.com\"");
  EXPECT_EQ(allow({"\"myregistry.example.com:5000\""}),
            "error: allow-nondistributable-artifacts registry \"myregistry.example.com:5000\" is not valid: invalid "
            "host \"\\\"myregistry.example.com\"");
  EXPECT_EQ(allow({"[fe80::]/64"}),
            "error: allow-nondistributable-artifacts registry [fe80::]/64 is not valid: invalid host \"[fe80::]/64\"");

  std::vector<std::string> warnings;
  ServiceOptions o;
  o.insecure_registries = {"HTTP://myregistry.example.com", "102.10.8.1/24", "127.0.0.1:8080"};
  Result<ServiceConfig> c = NewServiceConfig(o, &warnings);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->index_configs->count("myregistry.example.com"));
  EXPECT_TRUE(c->index_configs->count("127.0.0.1:8080"));
  EXPECT_FALSE((*c->index_configs)["127.0.0.1:8080"]->secure);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "insecure registry HTTP://myregistry.example.com should not contain 'http://' and 'http://' "
            "has been removed from the insecure registry config");
  EXPECT_EQ(c->insecure_registry_cidrs.items()[0]->String(), "102.10.8.0/24");
  EXPECT_EQ(insecure({"svn://myregistry.example.com"}),
            "error: insecure registry svn://myregistry.example.com should not contain '://'");
  EXPECT_EQ(insecure({"myregistry.example.com:500000"}),
            "error: insecure registry myregistry.example.com:500000 is not valid: invalid port \"500000\"");
  EXPECT_EQ(insecure({"[fe80::]/64"}),
            "error: insecure registry [fe80::]/64 is not valid: invalid host \"[fe80::]/64\"");
  // docker.io stays secure and official whatever the list says.
  EXPECT_NE(
      insecure({"docker.io"}).find(R"("docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true})"),
      std::string::npos);
  EXPECT_EQ(ConfigOutcome(ServiceOptions{{}, List<std::string>{"example.com:5000"}, {}}),
            "error: invalid mirror: unsupported scheme \"example.com\" in \"example.com:5000\"");
}

}  // namespace
}  // namespace berth

namespace berth {
namespace {

TEST(MaskUrlPassword, HidesPasswordsParsedOrNot) {
  EXPECT_EQ(MaskUrlPassword("https://u:secret@m.example.com/v1"), "https://u:xxxxx@m.example.com/v1");
  EXPECT_EQ(MaskUrlPassword("https://m.example.com/a@b"), "https://m.example.com/a@b");
  EXPECT_EQ(MaskUrlPassword("https://u@m.example.com"), "https://u@m.example.com");
  // Unparseable, and still no password in the message.
  Result<std::string> r = ValidateMirror("https://u:secret@m.example.com:x/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().find("secret"), std::string::npos) << r.error().message();
  EXPECT_EQ(r.error().message(),
            "invalid mirror: \"https://u:xxxxx@m.example.com:x/\" is not a valid URI: parse "
            "\"https://u:xxxxx@m.example.com:x/\": invalid port \":x\" after host");
}

}  // namespace
}  // namespace berth

namespace berth {
namespace {

TEST(NewServiceConfig, NondistributableListsAreSorted) {
  ServiceOptions o;
  o.allow_nondistributable_artifacts = {"zeta.local", "10.0.0.0/8", "alpha.local:5000", "1.2.3.0/24", "zeta.local"};
  Result<ServiceConfig> c = NewServiceConfig(o);
  ASSERT_TRUE(c.ok());
  const std::string want =
      R"({"AllowNondistributableArtifactsCIDRs":["1.2.3.0/24","10.0.0.0/8"],"AllowNondistributableArtifactsHostnames":["alpha.local:5000","zeta.local"],)";
  EXPECT_EQ(Marshal(*c).substr(0, want.size()), want);
}

}  // namespace
}  // namespace berth
