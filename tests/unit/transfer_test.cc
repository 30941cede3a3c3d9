// The copy engine's parts that need no registry: location and platform
// syntax, blob verification, Link paging, and OCI layouts on disk — copies
// between layouts, and layouts that lie (corrupt index.json, missing blobs,
// manifests that are not JSON, lie about size or media type, or nest
// indexes without end).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "berth/registry_client.h"
#include "berth/transfer.h"
#include "fixtures.h"
#include "registry/digest.h"
#include "registry/registry_repository.h"
#include "registry/urls.h"

namespace berth {
namespace {

TEST(ImageLocation, ParsesSkopeosNames) {
  Result<ImageLocation> docker = ParseImageLocation("docker://registry.example.com/app:1.0");
  ASSERT_TRUE(docker.ok());
  EXPECT_EQ(docker->kind, LocationKind::kRegistry);
  EXPECT_EQ(docker->name, "registry.example.com/app:1.0");
  Result<ImageLocation> oci = ParseImageLocation("oci:/srv/layout:v1");
  ASSERT_TRUE(oci.ok());
  EXPECT_EQ(oci->kind, LocationKind::kOciLayout);
  EXPECT_EQ(oci->name, "/srv/layout");
  EXPECT_EQ(oci->ref, "v1");
  Result<ImageLocation> archive = ParseImageLocation("docker-archive:app.tar:app:1.0");
  ASSERT_TRUE(archive.ok());
  EXPECT_EQ(archive->kind, LocationKind::kDockerArchive);
  EXPECT_EQ(archive->name, "app.tar");
  EXPECT_EQ(archive->ref, "app:1.0");
  EXPECT_EQ(FormatImageLocation(*archive), "docker-archive:app.tar:app:1.0");
  Result<ImageLocation> plain = ParseImageLocation("oci-archive:img.tar");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->ref, "");

  for (const char* bad : {"docker://", "oci:", "oci::x", "oci:dir:", "oci:dir:a:b", "oci:dir:bad ref", "oci:dir:../x",
                          "oci-archive:f:a\nb", "ftp://x", "busybox", ""}) {
    Result<ImageLocation> r = ParseImageLocation(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidParameter);
    EXPECT_EQ(r.error().message().rfind("invalid image location \"" + std::string(bad) + "\": ", 0), 0u)
        << r.error().message();
  }
}

TEST(ImageLocation, ParsesPlatforms) {
  Result<Platform> arm = ParsePlatform("linux/arm64/v8");
  ASSERT_TRUE(arm.ok());
  EXPECT_EQ(arm->os, "linux");
  EXPECT_EQ(arm->architecture, "arm64");
  EXPECT_EQ(arm->variant, "v8");
  EXPECT_TRUE(ParsePlatform("windows/amd64").ok());
  // One part, as containerd reads it: an OS, or an architecture for linux.
  EXPECT_EQ(ParsePlatform("arm64")->os, "linux");
  EXPECT_EQ(ParsePlatform("arm64")->architecture, "arm64");
  EXPECT_EQ(ParsePlatform("linux")->os, "linux");
  EXPECT_FALSE(ParsePlatform("linux")->architecture.empty());
  EXPECT_EQ(ParsePlatform("linux/aarch64")->architecture, "arm64");
  EXPECT_EQ(ParsePlatform("linux/arm/7")->variant, "v7");
  EXPECT_EQ(ParsePlatform("nonsense").error().message(),
            "\"nonsense\": unknown operating system or architecture: invalid argument");
  for (const char* bad :
       {"linux/", "/amd64", "linux//v8", "a/b/c/d", "", "linux/arm64,linux/amd64", "windows/amd64:10.0.17763.5329"}) {
    Result<Platform> r = ParsePlatform(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("os/arch[/variant]"), std::string::npos);
  }
}

TEST(DigestVerifier, WithholdsTheChunkThatCompletesAWrongBlob) {
  const std::string data = "hello, blob";
  const std::string digest = registry::Sha256Digest(data);
  registry::DigestVerifier good(digest, static_cast<std::int64_t>(data.size()));
  EXPECT_TRUE(good.Update(data.substr(0, 5)).ok());
  EXPECT_TRUE(good.Update(data.substr(5)).ok());
  EXPECT_TRUE(good.Finish().ok());

  registry::DigestVerifier wrong(digest, static_cast<std::int64_t>(data.size()));
  EXPECT_TRUE(wrong.Update("hello").ok());
  Status last = wrong.Update(", blub");
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.message().rfind("digest mismatch: got sha256:", 0), 0u) << last.message();

  registry::DigestVerifier longer(digest, 3);
  EXPECT_NE(longer.Update(data).message().find("is longer than its descriptor's 3 bytes"), std::string::npos);
  registry::DigestVerifier shorter(digest, 100);
  EXPECT_TRUE(shorter.Update(data).ok());
  EXPECT_NE(shorter.Finish().message().find("ended after 11 of its descriptor's 100 bytes"), std::string::npos);

