// berth::EngineClient against berthd (this build's, started here on a unix
// socket and TCP) in front of a real registry over TLS with htpasswd auth;
// and against fake_engine.py for what no real Engine does (junk, early
// close, endless answers, versions out of range).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "berth/auth_header.h"
#include "berth/engine_client.h"
#include "fixtures.h"
#include "local_berthd.h"
#include "tls_registry.h"

namespace berth {
namespace {

using testing::FixtureServer;
using testing::LocalBerthd;
using testing::PushedImages;
using testing::TempDir;
using testing::TlsRegistry;

std::unique_ptr<EngineClient> Client(const std::string& host, const std::string& version = "") {
  EngineClientOptions o;
  o.host = host;
  o.api_version = version;
  o.timeout = std::chrono::seconds(30);
  auto made = EngineClient::Create(o);
  EXPECT_TRUE(made.ok()) << made.error().message();
  return made.ok() ? std::move(*made) : nullptr;
}

// A TLS registry with alice:s3cret, images pushed, and berthd trusting its CA.
struct EngineInFrontOfRegistry {
  TlsRegistry tls;
  PushedImages pushed;
  std::unique_ptr<LocalBerthd> berthd;

  bool Start() {
    if (!tls.StartForAlice(pushed)) return false;
    berthd = std::make_unique<LocalBerthd>(std::vector<std::string>{
        "--certs-dir", tls.certs, "--registry-mirror", "https://mirror.invalid", "--insecure-registry", "10.9.0.0/16"});
    return berthd->ok();
  }
};

TEST(EngineClient, PingVersionAndInfoOverUnixAndTcp) {
  LocalBerthd berthd({"--registry-mirror", "https://mirror.invalid", "--insecure-registry", "10.9.0.0/16"});
  ASSERT_TRUE(berthd.ok()) << berthd.error();
  for (const std::string& host : {berthd.unix_host(), berthd.tcp_host()}) {
    SCOPED_TRACE(host);
    auto client = Client(host);
    ASSERT_TRUE(client);
    Result<EnginePing> ping = client->Ping();
    ASSERT_TRUE(ping.ok()) << ping.error().message();
    EXPECT_EQ(ping->api_version, "1.44");
    EXPECT_EQ(ping->os_type, "linux");
    EXPECT_EQ(ping->swarm, "inactive");
    EXPECT_EQ(ping->builder_version, "2");
    EXPECT_FALSE(ping->experimental);
    EXPECT_EQ(client->ApiVersion().value(), "1.44");
    Result<EngineVersion> version = client->Version();
    ASSERT_TRUE(version.ok()) << version.error().message();
    EXPECT_EQ(version->api_version, "1.44");
    EXPECT_EQ(version->min_api_version, "1.24");
    EXPECT_EQ(version->os, "linux");
    Result<EngineInfo> info = client->Info();
    ASSERT_TRUE(info.ok()) << info.error().message();
    EXPECT_EQ(info->index_server_address, "https://index.docker.io/v1/");
    ASSERT_EQ(info->registry_config.mirrors.size(), 1u);
    EXPECT_EQ(info->registry_config.mirrors[0], "https://mirror.invalid/");
    std::vector<std::string> cidrs;
    for (const auto& c : info->registry_config.insecure_registry_cidrs)
      if (c) cidrs.push_back(c->String());
    EXPECT_EQ(cidrs, (std::vector<std::string>{"10.9.0.0/16", "127.0.0.0/8"}));
    EXPECT_GT(info->ncpu, 0);
    // Negotiation, /version and /info on one kept-alive connection.
    EXPECT_EQ(client->connections_opened(), 1u);
  }
}

TEST(EngineClient, VersionNegotiationAndAPinnedVersion) {
  LocalBerthd berthd;
  ASSERT_TRUE(berthd.ok()) << berthd.error();
  // Pinned (DOCKER_API_VERSION): no ping, the version on the wire.
  auto pinned = Client(berthd.tcp_host(), "1.30");
  ASSERT_TRUE(pinned);
  ASSERT_TRUE(pinned->Version().ok());
  std::string log = testing::ReadFile(berthd.log_path());
  EXPECT_NE(log.find("/v1.30/version"), std::string::npos) << log;
  EXPECT_EQ(log.find("/_ping"), std::string::npos) << "a pinned version needs no negotiation";
  EXPECT_EQ(pinned->ApiVersion().value(), "1.30");
  // From the environment, as the CLI reads it.
  setenv("DOCKER_HOST", berthd.unix_host().c_str(), 1);
  setenv("DOCKER_API_VERSION", "1.41", 1);
  EngineClientOptions env = EngineClientOptions::FromEnvironment();
  unsetenv("DOCKER_HOST");
  unsetenv("DOCKER_API_VERSION");
  EXPECT_EQ(env.host, berthd.unix_host());
  EXPECT_EQ(env.api_version, "1.41");

  // Against Engines of other versions: lower is used, higher capped, none
  // is 1.24, and below berth's minimum is an error.
  TempDir dir;
  struct Case {
    std::string engine_version, expected;
  };
  for (const Case& c : std::vector<Case>{{"1.30", "1.30"}, {"1.50", "1.44"}, {"", "1.24"}}) {
    SCOPED_TRACE("engine " + c.engine_version);
    std::string requests = dir.path() + "/requests-" + c.expected;
    FixtureServer engine("fake_engine.py", {"version", c.engine_version, "--log", requests});
    ASSERT_TRUE(engine.ok()) << engine.error();
    auto client = Client("tcp://127.0.0.1:" + std::to_string(engine.port()));
    Result<EngineVersion> v = client->Version();
    ASSERT_TRUE(v.ok()) << v.error().message();
    EXPECT_EQ(client->ApiVersion().value(), c.expected);
    EXPECT_EQ(testing::ReadFile(requests), "HEAD /_ping\nGET /v" + c.expected + "/version\n");
  }
  FixtureServer ancient("fake_engine.py", {"version", "1.12"});
  ASSERT_TRUE(ancient.ok());
  auto client = Client("tcp://127.0.0.1:" + std::to_string(ancient.port()));
  Result<EngineVersion> v = client->Version();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(v.error().message(), "the Docker daemon at tcp://127.0.0.1:" + std::to_string(ancient.port()) +
                                     " speaks API version \"1.12\"; berth needs 1.24 or later");
}

TEST(EngineClient, EachRoutesErrorsAreTheEngines) {
  EngineInFrontOfRegistry s;
  ASSERT_TRUE(s.Start()) << s.pushed.error;
  const std::string host = s.berthd->unix_host();
  auto client = Client(host);
  ASSERT_TRUE(client);

  // The version rules, as berthd answers them.
  Result<EngineVersion> too_new = Client(host, "1.45")->Version();
  ASSERT_FALSE(too_new.ok());
  EXPECT_EQ(too_new.error().kind(), ErrorKind::kInvalidParameter);
  EXPECT_EQ(too_new.error().message(),
            "Error response from daemon: client version 1.45 is too new. Maximum supported API version is 1.44");
  Result<EngineInfo> too_old = Client(host, "1.23")->Info();  // a plain-text error body below 1.24
  ASSERT_FALSE(too_old.ok());
  EXPECT_EQ(too_old.error().message(),
            "Error response from daemon: client version 1.23 is too old. Minimum supported API version is 1.24, "
            "please upgrade your client to a newer version");

  // POST /auth: right, then wrong credentials.
  AuthConfig alice;
  alice.username = "alice";
  alice.password = "s3cret";
  alice.server_address = s.tls.name;
  Result<AuthenticateOKBody> ok = client->RegistryLogin(alice);
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->status, "Login Succeeded");
  AuthConfig wrong = alice;
  wrong.password = "nope";
  Result<AuthenticateOKBody> denied = client->RegistryLogin(wrong);
  ASSERT_FALSE(denied.ok());
  // localhost is in 127.0.0.0/8, insecure by default: the Engine would go
  // on to plain http after the 401 and report http's 400 as a 500; berthd
  // stops at https's answer and says 401 (docs/compatibility.md A16).
  EXPECT_EQ(denied.error().kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(denied.error().message(), "Error response from daemon: login attempt to https://" + s.tls.name +
                                          "/v2/ failed with status: 401 Unauthorized");

  // GET /images/search: the Engine's checks.
  Result<std::vector<SearchResult>> limit = client->ImageSearch("x", 500, {}, AuthConfig{});
  ASSERT_FALSE(limit.ok());
  EXPECT_EQ(limit.error().kind(), ErrorKind::kInvalidParameter);
  EXPECT_EQ(limit.error().message(), "Error response from daemon: limit 500 is outside the range of [1, 100]");
  Result<std::vector<SearchResult>> filter = client->ImageSearch("x", 0, {{"nope", {"1"}}}, AuthConfig{});
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(filter.error().message(), "Error response from daemon: invalid filter 'nope'");
  Result<std::vector<SearchResult>> found = client->ImageSearch(s.tls.name + "/berth", 0, {}, alice);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_FALSE(found->empty());

  // GET /distribution/{name}/json: 404, 400, and the registry's refusal.
  // (On a plain-http registry: the last endpoint tried must be the one that
  // says 404, and for the TLS one that is the plain-http fallback.)
  testing::LocalRegistry plain;
  ASSERT_TRUE(plain.ok()) << plain.error();
  Result<DistributionInspect> unknown = client->DistributionInspect(plain.host() + "/berth/none:nope", alice);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind(), ErrorKind::kNotFound) << unknown.error().message();
  EXPECT_EQ(unknown.error().message(), "Error response from daemon: manifest unknown: manifest unknown");
  Result<DistributionInspect> invalid = client->DistributionInspect("Bad/Name", alice);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind(), ErrorKind::kInvalidParameter);
  Result<DistributionInspect> anonymous = client->DistributionInspect(s.tls.name + "/berth/multi:1.0");
  ASSERT_FALSE(anonymous.ok());
  EXPECT_NE(anonymous.error().message().find("Error response from daemon: "), std::string::npos);
  Result<DistributionInspect> old = Client(host, "1.29")->DistributionInspect("x", alice);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().message(),
            "\"distribution inspect\" requires API version 1.30, but the Docker daemon API version is 1.29");
  for (const auto& [image, expected] : s.pushed.images) {
    Result<DistributionInspect> got = client->DistributionInspect(s.tls.name + "/" + image, alice);
    ASSERT_TRUE(got.ok()) << image << ": " << got.error().message();
    EXPECT_EQ(got->descriptor.digest, expected.digest) << image;
    EXPECT_EQ(got->descriptor.media_type, expected.media_type) << image;
  }
}

