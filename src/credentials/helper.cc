#include "credentials/helper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "internal/base64.h"

extern char** environ;

namespace berth::credentials {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxOutputBytes = 1u << 20;
constexpr std::string_view kNotFound = "credentials not found in native keychain";

std::string Trim(const std::string& s) {
  std::size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The protocol's "not found", and how the pass helper of Debian 12
// (docker-credential-helpers 0.6) says it instead: pass's own "Error: … is
// not in the password store." — which the CLI takes as a failure, and so
// says nothing on `docker logout` only because of its map (compatibility
// K12); berth reads it as what it is.
bool IsNotFound(const std::string& out) {
  const std::string t = Trim(out);
  static constexpr std::string_view kPassMissing = "is not in the password store.";
  return t == kNotFound || (t.size() >= kPassMissing.size() &&
                            t.compare(t.size() - kPassMissing.size(), kPassMissing.size(), kPassMissing) == 0);
}

std::string Base64(const std::string& s) {
  std::string out;
  detail::AppendBase64(out, reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), detail::Base64Alphabet::kStd);
  return out;
}

// Whether a failed store's or erase's output may carry credentials: JSON
// (the protocol's credentials are a JSON object), the word "secret" in any
// case, or the credentials being stored, as they are or in base64.
bool MayHoldSecret(const std::string& out, const HelperCredentials* stored) {
  if (out.find('{') != std::string::npos) return true;
  if (stored && !stored->secret.empty()) {
    for (const std::string& form :
         {stored->secret, Base64(stored->secret), Base64(stored->username + ":" + stored->secret)})
      if (out.find(form) != std::string::npos) return true;
  }
  std::string lower = out;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("secret") != std::string::npos;
}

// A failed call's output, for its error message: withheld for `get`, whose
// output is where a helper puts credentials (berth cannot tell which they
// would be); for the other actions trimmed, capped, and withheld when it
// may hold credentials. The CLI prints it as it is.
std::string Shown(const std::string& out, bool get, const HelperCredentials* stored) {
  std::string t = Trim(out);
  if (t.empty()) return t;
  if (get || MayHoldSecret(t, stored)) {
    return "(" + std::to_string(t.size()) + " bytes not shown: they may hold credentials)";
  }
  if (t.size() > 256) t = t.substr(0, 256) + "…";
  return t;
}

Error CallError(const char* what, const std::string& err, const std::string& out,
                const HelperCredentials* stored = nullptr, ErrorKind kind = ErrorKind::kSystem) {
  const bool get = std::string_view(what) == "getting";
  return Error(
      kind, std::string("error ") + what + " credentials - err: " + err + ", out: `" + Shown(out, get, stored) + "`");
}

// A helper that could not be run or did not finish: its error, keeping
// kUnavailable for one that ran out of time.
Error RunError(const char* what, const Error& run) {
  return CallError(what, run.message(), "", nullptr, run.kind());
}

std::string ExitText(int code) {
  return code >= 0 ? "exit status " + std::to_string(code) : "signal: killed";
}

}  // namespace

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path || program.empty() || program.find('/') != std::string::npos) return false;
  std::string_view rest = path;
  while (true) {
    std::size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty() && dir[0] == '/') {
      std::string candidate = dir + "/" + program;
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) return true;
    }
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

CredentialHelper::CredentialHelper(std::string name, std::chrono::milliseconds timeout)
    : program_("docker-credential-" + std::move(name)), timeout_(timeout) {}

