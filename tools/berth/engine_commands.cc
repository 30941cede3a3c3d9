// `berth info`, and `berth login|search|inspect` through an Engine
// (berth -H HOST): berth::EngineClient with the docker CLI's choices of
// headers and output.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "berth/auth_header.h"
#include "berth/credentials.h"
#include "berth/engine_client.h"
#include "berth/json.h"
#include "commands.h"
#include "output.h"

namespace berth::cli {
namespace {

// go-units' BytesSize: binary units, four significant digits ("23.43GiB").
std::string BytesSize(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 6) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.4g%s", bytes, kUnits[unit]);
  return text;
}

// The server part of `docker info` that concerns registries, in its order
// and wording.
std::string InfoTable(const EngineInfo& info) {
  std::string out = "Server:\n";
  auto line = [&out](const std::string& name, const std::string& value) { out += " " + name + ": " + value + "\n"; };
  line("Server Version", info.server_version);
  line("Kernel Version", info.kernel_version);
  line("Operating System", info.operating_system);
  line("OSType", info.os_type);
  line("Architecture", info.architecture);
  line("CPUs", std::to_string(info.ncpu));
  line("Total Memory", BytesSize(static_cast<double>(info.mem_total)));
  line("Name", info.name);
  line("ID", info.id);
  // Like the CLI: insecure registries are the non-secure index configs
  // first, then the CIDRs; mirrors only when there are some.
  std::vector<std::string> insecure;
  if (info.registry_config.index_configs) {
    for (const auto& [name, index] : *info.registry_config.index_configs)
      if (index && !index->secure) insecure.push_back(index->name);
  }
  for (const auto& cidr : info.registry_config.insecure_registry_cidrs)
    if (cidr) insecure.push_back(cidr->String());
  out += " Registry: " + info.index_server_address + "\n";
  if (!insecure.empty()) {
    out += " Insecure Registries:\n";
    for (const std::string& r : insecure) out += "  " + r + "\n";
  }
  if (!info.registry_config.mirrors.empty()) {
    out += " Registry Mirrors:\n";
    for (const std::string& m : info.registry_config.mirrors) out += "  " + m + "\n";
  }
  for (const std::string& w : info.warnings) out += w + "\n";
  out.pop_back();
  return out;
}

}  // namespace

Result<std::string> ParseLogLevel(const std::string& level) {
  std::string lower = level;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr const char* kLevels[] = {"trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"};
  if (std::find(std::begin(kLevels), std::end(kLevels), lower) == std::end(kLevels)) {
    return Error(ErrorKind::kInvalidParameter, "Unable to parse logging level: " + level);
  }
  return lower;
}

Result<EngineClientOptions> EngineOptionsFor(const GlobalArgs& global) {
  if (Result<std::string> level = ParseLogLevel(global.log_level); !level) return level.error();
  EngineClientOptions options = EngineClientOptions::FromEnvironment();
  if (!global.host.empty()) options.host = global.host;
  if (global.tls_verify) options.tls_verify = *global.tls_verify;
  if (global.tls) options.tls = *global.tls;
  // Naming --tlsverify at all turns TLS on, whatever its value (the CLI's
  // SetDefaultOptions).
  if (global.tls_verify || options.tls_verify) options.tls = true;
  options.ca_file = global.tls_ca_cert;
  options.cert_file = global.tls_cert;
  options.key_file = global.tls_key;
  return options;
}

CommandOutput InfoRun(const EngineClientOptions& engine_options, const std::string& format) {
  if (format != "table" && format != "json") {
    return Failure("unknown format \"" + format + "\" (one of: table, json)");
  }
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  Result<EngineInfo> info = (*engine)->Info();
  if (!info) return Failure(info.error().message());
  if (format == "json") {
    std::string json = info->json;
    while (!json.empty() && (json.back() == '\n' || json.back() == '\r')) json.pop_back();
    return {json, "", 0};
  }
  return {InfoTable(*info), "", 0};
}

CommandOutput LoginThroughEngine(const EngineClientOptions& engine_options, const LoginArgs& args,
                                 const Prompt& prompt) {
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  EngineClient& client = **engine;
  return LoginWith(args, prompt, [&client](const AuthConfig& auth) { return client.RegistryLogin(auth); }, {});
}

CommandOutput SearchThroughEngine(const EngineClientOptions& engine_options, const SearchArgs& args,
                                  const AuthConfig& auth, const std::string& config_dir) {
  if (args.format != "table" && args.format != "json") {
    return Failure("unknown format \"" + args.format + "\" (one of: table, json)");
  }
  Result<std::map<std::string, std::set<std::string>>> filters = ParseFilterFlags(args.filters);
  if (!filters) return Failure(filters.error().message());
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  // The given credentials, else those stored for the term's registry.
  std::vector<std::string> warnings;
  auto search = [&]() -> Result<std::vector<SearchResult>> {
    if (HasCredentials(auth)) return (*engine)->ImageSearch(args.term, args.limit, *filters, auth);
    auto store = OpenCredentialStoreForReading(config_dir, warnings);
    if (!store) return store.error();
    if (!*store) return (*engine)->ImageSearch(args.term, args.limit, *filters, auth);
    return (*engine)->ImageSearch(args.term, args.limit, *filters, **store);
  };
  Result<std::vector<SearchResult>> results = search();
  if (!results) return Failure(results.error().message(), warnings);
  Result<std::string> out = SearchOutput(*results, args.format, args.no_trunc);
  if (!out) return Failure(out.error().message(), warnings);
  return {*out, Joined(warnings), 0};
}

CommandOutput InspectThroughEngine(const EngineClientOptions& engine_options,
                                   const std::vector<std::string>& references, const AuthConfig& auth,
                                   const std::string& config_dir) {
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  std::vector<std::string> warnings;
  std::unique_ptr<CredentialStore> store;
  if (!HasCredentials(auth)) {
    auto opened = OpenCredentialStoreForReading(config_dir, warnings);
    if (!opened) return Failure(opened.error().message());
    store = std::move(*opened);
  }
  CommandOutput out;
  // An Engine that could not be reached (or did not answer in time) is
  // not asked again for every reference: one wait, one error for each.
  std::optional<Error> engine_failure;
  for (const std::string& reference : references) {
    Result<DistributionInspect> inspected = engine_failure ? Result<DistributionInspect>(*engine_failure)
                                            : store        ? (*engine)->DistributionInspect(reference, *store)
                                                           : (*engine)->DistributionInspect(reference, auth);
    if (!inspected) {
      const std::string& message = inspected.error().message();
      if (message.rfind("Cannot connect to the Docker daemon", 0) == 0 ||
          message.rfind("error during connect: ", 0) == 0) {
        engine_failure = inspected.error();
      }
      out.err += (out.err.empty() ? "" : "\n") + ("berth: " + reference + ": " + inspected.error().message());
      out.exit_code = 1;
      continue;
    }
    if (!out.out.empty()) out.out += '\n';
    MarshalTo(out.out, *inspected, MarshalOptions{.escape_html = false});
  }
  if (!warnings.empty()) out.err = Joined(warnings) + (out.err.empty() ? "" : "\n" + out.err);
  return out;
}

}  // namespace berth::cli
