// A docker-credential-NAME program on PATH, spoken to as the docker CLI
// does: `get` (server URL on stdin, credentials JSON on stdout), `store`,
// `erase`, `list`. Each call is bounded in time (the helper's process group
// is killed past the timeout: kUnavailable) and in output size; the errors
// are the CLI's ("error getting credentials - err: exit status 1, out: `…`")
// except that output that may hold credentials is withheld.
#ifndef BERTH_SRC_CREDENTIALS_HELPER_H_
#define BERTH_SRC_CREDENTIALS_HELPER_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "berth/error.h"
#include "credentials/helper_protocol.h"

namespace berth::credentials {

// The username a helper stores identity tokens under.
inline constexpr std::string_view kTokenUsername = "<token>";

// Whether `program` is an executable file in an absolute directory of
// $PATH (Go's exec.LookPath, which since Go 1.19 refuses what only a
// relative entry finds).
bool OnPath(const std::string& program);

class CredentialHelper {
 public:
  CredentialHelper(std::string name, std::chrono::milliseconds timeout);

  const std::string& program() const { return program_; }

  // nullopt when the helper says "credentials not found in native keychain".
  Result<std::optional<HelperCredentials>> Get(const std::string& server_url) const;
  Status Store(const HelperCredentials& credentials) const;
  Status Erase(const std::string& server_url) const;
  Result<std::map<std::string, std::string>> List() const;

 private:
  struct Output {
    int exit_code = 0;
    std::string out;
  };
  // Runs `program action` with `input` on stdin. Errors: could not run, or
  // did not finish in time (the CLI's wording around them is the caller's).
  Result<Output> Run(const std::string& action, const std::string& input) const;

  std::string program_;
  std::chrono::milliseconds timeout_;
};

}  // namespace berth::credentials

#endif  // BERTH_SRC_CREDENTIALS_HELPER_H_
