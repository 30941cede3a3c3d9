// The image store without a registry: images loaded from tars made here,
// then named, found, removed and pruned as dockerd's graphdriver store
// does; and the JSONMessage lines berthd writes, against dockerd's.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "berth/image_store.h"
#include "engine/json_message.h"
#include "fixtures.h"
#include "internal/go_time.h"
#include "registry/digest.h"
#include "transfer/tar_files.h"

namespace berth {
namespace {

// A docker save tar (legacy form: manifest.json) of one image with one
// layer, named `tags`; `seed` makes its config, and so its ID, differ.
std::string MakeTar(const std::string& path, const std::vector<std::string>& tags, const std::string& seed) {
  const std::string layer = "layer-bytes-" + seed;
  const std::string layer_digest = registry::Sha256Digest(layer);
  const std::string config = R"({"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",)"
                             R"("config":{"Labels":{"seed":")" +
                             seed + R"("}},"rootfs":{"type":"layers","diff_ids":[")" + layer_digest + R"("]}})";
  std::string repo_tags;
  for (const std::string& t : tags) repo_tags += (repo_tags.empty() ? "\"" : ",\"") + t + "\"";
  const std::string manifest = R"([{"Config":"config.json","RepoTags":[)" + repo_tags + R"(],"Layers":["layer.tar"]}])";
  std::ofstream out(path, std::ios::binary);
  auto tar = transfer::TarWriter::Open([&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return Status();
  });
  EXPECT_TRUE(tar.ok());
  EXPECT_TRUE((*tar)->AddBytes("config.json", config).ok());
  EXPECT_TRUE((*tar)->AddBytes("layer.tar", layer).ok());
  EXPECT_TRUE((*tar)->AddBytes("manifest.json", manifest).ok());
  EXPECT_TRUE((*tar)->Close().ok());
  return registry::Sha256Digest(config);
}

class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto service = RegistryService::Create({});
    ASSERT_TRUE(service.ok());
    service_ = std::move(*service);
    client_ = std::make_unique<RegistryClient>(*service_);
    Reopen();
  }
  void Reopen() {
    store_.reset();
    auto store = ImageStore::Open(dir_.path() + "/images", *client_);
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
  }
  // Loads a tar of one image; its ID.
  std::string Load(const std::vector<std::string>& tags, const std::string& seed) {
    const std::string tar = dir_.path() + "/" + seed + ".tar";
    std::string id = MakeTar(tar, tags, seed);
    std::vector<std::string> lines;
    Status s = store_->Load(tar, [&](const ImageProgress& p) { lines.push_back(p.status); });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }
  std::size_t BlobCount() const {
    std::size_t n = 0;
    for (auto& e : std::filesystem::directory_iterator(dir_.path() + "/images/blobs/sha256")) n += e.is_regular_file();
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<RegistryService> service_;
  std::unique_ptr<RegistryClient> client_;
  std::unique_ptr<ImageStore> store_;
};

