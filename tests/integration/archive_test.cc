// Archive locations against skopeo: oci-archive and docker-archive written by
// berth are read by skopeo (and docker load's format), those skopeo writes
// are read by berth; hostile tars are refused with nothing written outside.
#include <gtest/gtest.h>

#include "copy_fixture.h"

namespace berth {
namespace {

ImageLocation Archive(LocationKind kind, const std::string& file, const std::string& ref) {
  return ImageLocation{kind, file, ref};
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST_F(CopyTest, OciArchivesRoundTripWithSkopeo) {
  const std::string tar = work_.path() + "/multi.tar";
  Result<CopyResult> saved =
      CopyImage(*client_, Docker(source_.host() + "/berth/multi:1.0"), Archive(LocationKind::kOciArchive, tar, "m"));
  ASSERT_TRUE(saved.ok()) << saved.error().message();
  EXPECT_EQ(saved->digest, pushed_.images["berth/multi:1.0"].digest);
  EXPECT_EQ(skopeo_.RawDigest("oci-archive:" + tar + ":m"), saved->digest);
  std::string out;
  EXPECT_EQ(skopeo_.Run({"copy", "-q", "--all", "oci-archive:" + tar + ":m", "dir:" + work_.path() + "/d"}, &out), 0)
      << out;
  // And back into a registry through berth: the same digest.
  Result<CopyResult> loaded = CopyImage(*client_, Archive(LocationKind::kOciArchive, tar, "m"),
                                        Docker(destination_.host() + "/from-oci-archive/multi:1"));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->digest, saved->digest);
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/from-oci-archive/multi:1"), saved->digest);

  // skopeo's oci-archive, read by berth.
  const std::string theirs = work_.path() + "/theirs.tar";
  ASSERT_EQ(skopeo_.Run({"copy", "-q", "--src-tls-verify=false", "docker://" + source_.host() + "/berth/oci-single:1.0",
                         "oci-archive:" + theirs + ":s"},
                        &out),
            0)
      << out;
  Result<ManifestBytes> manifest = GetImageManifest(*client_, Archive(LocationKind::kOciArchive, theirs, "s"));
  ASSERT_TRUE(manifest.ok()) << manifest.error().message();
  EXPECT_EQ(manifest->digest, skopeo_.RawDigest("oci-archive:" + theirs + ":s"));
}

TEST_F(CopyTest, DockerArchivesAreDockerSaveTarsSkopeoReads) {
  const std::string tar = work_.path() + "/app.tar";
  // An index: the archive gets this machine's platform (amd64 here).
  Result<CopyResult> saved = CopyImage(*client_, Docker(source_.host() + "/berth/multi:1.0"),
                                       Archive(LocationKind::kDockerArchive, tar, "app:1.0"));
  ASSERT_TRUE(saved.ok()) << saved.error().message();
  std::string listing;
  ASSERT_EQ(testing::Run({"tar", "tf", tar}, &listing), 0);
  for (const char* member : {"manifest.json", "repositories", "index.json", "oci-layout"})
    EXPECT_NE(listing.find(member), std::string::npos) << member << " in\n" << listing;
  std::string manifest_json;
  ASSERT_EQ(testing::Run({"tar", "xOf", tar, "manifest.json"}, &manifest_json), 0);
  EXPECT_NE(manifest_json.find("\"RepoTags\":[\"app:1.0\"]"), std::string::npos) << manifest_json;
  // skopeo takes it as a docker archive and copies every blob out of it.
  std::string out;
  EXPECT_EQ(skopeo_.Run({"copy", "-q", "docker-archive:" + tar, "dir:" + work_.path() + "/d"}, &out), 0) << out;
  // berth reads it back by name, digest kept.
  Result<ManifestBytes> back = GetImageManifest(*client_, Archive(LocationKind::kDockerArchive, tar, "app:1.0"));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->digest, saved->digest);

