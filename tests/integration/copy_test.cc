// The copy engine against real CNCF registries with images skopeo pushed,
// skopeo as the oracle: every digest berth copies is the one skopeo
// reports, skopeo reads the layouts berth writes, berth reads skopeo's.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "copy_fixture.h"
#include "tls_registry.h"

namespace berth {
namespace {

using testing::PushedImages;

// An OCI layout of one image with `layers` gzip layers of `kib` KiB of
// random bytes each, named "1"; pushed to `registry` as `name`:1 by skopeo.
void PushRandomImage(const Skopeo& skopeo, const std::string& dir, const std::string& registry, const std::string& name,
                     int layers, int kib) {
  const std::string script = R"PY(
import gzip, hashlib, json, os, sys
root, count, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
def blob(media, data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(root, "blobs", "sha256", h), "wb").write(data)
    return {"mediaType": media, "digest": "sha256:" + h, "size": len(data)}
layers, diff_ids = [], []
for i in range(count):
    raw = os.urandom(kib * 1024)
    layers.append(blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip.compress(raw, 1, mtime=0)))
    diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
config = blob("application/vnd.oci.image.config.v1+json", json.dumps(
    {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode())
m = blob("application/vnd.oci.image.manifest.v1+json", json.dumps(
    {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config,
     "layers": layers}).encode())
m["annotations"] = {"org.opencontainers.image.ref.name": "1"}
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(root, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [m]}))
)PY";
  std::string out;
  ASSERT_EQ(testing::Run({"/usr/bin/python3", "-c", script, dir, std::to_string(layers), std::to_string(kib)}, &out), 0)
      << out;
  ASSERT_EQ(skopeo.Run({"copy", "-q", "--dest-tls-verify=false", "--preserve-digests", "oci:" + dir + ":1",
                        "docker://" + registry + "/" + name + ":1"},
                       &out),
            0)
      << out;
}

// Blob files of a layout, each checked against its name.
std::vector<std::string> WholeBlobs(const std::string& layout) {
  std::vector<std::string> names;
  const std::string dir = layout + "/blobs/sha256";
  if (!std::filesystem::exists(dir)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) continue;
    EXPECT_EQ(Skopeo::Sha256Hex(testing::ReadFile(entry.path().string())), name) << "a blob file that is not whole";
    names.push_back(name);
  }
  return names;
}

TEST_F(CopyTest, RegistryToRegistryKeepsEveryDigest) {
  for (const auto& [name, image] : pushed_.images) {
    SCOPED_TRACE(name);
    Result<CopyResult> copied =
        CopyImage(*client_, Docker(source_.host() + "/" + name), Docker(destination_.host() + "/copied/" + name));
    ASSERT_TRUE(copied.ok()) << copied.error().message();
    EXPECT_EQ(copied->digest, image.digest);
    EXPECT_EQ(copied->media_type, image.media_type);
    EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/copied/" + name), image.digest);
  }
  // Every platform of an index arrived: skopeo copies each of them out.
  std::string out;
  EXPECT_EQ(
      skopeo_.Run({"copy", "-q", "--all", "--src-tls-verify=false",
                   "docker://" + destination_.host() + "/copied/berth/multi:1.0", "dir:" + work_.path() + "/multi-dir"},
                  &out),
      0)
      << out;
}

TEST_F(CopyTest, SecondCopyUploadsNothingAndAsksOncePerManifest) {
  const std::string from = source_.host() + "/berth/multi:1.0";
  const std::string to = destination_.host() + "/again/multi:1.0";
  Result<CopyResult> first = CopyImage(*client_, Docker(from), Docker(to));
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_GT(first->blobs_copied, 0u);
  const int before = CountLogLines(destination_.log_path(), {"\"", "/v2/"});
  const int uploads_before = CountLogLines(destination_.log_path(), {"/blobs/uploads/"});
  Result<CopyResult> second = CopyImage(*client_, Docker(from), Docker(to));
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_EQ(second->digest, first->digest);
  EXPECT_EQ(second->blobs_copied, 0u);
  EXPECT_EQ(CountLogLines(destination_.log_path(), {"/blobs/uploads/"}), uploads_before);
  // One request at the destination: the HEAD of the tag.
  EXPECT_EQ(CountLogLines(destination_.log_path(), {"\"", "/v2/"}) - before, 1);

  // Another tag of the same image: every blob is skipped, nothing uploaded.
  Result<CopyResult> retag = CopyImage(*client_, Docker(from), Docker(destination_.host() + "/again/multi:2.0"));
  ASSERT_TRUE(retag.ok()) << retag.error().message();
  EXPECT_EQ(retag->blobs_copied, 0u);
  EXPECT_EQ(CountLogLines(destination_.log_path(), {"/blobs/uploads/"}), uploads_before);
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/again/multi:2.0"), first->digest);
}

