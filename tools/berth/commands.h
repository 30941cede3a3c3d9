// The work behind each `berth` subcommand, apart from flag parsing and I/O,
// so that tests (and the differential oracle) run exactly what users run.
#ifndef BERTH_TOOLS_BERTH_COMMANDS_H_
#define BERTH_TOOLS_BERTH_COMMANDS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/daemon_config.h"
#include "berth/engine_client.h"
#include "berth/error.h"
#include "berth/registry_service.h"
#include "berth/transfer.h"
#include "berth/types.h"

namespace berth::cli {

// What a command prints: one line (without its newline) for stdout, the
// error text for stderr (empty if none), and the exit code.
struct CommandOutput {
  std::string out;
  std::string err;
  int exit_code = 0;
  bool err_first = false;  // stderr's text is printed before stdout's
  bool raw = false;        // stdout's text is printed as is, without a newline
};

// `berth auth encode`: AuthConfig JSON in (Go's json.Unmarshal rules),
// X-Registry-Auth header value out.
CommandOutput AuthEncode(std::string_view auth_config_json);

// `berth auth decode`: header value (or, with body, a JSON request body) in;
// the AuthConfig the Engine would get out, marshalled as json.Marshal does —
// `{}` with the Engine's error on failure.
CommandOutput AuthDecode(std::string_view input, bool body);

// `berth json TYPE`: decode `payload` as TYPE with json.Unmarshal's rules
// (or json.Decoder's with first_value) and print it as the Engine's API
// writes it (HTML escaping off unless escape_html).
CommandOutput JsonNormalize(std::string_view type, std::string_view payload, bool first_value, bool escape_html);

// How `berth ref` parses: the docker-style parser (ParseNormalizedNamed),
// ParseAnyReference (--any), or the grammar alone (ParseReference).
enum class RefMode { kNormalized, kAny, kStrict };

// `berth ref REFERENCE`: one JSON line with string, familiar, name, domain,
// path, tag, digest (absent parts left out), or the Engine's error.
CommandOutput RefInfo(std::string_view reference, RefMode mode);

// `berth config`: the registry options from a daemon.json and from flags
// (in the order given), as dockerd takes them.
using ConfigRequest = DaemonConfigSources;

// The ServiceConfig as GET /info shows it, or the Engine's error; warnings
// (an http:// prefix dropped) go to stderr with exit 0.
CommandOutput ConfigShow(const ConfigRequest& request);

// `berth endpoints TARGET [--push]`: where the Engine would pull from (or
// push to) for an image reference or a registry host, in order, one JSON
// line each: url, mirror, official, tls_verify,
// allow_nondistributable_artifacts.
// TLS material comes from certs_dir/HOST (ca_files, client_certificates).
CommandOutput EndpointsShow(const ConfigRequest& config, std::string_view target, bool push,
                            const std::string& certs_dir);

// `berth ping TARGET`: GET /v2/ on the registry's endpoints in order (no
// mirrors) until one answers; one JSON line: url, status, api_version,
// challenges [{scheme, params}]. Exit 1 with the last error if none does.
CommandOutput PingShow(const ConfigRequest& config, std::string_view target, const std::string& certs_dir);

// The registry service the configuration describes (certs from certs_dir);
// warnings (an http:// prefix dropped) collected.
Result<std::unique_ptr<RegistryService>> ServiceFor(const ConfigRequest& config, const std::string& certs_dir,
                                                    std::vector<std::string>& warnings);

// Asks the user on the terminal: nullopt when there is none.
using Prompt = std::function<std::optional<std::string>(const std::string& question, bool echo)>;

struct LoginArgs {
  std::string server;                   // "" is Docker Hub
  std::string username;                 // -u
  std::optional<std::string> password;  // -p or --password-stdin
  std::string config_dir;               // --config, else $DOCKER_CONFIG, else ~/.docker
};

// `berth login [SERVER]`: the docker CLI's login — stored credentials tried
// first when none are given, else asked for on the terminal — then the
// Engine's POST /auth against the registry, and the credentials (the
// identity token instead of the password when the registry issued one)
// stored where the docker CLI would store them. Prints the Status line.
CommandOutput LoginRun(const ConfigRequest& config, const std::string& certs_dir, const LoginArgs& args,
                       const Prompt& prompt);

// `berth logout [SERVER]`: removes the credentials for SERVER (and the
// variants the docker CLI removes) from the file or the store.
CommandOutput LogoutRun(const std::string& config_dir, const std::string& server);

// `berth auth encode --from-config REFERENCE`: the X-Registry-Auth value the
// docker CLI sends for that image, from the stored credentials.
CommandOutput AuthEncodeFromConfig(const ConfigRequest& config, const std::string& certs_dir,
                                   const std::string& config_dir, const std::string& reference);

struct SearchArgs {
  std::string term;
  int limit = 0;
  std::vector<std::string> filters;  // KEY=VALUE
  std::string format = "table";      // or "json"
  bool no_trunc = false;             // whole descriptions in the table
};

// `berth search TERM`: the Engine's GET /images/search (json: the route's
// array, byte for byte), with the method that answered on stderr.
// Without credentials on the command line, those stored for the registry.
CommandOutput SearchRun(const ConfigRequest& config, const std::string& certs_dir, const SearchArgs& args,
                        const AuthConfig& auth, const std::string& config_dir);

// `berth inspect REFERENCE…`: one DistributionInspect JSON line per
// reference as GET /distribution/{name}/json writes it, resolved
// concurrently; failures on stderr, exit 1 if any. Credentials given on the
// command line go only to the registry of the references, which must then
// all be on one registry; without them each registry's stored credentials
// are used.
CommandOutput InspectRun(const ConfigRequest& config, const std::string& certs_dir,
                         const std::vector<std::string>& references, const AuthConfig& auth,
                         const std::string& config_dir);

// `berth copy SRC DST`, `berth tags`, `berth manifest`: image locations as
// skopeo names them (docker://, oci:, oci-archive:, docker-archive:); a
// bare reference is docker://. Registry credentials: --src-creds /
// --dest-creds USER[:PASS] (asked for on the terminal when PASS is left
// out), else those stored for each registry.
struct CopyArgs {
  std::string source, destination;
  std::vector<std::string> platforms;  // os/arch[/variant]
  bool all_tags = false;
  bool referrers = false;
  int jobs = 0;
  std::string source_creds, destination_creds;
};

// Copies; each CopyEvent goes to `on_event` as it happens. out: the
// destination's digest, or with all_tags one "TAG DIGEST" line per image.
CommandOutput CopyRun(const ConfigRequest& config, const std::string& certs_dir, const CopyArgs& args,
                      const std::string& config_dir, const std::function<void(const CopyEvent&)>& on_event,
                      const Prompt& prompt);

// `berth tags REPOSITORY|LOCATION`: one tag per line.
CommandOutput TagsRun(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                      const std::string& creds, const std::string& config_dir, const Prompt& prompt);

// `berth manifest REFERENCE|LOCATION [--platform P]`: the manifest's bytes
// as stored, nothing added (no newline).
CommandOutput ManifestRun(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                          const std::string& platform, const std::string& creds, const std::string& config_dir,
                          const Prompt& prompt);

// docker's global flags, given before the subcommand, with the docker
// CLI's environment defaults (cli/flags in the docker CLI):
//   --config DIR          DOCKER_CONFIG, else ~/.docker (a subcommand's own
//                         --config wins)
//   -H, --host HOST       DOCKER_HOST; when either is set, login, search and
//                         inspect go through that Engine
//   --tls                 DOCKER_TLS; implied by --tlsverify, even =false
//   --tlsverify           DOCKER_TLS_VERIFY (any non-empty value)
//   --tlscacert/--tlscert/--tlskey   DOCKER_CERT_PATH's (else the config
//                         directory's) ca.pem, cert.pem, key.pem
//   -D, --debug, -l, --log-level   debug|info|warn|error|fatal
struct GlobalArgs {
  std::string config_dir;
  std::string host;
  std::optional<bool> tls, tls_verify;  // nullopt: not given
  std::string tls_ca_cert, tls_cert, tls_key;
  bool debug = false;
  std::string log_level = "info";
};

// A log level as logrus reads it (any case): its lower-case name, or
// "Unable to parse logging level: X" (the docker CLI's words).
Result<std::string> ParseLogLevel(const std::string& level);

// The Engine connection the global flags describe over the environment's
// (EngineClientOptions::FromEnvironment). Errors: an unknown log level
// ("Unable to parse logging level: X", the CLI's words).
Result<EngineClientOptions> EngineOptionsFor(const GlobalArgs& global);

// Through an Engine (`berth -H HOST …`, or DOCKER_HOST): the same commands
// as the docker CLI runs them against a daemon. `engine` is where and how
// (EngineOptionsFor); DOCKER_API_VERSION applies as for the CLI. Errors
// are the daemon's ("Error response from daemon: …").

// `berth info [--format table|json]`: GET /info — the registry
// configuration as `docker info` prints it, or the daemon's JSON.
CommandOutput InfoRun(const EngineClientOptions& engine, const std::string& format);
// `berth -H HOST login`: POST /auth through the Engine, credentials stored
// as by LoginRun.
CommandOutput LoginThroughEngine(const EngineClientOptions& engine, const LoginArgs& args, const Prompt& prompt);
// `berth -H HOST search`: GET /images/search with the X-Registry-Auth the
// docker CLI sends (the given credentials, else those stored for the
// term's registry; "e30=" for none).
CommandOutput SearchThroughEngine(const EngineClientOptions& engine, const SearchArgs& args, const AuthConfig& auth,
                                  const std::string& config_dir);
// `berth -H HOST inspect`: GET /distribution/{name}/json for each
// reference, with the credentials given or stored for its registry (as
// `docker service create --with-registry-auth` sends them).
CommandOutput InspectThroughEngine(const EngineClientOptions& engine, const std::vector<std::string>& references,
                                   const AuthConfig& auth, const std::string& config_dir);

// The TYPE names `berth json` takes.
const std::vector<std::string>& JsonTypeNames();

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_COMMANDS_H_