  EXPECT_TRUE(registry::IsValidDigest(digest));
  EXPECT_FALSE(registry::IsValidDigest("sha256:../../etc/passwd"));
  EXPECT_FALSE(registry::IsValidDigest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(registry::IsValidDigest("md5:" + std::string(32, 'a')));
}

TEST(Listings, FollowLinkNextAndBuildQueries) {
  const std::string base = "https://r.example/v2/app/tags/list";
  EXPECT_EQ(registry::NextLink(base, {"</v2/app/tags/list?last=b&n=2>; rel=\"next\""}),
            "https://r.example/v2/app/tags/list?last=b&n=2");
  EXPECT_EQ(registry::NextLink(base, {"<https://a.example/x>; rel=\"prev\", <https://r.example/y>; rel=\"next\""}),
            "https://r.example/y");
  EXPECT_EQ(registry::NextLink(base, {"<https://r.example/y>; rel=\"prev\""}), "");
  EXPECT_EQ(registry::NextLink(base, {}), "");
  EXPECT_EQ(registry::WithQuery("http://h/u", "digest", "sha256%3Aab"), "http://h/u?digest=sha256%3Aab");
  EXPECT_EQ(registry::WithQuery("http://h/u?_state=x", "digest", "d"), "http://h/u?_state=x&digest=d");
  EXPECT_EQ(registry::QueryEscapeDigest("sha256:ab"), "sha256%3Aab");
}

// A layout written by hand, as a hostile or broken tool might write it.
class LayoutFiles {
 public:
  explicit LayoutFiles(const std::string& dir) : dir_(dir) {
    std::filesystem::create_directories(dir_ + "/blobs/sha256");
    Write(dir_ + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  }
  // Stores a blob; its descriptor's JSON.
  std::string Blob(const std::string& media_type, const std::string& data, long size = -1) {
    const std::string digest = registry::Sha256Digest(data);
    Write(dir_ + "/blobs/sha256/" + digest.substr(7), data);
    return "{\"mediaType\":\"" + media_type + "\",\"digest\":\"" + digest +
           "\",\"size\":" + std::to_string(size < 0 ? static_cast<long>(data.size()) : size) + "}";
  }
  void Index(const std::string& manifest_descriptor, const std::string& ref) {
    std::string d = manifest_descriptor;
    d.insert(d.size() - 1, ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref + "\"}");
    Write(dir_ + "/index.json", "{\"schemaVersion\":2,\"manifests\":[" + d + "]}");
  }
  static void Write(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

 private:
  std::string dir_;
};

constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";

std::string ImageManifest(LayoutFiles& files) {
  const std::string config = files.Blob("application/vnd.oci.image.config.v1+json", "{\"os\":\"linux\"}");
  const std::string layer = files.Blob("application/vnd.oci.image.layer.v1.tar+gzip", "layer bytes");
  return "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(kManifestType) + "\",\"config\":" + config +
         ",\"layers\":[" + layer + "]}";
}

class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto service = RegistryService::Create({});
    ASSERT_TRUE(service.ok());
    service_ = std::move(*service);
    client_ = std::make_unique<RegistryClient>(*service_);
  }
  Result<CopyResult> Copy(const std::string& from_dir, const std::string& to_dir) {
    return CopyImage(*client_, {LocationKind::kOciLayout, from_dir, "x"}, {LocationKind::kOciLayout, to_dir, "y"});
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  testing::TempDir dir_;
  std::unique_ptr<RegistryService> service_;
  std::unique_ptr<RegistryClient> client_;
};

TEST_F(LayoutTest, CopiesBetweenLayoutsKeepingTheDigestAndSkippingWhatIsThere) {
  LayoutFiles files(Path("a"));
  const std::string manifest = ImageManifest(files);
  files.Index(files.Blob(kManifestType, manifest), "x");
  Result<CopyResult> copied = Copy(Path("a"), Path("b"));
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  EXPECT_EQ(copied->digest, registry::Sha256Digest(manifest));
  EXPECT_EQ(copied->blobs_copied, 2u);
  Result<CopyResult> again = Copy(Path("a"), Path("b"));
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->blobs_copied, 0u);
  Result<ManifestBytes> back = GetImageManifest(*client_, {LocationKind::kOciLayout, Path("b"), "y"});
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->bytes, manifest);
  Result<std::vector<std::string>> refs = ListTags(*client_, {LocationKind::kOciLayout, Path("b"), ""});
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(*refs, std::vector<std::string>{"y"});
}

