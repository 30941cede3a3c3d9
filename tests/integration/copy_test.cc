// The copy engine against real CNCF registries with images skopeo pushed,
// skopeo as the oracle: every digest berth copies is the one skopeo
// reports, skopeo reads the layouts berth writes, berth reads skopeo's.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "copy_fixture.h"

namespace berth {
namespace {

using testing::PushedImages;

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
  std::vector<std::string> tags = copied->tags;
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
  EXPECT_FALSE(std::filesystem::exists(layout + "/index.json"));

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

}  // namespace
}  // namespace berth
