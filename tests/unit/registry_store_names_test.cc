// How a registry image store keeps berthd's names (src/store/registry_names.h)
// and how the local view applies them (src/store/registry_store.h): the
// mapping both ways, the names it refuses, and the entry edits.
#include <gtest/gtest.h>

#include "store/registry_names.h"
#include "store/registry_store.h"

namespace berth::store {
namespace {

const std::string kHex(64, 'a');
const std::string kDigest = "sha256:" + kHex;

RegistryStoreNaming Naming() {
  Result<RegistryStoreNaming> n = RegistryStoreNaming::Parse("registry://127.0.0.1:5000/berthd/");
  EXPECT_TRUE(n) << n.error().message();
  return *n;
}

TEST(RegistryStoreNaming, ParsesTheUrl) {
  RegistryStoreNaming n = Naming();
  EXPECT_EQ(n.registry(), "127.0.0.1:5000");
  EXPECT_EQ(n.prefix(), "berthd");
  EXPECT_EQ(n.url(), "registry://127.0.0.1:5000/berthd");
  EXPECT_EQ(RegistryStoreNaming::Parse("registry://localhost/team/images")->prefix(), "team/images");
  for (const char* bad :
       {"http://127.0.0.1:5000/x", "registry://127.0.0.1:5000", "registry://127.0.0.1:5000/", "registry://nohost/x",
        "registry://reg.example/UPPER", "registry:///x", "registry://127.0.0.1:99999/x", "registry://127.0.0.1:0/x"}) {
    Result<RegistryStoreNaming> r = RegistryStoreNaming::Parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidParameter);
    EXPECT_TRUE(r.error().message().starts_with("invalid image store \"" + std::string(bad) + "\": "))
        << r.error().message();
  }
}

TEST(RegistryStoreNaming, NamesBecomeTagsAndBack) {
  RegistryStoreNaming n = Naming();
  struct Case {
    std::string key, repository, tag;
  } cases[] = {
      {"docker.io/library/busybox:1.36", "127.0.0.1:5000/berthd/docker.io/library/busybox", "1.36"},
      {"docker.io/library/busybox@" + kDigest, "127.0.0.1:5000/berthd/docker.io/library/busybox", "sha256_" + kHex},
      {"127.0.0.1:5001/team/app:v1", "127.0.0.1:5000/berthd/127.0.0.1__5001/team/app", "v1"},
      {"localhost:5000/a_b/c__d:Tag.1", "127.0.0.1:5000/berthd/localhost__5000/a_b/c__d", "Tag.1"},
      {std::string(kDanglingKey) + kDigest, "127.0.0.1:5000/berthd/untagged", "sha256_" + kHex},
  };
  for (const Case& c : cases) {
    Result<StoreTag> t = n.TagOf(c.key);
    ASSERT_TRUE(t) << c.key << ": " << t.error().message();
    EXPECT_EQ(t->repository, c.repository) << c.key;
    EXPECT_EQ(t->tag, c.tag) << c.key;
    const std::string catalog_name = t->repository.substr(std::string("127.0.0.1:5000/").size());
    EXPECT_EQ(n.KeyOf(catalog_name, t->tag), c.key);
  }
}

TEST(RegistryStoreNaming, RefusesWhatTheRegistryCannotHold) {
  RegistryStoreNaming n = Naming();
  for (const std::string& key :
       {std::string("Example.com/a:1"), std::string("[::1]:5000/a:1"), "docker.io/library/a:sha256_" + kHex,
        "docker.io/library/a@sha512:" + std::string(128, 'b'), "docker.io/library/" + std::string(235, 'n') + ":1"}) {
    Result<StoreTag> t = n.TagOf(key);
    ASSERT_FALSE(t) << key;
    EXPECT_EQ(t.error().kind(), ErrorKind::kInvalidParameter) << key;
  }
}

TEST(RegistryStoreNaming, LeavesOtherContentAlone) {
  RegistryStoreNaming n = Naming();
  EXPECT_FALSE(n.KeyOf("other/docker.io/library/a", "1"));  // outside the prefix
  EXPECT_FALSE(n.KeyOf("berthd/untagged", "latest"));       // not a digest tag
  EXPECT_FALSE(n.KeyOf("berthd/single", "1"));              // no host component
  EXPECT_FALSE(n.KeyOf("berthd/docker.io/busybox", "1"));   // not as docker names it
  // A tag that only starts like a digest tag is a tag.
  EXPECT_EQ(n.KeyOf("berthd/docker.io/library/a", "sha256_0"), "docker.io/library/a:sha256_0");
}

Descriptor Manifest(char c) {
  return Descriptor{"application/vnd.oci.image.manifest.v1+json", "sha256:" + std::string(64, c), 100};
}

TEST(RegistryStoreView, EntriesEditedByKey) {
  std::vector<NameEntry> entries{{"docker.io/library/a:1", Manifest('1')}, {"", Manifest('2')}};
  NameMap names = NamesOf(entries);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names.at("docker.io/library/a:1").digest, Manifest('1').digest);
  EXPECT_EQ(names.at(std::string(kDanglingKey) + Manifest('2').digest).digest, Manifest('2').digest);

  SetName(entries, "docker.io/library/a:1", Manifest('3'));  // moved
  SetName(entries, "docker.io/library/b:1", Manifest('2'));  // the dangling image named
  SetName(entries, std::string(kDanglingKey) + Manifest('1').digest, Manifest('1'));
  DropNamedDangling(entries);
  names = NamesOf(entries);
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(names.at("docker.io/library/a:1").digest, Manifest('3').digest);
  EXPECT_EQ(names.at("docker.io/library/b:1").digest, Manifest('2').digest);
  EXPECT_TRUE(names.count(std::string(kDanglingKey) + Manifest('1').digest));
  EXPECT_FALSE(names.count(std::string(kDanglingKey) + Manifest('2').digest));

  SetName(entries, "docker.io/library/a:1", std::nullopt);
  SetName(entries, std::string(kDanglingKey) + Manifest('1').digest, std::nullopt);
  EXPECT_EQ(NamesOf(entries).size(), 1u);
}

}  // namespace
}  // namespace berth::store
