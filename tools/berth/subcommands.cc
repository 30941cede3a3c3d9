// Each New…Command keeps its options in a shared_ptr its callback holds, so
// they live as long as the command tree.
#include "subcommands.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <memory>

#include "progress_view.h"

namespace berth::cli {
namespace {

// ---- auth encode|decode ---------------------------------------------------

struct AuthEncodeOptions {
  std::optional<std::string> json;
  std::string reference;  // --from-config
  RegistryArgs registry;
  std::string config_dir;
};

int RunAuthEncode(CliContext& cli, const AuthEncodeOptions& o) {
  if (!o.reference.empty()) {
    if (o.json) {
      return Emit(CommandOutput{
          "", "berth: --from-config takes the credentials from the configuration, not a JSON argument", 1});
    }
    return Emit(
        AuthEncodeFromConfig(o.registry.Request(), o.registry.certs_dir, cli.ConfigDir(o.config_dir), o.reference));
  }
  std::optional<std::string> in = ArgumentOrStdin(o.json, false);
  return in ? Emit(AuthEncode(*in)) : 1;
}

struct AuthDecodeOptions {
  std::optional<std::string> value;
  bool body = false;
};

int RunAuthDecode(const AuthDecodeOptions& o) {
  std::optional<std::string> in = ArgumentOrStdin(o.value, !o.body);
  return in ? Emit(AuthDecode(*in, o.body)) : 1;
}

}  // namespace

void NewAuthCommand(CLI::App& app, CliContext& cli) {
  CLI::App* auth = app.add_subcommand("auth", "X-Registry-Auth header values");
  auth->require_subcommand(1);

  auto encode_options = std::make_shared<AuthEncodeOptions>();
  CLI::App* encode =
      auth->add_subcommand("encode",
                           "AuthConfig JSON (argument or stdin) to a header value, or with --from-config the header "
                           "the docker CLI sends for an image");
  encode->add_option("JSON", encode_options->json, "AuthConfig as JSON");
  encode->add_option("--from-config", encode_options->reference, "an image reference: its stored credentials");
  encode->add_option("--config", encode_options->config_dir,
                     "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)");
  AddRegistryOptions(encode, encode_options->registry);
  encode->callback([&cli, encode_options] { cli.exit_code = RunAuthEncode(cli, *encode_options); });

  auto decode_options = std::make_shared<AuthDecodeOptions>();
  CLI::App* decode = auth->add_subcommand(
      "decode",
      "A header value (argument or stdin) to the AuthConfig the Engine gets; {} and the Engine's error on failure");
  decode->add_option("HEADER", decode_options->value, "the header value");
  decode->add_flag("--body", decode_options->body, "decode a POST /auth request body instead of a header");
  decode->callback([&cli, decode_options] { cli.exit_code = RunAuthDecode(*decode_options); });
}

// ---- json TYPE --------------------------------------------------------------

namespace {

struct JsonOptions {
  std::string type;
  std::optional<std::string> payload;
  bool first_value = false;
  bool escape_html = false;
};

int RunJson(const JsonOptions& o) {
  std::optional<std::string> in = ArgumentOrStdin(o.payload, false);
  return in ? Emit(JsonNormalize(o.type, *in, o.first_value, o.escape_html)) : 1;
}

}  // namespace

void NewJsonCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<JsonOptions>();
  CLI::App* cmd = app.add_subcommand(
      "json", "Decode an Engine API payload with the Engine's rules and print it as the Engine writes it");
  cmd->add_option("TYPE", o->type, "the payload's type")->required()->check(CLI::IsMember(JsonTypeNames()));
  cmd->add_option("PAYLOAD", o->payload, "the JSON (default: stdin)");
  cmd->add_flag("--first-value", o->first_value,
                "read only the first JSON value, as a request body decoder does (default: the whole input must "
                "be one value)");
  cmd->add_flag("--escape-html", o->escape_html, "escape <, > and & as json.Marshal does (the API does not)");
  cmd->callback([&cli, o] { cli.exit_code = RunJson(*o); });
}

