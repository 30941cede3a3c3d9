// config.json as the docker CLI reads and writes it, and what berth adds:
// other keys kept, atomic 0600 writes, unparseable files left alone,
// concurrent writers keeping each other's entries.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "credentials/config_file.h"
#include "json/value.h"

namespace berth::credentials {
namespace {

namespace fs = std::filesystem;

struct TempConfig {
  fs::path dir;
  TempConfig() {
    char tmpl[] = "/tmp/berth-config-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~TempConfig() { fs::remove_all(dir); }
  std::string path() const { return (dir / "config.json").string(); }
  void Write(const std::string& text) const { std::ofstream(path()) << text; }
  std::string Read() const {
    std::ifstream in(path());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST(JsonValue, KeepsOrderLiteralsAndUnknownValues) {
  json_detail::JsonValue v;
  ASSERT_TRUE(json_detail::ParseJson(R"({"z":1.50,"a":[true,null,"x<y"],"m":{}})", v).ok());
  EXPECT_EQ(json_detail::MarshalIndentTabs(v),
            "{\n\t\"z\": 1.50,\n\t\"a\": [\n\t\ttrue,\n\t\tnull,\n\t\t\"x\\u003cy\"\n\t],\n\t\"m\": {}\n}");
  Status bad = json_detail::ParseJson("{\"a\":", v);
  EXPECT_EQ(bad.message(), "unexpected end of JSON input");
  std::string deep(300, '[');
  EXPECT_FALSE(json_detail::ParseJson(deep + std::string(300, ']'), v).ok());
}

TEST(ConfigFile, ReadsEntriesAsTheCliDoes) {
  TempConfig c;
  // alice:s3cret, a legacy key, an identity token with "user:" auth.
  c.Write(R"({"auths":{"reg.example.com":{"auth":"YWxpY2U6czNjcmV0","email":"a@example.com"},
"https://legacy.example.com/v1/":{"auth":"Ym9iOnB3"},
"tok.example.com":{"auth":"Y2Fyb2w6","identitytoken":"refresh"}},"credsStore":"pass",
"credHelpers":{"gcr.io":"gcloud"}})");
  Result<ConfigFile> file = ConfigFile::Load(c.path());
  ASSERT_TRUE(file.ok()) << file.error().message();
  EXPECT_EQ(file->CredsStore(), "pass");
  EXPECT_EQ(file->CredHelpers(), (std::map<std::string, std::string>{{"gcr.io", "gcloud"}}));
  auto alice = file->Entry("reg.example.com");
  ASSERT_TRUE(alice.ok() && alice->has_value());
  EXPECT_EQ((*alice)->username, "alice");
  EXPECT_EQ((*alice)->password, "s3cret");
  EXPECT_EQ((*alice)->email, "a@example.com");
  EXPECT_EQ((*alice)->server_address, "reg.example.com");
  auto carol = file->Entry("tok.example.com");
  ASSERT_TRUE(carol.ok() && carol->has_value());
  EXPECT_EQ((*carol)->username, "carol");
  EXPECT_EQ((*carol)->password, "");
  EXPECT_EQ((*carol)->identity_token, "refresh");
  EXPECT_FALSE(file->Entry("other.example.com").value().has_value());
}

TEST(ConfigFile, BadEntriesAreClearErrorsWithoutTheSecret) {
  TempConfig c;
  c.Write(R"({"auths":{"nocolon":{"auth":"YWxpY2U="},"notbase64":{"auth":"%%%%"},"nouser":{"auth":"OnB3"}}})");
  Result<ConfigFile> file = ConfigFile::Load(c.path());
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Entry("nocolon").error().message(),
            "config file " + c.path() + ": auths[\"nocolon\"].auth: Invalid auth configuration file");
  EXPECT_EQ(file->Entry("notbase64").error().message(),
            "config file " + c.path() + ": auths[\"notbase64\"].auth: illegal base64 data at input byte 0");
  EXPECT_EQ(file->Entry("nouser").error().message().find("pw"), std::string::npos);
}

TEST(ConfigFile, RewritesKeepEverythingElse) {
  TempConfig c;
  const std::string original =
      "{\n\t\"auths\": {\n\t\t\"b.example.com\": {\n\t\t\t\"auth\": \"Ym9iOnB3\",\n\t\t\t\"x-custom\": 7\n\t\t}\n\t},"
      "\n\t\"proxies\": {\"default\": {\"httpProxy\": \"http://proxy:3128\"}},\n\t\"currentContext\": \"remote\","
      "\n\t\"plugins\": {\"x\": {\"y\": [1, 2.0e3]}}\n}";
  c.Write(original);
  Status updated = UpdateConfigFile(c.path(), [](ConfigFile& f) {
    AuthConfig a;
    a.username = "alice";
    a.password = "s3cret";
    f.SetEntry("a.example.com", a);
    AuthConfig b = f.Entry("b.example.com").value().value();
    b.identity_token = "tok";
    b.password = "";
    f.SetEntry("b.example.com", b);
    return Status();
  });
  ASSERT_TRUE(updated.ok()) << updated.message();
  EXPECT_EQ(c.Read(),
            "{\n\t\"auths\": {\n\t\t\"a.example.com\": {\n\t\t\t\"auth\": \"YWxpY2U6czNjcmV0\"\n\t\t},\n"
            "\t\t\"b.example.com\": {\n\t\t\t\"auth\": \"Ym9iOg==\",\n\t\t\t\"x-custom\": 7,\n"
            "\t\t\t\"identitytoken\": \"tok\"\n\t\t}\n\t},\n"
            "\t\"proxies\": {\n\t\t\"default\": {\n\t\t\t\"httpProxy\": \"http://proxy:3128\"\n\t\t}\n\t},\n"
            "\t\"currentContext\": \"remote\",\n\t\"plugins\": {\n\t\t\"x\": {\n\t\t\t\"y\": [\n\t\t\t\t1,\n"
            "\t\t\t\t2.0e3\n\t\t\t]\n\t\t}\n\t}\n}");
  struct stat st {};
  ASSERT_EQ(stat(c.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Nothing else was left in the directory (no temporary, no lock file).
  EXPECT_EQ(std::distance(fs::directory_iterator(c.dir), fs::directory_iterator()), 1);
}

TEST(ConfigFile, AFileThatDoesNotParseIsNeverRewritten) {
  TempConfig c;
  c.Write("{\"auths\": {\"a\": {\"auth\": \"YWxpY2U6czNjcmV0\"}}, oops");
  bool called = false;
  Status updated = UpdateConfigFile(c.path(), [&](ConfigFile&) {
    called = true;
    return Status();
  });
  ASSERT_FALSE(updated.ok());
  EXPECT_FALSE(called);
  EXPECT_EQ(
      updated.message(),
      "config file " + c.path() + ": invalid character 'o' looking for beginning of object key string (left as it is)");
  EXPECT_EQ(c.Read(), "{\"auths\": {\"a\": {\"auth\": \"YWxpY2U6czNjcmV0\"}}, oops");
}

TEST(ConfigFile, WritesThroughASymlink) {
  TempConfig c;
  fs::create_directories(c.dir / "dotfiles");
  std::ofstream(c.dir / "dotfiles" / "docker.json") << "{}";
  fs::create_symlink("dotfiles/docker.json", c.path());
  ASSERT_TRUE(UpdateConfigFile(c.path(), [](ConfigFile& f) {
                f.SetEntry("a", AuthConfig{.username = "u", .password = "p"});
                return Status();
              }).ok());
  EXPECT_TRUE(fs::is_symlink(c.path()));
  EXPECT_NE(c.Read().find("\"a\""), std::string::npos);
}

TEST(ConfigFile, ConcurrentWritersKeepEachOthersEntries) {
  TempConfig c;
  c.Write("{\"currentContext\": \"x\"}");
  constexpr int kWriters = 8;
  std::vector<pid_t> children;
  for (int i = 0; i < kWriters; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      for (int round = 0; round < 10; ++round) {
        Status s = UpdateConfigFile(c.path(), [&](ConfigFile& f) {
          f.SetEntry("reg" + std::to_string(i) + ".example.com:" + std::to_string(round),
                     AuthConfig{.username = "u", .password = "p"});
          return Status();
        });
        if (!s.ok()) _exit(1);
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Result<ConfigFile> file = ConfigFile::Load(c.path());
  ASSERT_TRUE(file.ok()) << file.error().message();
  EXPECT_EQ(file->AuthKeys().size(), static_cast<std::size_t>(kWriters * 10));
  EXPECT_NE(c.Read().find("\"currentContext\": \"x\""), std::string::npos);
}

}  // namespace
}  // namespace berth::credentials