TEST_F(ImageStoreTest, FindsImagesAsDockerdDoes) {
  const std::string id = Load({"app:1", "team/app:2"}, "a");
  for (const char* name : {"app:1", "app:1", "docker.io/library/app:1", "team/app:2"}) {
    Result<StoredImage> found = store_->Find(name);
    ASSERT_TRUE(found.ok()) << name;
    EXPECT_EQ(found->id, id);
  }
  EXPECT_EQ(store_->Find(id)->id, id);
  EXPECT_EQ(store_->Find(id.substr(7))->id, id);
  EXPECT_EQ(store_->Find(id.substr(7, 12))->id, id);
  EXPECT_EQ(store_->Find(id.substr(7, 3))->id, id);  // a unique prefix
  Result<StoredImage> missing = store_->Find("app:2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message(), "No such image: app:2");
  Result<StoredImage> untagged = store_->Find("app");  // app:latest
  EXPECT_FALSE(untagged.ok());
  EXPECT_EQ(store_->Find("Bad Name").error().kind(), ErrorKind::kInvalidParameter);
}

TEST_F(ImageStoreTest, RemovesAsDockerdDoes) {
  const std::string id = Load({"app:1", "other:1"}, "a");
  // By ID with names in two repositories: a conflict unless forced.
  Result<std::vector<ImageDeleteItem>> refused = store_->Remove(id.substr(7, 12), false, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), ErrorKind::kConflict);
  EXPECT_EQ(refused.error().message(), "conflict: unable to delete " + id.substr(7, 12) +
                                           " (must be forced) - image is referenced in multiple repositories");
  // By name: untagged, the image stays while another name is left.
  Result<std::vector<ImageDeleteItem>> untag = store_->Remove("other:1", false, false);
  ASSERT_TRUE(untag.ok());
  ASSERT_EQ(untag->size(), 1u);
  EXPECT_EQ((*untag)[0].untagged, "other:1");
  const std::size_t blobs = BlobCount();
  EXPECT_EQ(blobs, 3u);  // config, layer, manifest
  // The last name: untagged and deleted, its blobs removed.
  Result<std::vector<ImageDeleteItem>> gone = store_->Remove("app:1", false, false);
  ASSERT_TRUE(gone.ok());
  ASSERT_EQ(gone->size(), 2u);
  EXPECT_EQ((*gone)[0].untagged, "app:1");
  EXPECT_EQ((*gone)[1].deleted, id);
  EXPECT_EQ(BlobCount(), 0u);
  EXPECT_TRUE(store_->List().value().empty());
}

TEST_F(ImageStoreTest, TagMovesAndTheOldImageStaysDangling) {
  const std::string a = Load({"app:1"}, "a");
  const std::string b = Load({"app:2"}, "b");
  ASSERT_TRUE(store_->Tag("app:2", *ParseNormalizedNamed("app:1")).ok());
  EXPECT_EQ(store_->Find("app:1")->id, b);
  std::vector<StoredImage> images = store_->List().value();
  ASSERT_EQ(images.size(), 2u);
  auto dangling = std::find_if(images.begin(), images.end(), [&](const StoredImage& i) { return i.id == a; });
  ASSERT_NE(dangling, images.end());
  EXPECT_TRUE(dangling->names.empty());
  // Prune takes the dangling one only, and its blobs.
  Result<ImagePruneReport> pruned = store_->Prune(true, nullptr);
  ASSERT_TRUE(pruned.ok());
  ASSERT_EQ(pruned->deleted.size(), 1u);
  EXPECT_EQ(pruned->deleted[0].deleted, a);
  EXPECT_GT(pruned->space_reclaimed, 0u);
  EXPECT_EQ(store_->List().value().size(), 1u);
  EXPECT_EQ(BlobCount(), 3u);
  EXPECT_EQ(store_->Tag("nothere:1", *ParseNormalizedNamed("x:1")).error().kind(), ErrorKind::kNotFound);
}

TEST_F(ImageStoreTest, ReopensConsistentlyAfterAKill) {
  const std::string id = Load({"app:1"}, "a");
  // What a daemon killed mid-pull leaves: a blob no image names, and a
  // temporary file of a writer that is gone.
  const std::string blobs = dir_.path() + "/images/blobs/sha256/";
  std::ofstream(blobs + std::string(64, 'a')) << "orphan";
  std::ofstream(blobs + ".tmp-x-999999-1") << "partial";
  Reopen();
  EXPECT_EQ(store_->Find("app:1")->id, id);
  EXPECT_EQ(BlobCount(), 3u);
  struct stat st {};
  EXPECT_NE(::stat((blobs + ".tmp-x-999999-1").c_str(), &st), 0);
}

TEST_F(ImageStoreTest, SavesWhatLoadReadsBack) {
  const std::string id = Load({"app:1"}, "a");
  const std::string tar = dir_.path() + "/saved.tar";
  std::ofstream out(tar, std::ios::binary);
  ASSERT_TRUE(store_
                  ->Save({"app:1"},
                         [&](std::string_view chunk) {
                           out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                           return Status();
                         })
                  .ok());
  out.close();
  ASSERT_TRUE(store_->Remove("app:1", false, false).ok());
  std::vector<std::string> lines;
  ASSERT_TRUE(store_->Load(tar, [&](const ImageProgress& p) { lines.push_back(p.status); }).ok());
  EXPECT_EQ(lines, std::vector<std::string>{"Loaded image: app:1"});
  EXPECT_EQ(store_->Find("app:1")->id, id);
  EXPECT_EQ(store_->Save({"nothere:1"}, [](std::string_view) { return Status(); }).error().kind(),
            ErrorKind::kNotFound);
}

