// certs.d reading with the Engine's rules (*.crt as CAs, *.cert with a
// matching *.key as client pairs, a lone one an error), on
// certificates made by the openssl command for each test.
#include "berth/certs.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fixtures.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

class CertsDir : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "host:5000"); }

  // A self-signed EC certificate and its key, written as NAME.cert/.key or
  // wherever asked.
  void MakePair(const fs::path& cert, const fs::path& key) {
    std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-keyout '" +
        key.string() + "' -out '" + cert.string() + "' -subj /CN=berth-test -days 1 >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  std::string Host() const { return (dir_ / "host:5000").string(); }

  testing::TempDir tmp_;
  fs::path dir_ = tmp_.path();
};

TEST_F(CertsDir, MissingDirectoryIsNoMaterial) {
  Result<TlsMaterial> m = ReadCertsDirectory((dir_ / "absent").string());
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->extra_ca_pem.empty());
  EXPECT_TRUE(m->client_certificates.empty());
}

TEST_F(CertsDir, CaFilesAndClientPairs) {
  fs::path h = Host();
  MakePair(h / "ca.crt", dir_ / "ca-key.pem");
  MakePair(h / "client.cert", h / "client.key");
  Write(h / "notes.txt", "ignored");
  Write(h / "garbage.crt", "not a certificate");  // unparseable: skipped
  Result<TlsMaterial> m = ReadCertsDirectory(Host());
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_NE(m->extra_ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(m->ca_files.size(), 2u);
  ASSERT_EQ(m->client_certificates.size(), 1u);
  EXPECT_EQ(m->client_certificates[0].key_file, Host() + "/client.key");
}

TEST_F(CertsDir, EngineErrorsForUnpairedFiles) {
  fs::path h = Host();
  MakePair(h / "client.cert", dir_ / "elsewhere.key");
  EXPECT_EQ(ReadCertsDirectory(Host()).error().message(),
            "missing key client.key for client certificate client.cert. CA certificates must use "
            "the extension .crt");
  fs::remove(h / "client.cert");
  Write(h / "lone.key", "x");
  EXPECT_EQ(ReadCertsDirectory(Host()).error().message(), "missing client certificate lone.cert for key lone.key");
}

TEST_F(CertsDir, PairsThatDoNotLoad) {
  fs::path h = Host();
  MakePair(h / "a.cert", dir_ / "a-real.key");
  MakePair(dir_ / "other.cert", h / "a.key");  // a key of another certificate
  EXPECT_EQ(ReadCertsDirectory(Host()).error().message(), "tls: private key does not match public key");
  Write(h / "a.cert", "junk");
  EXPECT_EQ(ReadCertsDirectory(Host()).error().message(), "tls: failed to find any PEM data in certificate input");
}

TEST_F(CertsDir, InsecureRegistriesIgnoreCertsD) {
  Write(fs::path(Host()) / "lone.key", "x");  // would be an error if read
  Result<TlsMaterial> m = TlsMaterialForHost(dir_.string(), "host:5000", /*secure=*/false);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->verify);
  EXPECT_FALSE(TlsMaterialForHost(dir_.string(), "host:5000", /*secure=*/true).ok());
}

}  // namespace
}  // namespace berth
