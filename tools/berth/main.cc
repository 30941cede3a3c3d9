// berth — the command-line face of the library. Flag parsing and I/O only;
// the work is in commands.cc.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "berth/version.h"
#include "commands.h"

namespace {

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
      std::cerr << "berth: input larger than " << kMaxInputBytes
                << " bytes refused\n";
      return std::nullopt;
    }
  }
  return data;
}

// The argument if one was given, else standard input.
std::optional<std::string> ArgumentOrStdin(const std::optional<std::string>& arg,
                                           bool strip_newline) {
  if (arg) return arg;
  std::optional<std::string> in = ReadStdin();
  // `echo VALUE | berth ...` adds a newline that is not part of the value.
  if (in && strip_newline && !in->empty() && in->back() == '\n') {
    in->pop_back();
    if (!in->empty() && in->back() == '\r') in->pop_back();
  }
  return in;
}

// dockerd's registry options, the same on every command that needs the
// registry configuration: --config-file, --registry-mirror,
// --insecure-registry, --allow-nondistributable-artifacts.
struct RegistryArgs {
  berth::cli::ConfigRequest request;
  std::string config_file;
  std::string target;  // for commands that take a TARGET
  std::string certs_dir = "/etc/docker/certs.d";

  berth::cli::ConfigRequest Request() const {
    berth::cli::ConfigRequest r = request;
    if (!config_file.empty()) r.config_file = config_file;
    return r;
  }
};

void AddRegistryConfigOptions(CLI::App* cmd, RegistryArgs& args) {
  cmd->add_option("--config-file", args.config_file, "a daemon.json to read");
  cmd->add_option("--registry-mirror", args.request.registry_mirrors,
                  "a registry mirror for docker.io (repeatable)");
  cmd->add_option("--insecure-registry", args.request.insecure_registries,
                  "a registry (host[:port] or CIDR) to reach without TLS verification (repeatable)");
  cmd->add_option("--allow-nondistributable-artifacts", args.request.allow_nondistributable_artifacts,
                  "a registry (host[:port] or CIDR) to push non-distributable artifacts to "
                  "(repeatable)");
}

// The above, plus TARGET and --certs-dir: commands that reach a registry.
void AddRegistryTargetOptions(CLI::App* cmd, RegistryArgs& args) {
  cmd->add_option("TARGET", args.target, "an image reference or a registry host[:port]")
      ->required();
  cmd->add_option("--certs-dir", args.certs_dir,
                  "per-registry TLS material: DIR/HOST[:PORT]/{*.crt,*.cert,*.key}")
      ->capture_default_str();
  AddRegistryConfigOptions(cmd, args);
}

// Credentials on the command line: -u USER and the password on stdin.
// Credentials on the command line (-u, -p or --password-stdin) and where
// stored ones live (--config).
struct CredentialArgs {
  std::string username;
  std::string password;
  bool password_stdin = false;
  std::string config_dir;

  // The password given, if any; nullopt in *ok = false when the flags
  // conflict or stdin could not be read (the message is printed).
  std::optional<std::string> Password(bool* ok) const {
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

  // For commands that only use credentials: nullopt when they are unusable.
  std::optional<berth::AuthConfig> Read() const {
    bool ok = false;
    std::optional<std::string> given = Password(&ok);
    if (!ok) return std::nullopt;
    berth::AuthConfig auth;
    auth.username = username;
    auth.password = given.value_or("");
    return auth;
  }
};

void AddCredentialOptions(CLI::App* cmd, CredentialArgs& args) {
  cmd->add_option("-u,--username", args.username, "user name at the registry");
  cmd->add_option("-p,--password", args.password, "password (insecure: use --password-stdin)");
  cmd->add_flag("--password-stdin", args.password_stdin, "read the password from standard input");
  cmd->add_option("--config", args.config_dir,
                  "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)");
}

// Asks on the terminal (/dev/tty), without echo for secrets; nullopt when
// there is no terminal.
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

int Emit(const berth::cli::CommandOutput& r) {
  if (r.err_first && !r.err.empty()) std::cerr << r.err << '\n' << std::flush;
  if (!r.out.empty()) std::cout << r.out << '\n';
  if (!r.err_first && !r.err.empty()) std::cerr << r.err << '\n';
  std::cout.flush();
  return r.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"berth: the Docker Engine's registry subsystem, natively"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("berth ") + BERTH_VERSION);

  int exit_code = 0;