// ---- ref REFERENCE ------------------------------------------------------------

namespace {

struct RefOptions {
  std::string reference;
  bool any = false;
};

}  // namespace

void NewRefCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<RefOptions>();
  CLI::App* cmd = app.add_subcommand("ref", "Parse an image reference as the Engine does and print its parts as JSON");
  cmd->add_option("REFERENCE", o->reference, "e.g. ubuntu:22.04")->required();
  cmd->add_flag("--any", o->any, "also accept image IDs and digests (ParseAnyReference)");
  cmd->callback(
      [&cli, o] { cli.exit_code = Emit(RefInfo(o->reference, o->any ? RefMode::kAny : RefMode::kNormalized)); });
}

// ---- config, endpoints, ping: the registry configuration --------------------------

void NewConfigCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<RegistryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "config", "Build the registry configuration as dockerd does and print it as GET /info shows it");
  AddRegistryConfigOptions(cmd, *o);
  cmd->callback([&cli, o] { cli.exit_code = Emit(ConfigShow(o->Request())); });
}

namespace {

struct EndpointsOptions {
  RegistryArgs registry;
  bool push = false;
};

}  // namespace

void NewEndpointsCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<EndpointsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "endpoints", "Where the Engine would pull from (or push to) for an image or registry, in order");
  cmd->add_flag("--push", o->push, "push endpoints (never mirrors)");
  AddRegistryTargetOptions(cmd, o->registry);
  cmd->callback([&cli, o] {
    cli.exit_code = Emit(EndpointsShow(o->registry.Request(), o->registry.target, o->push, o->registry.certs_dir));
  });
}

void NewPingCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<RegistryArgs>();
  CLI::App* cmd =
      app.add_subcommand("ping", "GET /v2/ on a registry (no mirrors) and show its status and auth challenges");
  AddRegistryTargetOptions(cmd, *o);
  cmd->callback([&cli, o] { cli.exit_code = Emit(PingShow(o->Request(), o->target, o->certs_dir)); });
}

// ---- login, logout ------------------------------------------------------------

namespace {

struct LoginOptions {
  RegistryArgs registry;
  CredentialArgs credentials;
  std::string server;
};

int RunLogin(CliContext& cli, const LoginOptions& o) {
  bool ok = false;
  LoginArgs args;
  args.password = o.credentials.Password(&ok);
  if (!ok) return 1;
  args.server = o.server;
  args.username = o.credentials.username;
  args.config_dir = cli.ConfigDir(o.credentials.config_dir);
  if (!cli.ThroughEngine()) return Emit(LoginRun(o.registry.Request(), o.registry.certs_dir, args, AskTerminal));
  std::optional<EngineClientOptions> engine = cli.EngineOptions();
  return engine ? Emit(LoginThroughEngine(*engine, args, AskTerminal)) : 1;
}

struct LogoutOptions {
  std::string server;
  std::string config_dir;
};

}  // namespace

void NewLoginCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<LoginOptions>();
  CLI::App* cmd =
      app.add_subcommand("login", "Log in to a registry as POST /auth does (Docker Hub when SERVER is not given)");
  cmd->add_option("SERVER", o->server, "registry host[:port] or URL");
  AddRegistryOptions(cmd, o->registry);
  AddCredentialOptions(cmd, o->credentials);
  cmd->callback([&cli, o] { cli.exit_code = RunLogin(cli, *o); });
}

void NewLogoutCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<LogoutOptions>();
  CLI::App* cmd = app.add_subcommand(
      "logout", "Remove the stored credentials for a registry (Docker Hub when SERVER is not given)");
  cmd->add_option("SERVER", o->server, "registry host[:port] or URL");
  cmd->add_option("--config", o->config_dir,
                  "the docker CLI's configuration directory (default $DOCKER_CONFIG, else ~/.docker)");
  cmd->callback([&cli, o] { cli.exit_code = Emit(LogoutRun(cli.ConfigDir(o->config_dir), o->server)); });
}