TEST_F(CopyTest, CopyInsideOneRegistryMounts) {
  Result<CopyResult> copied = CopyImage(*client_, Docker(source_.host() + "/berth/docker-list:1.0"),
                                        Docker(source_.host() + "/mounted/list:1.0"));
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  EXPECT_EQ(copied->digest, pushed_.images["berth/docker-list:1.0"].digest);
  EXPECT_EQ(copied->blobs_copied, 0u);
  EXPECT_GT(copied->blobs_mounted, 0u);
  // The registry's access log: mounts answered 201, by berth.
  EXPECT_EQ(CountLogLines(source_.log_path(), {"POST /v2/mounted/list/blobs/uploads/?mount=", "\" 201 ", "berth"}),
            static_cast<int>(copied->blobs_mounted));
  EXPECT_EQ(CountLogLines(source_.log_path(), {"PATCH /v2/mounted/list/"}), 0);
}

TEST_F(CopyTest, LayoutsRoundTripWithSkopeo) {
  // registry → berth's layout: skopeo reads it and copies every blob out.
  const std::string layout = work_.path() + "/berth-layout";
  Result<CopyResult> pulled =
      CopyImage(*client_, Docker(source_.host() + "/berth/multi:1.0"), {LocationKind::kOciLayout, layout, "m"});
  ASSERT_TRUE(pulled.ok()) << pulled.error().message();
  EXPECT_EQ(pulled->digest, pushed_.images["berth/multi:1.0"].digest);
  EXPECT_EQ(skopeo_.RawDigest("oci:" + layout + ":m"), pulled->digest);
  std::string out;
  EXPECT_EQ(skopeo_.Run({"copy", "-q", "--all", "oci:" + layout + ":m", "dir:" + work_.path() + "/out"}, &out), 0)
      << out;
  // A second image in the same layout keeps the first's name. (A Docker
  // schema2 image keeps its digest in a layout; skopeo 1.9 reads only OCI
  // media types from index.json, so berth reads that one back.)
  Result<CopyResult> second =
      CopyImage(*client_, Docker(source_.host() + "/berth/docker-v2:1.0"), {LocationKind::kOciLayout, layout, "v2"});
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_EQ(skopeo_.RawDigest("oci:" + layout + ":m"), pulled->digest);
  Result<ManifestBytes> v2 = GetImageManifest(*client_, {LocationKind::kOciLayout, layout, "v2"});
  ASSERT_TRUE(v2.ok()) << v2.error().message();
  EXPECT_EQ(v2->digest, pushed_.images["berth/docker-v2:1.0"].digest);
  EXPECT_EQ("sha256:" + Skopeo::Sha256Hex(v2->bytes), v2->digest);
  Result<std::vector<std::string>> refs = ListTags(*client_, {LocationKind::kOciLayout, layout, ""});
  ASSERT_TRUE(refs.ok()) << refs.error().message();
  EXPECT_EQ(*refs, (std::vector<std::string>{"m", "v2"}));

  // skopeo's layout → a registry, through berth: the digest skopeo wrote.
  const std::string theirs = work_.path() + "/skopeo-layout";
  ASSERT_EQ(skopeo_.Run({"copy", "-q", "--all", "--src-tls-verify=false",
                         "docker://" + source_.host() + "/berth/docker-list:1.0", "oci:" + theirs + ":list"},
                        &out),
            0)
      << out;
  Result<CopyResult> pushed = CopyImage(*client_, {LocationKind::kOciLayout, theirs, "list"},
                                        Docker(destination_.host() + "/from-layout/list:1"));
  ASSERT_TRUE(pushed.ok()) << pushed.error().message();
  EXPECT_EQ(pushed->digest, skopeo_.RawDigest("oci:" + theirs + ":list"));
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/from-layout/list:1"), pushed->digest);
}