TEST(EngineClient, TheCredentialStoreFeedsTheHeader) {
  EngineInFrontOfRegistry s;
  ASSERT_TRUE(s.Start()) << s.pushed.error;
  TempDir config;
  std::ofstream(config.path() + "/config.json")
      << "{\"auths\":{\"" << s.tls.name << "\":{\"auth\":\"YWxpY2U6czNjcmV0\"}}}";  // alice:s3cret
  auto store = CredentialStore::Open(config.path());
  ASSERT_TRUE(store.ok()) << store.error().message();
  const std::string ref = s.tls.name + "/berth/multi:1.0";

  // What the docker CLI would send: the stored entry, keyed by the registry.
  AuthConfig expected;
  expected.username = "alice";
  expected.password = "s3cret";
  expected.server_address = s.tls.name;
  EXPECT_EQ(EngineClient::AuthHeaderFor(ref, **store).value(), EncodeAuthConfig(expected));
  EXPECT_EQ(EngineClient::AuthHeaderFor(s.tls.name + "/berth", **store, true).value(), EncodeAuthConfig(expected));
  EXPECT_EQ(EngineClient::AuthHeaderFor("alpine", **store).value(), "e30=");  // nothing stored for Docker Hub

  auto client = Client(s.berthd->tcp_host());
  Result<DistributionInspect> got = client->DistributionInspect(ref, **store);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->descriptor.digest, s.pushed.images["berth/multi:1.0"].digest);
  Result<std::vector<SearchResult>> found = client->ImageSearch(s.tls.name + "/berth", 0, {}, **store);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_FALSE(found->empty());
  // No secret in berthd's log.
  EXPECT_EQ(testing::ReadFile(s.berthd->log_path()).find("s3cret"), std::string::npos);
}

