#include "local_berthd.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fixtures.h"

namespace berth::testing {

LocalBerthd::LocalBerthd(const std::vector<std::string>& flags) {
  char tmpl[] = "/tmp/berth-berthd-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  std::ofstream(dir_ + "/daemon.json") << "{}\n";  // never the machine's /etc/berth/daemon.json
  for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
    port_ = FreePort();
    std::vector<std::string> argv{BERTH_BERTHD_PATH,
                                  "-H",
                                  unix_host(),
                                  "-H",
                                  tcp_host(),
                                  "--pidfile",
                                  "",
                                  "--config-file",
                                  dir_ + "/daemon.json",
                                  "--log-level",
                                  "debug",
                                  "--data-root",
                                  dir_ + "/root"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    pid_t pid = fork();
    if (pid == 0) {
      std::string log = log_path();
      freopen(log.c_str(), "a", stdout);
      freopen(log.c_str(), "a", stderr);
      std::vector<char*> a;
      for (std::string& s : argv) a.push_back(s.data());
      a.push_back(nullptr);
      execv(a[0], a.data());
      _exit(127);
    }
    if (WaitUntilReady(pid, [this] { return Accepts(port_) && std::filesystem::exists(dir_ + "/berthd.sock"); })) {
      pid_ = pid;
    }
    if (pid_ <= 0) {
      error_ = "berthd did not start (see " + log_path() + ")";
    }
  }
}

LocalBerthd::~LocalBerthd() {
  StopProcess(pid_);
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

}  // namespace berth::testing