// ---- search, inspect: straight to registries or through an Engine ----------------

namespace {

struct SearchOptions {
  RegistryArgs registry;
  CredentialArgs credentials;
  SearchArgs request;
};

int RunSearch(CliContext& cli, const SearchOptions& o) {
  std::optional<AuthConfig> credentials = o.credentials.Read();
  if (!credentials) return 1;
  const std::string config_dir = cli.ConfigDir(o.credentials.config_dir);
  if (!cli.ThroughEngine()) {
    return Emit(SearchRun(o.registry.Request(), o.registry.certs_dir, o.request, *credentials, config_dir));
  }
  std::optional<EngineClientOptions> engine = cli.EngineOptions();
  return engine ? Emit(SearchThroughEngine(*engine, o.request, *credentials, config_dir)) : 1;
}

struct InspectOptions {
  RegistryArgs registry;
  CredentialArgs credentials;
  std::vector<std::string> references;
};

int RunInspect(CliContext& cli, const InspectOptions& o) {
  std::optional<AuthConfig> credentials = o.credentials.Read();
  if (!credentials) return 1;
  const std::string config_dir = cli.ConfigDir(o.credentials.config_dir);
  if (!cli.ThroughEngine()) {
    return Emit(InspectRun(o.registry.Request(), o.registry.certs_dir, o.references, *credentials, config_dir));
  }
  std::optional<EngineClientOptions> engine = cli.EngineOptions();
  return engine ? Emit(InspectThroughEngine(*engine, o.references, *credentials, config_dir)) : 1;
}

}  // namespace

void NewSearchCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<SearchOptions>();
  CLI::App* cmd =
      app.add_subcommand("search", "Search a registry as GET /images/search does (v1 search, else the v2 catalog)");
  cmd->add_option("TERM", o->request.term, "what to look for; HOST/TERM searches that registry")->required();
  cmd->add_option("--limit", o->request.limit, "at most this many results (1-100; default 25)");
  cmd->add_option("-f,--filter", o->request.filters, "is-official=BOOL, is-automated=BOOL or stars=N (repeatable)");
  cmd->add_option("--format", o->request.format, "table or json")->capture_default_str();
  cmd->add_flag("--no-trunc", o->request.no_trunc, "do not cut descriptions to 45 columns");
  AddRegistryOptions(cmd, o->registry);
  AddCredentialOptions(cmd, o->credentials);
  cmd->callback([&cli, o] { cli.exit_code = RunSearch(cli, *o); });
}

void NewInspectCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Resolve images to their digest and platforms as GET /distribution/{name}/json does");
  cmd->add_option("REFERENCE", o->references, "image references")->required();
  AddRegistryOptions(cmd, o->registry);
  AddCredentialOptions(cmd, o->credentials);
  cmd->callback([&cli, o] { cli.exit_code = RunInspect(cli, *o); });
}

// ---- copy, tags, manifest: moving images and reading them ---------------------------

namespace {

struct CopyCommandOptions {
  RegistryArgs registry;
  CopyArgs copy;
  std::string config_dir;
  bool quiet = false;
};

int RunCopy(CliContext& cli, const CopyCommandOptions& o) {
  winsize size{};
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const int columns = terminal && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 80;
  ProgressView view(stderr, terminal, columns);
  std::function<void(const CopyEvent&)> on_event;
  if (!o.quiet) on_event = [&view](const CopyEvent& e) { view.OnEvent(e); };
  return Emit(
      CopyRun(o.registry.Request(), o.registry.certs_dir, o.copy, cli.ConfigDir(o.config_dir), on_event, AskTerminal));
}

void AddCredentialsDirOption(CLI::App* cmd, std::string& config_dir) {
  cmd->add_option("--config", config_dir,
                  "the docker CLI's configuration directory for stored credentials (default $DOCKER_CONFIG, else "
                  "~/.docker)");
}

}  // namespace