TEST_F(CopyTest, PlatformsSelectImages) {
  const std::string multi = source_.host() + "/berth/multi:1.0";
  CopyOptions one;
  one.platforms = {Platform{"arm64", "linux", "", {}, ""}};
  Result<CopyResult> arm = CopyImage(*client_, Docker(multi), Docker(destination_.host() + "/plat/arm:1"), one);
  ASSERT_TRUE(arm.ok()) << arm.error().message();
  // The arm64 entry's own digest, as platforms.txt recorded it.
  std::string expected;
  for (const std::string& line : pushed_.platform_lines)
    if (line.rfind("berth/multi:1.0 linux/arm64", 0) == 0) expected = line.substr(line.rfind(" sha256:") + 1, 71);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(arm->digest, expected);
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/plat/arm:1"), expected);

  CopyOptions two;
  two.platforms = {Platform{"amd64", "linux", "", {}, ""}, Platform{"arm64", "linux", "", {}, "v8"}};
  Result<CopyResult> both = CopyImage(*client_, Docker(multi), Docker(destination_.host() + "/plat/two:1"), two);
  ASSERT_TRUE(both.ok()) << both.error().message();
  EXPECT_NE(both->digest, pushed_.images["berth/multi:1.0"].digest);
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/plat/two:1"), both->digest);

  CopyOptions none;
  none.platforms = {Platform{"s390x", "linux", "", {}, ""}};
  Result<CopyResult> missing = CopyImage(*client_, Docker(multi), Docker(destination_.host() + "/plat/no:1"), none);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("no image for platform linux/s390x"), std::string::npos);
}

TEST_F(CopyTest, AllTagsCopiesTheRepository) {
  CopyOptions options;
  options.all_tags = true;
  Result<CopyResult> copied =
      CopyImage(*client_, Docker(source_.host() + "/berth/multi"), Docker(destination_.host() + "/all/multi"), options);
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  std::vector<std::string> tags;
  for (const CopyResult::Image& image : copied->images) {
    tags.push_back(image.tag);
    EXPECT_EQ(image.digest, pushed_.images["berth/multi:" + image.tag].digest);
  }
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(tags, (std::vector<std::string>{"1.0", "t1", "t2", "t3", "t4", "t5"}));
  Result<std::vector<std::string>> listed = ListTags(*client_, Docker(destination_.host() + "/all/multi"));
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  std::sort(listed->begin(), listed->end());
  EXPECT_EQ(*listed, tags);
}

TEST_F(CopyTest, CorruptBlobInTheRegistryFailsAndLeavesNothing) {
  // Damage the arm64 image's layer in the source registry's storage.
  Result<ManifestBytes> manifest =
      GetImageManifest(*client_, Docker(source_.host() + "/berth/docker-v2:1.0"), std::nullopt);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message();
  const std::size_t at = manifest->bytes.find("\"layers\"");
  ASSERT_NE(at, std::string::npos);
  const std::size_t d = manifest->bytes.find("sha256:", at);
  const std::string layer = manifest->bytes.substr(d, 71);
  const std::string data = source_.BlobDataPath(layer);
  struct stat st {};
  ASSERT_EQ(::stat(data.c_str(), &st), 0) << data;
  std::ofstream(data, std::ios::binary | std::ios::trunc) << std::string(static_cast<std::size_t>(st.st_size), 'x');

  const std::string layout = work_.path() + "/corrupt";
  Result<CopyResult> copied =
      CopyImage(*client_, Docker(source_.host() + "/berth/docker-v2:1.0"), {LocationKind::kOciLayout, layout, "v2"});
  ASSERT_FALSE(copied.ok());
  EXPECT_NE(copied.error().message().find("digest mismatch"), std::string::npos) << copied.error().message();
  // Nothing of it in the layout: no blob, no temporary file, no name.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(layout)) {
    EXPECT_EQ(entry.path().filename().string().find(layer.substr(7)), std::string::npos) << entry.path();
    EXPECT_NE(entry.path().filename().string().rfind(".tmp-", 0), 0u) << entry.path();
  }
  {
    Result<std::vector<std::string>> named = ListTags(*client_, {LocationKind::kOciLayout, layout, ""});
    EXPECT_TRUE(!named.ok() || named->empty());  // no name for a partial image
  }

  // Into a registry: the upload never completes, the blob is not there.
  Result<CopyResult> pushed = CopyImage(*client_, Docker(source_.host() + "/berth/docker-v2:1.0"),
                                        Docker(destination_.host() + "/corrupt/v2:1"));
  ASSERT_FALSE(pushed.ok());
  EXPECT_NE(pushed.error().message().find("digest mismatch"), std::string::npos) << pushed.error().message();
  Result<std::unique_ptr<RemoteRepository>> repo =
      client_->OpenRepository(destination_.host() + "/corrupt/v2", RepositoryAccess::kPull, nullptr);
  ASSERT_TRUE(repo.ok());
  Result<std::optional<std::int64_t>> size = (*repo)->BlobSize(layer);
  ASSERT_TRUE(size.ok()) << size.error().message();
  EXPECT_FALSE(size->has_value());
}