  // docker's global flags, before the subcommand (commands.h GlobalArgs).
  // -H/--host (or DOCKER_HOST): login, search and inspect go through that
  // Engine instead of straight to the registry; info always does.
  berth::cli::GlobalArgs global;
  bool tls = false, tls_verify = false;
  app.add_option("--config", global.config_dir,
                 "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)");
  std::vector<std::string> hosts;
  app.add_option("-H,--host", hosts,
                 "an Engine to go through: unix:///PATH, tcp://HOST:PORT or https://HOST:PORT (default "
                 "$DOCKER_HOST; none: straight to registries)");
  CLI::Option* tls_flag = app.add_flag("--tls", tls, "use TLS with the Engine; implied by --tlsverify ($DOCKER_TLS)");
  CLI::Option* tls_verify_flag =
      app.add_flag("--tlsverify", tls_verify, "use TLS and verify the Engine's certificate ($DOCKER_TLS_VERIFY)");
  app.add_option("--tlscacert", global.tls_ca_cert, "trust certificates signed by this CA (default $DOCKER_CERT_PATH/ca.pem)");
  app.add_option("--tlscert", global.tls_cert, "TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)");
  app.add_option("--tlskey", global.tls_key, "TLS key file (default $DOCKER_CERT_PATH/key.pem)");
  app.add_flag("-D,--debug", global.debug, "debug output");
  app.add_option("-l,--log-level", global.log_level, "debug, info, warn, error or fatal")
      ->capture_default_str()
      ->check([](const std::string& level) {
        return berth::cli::ParseLogLevel(level).ok() ? std::string()
                                                     : berth::cli::ParseLogLevel(level).error().message();
      });
  app.fallthrough();
  auto through_engine = [&hosts]() {
    const char* env = std::getenv("DOCKER_HOST");
    return !hosts.empty() || (env && *env);
  };
  // The Engine connection from the global flags; nullopt (and the error
  // printed) when they do not make one.
  auto engine_options = [&]() -> std::optional<berth::EngineClientOptions> {
    if (hosts.size() > 1) {
      std::cerr << "berth: Specify only one -H\n";
      return std::nullopt;
    }
    if (!hosts.empty()) global.host = hosts[0];
    if (tls_flag->count() > 0) global.tls = tls;
    if (tls_verify_flag->count() > 0) global.tls_verify = tls_verify;
    if (global.debug) global.log_level = "debug";
    if (auto level = berth::cli::ParseLogLevel(global.log_level); level.ok()) global.log_level = *level;
    berth::Result<berth::EngineClientOptions> options = berth::cli::EngineOptionsFor(global);
    if (!options) {
      std::cerr << "berth: " << options.error().message() << "\n";
      return std::nullopt;
    }
    if (global.log_level == "debug" || global.log_level == "trace") {
      std::cerr << "DEBU berth: Engine " << (options->host.empty() ? "unix:///var/run/docker.sock" : options->host)
                << (options->tls ? (options->tls_verify ? " over TLS, verified" : " over TLS, not verified") : "")
                << "\n";
    }
    return *options;
  };
  // A subcommand's own --config, else the global one.
  auto config_dir = [&global](const std::string& own) { return own.empty() ? global.config_dir : own; };

  // berth auth encode|decode
  CLI::App* auth = app.add_subcommand("auth", "X-Registry-Auth header values");
  auth->require_subcommand(1);

  std::optional<std::string> encode_json;
  std::string encode_reference;
  RegistryArgs encode_args;
  std::string encode_config_dir;
  CLI::App* encode = auth->add_subcommand(
      "encode", "AuthConfig JSON (argument or stdin) to a header value, or with --from-config the header "
                "the docker CLI sends for an image");
  encode->add_option("JSON", encode_json, "AuthConfig as JSON");
  encode->add_option("--from-config", encode_reference, "an image reference: its stored credentials");
  encode->add_option("--config", encode_config_dir,
                     "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)");
  encode->add_option("--certs-dir", encode_args.certs_dir, "per-registry TLS material")->capture_default_str();
  AddRegistryConfigOptions(encode, encode_args);
  encode->callback([&] {
    if (!encode_reference.empty()) {
      exit_code = Emit(berth::cli::AuthEncodeFromConfig(encode_args.Request(), encode_args.certs_dir,
                                                        config_dir(encode_config_dir), encode_reference));
      return;
    }
    auto in = ArgumentOrStdin(encode_json, false);
    exit_code = in ? Emit(berth::cli::AuthEncode(*in)) : 1;
  });

