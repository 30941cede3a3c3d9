#include "local_registry.h"

#include "fixtures.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace berth::testing {
LocalRegistry::LocalRegistry(const std::string& extra_yaml) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/berth-registry-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
    int port = FreePort();
    host_ = "127.0.0.1:" + std::to_string(port);
    std::string config = dir_ + "/config.yml";
    std::ofstream(config) << "version: 0.1\n"
                             "log:\n  level: error\n"
                             "storage:\n  filesystem:\n    rootdirectory: "
                          << dir_
                          << "/data\n"
                             "  delete:\n    enabled: true\n"
                             "http:\n  addr: "
                          << host_ << "\n"
                          << extra_yaml;
    pid_t pid = fork();
    if (pid == 0) {
      std::string log = dir_ + "/registry.log";
      freopen(log.c_str(), "w", stdout);
      freopen(log.c_str(), "a", stderr);
      execlp("docker-registry", "docker-registry", "serve", config.c_str(), nullptr);
      _exit(127);
    }
    // Ready when it accepts connections; another port if it exited.
    if (WaitUntilReady(pid, [port] { return Accepts(port); })) pid_ = pid;
    if (pid_ <= 0) {
      error_ = "docker-registry did not start on " + host_ + " (see " + dir_ + "/registry.log)";
    }
  }
}

int LocalRegistry::port() const {
  return std::atoi(host_.c_str() + host_.find(':') + 1);
}

LocalRegistry::~LocalRegistry() {
  StopProcess(pid_);
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

}  // namespace berth::testing
