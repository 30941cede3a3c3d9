// The peers of the integration tests besides the registry itself, all on
// 127.0.0.1 and all from tests/fixtures: a throwaway PKI, the Python fixture
// servers (token server, Docker Hub's v1 search, a deliberately broken
// registry) and test images pushed with skopeo.
#ifndef BERTH_TESTS_LIB_FIXTURES_H_
#define BERTH_TESTS_LIB_FIXTURES_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace berth::testing {

// A directory under /tmp removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs argv to completion; the exit code (-1 if it could not run), output
// (stdout and stderr) in *output when given.
int Run(const std::vector<std::string>& argv, std::string* output = nullptr);

// A port the kernel says is free on 127.0.0.1 right now.
int FreePort();
// Whether something accepts connections on 127.0.0.1:port.
bool Accepts(int port);
// SIGTERM, then SIGKILL after two seconds; reaps it. No-op for pid <= 0.
void StopProcess(pid_t pid);
// Waits (15 s at most) until `ready` says the started process `pid` serves;
// false when it exited first (a port taken, say: the caller tries another)
// or never got ready, and then it is stopped.
bool WaitUntilReady(pid_t pid, const std::function<bool()>& ready);

// The whole of a file ("" if unreadable).
std::string ReadFile(const std::string& path);
// Lines of a file that contain every one of `needles`.
int CountLines(const std::string& path, const std::vector<std::string>& needles);

// tests/fixtures/make_pki.sh into dir: ca.crt, server.{crt,key}, token.{crt,key},
// bad.{crt,key}, cadir/.
bool MakePki(const std::string& dir);

// The registry configuration's auth section for htpasswd auth that lets
// alice:s3cret in, its htpasswd file written into dir; "" when htpasswd
// (apache2-utils) failed.
std::string AliceHtpasswdAuth(const std::string& dir);

// A fixture server (`/usr/bin/python3 tests/fixtures/SCRIPT --port 0 ARGS…`)
// running until the object goes.
class FixtureServer {
 public:
  FixtureServer(const std::string& script, const std::vector<std::string>& args);
  ~FixtureServer();
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;
  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  pid_t pid_ = -1;
  int port_ = -1;
  std::string error_;
};

// What make_images.sh pushed: NAME:TAG → media type, digest, size.
struct PushedImage {
  std::string media_type;
  std::string digest;
  long size = 0;
};
struct PushedImages {
  bool ok = false;
  std::string error;
  std::map<std::string, PushedImage> images;
  std::vector<std::string> platform_lines;  // platforms.txt
};
PushedImages PushImages(const std::string& registry_host, const std::string& out_dir,
                        const std::vector<std::string>& args);

}  // namespace berth::testing

#endif  // BERTH_TESTS_LIB_FIXTURES_H_