  std::optional<std::string> decode_value;
  bool decode_body = false;
  CLI::App* decode = auth->add_subcommand(
      "decode",
      "A header value (argument or stdin) to the AuthConfig the Engine gets; "
      "{} and the Engine's error on failure");
  decode->add_option("HEADER", decode_value, "the header value");
  decode->add_flag("--body", decode_body,
                   "decode a POST /auth request body instead of a header");
  decode->callback([&] {
    auto in = ArgumentOrStdin(decode_value, !decode_body);
    exit_code = in ? Emit(berth::cli::AuthDecode(*in, decode_body)) : 1;
  });

  // berth json TYPE
  std::string json_type;
  std::optional<std::string> json_payload;
  bool json_first = false;
  bool json_html = false;
  CLI::App* json = app.add_subcommand(
      "json",
      "Decode an Engine API payload with the Engine's rules and print it as "
      "the Engine writes it");
  json->add_option("TYPE", json_type, "the payload's type")
      ->required()
      ->check(CLI::IsMember(berth::cli::JsonTypeNames()));
  json->add_option("PAYLOAD", json_payload, "the JSON (default: stdin)");
  json->add_flag("--first-value", json_first,
                 "read only the first JSON value, as a request body decoder "
                 "does (default: the whole input must be one value)");
  json->add_flag("--escape-html", json_html,
                 "escape <, > and & as json.Marshal does (the API does not)");
  json->callback([&] {
    auto in = ArgumentOrStdin(json_payload, false);
    exit_code = in ? Emit(berth::cli::JsonNormalize(json_type, *in, json_first,
                                                    json_html))
                   : 1;
  });

  // berth ref [--any] REFERENCE
  std::string ref_value;
  bool ref_any = false;
  CLI::App* ref = app.add_subcommand(
      "ref", "Parse an image reference as the Engine does and print its parts as JSON");
  ref->add_option("REFERENCE", ref_value, "e.g. ubuntu:22.04")->required();
  ref->add_flag("--any", ref_any,
                "also accept image IDs and digests (ParseAnyReference)");
  ref->callback([&] {
    exit_code = Emit(berth::cli::RefInfo(
        ref_value, ref_any ? berth::cli::RefMode::kAny : berth::cli::RefMode::kNormalized));
  });

  // berth config [--config-file FILE] [--registry-mirror URL]...
  RegistryArgs config_args;
  CLI::App* config = app.add_subcommand(
      "config", "Build the registry configuration as dockerd does and print it as GET /info shows it");
  AddRegistryConfigOptions(config, config_args);
  config->callback([&] { exit_code = Emit(berth::cli::ConfigShow(config_args.Request())); });

  // berth endpoints TARGET [--push] (with the config options)
  RegistryArgs endpoints_args;
  bool endpoints_push = false;
  CLI::App* endpoints = app.add_subcommand(
      "endpoints", "Where the Engine would pull from (or push to) for an image or registry, in order");
  endpoints->add_flag("--push", endpoints_push, "push endpoints (never mirrors)");
  AddRegistryTargetOptions(endpoints, endpoints_args);
  endpoints->callback([&] {
    exit_code = Emit(berth::cli::EndpointsShow(endpoints_args.Request(), endpoints_args.target,
                                               endpoints_push, endpoints_args.certs_dir));
  });

  // berth ping TARGET (with the config options)
  RegistryArgs ping_args;
  CLI::App* ping = app.add_subcommand(
      "ping", "GET /v2/ on a registry (no mirrors) and show its status and auth challenges");
  AddRegistryTargetOptions(ping, ping_args);
  ping->callback([&] {
    exit_code = Emit(berth::cli::PingShow(ping_args.Request(), ping_args.target, ping_args.certs_dir));
  });

  // berth login [SERVER]
  RegistryArgs login_args;
  CredentialArgs login_credentials;
  std::string login_server;
  CLI::App* login = app.add_subcommand(
      "login", "Log in to a registry as POST /auth does (Docker Hub when SERVER is not given)");
  login->add_option("SERVER", login_server, "registry host[:port] or URL");
  login->add_option("--certs-dir", login_args.certs_dir, "per-registry TLS material")->capture_default_str();
  AddRegistryConfigOptions(login, login_args);
  AddCredentialOptions(login, login_credentials);
  login->callback([&] {
    bool ok = false;
    berth::cli::LoginArgs args;
    args.password = login_credentials.Password(&ok);
    if (!ok) {
      exit_code = 1;
      return;
    }
    args.server = login_server;
    args.username = login_credentials.username;
    args.config_dir = config_dir(login_credentials.config_dir);
    if (!through_engine()) {
      exit_code = Emit(berth::cli::LoginRun(login_args.Request(), login_args.certs_dir, args, AskTerminal));
    } else if (auto engine = engine_options()) {
      exit_code = Emit(berth::cli::LoginThroughEngine(*engine, args, AskTerminal));
    } else {
      exit_code = 1;
    }
  });

