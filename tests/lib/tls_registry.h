// A registry over TLS (test PKI) on localhost with an auth section, and
// what berth needs to reach it: a certs.d with the CA, a service that sees
// localhost as secure; and one with token auth. Shared by the tests of
// logins, inspects and copies.
#ifndef BERTH_TESTS_LIB_TLS_REGISTRY_H_
#define BERTH_TESTS_LIB_TLS_REGISTRY_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "berth/registry_service.h"
#include "fixtures.h"
#include "local_registry.h"

namespace berth::testing {

// A TLS registry with the given auth section, and what berth needs to reach
// it: a certs.d with the CA, a service that sees localhost as secure.
struct TlsRegistry {
  TempDir dir;
  std::string pki = dir.path() + "/pki";
  std::string certs = dir.path() + "/certs.d";
  std::unique_ptr<LocalRegistry> registry;
  std::unique_ptr<RegistryService> service;
  std::string name;  // localhost:PORT

  bool Start(const std::string& auth_yaml) {
    if (!MakePki(pki)) return false;
    registry = std::make_unique<LocalRegistry>("  tls:\n    certificate: " + pki + "/server.crt\n    key: " + pki +
                                               "/server.key\n" + auth_yaml);
    if (!registry->ok()) return false;
    name = "localhost:" + std::to_string(registry->port());
    std::filesystem::create_directories(certs + "/" + name);
    std::filesystem::copy_file(pki + "/ca.crt", certs + "/" + name + "/ca.crt");
    return MakeService(certs);
  }

  bool MakeService(const std::string& certs_dir) {
    RegistryServiceSettings settings;
    settings.certs_dir = certs_dir;
    settings.resolver = [](const std::string&) { return std::vector<std::vector<std::uint8_t>>{}; };
    auto made = RegistryService::Create({}, settings);
    if (!made.ok()) return false;
    service = std::move(*made);
    return true;
  }

  // Started with htpasswd auth that lets alice:s3cret in, the test images
  // pushed (into `pushed`, whose error says what failed).
  bool StartForAlice(PushedImages& pushed) {
    const std::string auth = AliceHtpasswdAuth(dir.path());
    if (auth.empty() || !Start(auth)) return false;
    pushed = Push("alice:s3cret");
    return pushed.ok;
  }

  PushedImages Push(const std::string& creds) {
    return PushImages(registry->host(), dir.path() + "/images", {"--creds", creds, "--cert-dir", pki + "/cadir"});
  }
};

// A token server on localhost (verified with the same CA) and a registry
// that trusts its JWTs.
struct TokenRegistry {
  TlsRegistry tls;
  std::unique_ptr<FixtureServer> tokens;
  std::string token_log;

  bool Start(const std::string& mode = "normal", std::vector<std::string> extra_args = {}) {
    if (!MakePki(tls.pki)) return false;
    token_log = tls.dir.path() + "/token.log";
    std::vector<std::string> args{"--cert",         tls.pki + "/server.crt",
                                  "--key",          tls.pki + "/server.key",
                                  "--user",         "alice:s3cret",
                                  "--signing-key",  tls.pki + "/token.key",
                                  "--signing-cert", tls.pki + "/token.crt",
                                  "--log",          token_log,
                                  "--mode",         mode,
                                  "--slow-seconds", "20"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    tokens = std::make_unique<FixtureServer>("token_server.py", std::move(args));
    if (!tokens->ok()) return false;
    return tls.Start("auth:\n  token:\n    realm: https://localhost:" + std::to_string(tokens->port()) +
                     "/token\n    service: berth-test-registry\n    issuer: berth-test-issuer\n"
                     "    rootcertbundle: " +
                     tls.pki + "/ca.crt\n");
  }
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_LIB_TLS_REGISTRY_H_
