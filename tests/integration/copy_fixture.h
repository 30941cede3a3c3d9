// What the copy engine's integration tests share: two real CNCF registries
// (the source with the images skopeo pushed), a registry client that
// reaches 127.0.0.1 over plain http, and skopeo as the oracle.
#ifndef BERTH_TESTS_INTEGRATION_COPY_FIXTURE_H_
#define BERTH_TESTS_INTEGRATION_COPY_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "berth/registry_client.h"
#include "berth/transfer.h"
#include "fixtures.h"
#include "local_registry.h"

namespace berth {

// skopeo with a throwaway HOME, auth file, registries.conf and policy, so
// nothing of the machine's configuration takes part; plain http.
class Skopeo {
 public:
  Skopeo() {
    std::filesystem::create_directories(dir_.path() + "/home");
    std::ofstream(dir_.path() + "/auth.json") << "{\"auths\":{}}";
    std::ofstream(dir_.path() + "/registries.conf") << "";
    std::ofstream(dir_.path() + "/policy.json") << "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}";
  }
  // Runs `skopeo ARGS…`; the exit code, output in *output.
  int Run(const std::vector<std::string>& args, std::string* output = nullptr) const {
    std::vector<std::string> argv{"env",
                                  "HOME=" + dir_.path() + "/home",
                                  "REGISTRY_AUTH_FILE=" + dir_.path() + "/auth.json",
                                  "CONTAINERS_REGISTRIES_CONF=" + dir_.path() + "/registries.conf",
                                  "TMPDIR=" + dir_.path(),
                                  "skopeo",
                                  "--policy",
                                  dir_.path() + "/policy.json"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string ignored;
    return testing::Run(argv, output ? output : &ignored);
  }
  // The sha256 of the raw manifest skopeo reads at `location`.
  std::string RawDigest(const std::string& location, bool tls_verify_false = true) const {
    std::vector<std::string> args{"inspect", "--raw"};
    if (tls_verify_false && location.rfind("docker://", 0) == 0) args.push_back("--tls-verify=false");
    args.push_back(location);
    std::string raw;
    if (Run(args, &raw) != 0) return "skopeo failed: " + raw;
    return "sha256:" + Sha256Hex(raw);
  }

  static std::string Sha256Hex(const std::string& data) {
    testing::TempDir tmp;
    std::ofstream(tmp.path() + "/f", std::ios::binary) << data;
    std::string out;
    testing::Run({"sha256sum", tmp.path() + "/f"}, &out);
    return out.substr(0, 64);
  }

 private:
  testing::TempDir dir_;
};

// A registry service that reaches every 127.0.0.1 registry over plain http.
inline std::unique_ptr<RegistryService> LoopbackService() {
  ServiceOptions options;
  options.insecure_registries = {"127.0.0.0/8"};
  auto service = RegistryService::Create(options);
  return service ? std::move(*service) : nullptr;
}

inline ImageLocation Docker(const std::string& reference) {
  return ImageLocation{LocationKind::kRegistry, reference, ""};
}

inline int CountLogLines(const std::string& path, const std::vector<std::string>& needles) {
  return testing::CountLines(path, needles);
}

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(source_.ok()) << source_.error();
    ASSERT_TRUE(destination_.ok()) << destination_.error();
    pushed_ = testing::PushImages(source_.host(), images_.path(), {"--tls-verify=false"});
    ASSERT_TRUE(pushed_.ok) << pushed_.error;
    service_ = LoopbackService();
    ASSERT_NE(service_, nullptr);
    client_ = std::make_unique<RegistryClient>(*service_);
  }

  testing::LocalRegistry source_, destination_;
  testing::TempDir images_, work_;
  testing::PushedImages pushed_;
  std::unique_ptr<RegistryService> service_;
  std::unique_ptr<RegistryClient> client_;
  Skopeo skopeo_;
};

}  // namespace berth

#endif  // BERTH_TESTS_INTEGRATION_COPY_FIXTURE_H_