TEST(EngineClient, BadEnginesAreClearErrorsWithinBounds) {
  auto elapsed = [](auto start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  EngineClientOptions o;
  o.api_version = "1.44";  // straight to the route under test
  o.timeout = std::chrono::seconds(2);
  o.max_response_bytes = 1u << 20;
  struct Case {
    std::string mode;
    std::string expected;  // a part of the message
  };
  for (const Case& c : std::vector<Case>{{"junk", "error during connect: "},
                                         {"close", "error during connect: "},
                                         {"endless", "exceeds 1048576 bytes"},
                                         {"silent", "error during connect: "},
                                         {"huge-error", "exceeds 1048576 bytes"}}) {
    SCOPED_TRACE(c.mode);
    FixtureServer engine("fake_engine.py", {c.mode});
    ASSERT_TRUE(engine.ok()) << engine.error();
    o.host = "tcp://127.0.0.1:" + std::to_string(engine.port());
    auto client = EngineClient::Create(o).value();
    auto start = std::chrono::steady_clock::now();
    Result<EngineVersion> v = client->Version();
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().message().find(c.expected), std::string::npos) << v.error().message();
    EXPECT_LT(elapsed(start), 5.0);
  }
  // A silent Engine while negotiating: HEAD /_ping runs out of time once,
  // with no second wait for a GET.
  {
    FixtureServer silent("fake_engine.py", {"silent"});
    ASSERT_TRUE(silent.ok()) << silent.error();
    EngineClientOptions negotiating = o;
    negotiating.api_version.clear();
    negotiating.host = "tcp://127.0.0.1:" + std::to_string(silent.port());
    auto start = std::chrono::steady_clock::now();
    Result<EngineVersion> v = EngineClient::Create(negotiating).value()->Version();
    ASSERT_FALSE(v.ok());
    EXPECT_LT(elapsed(start), 3.5);
  }
  // Nothing listening: the CLI's words, at once.
  o.host = "tcp://127.0.0.1:" + std::to_string(testing::FreePort());
  Result<EngineVersion> down = EngineClient::Create(o).value()->Version();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(down.error().message(),
            "Cannot connect to the Docker daemon at " + o.host + ". Is the docker daemon running?");
  o.host = "unix:///nonexistent/berth.sock";
  Result<EnginePing> no_socket = EngineClient::Create(o).value()->Ping();
  ASSERT_FALSE(no_socket.ok());
  EXPECT_EQ(no_socket.error().message(),
            "Cannot connect to the Docker daemon at unix:///nonexistent/berth.sock. Is the docker daemon running?");
  o.host = "ssh://me@example.com";
  EXPECT_FALSE(EngineClient::Create(o).ok());
}

}  // namespace
}  // namespace berth