TEST_F(CopyTest, BerthCliCopiesAndPrintsTheDigest) {
  std::string out;
  const std::string dest = "oci:" + work_.path() + "/cli-layout:x";
  ASSERT_EQ(testing::Run({BERTH_CLI_PATH, "copy", "--insecure-registry", "127.0.0.0/8", "--config", work_.path(),
                          source_.host() + "/berth/oci-single:1.0", dest},
                         &out),
            0)
      << out;
  EXPECT_NE(out.find("Copied blob "), std::string::npos) << out;
  EXPECT_NE(out.find(pushed_.images["berth/oci-single:1.0"].digest + "\n"), std::string::npos) << out;
  // --all-tags prints each tag with its digest; it wants a repository on both sides.
  ASSERT_EQ(testing::Run({BERTH_CLI_PATH, "copy", "-q", "-a", "--insecure-registry", "127.0.0.0/8", "--config",
                          work_.path(), source_.host() + "/berth/multi", "oci:" + work_.path() + "/all"},
                         &out),
            0)
      << out;
  EXPECT_NE(out.find("t3 " + pushed_.images["berth/multi:t3"].digest + "\n"), std::string::npos) << out;
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "copy", "-a", "--insecure-registry", "127.0.0.0/8", "--config", work_.path(),
                          source_.host() + "/berth/multi:1.0", "oci:" + work_.path() + "/all2"},
                         &out),
            0);
  EXPECT_NE(out.find("the source cannot name a tag or digest"), std::string::npos) << out;
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "copy", "-a", "--insecure-registry", "127.0.0.0/8", "--config", work_.path(),
                          source_.host() + "/berth/multi", "docker-archive:" + work_.path() + "/a.tar"},
                         &out),
            0);
  EXPECT_NE(out.find("a docker archive holds one image"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(work_.path() + "/a.tar"));
  ASSERT_EQ(testing::Run({BERTH_CLI_PATH, "manifest", dest}, &out), 0) << out;
  EXPECT_EQ("sha256:" + Skopeo::Sha256Hex(out), pushed_.images["berth/oci-single:1.0"].digest);
  ASSERT_EQ(testing::Run({BERTH_CLI_PATH, "tags", "--insecure-registry", "127.0.0.0/8", "--config", work_.path(),
                          source_.host() + "/berth/multi"},
                         &out),
            0)
      << out;
  EXPECT_NE(out.find("t5\n"), std::string::npos) << out;
  // Bad input: clear errors.
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "copy", "nope://x", dest}, &out), 0);
  EXPECT_NE(out.find("invalid image location \"nope://x\""), std::string::npos) << out;
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "copy", "oci:" + work_.path() + "/absent", dest}, &out), 0);
  EXPECT_NE(out.find("is not an OCI image layout"), std::string::npos) << out;
}

