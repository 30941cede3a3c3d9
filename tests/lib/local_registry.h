// A real CNCF registry (Debian's docker-registry) started by a test on
// 127.0.0.1 with its own storage, and stopped when the object goes.
#ifndef BERTH_TESTS_LIB_LOCAL_REGISTRY_H_
#define BERTH_TESTS_LIB_LOCAL_REGISTRY_H_

#include <sys/types.h>

#include <string>

namespace berth::testing {

class LocalRegistry {
 public:
  // Starts `docker-registry serve` on a free loopback port; `extra_yaml` is
  // appended to the config (auth, tls…). Check ok() before use.
  explicit LocalRegistry(const std::string& extra_yaml = "");
  ~LocalRegistry();
  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  // "127.0.0.1:PORT"
  const std::string& host() const { return host_; }
  int port() const;
  // stdout and stderr of the registry: its access log has one line per
  // request ("GET /v2/… HTTP/1.1" 200 …).
  std::string log_path() const { return dir_ + "/registry.log"; }
  // Where the registry keeps a blob's bytes (its filesystem driver's
  // layout), for tests that damage them.
  std::string BlobDataPath(const std::string& digest) const {
    const std::string hex = digest.substr(digest.find(':') + 1);
    return dir_ + "/data/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
  }

 private:
  pid_t pid_ = -1;
  std::string dir_, host_, error_;
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_LIB_LOCAL_REGISTRY_H_