  // skopeo's docker archive (docker 20.10's format: manifest.json, layers
  // as plain tars linked from layer directories): berth makes the schema2
  // manifest skopeo makes, except that an uncompressed layer is named a
  // plain tar (skopeo calls every layer tar.gzip).
  const std::string theirs = work_.path() + "/theirs.tar";
  ASSERT_EQ(skopeo_.Run({"copy", "-q", "--src-tls-verify=false", "docker://" + source_.host() + "/berth/oci-single:1.0",
                         "docker-archive:" + theirs + ":sk:1"},
                        &out),
            0)
      << out;
  std::string skopeo_raw;
  ASSERT_EQ(skopeo_.Run({"inspect", "--raw", "docker-archive:" + theirs}, &skopeo_raw), 0) << skopeo_raw;
  Result<ManifestBytes> ours = GetImageManifest(*client_, Archive(LocationKind::kDockerArchive, theirs, "sk:1"));
  ASSERT_TRUE(ours.ok()) << ours.error().message();
  EXPECT_EQ(Replaced(ours->bytes, "rootfs.diff.tar\"", "rootfs.diff.tar.gzip\""), skopeo_raw);
  Result<CopyResult> pushed = CopyImage(*client_, Archive(LocationKind::kDockerArchive, theirs, ""),
                                        Docker(destination_.host() + "/from-docker-archive/sk:1"));
  ASSERT_TRUE(pushed.ok()) << pushed.error().message();
  EXPECT_EQ(pushed->digest, ours->digest);
  EXPECT_EQ(skopeo_.RawDigest("docker://" + destination_.host() + "/from-docker-archive/sk:1"), ours->digest);
}

// An archive that cannot be written is said at once, with the system's
// reason; scratch directories of copies that were killed are removed.
TEST_F(CopyTest, ArchiveDestinationsAreCheckedFirstAndScratchIsCleanedUp) {
  const std::string stale = work_.path() + "/berth-archive-99999999-abcdef";  // no such process
  std::filesystem::create_directories(stale + "/blobs");
  std::string out;
  EXPECT_NE(testing::Run({"env", "TMPDIR=" + work_.path(), BERTH_CLI_PATH, "copy", "--insecure-registry", "127.0.0.0/8",
                          "--config", work_.path(), source_.host() + "/berth/oci-single:1.0",
                          "oci-archive:" + work_.path() + "/no/such/dir/x.tar"},
                         &out),
            0);
  EXPECT_NE(out.find("write " + work_.path() + "/no/such/dir/x.tar: No such file or directory"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("Copied blob"), std::string::npos) << out;  // nothing was fetched
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "copy", "--insecure-registry", "127.0.0.0/8", "--config", work_.path(),
                          source_.host() + "/berth/oci-single:1.0", "oci-archive:" + work_.path()},
                         &out),
            0);
  EXPECT_NE(out.find("is a directory"), std::string::npos) << out;
  ASSERT_EQ(testing::Run({"env", "TMPDIR=" + work_.path(), BERTH_CLI_PATH, "copy", "-q", "--insecure-registry",
                          "127.0.0.0/8", "--config", work_.path(), source_.host() + "/berth/oci-single:1.0",
                          "oci-archive:" + work_.path() + "/ok.tar"},
                         &out),
            0)
      << out;
  EXPECT_FALSE(std::filesystem::exists(stale));
  for (const auto& entry : std::filesystem::directory_iterator(work_.path()))
    EXPECT_NE(entry.path().filename().string().rfind("berth-archive-", 0), 0u) << entry.path();
}

// Tars crafted with Python's tarfile: each must be refused, nothing written
// outside the scratch directory.
TEST_F(CopyTest, HostileArchivesAreRefused) {
  const std::string outside = work_.path() + "/outside";
  const std::string script = R"PY(
import io, json, os, sys, tarfile
out, outside, kind = sys.argv[1], sys.argv[2], sys.argv[3]
def add(t, name, data=b"x", type_=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name); info.type = type_; info.linkname = link; info.size = len(data) if type_ == tarfile.REGTYPE else 0
    t.addfile(info, io.BytesIO(data) if type_ == tarfile.REGTYPE else None)
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    if kind == "dotdot": add(t, "../../" + os.path.basename(outside))
    if kind == "absolute": add(t, outside)
    if kind == "through-link":
        add(t, "blobs", type_=tarfile.SYMTYPE, link=os.path.dirname(outside)); add(t, "blobs/" + os.path.basename(outside))
    if kind == "link-out":
        add(t, "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["x:1"], "Layers": ["l.tar"]}]).encode())
        add(t, "c.json", b"{}"); add(t, "l.tar", type_=tarfile.SYMTYPE, link="/etc/passwd")
)PY";
  for (const std::string kind : {"dotdot", "absolute", "through-link", "link-out"}) {
    SCOPED_TRACE(kind);
    const std::string tar = work_.path() + "/" + kind + ".tar";
    std::string out;
    ASSERT_EQ(testing::Run({"/usr/bin/python3", "-c", script, tar, outside, kind}, &out), 0) << out;
    Result<CopyResult> copied = CopyImage(*client_, Archive(LocationKind::kDockerArchive, tar, ""),
                                          Docker(destination_.host() + "/hostile/x:1"));
    ASSERT_FALSE(copied.ok());
    EXPECT_FALSE(copied.error().message().empty());
    EXPECT_FALSE(std::filesystem::exists(outside)) << copied.error().message();
  }
}

}  // namespace
}  // namespace berth
