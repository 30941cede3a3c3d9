// What every `berth` subcommand's front end shares: the global flags (docker's
// --config, -H, --tls…, -D, -l), the flag groups several subcommands take
// (dockerd's registry options, credentials), reading values from arguments
// or standard input, asking on the terminal, and printing a CommandOutput.
#ifndef BERTH_TOOLS_BERTH_CLI_CONTEXT_H_
#define BERTH_TOOLS_BERTH_CLI_CONTEXT_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"

namespace berth::cli {

// The global flags, bound before any subcommand, and the exit code the
// chosen subcommand sets.
class CliContext {
 public:
  // Adds docker's global flags to the top-level command.
  void AddGlobalFlags(CLI::App& app);

  // Whether commands go through an Engine (-H, or DOCKER_HOST) rather than
  // straight to registries.
  bool ThroughEngine() const;
  // The Engine connection the global flags describe; nullopt (and the error
  // printed) when they do not make one.
  std::optional<EngineClientOptions> EngineOptions();
  // A subcommand's own --config, else the global one.
  std::string ConfigDir(const std::string& own) const { return own.empty() ? global_.config_dir : own; }

  int exit_code = 0;

 private:
  GlobalArgs global_;
  std::vector<std::string> hosts_;
  bool tls_ = false, tls_verify_ = false;
  CLI::Option* tls_flag_ = nullptr;
  CLI::Option* tls_verify_flag_ = nullptr;
};

// dockerd's registry options, the same on every command that needs the
// registry configuration: --config-file, --registry-mirror,
// --insecure-registry, --allow-nondistributable-artifacts; and where
// per-registry TLS material lives (--certs-dir).
struct RegistryArgs {
  ConfigRequest request;
  std::string config_file;
  std::string target;  // for commands that take a TARGET
  std::string certs_dir = "/etc/docker/certs.d";

  ConfigRequest Request() const;
};
void AddRegistryConfigOptions(CLI::App* cmd, RegistryArgs& args);
// The registry options and --certs-dir.
void AddRegistryOptions(CLI::App* cmd, RegistryArgs& args);
// The above, plus TARGET: commands that reach one registry.
void AddRegistryTargetOptions(CLI::App* cmd, RegistryArgs& args);

// Credentials on the command line (-u, -p or --password-stdin) and where
// stored ones live (--config).
struct CredentialArgs {
  std::string username;
  std::string password;
  bool password_stdin = false;
  std::string config_dir;

  // The password given, if any; nullopt with *ok = false when the flags
  // conflict or stdin could not be read (the docker CLI's message printed).
  std::optional<std::string> Password(bool* ok) const;
  // For commands that only use credentials: nullopt when they are unusable.
  std::optional<AuthConfig> Read() const;
};
void AddCredentialOptions(CLI::App* cmd, CredentialArgs& args);

// The argument if one was given, else all of standard input (at most 64
// MiB; nullopt and a message beyond, or when it cannot be read). With
// strip_newline, one trailing "\n" or "\r\n" from `echo VALUE |` is dropped.
std::optional<std::string> ArgumentOrStdin(const std::optional<std::string>& arg, bool strip_newline);

// Asks on the terminal (/dev/tty), without echo for secrets; nullopt when
// there is no terminal.
std::optional<std::string> AskTerminal(const std::string& question, bool echo);

// Prints what a command produced (stderr first when it says so) and
// returns its exit code.
int Emit(const CommandOutput& output);

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_CLI_CONTEXT_H_
