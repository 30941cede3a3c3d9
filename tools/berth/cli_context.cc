#include "cli_context.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace berth::cli {
namespace {

constexpr const char* kConfigDirHelp =
    "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)";

// Payloads larger than this are refused rather than read without end.
constexpr std::size_t kMaxInputBytes = 64u << 20;

// Reads all of stdin. nullopt (and a message) when it is too large.
std::optional<std::string> ReadStdin() {
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::cerr << "berth: reading standard input failed\n";
      return std::nullopt;
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > kMaxInputBytes) {
      std::cerr << "berth: input larger than " << kMaxInputBytes << " bytes refused\n";
      return std::nullopt;
    }
  }
  return data;
}

}  // namespace

void CliContext::AddGlobalFlags(CLI::App& app) {
  app.add_option("--config", global_.config_dir, kConfigDirHelp);
  app.add_option("-H,--host", hosts_,
                 "an Engine to go through: unix:///PATH, tcp://HOST:PORT or https://HOST:PORT (default "
                 "$DOCKER_HOST; none: straight to registries)");
  tls_flag_ = app.add_flag("--tls", tls_, "use TLS with the Engine; implied by --tlsverify ($DOCKER_TLS)");
  tls_verify_flag_ =
      app.add_flag("--tlsverify", tls_verify_, "use TLS and verify the Engine's certificate ($DOCKER_TLS_VERIFY)");
  app.add_option("--tlscacert", global_.tls_ca_cert,
                 "trust certificates signed by this CA (default $DOCKER_CERT_PATH/ca.pem)");
  app.add_option("--tlscert", global_.tls_cert, "TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)");
  app.add_option("--tlskey", global_.tls_key, "TLS key file (default $DOCKER_CERT_PATH/key.pem)");
  app.add_flag("-D,--debug", global_.debug, "debug output");
  app.add_option("-l,--log-level", global_.log_level, "debug, info, warn, error or fatal")
      ->capture_default_str()
      ->check([](const std::string& level) {
        Result<std::string> parsed = ParseLogLevel(level);
        return parsed.ok() ? std::string() : parsed.error().message();
      });
}

bool CliContext::ThroughEngine() const {
  const char* env = std::getenv("DOCKER_HOST");
  return !hosts_.empty() || (env && *env);
}

std::optional<EngineClientOptions> CliContext::EngineOptions() {
  if (hosts_.size() > 1) {
    std::cerr << "berth: Specify only one -H\n";
    return std::nullopt;
  }
  if (!hosts_.empty()) global_.host = hosts_[0];
  if (tls_flag_->count() > 0) global_.tls = tls_;
  if (tls_verify_flag_->count() > 0) global_.tls_verify = tls_verify_;
  if (global_.debug) global_.log_level = "debug";
  if (auto level = ParseLogLevel(global_.log_level); level.ok()) global_.log_level = *level;
  Result<EngineClientOptions> options = EngineOptionsFor(global_);
  if (!options) {
    std::cerr << "berth: " << options.error().message() << "\n";
    return std::nullopt;
  }
  if (global_.log_level == "debug" || global_.log_level == "trace") {
    std::cerr << "DEBU berth: Engine " << (options->host.empty() ? "unix:///var/run/docker.sock" : options->host)
              << (options->tls ? (options->tls_verify ? " over TLS, verified" : " over TLS, not verified") : "")
              << "\n";
  }
  return *options;
}

ConfigRequest RegistryArgs::Request() const {
  ConfigRequest r = request;
  if (!config_file.empty()) r.config_file = config_file;
  return r;
}

void AddRegistryConfigOptions(CLI::App* cmd, RegistryArgs& args) {
  cmd->add_option("--config-file", args.config_file, "a daemon.json to read");
  // Repeatable options take one value each: `--insecure-registry H IMAGE`
  // leaves IMAGE to the positional arguments.
  cmd->add_option("--registry-mirror", args.request.registry_mirrors, "a registry mirror for docker.io (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--insecure-registry", args.request.insecure_registries,
                  "a registry (host[:port] or CIDR) to reach without TLS verification (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--allow-nondistributable-artifacts", args.request.allow_nondistributable_artifacts,
                  "a registry (host[:port] or CIDR) to push non-distributable artifacts to (repeatable)")
      ->allow_extra_args(false);
}

void AddRegistryOptions(CLI::App* cmd, RegistryArgs& args) {
  cmd->add_option("--certs-dir", args.certs_dir, "per-registry TLS material: DIR/HOST[:PORT]/{*.crt,*.cert,*.key}")
      ->capture_default_str();
  AddRegistryConfigOptions(cmd, args);
}

void AddRegistryTargetOptions(CLI::App* cmd, RegistryArgs& args) {
  cmd->add_option("TARGET", args.target, "an image reference or a registry host[:port]")->required();
  AddRegistryOptions(cmd, args);
}

std::optional<std::string> CredentialArgs::Password(bool* ok) const {
  *ok = true;
  if (!password.empty()) {
    std::cerr << "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n";
    if (password_stdin) {
      std::cerr << "berth: --password and --password-stdin are mutually exclusive\n";
      *ok = false;
      return std::nullopt;
    }
    return password;
  }
  if (!password_stdin) return std::nullopt;
  if (username.empty()) {
    std::cerr << "berth: the --password-stdin option requires --username to be set\n";
    *ok = false;
    return std::nullopt;
  }
  std::optional<std::string> read = ArgumentOrStdin(std::nullopt, true);
  if (!read) *ok = false;
  return read;
}

std::optional<AuthConfig> CredentialArgs::Read() const {
  bool ok = false;
  std::optional<std::string> given = Password(&ok);
  if (!ok) return std::nullopt;
  AuthConfig auth;
  auth.username = username;
  auth.password = given.value_or("");
  return auth;
}

void AddCredentialOptions(CLI::App* cmd, CredentialArgs& args) {
  cmd->add_option("-u,--username", args.username, "user name at the registry");
  cmd->add_option("-p,--password", args.password, "password (insecure: use --password-stdin)");
  cmd->add_flag("--password-stdin", args.password_stdin, "read the password from standard input");
  cmd->add_option("--config", args.config_dir, kConfigDirHelp);
}

std::optional<std::string> ArgumentOrStdin(const std::optional<std::string>& arg, bool strip_newline) {
  if (arg) return arg;
  std::optional<std::string> in = ReadStdin();
  if (in && strip_newline && !in->empty() && in->back() == '\n') {
    in->pop_back();
    if (!in->empty() && in->back() == '\r') in->pop_back();
  }
  return in;
}

std::optional<std::string> AskTerminal(const std::string& question, bool echo) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  termios saved{};
  bool restore = false;
  if (!echo && ::tcgetattr(fd, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  ssize_t ignored = ::write(fd, question.data(), question.size());
  std::string answer;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') answer += c;
  if (restore) {
    ::tcsetattr(fd, TCSAFLUSH, &saved);
    ignored = ::write(fd, "\n", 1);
  }
  (void)ignored;
  ::close(fd);
  if (!answer.empty() && answer.back() == '\r') answer.pop_back();
  return answer;
}

int Emit(const CommandOutput& r) {
  if (r.err_first && !r.err.empty()) std::cerr << r.err << '\n' << std::flush;
  if (!r.out.empty()) std::cout << r.out << (r.raw ? "" : "\n");
  if (!r.err_first && !r.err.empty()) std::cerr << r.err << '\n';
  std::cout.flush();
  return r.exit_code;
}

}  // namespace berth::cli
