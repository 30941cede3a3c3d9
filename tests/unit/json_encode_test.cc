// Encoding byte for byte as Go's json.Marshal writes the Engine's types:
// member order, omitempty, null for nil lists, Go's string escaping.
#include <gtest/gtest.h>

#include "berth/json.h"

namespace berth {
namespace {

const MarshalOptions kApi{.escape_html = false};

TEST(Marshal, AuthConfigOmitsEmptyMembers) {
  EXPECT_EQ(Marshal(AuthConfig{}), "{}");
  AuthConfig a;
  a.username = "u";
  a.password = "p";
  a.auth = "x";
  a.email = "e";
  a.server_address = "s";
  a.identity_token = "i";
  a.registry_token = "r";
  EXPECT_EQ(
      Marshal(a),
      R"({"username":"u","password":"p","auth":"x","email":"e","serveraddress":"s","identitytoken":"i","registrytoken":"r"})");
}

TEST(Marshal, GoStringEscaping) {
  AuthConfig a;
  a.username = "a<b>&";
  a.password = std::string("p\xe2\x80\xa8\x01\x7f\b\f", 8);
  EXPECT_EQ(Marshal(a),
            "{\"username\":\"a\\u003cb\\u003e\\u0026\",\"password\":\"p\\u2028\\u0001\x7f\\u0008\\u000c\"}");
  EXPECT_EQ(Marshal(a, kApi), "{\"username\":\"a<b>&\",\"password\":\"p\\u2028\\u0001\x7f\\u0008\\u000c\"}");
  AuthConfig b;
  b.username =
      "a\xff"
      "b";
  EXPECT_EQ(Marshal(b), R"({"username":"a\ufffdb"})");
  b.username = "\xe2\x80\xa9\xc3\xa9\xed\xa0\x80\n\r\t\"\\/";
  EXPECT_EQ(Marshal(b), "{\"username\":\"\\u2029\xc3\xa9\\ufffd\\ufffd\\ufffd\\n\\r\\t\\\"\\\\/\"}");
}

TEST(Marshal, AuthenticateOKBodyKeepsEmptyMembers) {
  AuthenticateOKBody b;
  b.status = "Login Succeeded";
  EXPECT_EQ(Marshal(b), R"({"IdentityToken":"","Status":"Login Succeeded"})");
}

TEST(Marshal, SearchResults) {
  SearchResult r;
  r.star_count = 42;
  r.name = "fakeimage";
  EXPECT_EQ(Marshal(r),
            R"({"star_count":42,"is_official":false,"name":"fakeimage","is_automated":false,"description":""})");
  SearchResults rs;
  EXPECT_EQ(Marshal(rs), R"({"query":"","num_results":0,"results":null})");
  rs.results = List<SearchResult>::Empty();
  rs.num_results = -9223372036854775807LL - 1;
  EXPECT_EQ(Marshal(rs), R"({"query":"","num_results":-9223372036854775808,"results":[]})");
}

TEST(Marshal, DefaultRegistryConfigAsInfoShowsIt) {
  ServiceConfig c;
  c.insecure_registry_cidrs.push_back(*ParseCIDR("127.0.0.0/8"));
  IndexInfo hub;
  hub.name = "docker.io";
  hub.mirrors = List<std::string>::Empty();
  hub.secure = true;
  hub.official = true;
  c.index_configs.emplace();
  (*c.index_configs)["docker.io"] = hub;
  EXPECT_EQ(
      Marshal(c, kApi),
      R"({"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}},"Mirrors":null})");
}

TEST(Marshal, NetIPNetEdgeCases) {
  ServiceConfig c;
  c.insecure_registry_cidrs = {std::nullopt, NetIPNet{}};
  c.index_configs.emplace();
  (*c.index_configs)["b"] = std::nullopt;
  (*c.index_configs)["a"] = IndexInfo{};
  EXPECT_EQ(
      Marshal(c, kApi),
      R"({"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":[null,"\u003cnil\u003e"],"IndexConfigs":{"a":{"Name":"","Mirrors":null,"Secure":false,"Official":false},"b":null},"Mirrors":null})");
}

TEST(Marshal, DistributionInspect) {
  DistributionInspect d;
  EXPECT_EQ(Marshal(d, kApi), R"({"Descriptor":{"mediaType":"","digest":"","size":0},"Platforms":null})");
  d.descriptor.media_type = "application/vnd.oci.image.index.v1+json";
  d.descriptor.digest = "sha256:abc";
  d.descriptor.size = 1234;
  d.descriptor.urls = {"https://a"};
  d.descriptor.annotations.emplace();
  (*d.descriptor.annotations)["z"] = "1";
  (*d.descriptor.annotations)["a"] = "2";
  d.descriptor.data = {0xfb, 0xff};
  d.descriptor.platform = Platform{"amd64", "linux", "", {}, ""};
  d.descriptor.artifact_type = "t";
  Platform p{"arm64", "linux", "10.0", {"sse4"}, "v8"};
  d.platforms = {p, Platform{}};
  EXPECT_EQ(
      Marshal(d, kApi),
      R"({"Descriptor":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:abc","size":1234,"urls":["https://a"],"annotations":{"a":"2","z":"1"},"data":"+/8=","platform":{"architecture":"amd64","os":"linux"},"artifactType":"t"},"Platforms":[{"architecture":"arm64","os":"linux","os.version":"10.0","os.features":["sse4"],"variant":"v8"},{"architecture":"","os":""}]})");
}

}  // namespace
}  // namespace berth