// A signature-like artifact referring to an image, as cosign or oras push it
// to a registry without the referrers API (the CNCF registry 2.8): the
// artifact manifest with a subject, and the index tagged sha256-<hex>.
TEST_F(CopyTest, ReferrersAreCopiedWithTheImage) {
  const std::string image = source_.host() + "/berth/oci-single";
  const std::string subject = pushed_.images["berth/oci-single:1.0"].digest;
  Result<std::unique_ptr<RemoteRepository>> repo = client_->OpenRepository(image, RepositoryAccess::kPush, nullptr);
  ASSERT_TRUE(repo.ok()) << repo.error().message();
  const std::string payload = "{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + subject + "\"}}}";
  const std::string payload_digest = "sha256:" + Skopeo::Sha256Hex(payload);
  Descriptor blob{"application/vnd.dev.cosign.simplesigning.v1+json", payload_digest,
                  static_cast<std::int64_t>(payload.size())};
  class StringReader : public BlobReader {
   public:
    explicit StringReader(std::string data) : data_(std::move(data)) {}
    Result<std::size_t> Read(char* buffer, std::size_t capacity) override {
      const std::size_t n = std::min(capacity, data_.size() - at_);
      std::copy_n(data_.data() + at_, n, buffer);
      at_ += n;
      return n;
    }

   private:
    std::string data_;
    std::size_t at_ = 0;
  };
  ASSERT_TRUE((*repo)
                  ->PushBlob(blob,
                             [&]() -> Result<std::unique_ptr<BlobReader>> {
                               return std::unique_ptr<BlobReader>(std::make_unique<StringReader>(payload));
                             })
                  .ok());
  const std::string empty_config = "{}";
  Descriptor config{"application/vnd.oci.empty.v1+json", "sha256:" + Skopeo::Sha256Hex(empty_config), 2};
  ASSERT_TRUE((*repo)
                  ->PushBlob(config,
                             [&]() -> Result<std::unique_ptr<BlobReader>> {
                               return std::unique_ptr<BlobReader>(std::make_unique<StringReader>(empty_config));
                             })
                  .ok());
  ManifestBytes artifact;
  artifact.media_type = "application/vnd.oci.image.manifest.v1+json";
  artifact.bytes =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\",\"config\":"
      "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" +
      config.digest + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + blob.media_type + "\",\"digest\":\"" +
      payload_digest + "\",\"size\":" + std::to_string(payload.size()) +
      "}],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + subject +
      "\",\"size\":" + std::to_string(pushed_.images["berth/oci-single:1.0"].size) + "}}";
  artifact.digest = "sha256:" + Skopeo::Sha256Hex(artifact.bytes);
  Result<std::string> put = (*repo)->PutManifest(artifact.digest, artifact);
  ASSERT_TRUE(put.ok()) << put.error().message();
  ManifestBytes index;
  index.media_type = "application/vnd.oci.image.index.v1+json";
  index.bytes =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
      "[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" +
      artifact.digest + "\",\"size\":" + std::to_string(artifact.bytes.size()) +
      ",\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\"}]}";
  index.digest = "sha256:" + Skopeo::Sha256Hex(index.bytes);
  std::string fallback_tag = subject;
  fallback_tag[6] = '-';
  ASSERT_TRUE((*repo)->PutManifest(fallback_tag, index).ok());
  Result<std::vector<Descriptor>> listed = (*repo)->Referrers(subject);
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].digest, artifact.digest);

  // Without --referrers only the image goes; with it, the artifact too, and
  // the destination finds it through the same tag schema.
  const std::string to = destination_.host() + "/signed/img";
  Result<CopyResult> plain = CopyImage(*client_, Docker(image + ":1.0"), Docker(to + ":1"));
  ASSERT_TRUE(plain.ok()) << plain.error().message();
  Result<std::unique_ptr<RemoteRepository>> there = client_->OpenRepository(to, RepositoryAccess::kPull, nullptr);
  ASSERT_TRUE(there.ok());
  Result<std::vector<Descriptor>> none = (*there)->Referrers(subject);
  ASSERT_TRUE(none.ok()) << none.error().message();
  EXPECT_TRUE(none->empty());
  CopyOptions options;
  options.referrers = true;
  Result<CopyResult> signed_copy = CopyImage(*client_, Docker(image + ":1.0"), Docker(to + ":1"), options);
  ASSERT_TRUE(signed_copy.ok()) << signed_copy.error().message();
  Result<std::vector<Descriptor>> copied = (*there)->Referrers(subject);
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  ASSERT_EQ(copied->size(), 1u);
  EXPECT_EQ((*copied)[0].digest, artifact.digest);
  EXPECT_EQ(skopeo_.RawDigest("docker://" + to + "@" + artifact.digest), artifact.digest);

  // Through an air gap: into a layout (the signature stored beside the image,
  // untagged), out of it into another repository — the signature goes along.
  const std::string layout = work_.path() + "/signed-layout";
  Result<CopyResult> out = CopyImage(*client_, Docker(image + ":1.0"), {LocationKind::kOciLayout, layout, ""}, options);
  ASSERT_TRUE(out.ok()) << out.error().message();
  Result<ManifestBytes> only = GetImageManifest(*client_, {LocationKind::kOciLayout, layout, ""});
  ASSERT_TRUE(only.ok()) << only.error().message();  // the signature is not a second image
  EXPECT_EQ(only->digest, subject);
  const std::string back = destination_.host() + "/from-layout/signed";
  Result<CopyResult> in = CopyImage(*client_, {LocationKind::kOciLayout, layout, ""}, Docker(back + ":1"), options);
  ASSERT_TRUE(in.ok()) << in.error().message();
  Result<std::unique_ptr<RemoteRepository>> landed = client_->OpenRepository(back, RepositoryAccess::kPull, nullptr);
  ASSERT_TRUE(landed.ok());
  Result<std::vector<Descriptor>> carried = (*landed)->Referrers(subject);
  ASSERT_TRUE(carried.ok()) << carried.error().message();
  ASSERT_EQ(carried->size(), 1u);
  EXPECT_EQ((*carried)[0].digest, artifact.digest);
}

