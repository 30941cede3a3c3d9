// berthd (this build's) started by a test on a unix socket in its own
// directory and on a free loopback TCP port, stopped when the object goes.
#ifndef BERTH_TESTS_LIB_LOCAL_BERTHD_H_
#define BERTH_TESTS_LIB_LOCAL_BERTHD_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::testing {

class LocalBerthd {
 public:
  // `flags` are added to berthd's command line (--insecure-registry …).
  explicit LocalBerthd(const std::vector<std::string>& flags = {});
  ~LocalBerthd();
  LocalBerthd(const LocalBerthd&) = delete;
  LocalBerthd& operator=(const LocalBerthd&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  std::string unix_host() const { return "unix://" + dir_ + "/berthd.sock"; }
  std::string tcp_host() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // berthd's log (--log-level debug: one line per request, never a secret).
  std::string log_path() const { return dir_ + "/berthd.log"; }

 private:
  pid_t pid_ = -1;
  int port_ = -1;
  std::string dir_, error_;
};

}  // namespace berth::testing

#endif  // BERTH_TESTS_LIB_LOCAL_BERTHD_H_