TEST_F(LayoutTest, BrokenLayoutsAreClearErrors) {
  struct Case {
    std::string name;
    std::function<void(LayoutFiles&, const std::string& dir)> make;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"corrupt index.json",
       [](LayoutFiles&, const std::string& dir) { LayoutFiles::Write(dir + "/index.json", "{\"manifests\":["); },
       "index.json: unexpected end of JSON input"},
      {"index.json names a missing blob",
       [](LayoutFiles&, const std::string& dir) {
         LayoutFiles::Write(dir + "/index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" +
                                                     std::string(kManifestType) +
                                                     "\",\"digest\":\"sha256:" + std::string(64, 'a') +
                                                     "\",\"size\":2,\"annotations\":"
                                                     "{\"org.opencontainers.image.ref.name\":\"x\"}}]}");
       },
       "No such file or directory"},
      {"a manifest that is not JSON",
       [](LayoutFiles& f, const std::string&) { f.Index(f.Blob(kManifestType, "not json"), "x"); },
       "invalid character"},
      {"a manifest that lies about its size",
       [](LayoutFiles& f, const std::string&) { f.Index(f.Blob(kManifestType, ImageManifest(f), 10), "x"); },
       "is " /* N bytes, not 10 */},
      {"a manifest that lies about its media type",
       [](LayoutFiles& f, const std::string&) { f.Index(f.Blob(kIndexType, ImageManifest(f)), "x"); },
       "mediaType in manifest should be"},
      {"a layer shorter than its descriptor",
       [](LayoutFiles& f, const std::string&) {
         const std::string config = f.Blob("application/vnd.oci.image.config.v1+json", "{}");
         const std::string layer = f.Blob("application/vnd.oci.image.layer.v1.tar+gzip", "short", 50);
         f.Index(f.Blob(kManifestType, "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(kManifestType) +
                                           "\",\"config\":" + config + ",\"layers\":[" + layer + "]}"),
                 "x");
       },
       "ended after 5 of its descriptor's 50 bytes"},
      {"indexes nested without end",
       [](LayoutFiles& f, const std::string&) {
         std::string inner = f.Blob(kManifestType, ImageManifest(f));
         for (int i = 0; i < 12; ++i) {
           inner = f.Blob(kIndexType, "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(kIndexType) +
                                          "\",\"manifests\":[" + inner + "]}");
         }
         f.Index(inner, "x");
       },
       "indexes nested deeper than 8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string from = Path("bad-" + std::to_string(&c - cases.data()));
    const std::string to = Path("out-" + std::to_string(&c - cases.data()));
    LayoutFiles files(from);
    c.make(files, from);
    Result<CopyResult> copied = Copy(from, to);
    ASSERT_FALSE(copied.ok());
    EXPECT_NE(copied.error().message().find(c.error), std::string::npos) << copied.error().message();
    // Nothing named at the destination, no temporary file left.
    {
      Result<std::vector<std::string>> named = ListTags(*client_, {LocationKind::kOciLayout, to, ""});
      EXPECT_TRUE(!named.ok() || named->empty());  // no name for a partial image
    }
    if (std::filesystem::exists(to)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(to))
        EXPECT_NE(entry.path().filename().string().rfind(".tmp-", 0), 0u) << entry.path();
    }
  }
}

TEST_F(LayoutTest, RewritingIndexJsonKeepsWhatBerthDoesNotOwn) {
  LayoutFiles files(Path("src"));
  files.Index(files.Blob(kManifestType, ImageManifest(files)), "x");
  LayoutFiles dest(Path("dest"));
  const std::string foreign =
      "{\"mediaType\":\"" + std::string(kManifestType) + "\",\"digest\":\"sha256:zz\",\"size\":-1}";
  LayoutFiles::Write(Path("dest") + "/index.json",
                     "{\"schemaVersion\":2,\"annotations\":{\"org.example.note\":\"mine\"},\"x-tool\":{\"v\":1},"
                     "\"manifests\":[" +
                         foreign + "]}");
  ASSERT_TRUE(Copy(Path("src"), Path("dest")).ok());
  const std::string index = testing::ReadFile(Path("dest") + "/index.json");
  EXPECT_NE(index.find("\"org.example.note\": \"mine\""), std::string::npos) << index;
  EXPECT_NE(index.find("\"x-tool\""), std::string::npos) << index;
  EXPECT_NE(index.find("sha256:zz"), std::string::npos) << index;
  EXPECT_NE(index.find("\"org.opencontainers.image.ref.name\": \"y\""), std::string::npos) << index;
  // An index.json that is not an index is an error, not an empty layout.
  LayoutFiles::Write(Path("dest") + "/index.json", "null");
  Result<CopyResult> refused = Copy(Path("src"), Path("dest"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("index.json: not an image index"), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(testing::ReadFile(Path("dest") + "/index.json"), "null");
}

TEST_F(LayoutTest, TwoWritersKeepEachOthersNames) {
  LayoutFiles files(Path("src"));
  const std::string manifest = ImageManifest(files);
  files.Index(files.Blob(kManifestType, manifest), "x");
  std::vector<std::thread> writers;
  std::vector<Status> results(8);
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] {
      Result<CopyResult> r = CopyImage(*client_, {LocationKind::kOciLayout, Path("src"), "x"},
                                       {LocationKind::kOciLayout, Path("shared"), "tag" + std::to_string(i)});
      results[i] = r.status();
    });
  }
  for (std::thread& t : writers) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.message();
  Result<std::vector<std::string>> refs = ListTags(*client_, {LocationKind::kOciLayout, Path("shared"), ""});
  ASSERT_TRUE(refs.ok()) << refs.error().message();
  EXPECT_EQ(refs->size(), 8u);
}

}  // namespace
}  // namespace berth