// Over TLS (certs.d), from a registry with htpasswd auth to one with token
// auth, each with its own credentials; then inside the token registry
// (a mount needs a token for both repositories).
TEST_F(CopyTest, TlsRegistriesWithBasicAndTokenAuth) {
  testing::TlsRegistry basic;
  testing::PushedImages pushed;
  ASSERT_TRUE(basic.StartForAlice(pushed)) << pushed.error;
  testing::TokenRegistry token;
  ASSERT_TRUE(token.Start());
  // One certs.d with both registries' CAs.
  const std::string certs = work_.path() + "/certs.d";
  for (testing::TlsRegistry* r : {&basic, &token.tls}) {
    std::filesystem::create_directories(certs + "/" + r->name);
    std::filesystem::copy_file(r->pki + "/ca.crt", certs + "/" + r->name + "/ca.crt");
  }
  testing::TlsRegistry both;
  ASSERT_TRUE(both.MakeService(certs));
  RegistryClient client(*both.service);
  CopyOptions options;
  options.source_auth = [](const IndexInfo&) -> Result<AuthConfig> {
    AuthConfig a;
    a.username = "alice";
    a.password = "s3cret";
    return a;
  };
  options.destination_auth = options.source_auth;
  const std::string to = token.tls.name + "/mirrored/multi:1.0";
  Result<CopyResult> copied = CopyImage(client, Docker(basic.name + "/berth/multi:1.0"), Docker(to), options);
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  EXPECT_EQ(copied->digest, pushed.images["berth/multi:1.0"].digest);
  CopyOptions inside = options;
  Result<CopyResult> mounted = CopyImage(client, Docker(to), Docker(token.tls.name + "/second/multi:1.0"), inside);
  ASSERT_TRUE(mounted.ok()) << mounted.error().message();
  EXPECT_EQ(mounted->digest, copied->digest);
  EXPECT_EQ(mounted->blobs_copied, 0u);
  EXPECT_EQ(mounted->blobs_mounted, copied->blobs_copied);
  // Wrong credentials: the registry's error, nothing copied.
  CopyOptions wrong = options;
  wrong.destination_auth = [](const IndexInfo&) -> Result<AuthConfig> {
    AuthConfig a;
    a.username = "alice";
    a.password = "wrong";
    return a;
  };
  Result<CopyResult> refused =
      CopyImage(client, Docker(basic.name + "/berth/multi:1.0"), Docker(token.tls.name + "/refused/x:1"), wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), ErrorKind::kUnauthorized) << refused.error().message();
}

// A write that fails (RLIMIT_FSIZE here; a full disk takes the same path:
// write(2) fails) is a clear error naming the file, and leaves no partial
// blob and no name.
TEST_F(CopyTest, AFailingWriteIsAClearErrorAndLeavesNothingHalfWritten) {
  PushRandomImage(skopeo_, work_.path() + "/gen", source_.host(), "bench/big", 2, 512);
  const std::string layout = work_.path() + "/limited";
  std::string out;
  const int code = testing::Run({"bash", "-c",
                                 "ulimit -f 256; trap '' XFSZ; exec \"$0\" copy -q --insecure-registry 127.0.0.0/8 "
                                 "--config \"$1\" \"$2\" \"$3\"",
                                 BERTH_CLI_PATH, work_.path(), source_.host() + "/bench/big:1", "oci:" + layout + ":x"},
                                &out);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("write " + layout + "/blobs/sha256/.tmp-"), std::string::npos) << out;
  EXPECT_NE(out.find("File too large"), std::string::npos) << out;
  {
    Result<std::vector<std::string>> named = ListTags(*client_, {LocationKind::kOciLayout, layout, ""});
    EXPECT_TRUE(!named.ok() || named->empty());  // no name for a partial image
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(layout)) {
    EXPECT_NE(entry.path().filename().string().rfind(".tmp-", 0), 0u) << entry.path();
    if (entry.is_regular_file()) EXPECT_LT(entry.file_size(), 256u * 1024) << entry.path();
  }
}

// The faults below come from tests/fixtures/fault_proxy.py in front of a
// real registry: no packaged registry cuts a blob or fails an upload on
// demand.
testing::FixtureServer FaultProxy(const std::string& upstream, const std::string& mode, const std::string& log,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"--upstream", upstream, "--mode", mode, "--log", log};
  args.insert(args.end(), extra.begin(), extra.end());
  return testing::FixtureServer("fault_proxy.py", args);
}

