// dockerd's API listener configuration: -H normalization, the TLS rules of
// 20.10 and later, daemon.json's keys and their conflicts with flags.
#include <gtest/gtest.h>

#include <fstream>

#include "berth/daemon_config.h"
#include "fixtures.h"

namespace berth {
namespace {

constexpr std::string_view kUnix = "unix:///run/berth.sock";

std::string Host(std::string_view given) {
  Result<std::string> r = NormalizeDaemonHost(given, kUnix);
  return r ? *r : "error: " + r.error().message();
}

TEST(NormalizeDaemonHost, DockerdDefaults) {
  EXPECT_EQ(Host(""), kUnix);
  EXPECT_EQ(Host("unix://"), kUnix);
  EXPECT_EQ(Host("unix:///tmp/b.sock"), "unix:///tmp/b.sock");
  EXPECT_EQ(Host("tcp://"), "tcp://localhost:2375");
  EXPECT_EQ(Host("tcp://:2376"), "tcp://localhost:2376");
  EXPECT_EQ(Host("tcp://0.0.0.0"), "tcp://0.0.0.0:2375");
  EXPECT_EQ(Host("127.0.0.1:2376"), "tcp://127.0.0.1:2376");
  EXPECT_EQ(Host("tcp://[::1]:2376"), "tcp://[::1]:2376");
  EXPECT_EQ(Host("tcp://127.0.0.1:2376/"), "tcp://127.0.0.1:2376");
  EXPECT_EQ(Host("fd://"), "fd://");
  EXPECT_EQ(Host("ftp://x"), "error: invalid bind address format: ftp://x");
  EXPECT_EQ(Host("tcp://127.0.0.1:2376/path"),
            "error: invalid bind address (tcp://127.0.0.1:2376/path): should not contain a path element");
  EXPECT_EQ(Host("tcp://127.0.0.1:99999"),
            "error: invalid bind address (tcp://127.0.0.1:99999): invalid port \"99999\"");
}

struct Files {
  testing::TempDir dir;
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST(LoadApiListenConfig, NoFlagsIsTheUnixSocket) {
  Files f;
  Result<ApiListenConfig> c = LoadApiListenConfig({}, kUnix, f.dir.path());
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->hosts, std::vector<std::string>{std::string(kUnix)});
  EXPECT_FALSE(c->tls);
  EXPECT_FALSE(c->tls_verify);
  EXPECT_FALSE(c->tls_explicit);
}

TEST(LoadApiListenConfig, TlsAloneVerifiesAndListensOn2376) {
  Files f;
  f.Write("ca.pem", "x");
  f.Write("cert.pem", "x");  // key.pem absent: dropped, not an error here
  DaemonConfigSources s;
  s.tls = true;
  Result<ApiListenConfig> c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(c->tls);
  EXPECT_TRUE(c->tls_verify);
  EXPECT_TRUE(c->tls_explicit);
  EXPECT_EQ(c->hosts, std::vector<std::string>{"tcp://localhost:2376"});
  EXPECT_EQ(c->ca_file, f.dir.path() + "/ca.pem");
  EXPECT_EQ(c->cert_file, f.dir.path() + "/cert.pem");
  EXPECT_EQ(c->key_file, "");
}

TEST(LoadApiListenConfig, TlsVerifyEitherWayTurnsTlsOn) {
  Files f;
  DaemonConfigSources s;
  s.tls_verify = false;
  s.hosts = {"tcp://"};
  Result<ApiListenConfig> c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->tls);
  EXPECT_FALSE(c->tls_verify);
  EXPECT_EQ(c->hosts, std::vector<std::string>{"tcp://localhost:2375"});  // 2375 even with TLS
  s.tls = false;  // --tls=false --tlsverify=false is still TLS, as in dockerd
  c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->tls);
}

TEST(LoadApiListenConfig, NamedFilesAreKeptEvenWhenAbsent) {
  Files f;
  DaemonConfigSources s;
  s.tls_verify = true;
  s.tls_ca_cert = "/nowhere/ca.pem";
  Result<ApiListenConfig> c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ca_file, "/nowhere/ca.pem");
}

TEST(LoadApiListenConfig, DaemonJsonKeys) {
  Files f;
  DaemonConfigSources s;
  s.config_file = f.Write("daemon.json", R"({"tls": true, "tlsverify": false, "tlscert": "/c", "tlskey": "/k",
                                            "hosts": ["tcp://0.0.0.0:2376", "unix:///tmp/x.sock"]})");
  Result<ApiListenConfig> c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(c->tls);
  EXPECT_FALSE(c->tls_verify);
  EXPECT_EQ(c->cert_file, "/c");
  EXPECT_EQ(c->key_file, "/k");
  EXPECT_EQ(c->hosts, (std::vector<std::string>{"tcp://0.0.0.0:2376", "unix:///tmp/x.sock"}));
}

TEST(LoadApiListenConfig, ConflictsWithFlags) {
  Files f;
  DaemonConfigSources s;
  s.config_file = f.Write("daemon.json", R"({"tlsverify": true, "hosts": ["tcp://a:1"], "tlskey": "/k"})");
  s.hosts = {"tcp://b:2"};
  s.tls_verify = true;
  s.tls_key = "/other";
  Result<ApiListenConfig> c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "unable to configure the Docker daemon with file " + *s.config_file +
                                     ": the following directives are specified both as a flag and in the "
                                     "configuration file: hosts: (from flag: [tcp://b:2], from file: [tcp://a:1]), "
                                     "tlskey: (from flag: /other, from file: /k), tlsverify: (from flag: true, from "
                                     "file: true)");
}

TEST(LoadImageStore, FlagOrFileNotBoth) {
  Files f;
  DaemonConfigSources s;
  EXPECT_EQ(LoadImageStore(s).value(), "");
  s.config_file = f.Write("daemon.json", R"({"image-store": "registry://10.0.0.1:5000/berthd", "data-root": "/d"})");
  EXPECT_EQ(LoadImageStore(s).value(), "registry://10.0.0.1:5000/berthd");
  EXPECT_EQ(LoadDataRoot(s, "/var/lib/berth").value(), "/d");
  s.image_store = "registry://b.example/x";
  Result<std::string> both = LoadImageStore(s);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message(), "unable to configure the Docker daemon with file " + *s.config_file +
                                        ": the following directives are specified both as a flag and in the "
                                        "configuration file: image-store: (from flag: registry://b.example/x, from "
                                        "file: registry://10.0.0.1:5000/berthd)");
  s.config_file = f.Write("bad.json", R"({"image-store": 5})");
  s.image_store.reset();
  EXPECT_FALSE(LoadImageStore(s));
}

TEST(LoadApiListenConfig, BadFileAndBadHost) {
  Files f;
  DaemonConfigSources s;
  s.config_file = f.Write("daemon.json", R"({"tls": "yes"})");
  Result<ApiListenConfig> c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("unable to configure the Docker daemon with file"), std::string::npos);
  s.config_file.reset();
  s.hosts = {"ssh://x"};
  c = LoadApiListenConfig(s, kUnix, f.dir.path());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "invalid bind address format: ssh://x");
}

}  // namespace
}  // namespace berth