  // berth logout [SERVER]
  std::string logout_server, logout_config_dir;
  CLI::App* logout = app.add_subcommand("logout", "Remove the stored credentials for a registry (Docker Hub when "
                                                  "SERVER is not given)");
  logout->add_option("SERVER", logout_server, "registry host[:port] or URL");
  logout->add_option("--config", logout_config_dir,
                     "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)");
  logout->callback([&] { exit_code = Emit(berth::cli::LogoutRun(config_dir(logout_config_dir), logout_server)); });

  // berth search TERM
  RegistryArgs search_args;
  CredentialArgs search_credentials;
  berth::cli::SearchArgs search_request;
  CLI::App* search = app.add_subcommand(
      "search", "Search a registry as GET /images/search does (v1 search, else the v2 catalog)");
  search->add_option("TERM", search_request.term, "what to look for; HOST/TERM searches that registry")
      ->required();
  search->add_option("--limit", search_request.limit, "at most this many results (1-100; default 25)");
  search->add_option("-f,--filter", search_request.filters,
                     "is-official=BOOL, is-automated=BOOL or stars=N (repeatable)");
  search->add_option("--format", search_request.format, "table or json")->capture_default_str();
  search->add_flag("--no-trunc", search_request.no_trunc, "do not cut descriptions to 45 columns");
  search->add_option("--certs-dir", search_args.certs_dir, "per-registry TLS material")->capture_default_str();
  AddRegistryConfigOptions(search, search_args);
  AddCredentialOptions(search, search_credentials);
  search->callback([&] {
    std::optional<berth::AuthConfig> credentials = search_credentials.Read();
    const std::string dir = config_dir(search_credentials.config_dir);
    if (!credentials) {
      exit_code = 1;
    } else if (!through_engine()) {
      exit_code = Emit(berth::cli::SearchRun(search_args.Request(), search_args.certs_dir, search_request,
                                             *credentials, dir));
    } else if (auto engine = engine_options()) {
      exit_code = Emit(berth::cli::SearchThroughEngine(*engine, search_request, *credentials, dir));
    } else {
      exit_code = 1;
    }
  });

  // berth inspect REFERENCE...
  RegistryArgs inspect_args;
  CredentialArgs inspect_credentials;
  std::vector<std::string> inspect_refs;
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Resolve images to their digest and platforms as GET /distribution/{name}/json does");
  inspect->add_option("REFERENCE", inspect_refs, "image references")->required();
  inspect->add_option("--certs-dir", inspect_args.certs_dir, "per-registry TLS material")->capture_default_str();
  AddRegistryConfigOptions(inspect, inspect_args);
  AddCredentialOptions(inspect, inspect_credentials);
  inspect->callback([&] {
    std::optional<berth::AuthConfig> credentials = inspect_credentials.Read();
    const std::string dir = config_dir(inspect_credentials.config_dir);
    if (!credentials) {
      exit_code = 1;
    } else if (!through_engine()) {
      exit_code = Emit(berth::cli::InspectRun(inspect_args.Request(), inspect_args.certs_dir, inspect_refs,
                                              *credentials, dir));
    } else if (auto engine = engine_options()) {
      exit_code = Emit(berth::cli::InspectThroughEngine(*engine, inspect_refs, *credentials, dir));
    } else {
      exit_code = 1;
    }
  });

  // berth info
  std::string info_format = "table";
  CLI::App* info = app.add_subcommand(
      "info", "An Engine's registry configuration, as `docker info` shows it (GET /info; -H or $DOCKER_HOST, else "
              "unix:///var/run/docker.sock)");
  info->add_option("--format", info_format, "table or json (the daemon's answer)")->capture_default_str();
  info->callback([&] {
    auto engine = engine_options();
    exit_code = engine ? Emit(berth::cli::InfoRun(*engine, info_format)) : 1;
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }
  return exit_code;
}