namespace berth {
namespace {

// An Engine over TLS that demands a client certificate, as dockerd with
// --tlsverify: Debian's nginx terminating TLS (the test PKI) in front of
// berthd's unix socket. Run in the foreground as the test's own user.
class TlsFront {
 public:
  TlsFront(const std::string& pki, const std::string& engine_socket) {
    port_ = testing::FreePort();
    std::ofstream(dir_.path() + "/nginx.conf")
        << "daemon off;\nmaster_process off;\npid " << dir_.path() << "/nginx.pid;\nerror_log " << dir_.path()
        << "/error.log;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n"
        << "  client_body_temp_path " << dir_.path() << ";\n  proxy_temp_path " << dir_.path() << ";\n"
        << "  fastcgi_temp_path " << dir_.path() << ";\n  uwsgi_temp_path " << dir_.path() << ";\n"
        << "  scgi_temp_path " << dir_.path() << ";\n"
        << "  server {\n    listen 127.0.0.1:" << port_ << " ssl;\n"
        << "    ssl_certificate " << pki << "/server.crt;\n    ssl_certificate_key " << pki << "/server.key;\n"
        << "    ssl_client_certificate " << pki << "/ca.crt;\n    ssl_verify_client on;\n"
        << "    location / { proxy_pass http://unix:" << engine_socket << ":; proxy_http_version 1.1;\n"
        << "      proxy_set_header Connection \"\"; }\n  }\n}\n";
    pid_ = fork();
    if (pid_ == 0) {
      std::string log = dir_.path() + "/nginx.out";
      freopen(log.c_str(), "w", stdout);
      freopen(log.c_str(), "a", stderr);
      execlp("nginx", "nginx", "-e", (dir_.path() + "/error.log").c_str(), "-c", (dir_.path() + "/nginx.conf").c_str(),
             nullptr);
      _exit(127);
    }
    for (int i = 0; i < 300 && !testing::Accepts(port_); ++i) usleep(20000);
  }
  ~TlsFront() { testing::StopProcess(pid_); }
  bool ok() const { return testing::Accepts(port_); }
  int port() const { return port_; }
  std::string log() const { return testing::ReadFile(dir_.path() + "/error.log"); }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = -1;
};

// DOCKER_CERT_PATH as the CLI lays it out.
std::string CertPath(const std::string& dir, const std::string& pki, const std::string& ca, bool with_client) {
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(pki + "/" + ca, dir + "/ca.pem");
  if (with_client) {
    std::filesystem::copy_file(pki + "/client.crt", dir + "/cert.pem");
    std::filesystem::copy_file(pki + "/client.key", dir + "/key.pem");
  }
  return dir;
}

TEST(EngineClient, TlsWithClientCertificatesAsTheCliTakesThem) {
  TempDir dir;
  const std::string pki = dir.path() + "/pki";
  ASSERT_TRUE(testing::MakePki(pki));
  LocalBerthd berthd;
  ASSERT_TRUE(berthd.ok()) << berthd.error();
  TlsFront front(pki, berthd.unix_host().substr(7));
  ASSERT_TRUE(front.ok()) << front.log();
  const std::string good = CertPath(dir.path() + "/good", pki, "ca.crt", true);
  const std::string port = std::to_string(front.port());

  // DOCKER_HOST=tcp://… DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=…
  setenv("DOCKER_HOST", ("tcp://localhost:" + port).c_str(), 1);
  setenv("DOCKER_TLS_VERIFY", "1", 1);
  setenv("DOCKER_CERT_PATH", good.c_str(), 1);
  EngineClientOptions from_env = EngineClientOptions::FromEnvironment();
  unsetenv("DOCKER_HOST");
  unsetenv("DOCKER_TLS_VERIFY");
  unsetenv("DOCKER_CERT_PATH");
  auto client = EngineClient::Create(from_env);
  ASSERT_TRUE(client.ok()) << client.error().message();
  Result<EngineVersion> version = (*client)->Version();
  ASSERT_TRUE(version.ok()) << version.error().message() << "\n" << front.log();
  EXPECT_EQ(version->api_version, "1.44");
  EXPECT_EQ((*client)->Info()->index_server_address, "https://index.docker.io/v1/");

  // https:// says TLS by itself.
  EngineClientOptions o;
  o.host = "https://localhost:" + port;
  o.tls_verify = true;
  o.cert_path = good;
  ASSERT_TRUE(EngineClient::Create(o).value()->Ping().ok());

  // No client certificate: the Engine refuses.
  o.cert_path = CertPath(dir.path() + "/nocert", pki, "ca.crt", false);
  Result<EnginePing> refused = EngineClient::Create(o).value()->Ping();
  EXPECT_FALSE(refused.ok());
  // Another CA: the Engine's certificate is not trusted.
  o.cert_path = CertPath(dir.path() + "/otherca", pki, "bad.crt", true);
  Result<EnginePing> untrusted = EngineClient::Create(o).value()->Ping();
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.error().message().find("certificate"), std::string::npos) << untrusted.error().message();
  // DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted, the server not checked.
  o.host = "tcp://localhost:" + port;
  o.tls = true;
  o.tls_verify = false;
  Result<EnginePing> unverified = EngineClient::Create(o).value()->Ping();
  EXPECT_TRUE(unverified.ok()) << unverified.error().message();

