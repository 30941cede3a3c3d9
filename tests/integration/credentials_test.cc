// Credential stores and helpers through the docker-credential-helpers
// protocol: the test helper in tests/credentials (standing in for a
// keychain, and misbehaving on demand) and Debian's real
// docker-credential-pass with a throwaway GPG key.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "berth/credentials.h"
#include "fixtures.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

// PATH with the test helper first; its store and mode in the environment.
struct HelperEnvironment {
  testing::TempDir dir;
  std::string store = dir.path() + "/keychain";
  std::string config = dir.path() + "/docker";
  std::string old_path = std::getenv("PATH");

  explicit HelperEnvironment(const std::string& mode = "normal") {
    fs::create_directories(store);
    fs::create_directories(config);
    setenv("PATH", (std::string(BERTH_TEST_HELPERS_DIR) + ":" + old_path).c_str(), 1);
    setenv("BERTH_TEST_HELPER_DIR", store.c_str(), 1);
    setenv("BERTH_TEST_HELPER_MODE", mode.c_str(), 1);
  }
  ~HelperEnvironment() { setenv("PATH", old_path.c_str(), 1); }
  void WriteConfig(const std::string& json) const { std::ofstream(config + "/config.json") << json; }
  std::string Config() const { return testing::ReadFile(config + "/config.json"); }
  std::string Calls() const { return testing::ReadFile(store + "/calls"); }
};

AuthConfig Alice(const std::string& server) {
  AuthConfig a;
  a.username = "alice";
  a.password = "s3cret";
  a.server_address = server;
  return a;
}

TEST(CredentialHelpers, StoreGetEraseThroughCredsStore) {
  HelperEnvironment env;
  env.WriteConfig(R"({"credsStore": "berth-test", "currentContext": "default"})");
  auto store = CredentialStore::Open(env.config);
  ASSERT_TRUE(store.ok()) << store.error().message();
  EXPECT_EQ((*store)->StoreFor("reg.example.com"), "berth-test");
  ASSERT_TRUE((*store)->Store(Alice("reg.example.com")).ok());
  // The file keeps only an empty entry; the secret is in the keychain.
  EXPECT_EQ(env.Config().find("s3cret"), std::string::npos);
  EXPECT_NE(env.Config().find("\"reg.example.com\": {}"), std::string::npos) << env.Config();
  EXPECT_NE(env.Config().find("\"currentContext\": \"default\""), std::string::npos);

  Result<AuthConfig> got = (*store)->Get("reg.example.com");
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->username, "alice");
  EXPECT_EQ(got->password, "s3cret");
  EXPECT_EQ(got->server_address, "reg.example.com");
  ASSERT_TRUE((*store)->Get("reg.example.com").ok());  // reused, not asked again
  EXPECT_EQ(env.Calls(), "store reg.example.com alice\nget reg.example.com\n");

  // An identity token goes in as "<token>" and comes back as one.
  AuthConfig token;
  token.username = "alice";
  token.identity_token = "refresh-123";
  token.server_address = "tok.example.com";
  ASSERT_TRUE((*store)->Store(token).ok());
  EXPECT_NE(env.Calls().find("store tok.example.com <token>"), std::string::npos);
  Result<AuthConfig> tok = (*store)->Get("tok.example.com");
  ASSERT_TRUE(tok.ok());
  EXPECT_EQ(tok->identity_token, "refresh-123");
  EXPECT_EQ(tok->password, "");

  Result<bool> erased = (*store)->Erase("reg.example.com");
  ASSERT_TRUE(erased.ok()) << erased.error().message();
  EXPECT_TRUE(*erased);
  EXPECT_EQ(env.Config().find("reg.example.com"), std::string::npos);
  Result<AuthConfig> gone = (*store)->Get("reg.example.com");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->username, "");
}

// What a read was told about helpers that could not be read.
struct FailureLog {
  std::vector<std::string> lines;
  CredentialStoreOptions Options(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
    CredentialStoreOptions o;
    o.helper_timeout = timeout;
    o.on_helper_failure = [this](const std::string& key, const Error& e) { lines.push_back(key + ": " + e.message()); };
    return o;
  }
};