Result<CredentialHelper::Output> CredentialHelper::Run(const std::string& action, const std::string& input) const {
  // stdin is a socket so that writing to a helper that exited early fails
  // with EPIPE instead of raising SIGPIPE (send's MSG_NOSIGNAL), without
  // touching the process's signal dispositions.
  int in[2], out[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
    return Error(ErrorKind::kSystem, "socketpair: " + std::string(std::strerror(errno)));
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return Error(ErrorKind::kSystem, "pipe: " + std::string(std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group: a timeout kills whatever the helper started.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::string action_arg = action;
  char* argv[] = {const_cast<char*>(program_.c_str()), action_arg.data(), nullptr};
  pid_t pid = -1;
  int spawned = ::posix_spawnp(&pid, program_.c_str(), &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(in[0]);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(in[1]);
    ::close(out[0]);
    if (spawned == ENOENT) {
      return Error(ErrorKind::kSystem, "exec: \"" + program_ + "\": executable file not found in $PATH");
    }
    return Error(ErrorKind::kSystem, "exec: \"" + program_ + "\": " + std::strerror(spawned));
  }

  const Clock::time_point deadline = Clock::now() + timeout_;
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in[1]);
    in[1] = -1;
  }
  Output result;
  bool timed_out = false, too_much = false;
  for (;;) {
    long left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    int n = ::poll(fds, in[1] >= 0 ? 2 : 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (in[1] >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = ::send(in[1], input.data() + written, input.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();  // the helper stopped reading
      if (written == input.size()) {
        ::close(in[1]);
        in[1] = -1;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[8192];
      ssize_t r = ::read(out[0], buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;  // end of output
      result.out.append(buf, static_cast<std::size_t>(r));
      if (result.out.size() > kMaxOutputBytes) {
        too_much = true;
        break;
      }
    }
  }
  if (in[1] >= 0) ::close(in[1]);
  ::close(out[0]);
  if (timed_out || too_much) ::kill(-pid, SIGKILL);
  int status = 0;
  // After the output ended the helper is exiting; bound that wait too.
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      timed_out = true;
      ::waitpid(pid, &status, 0);
      break;
    }
    ::usleep(2000);
  }
  if (timed_out) {
    return Error(ErrorKind::kUnavailable, program_ + " " + action + " did not finish within " +
                                              std::to_string(timeout_.count()) + " ms (killed)");
  }
  if (too_much) {
    return Error(ErrorKind::kSystem,
                 program_ + " " + action + " printed more than " + std::to_string(kMaxOutputBytes) + " bytes");
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

Result<std::optional<HelperCredentials>> CredentialHelper::Get(const std::string& server_url) const {
  Result<Output> run = Run("get", server_url);
  if (!run) return RunError("getting", run.error());
  if (run->exit_code != 0) {
    if (IsNotFound(run->out)) return std::optional<HelperCredentials>();
    return CallError("getting", ExitText(run->exit_code), run->out);
  }
  HelperCredentials credentials;
  credentials.server_url = server_url;
  if (Status decoded = DecodeHelperCredentials(run->out, credentials); !decoded.ok()) {
    // Never echo the output here: it may hold the secret.
    return Error(ErrorKind::kSystem, "error getting credentials - " + program_ +
                                         " printed something that is not credentials: " + decoded.message());
  }
  return std::optional<HelperCredentials>(std::move(credentials));
}

Status CredentialHelper::Store(const HelperCredentials& credentials) const {
  Result<Output> run = Run("store", EncodeHelperCredentials(credentials));
  if (!run) return RunError("storing", run.error());
  if (run->exit_code != 0) return CallError("storing", ExitText(run->exit_code), run->out, &credentials);
  return {};
}

Status CredentialHelper::Erase(const std::string& server_url) const {
  Result<Output> run = Run("erase", server_url);
  if (!run) return RunError("erasing", run.error());
  if (run->exit_code != 0) {
    if (IsNotFound(run->out)) return {};
    return CallError("erasing", ExitText(run->exit_code), run->out);
  }
  return {};
}

Result<std::map<std::string, std::string>> CredentialHelper::List() const {
  Result<Output> run = Run("list", "");
  if (!run) return RunError("listing", run.error());
  if (run->exit_code != 0) return CallError("listing", ExitText(run->exit_code), run->out);
  std::map<std::string, std::string> out;
  if (Status decoded = DecodeHelperList(run->out, out); !decoded.ok()) {
    return CallError("listing", decoded.message(), "");
  }
  return out;
}

}  // namespace berth::credentials