TEST_F(CopyTest, DroppedConnectionMidBlobResumes) {
  const std::string log = work_.path() + "/proxy.log";
  testing::FixtureServer proxy = FaultProxy(source_.host(), "drop-blob-once", log);
  ASSERT_TRUE(proxy.ok()) << proxy.error();
  const std::string via = "127.0.0.1:" + std::to_string(proxy.port());
  Result<CopyResult> copied =
      CopyImage(*client_, Docker(via + "/berth/oci-single:1.0"), {LocationKind::kOciLayout, work_.path() + "/l", "x"});
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  EXPECT_EQ(copied->digest, pushed_.images["berth/oci-single:1.0"].digest);
  EXPECT_EQ(skopeo_.RawDigest("oci:" + work_.path() + "/l:x"), copied->digest);
  // Each blob was cut once and fetched again (with Range) once.
  const int blob_gets = CountLogLines(log, {"GET /v2/berth/oci-single/blobs/sha256:"});
  EXPECT_EQ(blob_gets, 2 * static_cast<int>(copied->blobs_copied));
}

TEST_F(CopyTest, FailedUploadsAreRetried) {
  for (const std::string mode : {"upload-500-once", "upload-429-once"}) {
    SCOPED_TRACE(mode);
    const std::string log = work_.path() + "/" + mode + ".log";
    testing::FixtureServer proxy = FaultProxy(destination_.host(), mode, log);
    ASSERT_TRUE(proxy.ok()) << proxy.error();
    const std::string to = "127.0.0.1:" + std::to_string(proxy.port()) + "/retried/" + mode + ":1";
    Result<CopyResult> copied = CopyImage(*client_, Docker(source_.host() + "/berth/oci-single:1.0"), Docker(to));
    ASSERT_TRUE(copied.ok()) << copied.error().message();
    EXPECT_EQ(copied->digest, pushed_.images["berth/oci-single:1.0"].digest);
    EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/retried/" + mode + ":1"), copied->digest);
    // The failed upload was started again: one more POST than blobs.
    EXPECT_EQ(CountLogLines(log, {"POST /v2/retried/"}), static_cast<int>(copied->blobs_copied) + 1);
  }
}

TEST_F(CopyTest, UploadLocationOnAnotherHostGetsNoCredentials) {
  testing::TempDir auth_dir;
  const std::string auth = testing::AliceHtpasswdAuth(auth_dir.path());
  ASSERT_FALSE(auth.empty());
  testing::LocalRegistry guarded(auth);
  ASSERT_TRUE(guarded.ok()) << guarded.error();
  const std::string log = work_.path() + "/foreign.log";
  testing::FixtureServer proxy =
      FaultProxy(guarded.host(), "foreign-location", log, {"--upstream-auth", "alice:s3cret"});
  ASSERT_TRUE(proxy.ok()) << proxy.error();
  CopyOptions options;
  options.destination_auth = [](const IndexInfo&) -> Result<AuthConfig> {
    AuthConfig a;
    a.username = "alice";
    a.password = "s3cret";
    return a;
  };
  const std::string to = "127.0.0.1:" + std::to_string(proxy.port()) + "/guarded/img:1";
  Result<CopyResult> copied =
      CopyImage(*client_, Docker(source_.host() + "/berth/oci-single:1.0"), Docker(to), options);
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  EXPECT_GT(copied->blobs_copied, 0u);
  // Uploads went to the other origin, and never with credentials.
  EXPECT_EQ(CountLogLines(log, {"PUT ", "host=localhost", "auth=none"}), static_cast<int>(copied->blobs_copied));
  EXPECT_EQ(CountLogLines(log, {"host=localhost", "auth=Basic"}), 0);
  EXPECT_EQ(CountLogLines(log, {"host=localhost", "auth=Bearer"}), 0);
  // The registry's own origin got them.
  EXPECT_GT(CountLogLines(log, {"POST ", "host=127.0.0.1", "auth=Basic"}), 0);
}