void NewCopyCommand(CLI::App& app, CliContext& cli) {
  auto o = std::make_shared<CopyCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "copy",
      "Copy an image between registries, OCI layouts and archives (docker://REF, oci:DIR[:REF], "
      "oci-archive:FILE[:REF], docker-archive:FILE[:NAME:TAG]; a bare reference is docker://); prints the "
      "destination's digest");
  cmd->add_option("SOURCE", o->copy.source, "where the image is")->required();
  cmd->add_option("DESTINATION", o->copy.destination, "where it goes")->required();
  cmd->add_option("--platform", o->copy.platforms,
                  "os/arch[/variant]: copy only that platform's image (repeatable: an index of those); default: "
                  "every platform, digest kept")
      ->allow_extra_args(false);
  cmd->add_flag("-a,--all-tags", o->copy.all_tags, "copy every tag of the source repository");
  cmd->add_flag("--referrers", o->copy.referrers, "also copy signatures, attestations and SBOMs referring to it");
  cmd->add_option("-j,--jobs", o->copy.jobs, "blobs copied at once (default 8)");
  cmd->add_option("--src-creds", o->copy.source_creds, "USER[:PASS] for the source registry");
  cmd->add_option("--dest-creds", o->copy.destination_creds, "USER[:PASS] for the destination registry");
  cmd->add_flag("-q,--quiet", o->quiet, "print only the digest");
  AddRegistryOptions(cmd, o->registry);
  AddCredentialsDirOption(cmd, o->config_dir);
  cmd->callback([&cli, o] { cli.exit_code = RunCopy(cli, *o); });
}

void NewTagsCommand(CLI::App& app, CliContext& cli) {
  struct Options {
    RegistryArgs registry;
    std::string location, creds, config_dir;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("tags", "List a repository's tags (every page), or an OCI layout's REFs");
  cmd->add_option("REPOSITORY", o->location,
                  "a repository (docker://… or a reference), or oci:DIR, oci-archive:FILE, docker-archive:FILE")
      ->required();
  cmd->add_option("--creds", o->creds, "USER[:PASS] for the registry");
  AddRegistryOptions(cmd, o->registry);
  AddCredentialsDirOption(cmd, o->config_dir);
  cmd->callback([&cli, o] {
    cli.exit_code = Emit(TagsRun(o->registry.Request(), o->registry.certs_dir, o->location, o->creds,
                                 cli.ConfigDir(o->config_dir), AskTerminal));
  });
}

void NewManifestCommand(CLI::App& app, CliContext& cli) {
  struct Options {
    RegistryArgs registry;
    std::string location, platform, creds, config_dir;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "manifest", "Print an image's manifest exactly as stored (as skopeo inspect --raw, crane manifest)");
  cmd->add_option("IMAGE", o->location,
                  "a reference, docker://…, oci:DIR[:REF], oci-archive:FILE[:REF] or docker-archive:FILE[:NAME:TAG]")
      ->required();
  cmd->add_option("--platform", o->platform, "os/arch[/variant]: that platform's manifest of an index");
  cmd->add_option("--creds", o->creds, "USER[:PASS] for the registry");
  AddRegistryOptions(cmd, o->registry);
  AddCredentialsDirOption(cmd, o->config_dir);
  cmd->callback([&cli, o] {
    cli.exit_code = Emit(ManifestRun(o->registry.Request(), o->registry.certs_dir, o->location, o->platform, o->creds,
                                     cli.ConfigDir(o->config_dir), AskTerminal));
  });
}

// ---- info: an Engine's configuration -----------------------------------------------

void NewInfoCommand(CLI::App& app, CliContext& cli) {
  auto format = std::make_shared<std::string>("table");
  CLI::App* cmd = app.add_subcommand(
      "info",
      "An Engine's registry configuration, as `docker info` shows it (GET /info; -H or $DOCKER_HOST, else "
      "unix:///var/run/docker.sock)");
  cmd->add_option("--format", *format, "table or json (the daemon's answer)")->capture_default_str();
  cmd->callback([&cli, format] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? Emit(InfoRun(*engine, *format)) : 1;
  });
}

}  // namespace berth::cli