  // Files named one by one (the CLI's --tlscacert, --tlscert, --tlskey).
  EngineClientOptions files;
  files.host = "tcp://localhost:" + port;
  files.tls = files.tls_verify = true;
  files.cert_path = dir.path() + "/nowhere";
  files.ca_file = pki + "/ca.crt";
  files.cert_file = pki + "/client.crt";
  files.key_file = pki + "/client.key";
  Result<EnginePing> named = EngineClient::Create(files).value()->Ping();
  EXPECT_TRUE(named.ok()) << named.error().message();
  files.ca_file = dir.path() + "/missing.pem";
  auto no_ca = EngineClient::Create(files);
  ASSERT_FALSE(no_ca.ok());
  EXPECT_EQ(no_ca.error().message(), "could not read CA certificate \"" + files.ca_file + "\": open " + files.ca_file +
                                         ": no such file or directory");
  // Verifying needs the CA: DOCKER_CERT_PATH's ca.pem must be there.
  EngineClientOptions no_default_ca;
  no_default_ca.host = files.host;
  no_default_ca.tls = no_default_ca.tls_verify = true;
  no_default_ca.cert_path = dir.path() + "/nowhere";
  EXPECT_FALSE(EngineClient::Create(no_default_ca).ok());
  // A default pair counts only whole: a cert.pem without key.pem is left
  // out (the Engine then refuses for want of a client certificate).
  const std::string half = CertPath(dir.path() + "/half", pki, "ca.crt", true);
  std::filesystem::remove(half + "/key.pem");
  EngineClientOptions half_pair;
  half_pair.host = files.host;
  half_pair.tls = half_pair.tls_verify = true;
  half_pair.cert_path = half;
  EXPECT_TRUE(EngineClient::Create(half_pair).ok());
  // A certificate needs its key.
  files.ca_file = pki + "/ca.crt";
  files.key_file.clear();
  EXPECT_FALSE(EngineClient::Create(files).ok());
  files.cert_file = dir.path() + "/missing-cert.pem";
  files.key_file = pki + "/client.key";
  EXPECT_FALSE(EngineClient::Create(files).ok());