TEST(CredentialHelpers, PerRegistryHelpersWinAndAFailingOneLeavesTheFileEntry) {
  HelperEnvironment env;
  // The file has (stale) credentials for both hosts; helpers are named.
  env.WriteConfig(R"({"auths": {"missing.example.com": {"auth": "b2xkOnN0YWxl"},
"plain.example.com": {"auth": "Ym9iOnB3"}},
"credHelpers": {"missing.example.com": "nope", "helped.example.com": "berth-test"}})");
  FailureLog log;
  auto store = CredentialStore::Open(env.config, log.Options());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->StoreFor("helped.example.com"), "berth-test");
  EXPECT_EQ((*store)->StoreFor("plain.example.com"), "file");
  // The docker CLI goes on with the file's entry when the helper cannot be
  // run, and so does berth, saying so once.
  for (int i = 0; i < 2; ++i) {
    Result<AuthConfig> missing = (*store)->Get("missing.example.com");
    ASSERT_TRUE(missing.ok()) << missing.error().message();
    EXPECT_EQ(missing->username, "old");
    EXPECT_EQ(missing->password, "stale");
    EXPECT_EQ(missing->server_address, "missing.example.com");
  }
  EXPECT_EQ(log.lines, std::vector<std::string>{
                           "missing.example.com: error getting credentials - err: exec: \"docker-credential-nope\": "
                           "executable file not found in $PATH, out: ``"});
  Result<AuthConfig> plain = (*store)->Get("plain.example.com");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->username, "bob");
  // Docker Hub's key is its own; a helper for another host is not asked.
  Result<AuthConfig> hub = (*store)->ForIndex(IndexInfo{"docker.io", {}, true, true});
  ASSERT_TRUE(hub.ok());
  EXPECT_EQ(hub->username, "");
  EXPECT_EQ(env.Calls(), "");
  // Writing through the missing helper fails with the CLI's words.
  Status stored = (*store)->Store(Alice("missing.example.com"));
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.message(),
            "error storing credentials - err: exec: \"docker-credential-nope\": executable file "
            "not found in $PATH, out: ``");
}

// A helper that has nothing for the key: the file's email and registry
// token stay, the secrets and the address go (docker CLI 28).
TEST(CredentialHelpers, AHelperWithoutCredentialsClearsTheSecretsOfTheEntry) {
  HelperEnvironment env;
  env.WriteConfig(R"({"auths": {"reg.example.com": {"auth": "b2xkOnN0YWxl", "email": "e@example.com",
"registrytoken": "rt"}}, "credsStore": "berth-test"})");
  FailureLog log;
  auto store = CredentialStore::Open(env.config, log.Options());
  Result<AuthConfig> got = (*store)->Get("reg.example.com");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->username, "");
  EXPECT_EQ(got->password, "");
  EXPECT_EQ(got->server_address, "");
  EXPECT_EQ(got->email, "e@example.com");
  EXPECT_EQ(got->registry_token, "rt");
  EXPECT_TRUE(log.lines.empty());
}

// With a helper, the file's entry only fills in what the helper does not
// say: a bad `auth` there does not stand in the way (the CLI ignores it).
TEST(CredentialHelpers, ABadFileEntryDoesNotHideTheHelpersCredentials) {
  HelperEnvironment env;
  env.WriteConfig(R"({"auths": {"reg.example.com": {"auth": "!!not base64"}}, "credsStore": "berth-test"})");
  {
    auto store = CredentialStore::Open(env.config);
    ASSERT_TRUE((*store)->Store(Alice("reg.example.com")).ok());
  }
  auto store = CredentialStore::Open(env.config);
  Result<AuthConfig> got = (*store)->Get("reg.example.com");
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->username, "alice");
  EXPECT_EQ(got->password, "s3cret");
}