// A registry that asks for chunks (OCI-Chunk-Min-Length) and answers with
// relative Locations: PATCHes with Content-Range, then the closing PUT.
TEST_F(CopyTest, ChunkedUploadsWithRelativeLocations) {
  PushRandomImage(skopeo_, work_.path() + "/gen", source_.host(), "bench/chunky", 1, 20 << 10);
  const std::string log = work_.path() + "/chunked.log";
  testing::FixtureServer proxy = FaultProxy(destination_.host(), "chunked", log, {"--chunk-min", "9000000"});
  ASSERT_TRUE(proxy.ok()) << proxy.error();
  const std::string to = "127.0.0.1:" + std::to_string(proxy.port()) + "/chunked/img:1";
  Result<CopyResult> copied = CopyImage(*client_, Docker(source_.host() + "/bench/chunky:1"), Docker(to));
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/chunked/img:1"), copied->digest);
  // The 20 MiB layer went in three PATCHes (at least 9 MB each, then the
  // rest); the config in one.
  EXPECT_EQ(CountLogLines(log, {"PATCH /v2/chunked/img/blobs/uploads/"}), 4);
  EXPECT_EQ(CountLogLines(log, {"PUT /v2/chunked/img/blobs/uploads/", "digest=sha256%3A"}), 2);
}

// A mount from a repository that lacks the blob starts an upload (202),
// which is cancelled: MountBlob says false and nothing is left open.
TEST_F(CopyTest, AMountThatStartsAnUploadIsCancelled) {
  Result<std::unique_ptr<RemoteRepository>> repo =
      client_->OpenRepository(source_.host() + "/mount/target", RepositoryAccess::kPush, nullptr);
  ASSERT_TRUE(repo.ok());
  Result<bool> mounted = (*repo)->MountBlob("sha256:" + std::string(64, 'a'), "berth/multi");
  ASSERT_TRUE(mounted.ok()) << mounted.error().message();
  EXPECT_FALSE(*mounted);
  EXPECT_EQ(CountLogLines(source_.log_path(), {"DELETE /v2/mount/target/blobs/uploads/", "\" 204 "}), 1);
}

TEST_F(CopyTest, KilledCopyLeavesAValidLayoutAndRerunFetchesOnlyWhatIsMissing) {
  PushRandomImage(skopeo_, work_.path() + "/gen", source_.host(), "bench/killed", 8, 512);
  const std::string log = work_.path() + "/slow.log";
  testing::FixtureServer proxy = FaultProxy(source_.host(), "slow-blobs", log, {"--delay", "0.4"});
  ASSERT_TRUE(proxy.ok()) << proxy.error();
  const std::string from = "127.0.0.1:" + std::to_string(proxy.port()) + "/bench/killed:1";
  const std::string layout = work_.path() + "/killed";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(BERTH_CLI_PATH, BERTH_CLI_PATH, "copy", "-q", "--jobs", "1", "--insecure-registry", "127.0.0.0/8",
            "--config", work_.path().c_str(), from.c_str(), ("oci:" + layout + ":k").c_str(), nullptr);
    ::_exit(127);
  }
  // Kill -9 once three blobs are whole (at 0.4 s a blob, mid-copy).
  for (int i = 0; i < 400 && WholeBlobs(layout).size() < 3; ++i) ::usleep(10'000);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::vector<std::string> before = WholeBlobs(layout);
  ASSERT_GE(before.size(), 3u);
  ASSERT_LT(before.size(), 9u) << "the copy finished before it was killed";
  // A valid layout, naming nothing yet.
  Result<std::vector<std::string>> names = ListTags(*client_, {LocationKind::kOciLayout, layout, ""});
  ASSERT_TRUE(names.ok()) << names.error().message();
  EXPECT_TRUE(names->empty());
  EXPECT_TRUE(std::filesystem::exists(layout + "/oci-layout"));
  const int gets_before = CountLogLines(log, {"GET /v2/bench/killed/blobs/"});

  std::string out;
  ASSERT_EQ(testing::Run({BERTH_CLI_PATH, "copy", "-q", "--insecure-registry", "127.0.0.0/8", "--config", work_.path(),
                          from, "oci:" + layout + ":k"},
                         &out),
            0)
      << out;
  const std::vector<std::string> after = WholeBlobs(layout);
  EXPECT_EQ(after.size(), 10u);  // config, 8 layers, the manifest
  // The rerun fetched only what the killed copy had not finished.
  EXPECT_EQ(CountLogLines(log, {"GET /v2/bench/killed/blobs/"}) - gets_before, 9 - static_cast<int>(before.size()));
  EXPECT_EQ(skopeo_.RawDigest("oci:" + layout + ":k"), skopeo_.RawDigest("oci:" + work_.path() + "/gen:1"));
  // No temporary file of the killed writer is left.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(layout))
    EXPECT_NE(entry.path().filename().string().rfind(".tmp-", 0), 0u) << entry.path();
}

}  // namespace
}  // namespace berth