TEST_F(ImageStoreTest, RefusesBrokenTars) {
  const std::string path = dir_.path() + "/broken.tar";
  std::ofstream(path) << "not a tar at all";
  Status s = store_->Load(path, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind(), ErrorKind::kInvalidParameter);
  EXPECT_TRUE(store_->List().value().empty());
}

// dockerd's lines, as its streamformatter writes them (captures in
// docker/docker-py#3277 and the daemon's own format).
TEST(JsonMessage, FormatsAsDockerd) {
  EXPECT_EQ(engine::JsonMessageLine({"latest", "Pulling from library/busybox"}),
            "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\r\n");
  EXPECT_EQ(engine::JsonMessageLine({"0123456789ab", "Pulling fs layer"}),
            "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"0123456789ab\"}\r\n");
  EXPECT_EQ(engine::JsonMessageLine({"", "Digest: sha256:abc"}), "{\"status\":\"Digest: sha256:abc\"}\r\n");
  EXPECT_EQ(engine::JsonMessageLine({"0123456789ab", "Downloading", 1048576, 3400000}),
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1048576,\"total\":3400000},"
            "\"progress\":\"[===============\\u003e                                   ]  1.049MB/3.4MB\","
            "\"id\":\"0123456789ab\"}\r\n");
  EXPECT_EQ(engine::JsonMessageLine({"", "", -1, -1, "{\"Tag\":\"1\"}"}),
            "{\"progressDetail\":{},\"aux\":{\"Tag\":\"1\"}}\r\n");
  EXPECT_EQ(engine::ErrorLine("x \"y\""),
            "{\"errorDetail\":{\"message\":\"x \\\"y\\\"\"},\"error\":\"x \\\"y\\\"\"}\r\n");
  EXPECT_EQ(engine::StreamLine("Loaded image: a:1"), "{\"stream\":\"Loaded image: a:1\\n\"}\r\n");
  EXPECT_EQ(engine::HumanSize(0), "0B");
  EXPECT_EQ(engine::HumanSize(16777216), "16.78MB");
  EXPECT_EQ(engine::HumanSize(999), "999B");
}

// api/types/time.GetTimestamp, as the until filters read it.
TEST(EngineTimestamp, ReadsDurationsDatesAndUnixSeconds) {
  const std::int64_t now = 1700000000;
  EXPECT_EQ(*detail::ParseEngineTimestamp("24h", now), now - 86400);
  EXPECT_EQ(*detail::ParseEngineTimestamp("1h30m", now), now - 5400);
  EXPECT_EQ(*detail::ParseEngineTimestamp("1500ms", now), now - 1);
  EXPECT_EQ(*detail::ParseEngineTimestamp("2024-01-01T00:00:00Z", now), 1704067200);
  EXPECT_EQ(*detail::ParseEngineTimestamp("2024-01-01T01:00:00+01:00", now), 1704067200);
  EXPECT_EQ(*detail::ParseEngineTimestamp("1704067200", now), 1704067200);
  EXPECT_EQ(*detail::ParseEngineTimestamp("1704067200.5", now), 1704067200);
  EXPECT_EQ(*detail::ParseEngineTimestamp("0", now), 0);              // "0" is a time, not a duration
  EXPECT_TRUE(detail::ParseEngineTimestamp("2024-01-01", now).ok());  // local midnight
  EXPECT_TRUE(detail::ParseEngineTimestamp("2024-01-01T10:00", now).ok());
  for (const char* bad : {"", "x", "10x", "2024-13-01", "99999999999999999999999", "1.2.3", "h"}) {
    Result<std::int64_t> t = detail::ParseEngineTimestamp(bad, now);
    ASSERT_FALSE(t.ok()) << bad << " -> " << (t.ok() ? *t : 0);
    EXPECT_EQ(t.error().message(), std::string("failed to parse value as time or duration: \"") + bad + "\"");
  }
}

}  // namespace
}  // namespace berth