TEST(CredentialHelpers, FailingHangingAndJunkHelpersDoNotStopAReadAndFailAWrite) {
  const std::string config = R"({"auths": {"reg.example.com": {}}, "credsStore": "berth-test"})";
  {
    HelperEnvironment env("fail");
    env.WriteConfig(config);
    FailureLog log;
    auto store = CredentialStore::Open(env.config, log.Options());
    Result<AuthConfig> r = (*store)->Get("reg.example.com");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->server_address, "reg.example.com");  // the file's entry, as it is
    EXPECT_EQ(r->username, "");
    // What a failing get printed is not repeated: a helper's output is where
    // credentials would be.
    EXPECT_EQ(log.lines, std::vector<std::string>{"reg.example.com: error getting credentials - err: exit status "
                                                  "1, out: `(22 bytes not shown: they may hold credentials)`"});
    Status stored = (*store)->Store(Alice("reg.example.com"));
    ASSERT_FALSE(stored.ok());
    EXPECT_EQ(stored.message(), "error storing credentials - err: exit status 1, out: `the keychain is locked`");
    EXPECT_EQ(env.Config(), config);  // nothing written
    Result<bool> erased = (*store)->Erase("reg.example.com");
    ASSERT_FALSE(erased.ok());
    EXPECT_EQ(env.Config(), config);
  }
  {
    HelperEnvironment env("hang");
    env.WriteConfig(config);
    FailureLog log;
    auto store = CredentialStore::Open(env.config, log.Options(std::chrono::milliseconds(700)));
    auto start = std::chrono::steady_clock::now();
    Result<AuthConfig> r = (*store)->Get("reg.example.com");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->server_address, "reg.example.com");
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_NE(log.lines[0].find("docker-credential-berth-test get did not finish within 700 ms"), std::string::npos)
        << log.lines[0];
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3);
  }
  {
    HelperEnvironment env("junk");
    env.WriteConfig(config);
    FailureLog log;
    auto store = CredentialStore::Open(env.config, log.Options());
    Result<AuthConfig> r = (*store)->Get("reg.example.com");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(log.lines, std::vector<std::string>{
                             "reg.example.com: error getting credentials - docker-credential-berth-test printed "
                             "something that is not credentials: invalid character 'h' in literal true (expecting "
                             "'r')"});
  }
}

TEST(CredentialHelpers, DebiansPassHelperWithAThrowawayKey) {
  testing::TempDir dir;
  const std::string gnupg = dir.path() + "/gnupg";
  fs::create_directories(gnupg);
  fs::permissions(gnupg, fs::perms::owner_all);
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  setenv("HOME", dir.path().c_str(), 1);
  setenv("GNUPGHOME", gnupg.c_str(), 1);
  setenv("PASSWORD_STORE_DIR", (dir.path() + "/store").c_str(), 1);
  std::string out;
  ASSERT_EQ(testing::Run({"gpg", "--batch", "--passphrase", "", "--quick-gen-key", "berth-test@example.invalid",
                          "default", "default", "never"},
                         &out),
            0)
      << out;
  ASSERT_EQ(testing::Run({"pass", "init", "berth-test@example.invalid"}, &out), 0) << out;
  fs::create_directories(dir.path() + "/docker");
  std::ofstream(dir.path() + "/docker/config.json") << R"({"credsStore": "pass"})";
  {
    auto store = CredentialStore::Open(dir.path() + "/docker");
    ASSERT_TRUE(store.ok());
    Status stored = (*store)->Store(Alice("reg.example.com"));
    EXPECT_TRUE(stored.ok()) << stored.message();
  }
  {
    auto store = CredentialStore::Open(dir.path() + "/docker");
    Result<AuthConfig> got = (*store)->Get("reg.example.com");
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_EQ(got->username, "alice");
    EXPECT_EQ(got->password, "s3cret");
    Result<bool> erased = (*store)->Erase("reg.example.com");
    EXPECT_TRUE(erased.ok() && *erased);
  }
  EXPECT_EQ(testing::ReadFile(dir.path() + "/docker/config.json").find("s3cret"), std::string::npos);
  testing::Run({"gpgconf", "--kill", "gpg-agent"});
  setenv("HOME", old_home.c_str(), 1);
  unsetenv("GNUPGHOME");
  unsetenv("PASSWORD_STORE_DIR");
}

}  // namespace
}  // namespace berth
