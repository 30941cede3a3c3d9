// The registry client against a real CNCF registry over plain http without
// auth, with images skopeo pushed: every digest berth reports is skopeo's.
#include <gtest/gtest.h>

#include "berth/json.h"
#include "berth/registry_client.h"
#include "fixtures.h"
#include "local_registry.h"

namespace berth {
namespace {

using testing::PushedImages;

TEST(PlainRegistry, InspectsEveryKindOfImageAsSkopeoPushedIt) {
  testing::LocalRegistry registry;
  ASSERT_TRUE(registry.ok()) << registry.error();
  testing::TempDir dir;
  PushedImages pushed = testing::PushImages(registry.host(), dir.path(), {"--tls-verify=false"});
  ASSERT_TRUE(pushed.ok) << pushed.error;
  ASSERT_GE(pushed.images.size(), 5u);

  auto service = RegistryService::Create({});
  ASSERT_TRUE(service.ok());
  RegistryClient client(**service);
  for (const auto& [name, image] : pushed.images) {
    SCOPED_TRACE(name);
    Result<DistributionInspect> got = client.Inspect(registry.host() + "/" + name, {});
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_EQ(got->descriptor.media_type, image.media_type);
    EXPECT_EQ(got->descriptor.digest, image.digest);
    EXPECT_EQ(got->descriptor.size, image.size);
    // Pinned by digest: the same answer.
    Result<DistributionInspect> pinned =
        client.Inspect(registry.host() + "/" + name.substr(0, name.find(':')) + "@" + image.digest, {});
    ASSERT_TRUE(pinned.ok()) << pinned.error().message();
    EXPECT_EQ(pinned->descriptor, got->descriptor);
    EXPECT_EQ(pinned->platforms, got->platforms);
  }

  // What GET /distribution/{name}/json writes, byte for byte.
  Result<DistributionInspect> multi = client.Inspect(registry.host() + "/berth/multi:1.0", {});
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(Marshal(*multi, {.escape_html = false}),
            "{\"Descriptor\":{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" +
                pushed.images["berth/multi:1.0"].digest +
                "\",\"size\":" + std::to_string(pushed.images["berth/multi:1.0"].size) +
                "},\"Platforms\":[{\"architecture\":\"amd64\",\"os\":\"linux\"},"
                "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},"
                "{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763.5329\"}]}");
  Result<DistributionInspect> list = client.Inspect(registry.host() + "/berth/docker-list:1.0", {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->platforms, multi->platforms);
  // A Docker schema2 image: its platform from the config blob.
  Result<DistributionInspect> v2 = client.Inspect(registry.host() + "/berth/docker-v2:1.0", {});
  ASSERT_TRUE(v2.ok());
  ASSERT_EQ(v2->platforms.size(), 1u);
  EXPECT_EQ(v2->platforms[0], (Platform{"arm64", "linux", "", {}, "v8"}));
  // An OCI image manifest: berth reads its config too (the Engine gives null).
  Result<DistributionInspect> oci = client.Inspect(registry.host() + "/berth/oci-single:1.0", {});
  ASSERT_TRUE(oci.ok());
  ASSERT_EQ(oci->platforms.size(), 1u);
  EXPECT_EQ(oci->platforms[0], (Platform{"amd64", "linux"}));
  Result<DistributionInspect> nested = client.Inspect(registry.host() + "/berth/deep/nested/name:1.0", {});
  ASSERT_TRUE(nested.ok()) << nested.error().message();
  EXPECT_EQ(nested->descriptor.digest, pushed.images["berth/deep/nested/name:1.0"].digest);
}

TEST(PlainRegistry, InspectErrorsAreTheEngines) {
  testing::LocalRegistry registry;
  ASSERT_TRUE(registry.ok()) << registry.error();
  testing::TempDir dir;
  PushedImages pushed = testing::PushImages(registry.host(), dir.path(), {"--tls-verify=false"});
  ASSERT_TRUE(pushed.ok) << pushed.error;
  auto service = RegistryService::Create({});
  ASSERT_TRUE(service.ok());
  RegistryClient client(**service);

  Result<DistributionInspect> no_tag = client.Inspect(registry.host() + "/berth/multi:nope", {});
  ASSERT_FALSE(no_tag.ok());
  EXPECT_EQ(no_tag.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(no_tag.error().message(), "manifest unknown: manifest unknown");

  Result<DistributionInspect> no_repo = client.Inspect(registry.host() + "/berth/nothing:1.0", {});
  ASSERT_FALSE(no_repo.ok());
  EXPECT_EQ(no_repo.error().kind(), ErrorKind::kNotFound);
  // distribution 2.8 answers MANIFEST_UNKNOWN for a repository it lacks.
  EXPECT_EQ(no_repo.error().message(), "manifest unknown: manifest unknown");

  Result<DistributionInspect> id = client.Inspect(std::string(64, 'a'), {});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind(), ErrorKind::kSystem);
  EXPECT_EQ(id.error().message(), "no manifest found for full image ID");

  Result<DistributionInspect> scratch = client.Inspect("scratch", {});
  ASSERT_FALSE(scratch.ok());
  EXPECT_EQ(scratch.error().kind(), ErrorKind::kForbidden);
  EXPECT_EQ(scratch.error().message(), "'scratch' is a reserved name");

  Result<DistributionInspect> bad = client.Inspect(registry.host() + "/Bad/Name", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind(), ErrorKind::kInvalidParameter);
}

TEST(PlainRegistry, LoginWithoutAuthSucceedsAndSearchUsesTheCatalog) {
  testing::LocalRegistry registry;
  ASSERT_TRUE(registry.ok()) << registry.error();
  testing::TempDir dir;
  PushedImages pushed = testing::PushImages(registry.host(), dir.path(), {"--tls-verify=false"});
  ASSERT_TRUE(pushed.ok) << pushed.error;
  auto service = RegistryService::Create({});
  ASSERT_TRUE(service.ok());
  RegistryClient client(**service);

  AuthConfig auth;
  auth.server_address = registry.host();
  Result<AuthenticateOKBody> login = client.Login(auth);
  ASSERT_TRUE(login.ok()) << login.error().message();
  EXPECT_EQ(login->status, "Login Succeeded");
  EXPECT_EQ(login->identity_token, "");

  SearchRequest search;
  search.term = registry.host() + "/MULTI";
  Result<SearchOutcome> found = client.Search(search, {});
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->method, SearchMethod::kV2Catalog);
  EXPECT_EQ(found->endpoint, "http://" + registry.host() + "/v2/_catalog");
  ASSERT_EQ(found->results.size(), 1u);
  EXPECT_EQ(found->results[0].name, registry.host() + "/berth/multi");

  search.term = registry.host() + "/berth";
  search.limit = 2;
  found = client.Search(search, {});
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->results.size(), 2u);
  search.filters["is-official"] = {"true"};
  found = client.Search(search, {});
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_TRUE(found->results.empty());
}

}  // namespace
}  // namespace berth