  // berth's global flags, before the subcommand, as the docker CLI takes
  // them: --tlsverify with the three files; without the client pair the
  // Engine refuses; --tlsverify=false still means TLS.
  const std::string host = "tcp://localhost:" + port;
  std::string out;
  EXPECT_EQ(testing::Run({BERTH_CLI_PATH, "--tlsverify", "--tlscacert", pki + "/ca.crt", "--tlscert",
                          pki + "/client.crt", "--tlskey", pki + "/client.key", "-H", host, "info"},
                         &out),
            0)
      << out;
  EXPECT_NE(out.find("Registry: https://index.docker.io/v1/"), std::string::npos) << out;
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "--tlsverify", "--tlscacert", pki + "/ca.crt", "-H", host, "info"}, &out), 0);
  setenv("DOCKER_CERT_PATH", good.c_str(), 1);
  EXPECT_EQ(testing::Run({BERTH_CLI_PATH, "--tlsverify=false", "-H", host, "info"}, &out), 0) << out;
  EXPECT_EQ(testing::Run({BERTH_CLI_PATH, "-D", "--tlsverify", "-H", host, "info"}, &out), 0) << out;
  EXPECT_NE(out.find("DEBU berth: Engine " + host + " over TLS, verified"), std::string::npos) << out;
  unsetenv("DOCKER_CERT_PATH");
  // Plain http to the TLS port: no answer berth could use.
  EXPECT_NE(testing::Run({BERTH_CLI_PATH, "-H", host, "info"}, &out), 0) << out;
}

}  // namespace
}  // namespace berth
