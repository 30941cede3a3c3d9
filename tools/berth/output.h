// What the registry-facing subcommands print, whether they talk to a
// registry directly or through an Engine: one wording for both paths.
#ifndef BERTH_TOOLS_BERTH_OUTPUT_H_
#define BERTH_TOOLS_BERTH_OUTPUT_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "berth/credentials.h"
#include "berth/error.h"
#include "berth/registry_client.h"
#include "berth/types.h"
#include "commands.h"

namespace berth::cli {

CommandOutput Failure(const std::string& message);
// The same after the warnings gathered so far.
CommandOutput Failure(const std::string& message, const std::vector<std::string>& warnings);
std::string Joined(const std::vector<std::string>& lines);
// Whether credentials were given on the command line.
bool HasCredentials(const AuthConfig& auth);

// The docker configuration in `config_dir` (--config, else $DOCKER_CONFIG,
// else ~/.docker) for one command. A credential helper that cannot be read
// adds one line to `warnings` per registry and the command goes on with
// what config.json holds, as the docker CLI does; `warnings` must outlive
// the store. $BERTH_CREDENTIAL_HELPER_TIMEOUT (seconds, default 30) bounds
// each helper call.
Result<std::unique_ptr<CredentialStore>> OpenCredentialStore(const std::string& config_dir,
                                                             std::vector<std::string>& warnings);

// The same for commands that only read credentials: a config.json that
// cannot be read is said once in `warnings` (CLI 28's `WARNING: Error
// parsing config file (PATH): …`) and the command goes on without stored
// credentials — the result is then a null store.
Result<std::unique_ptr<CredentialStore>> OpenCredentialStoreForReading(const std::string& config_dir,
                                                                       std::vector<std::string>& warnings);

// Credentials given on the command line for every registry, or else the
// stored ones per registry from `config_dir` (helper failures added to
// `warnings`); `holder` keeps the store alive for the resolver.
Result<AuthResolver> Resolver(const AuthConfig& given, const std::string& config_dir,
                              std::shared_ptr<CredentialStore>& holder, std::vector<std::string>& warnings);

// `--format table|json` of search results: the docker CLI 28's table
// (descriptions cut to 45 columns unless no_trunc), or the route's JSON
// array (HTML escaping off). Error for another format.
Result<std::string> SearchOutput(const std::vector<SearchResult>& results, const std::string& format,
                                 bool no_trunc = false);
// The CLI's --filter KEY=VALUE flags as filters.Args.
Result<std::map<std::string, std::set<std::string>>> ParseFilterFlags(const std::vector<std::string>& flags);

// The docker CLI's login once the registry is known: stored credentials
// first when none were given, else asked for; `login` does the POST /auth
// work (directly or through an Engine); the credentials are stored as the
// CLI stores them. `warnings` come first on stderr.
using LoginCall = std::function<Result<AuthenticateOKBody>(const AuthConfig&)>;
CommandOutput LoginWith(const LoginArgs& args, const Prompt& prompt, const LoginCall& login,
                        std::vector<std::string> warnings);

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_OUTPUT_H_
