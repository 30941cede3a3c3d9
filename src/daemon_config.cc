#include "berth/daemon_config.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "internal/ascii.h"
#include "json/entry_points.h"

namespace berth {
namespace json_detail {

// daemon.json's registry keys (registry.ServiceOptions' json tags).
template <>
struct Schema<ServiceOptions> {
  static constexpr std::string_view kName = "ServiceOptions";
  static constexpr std::string_view kGoType = "registry.ServiceOptions";
  using S = ServiceOptions;
  static constexpr auto kFields = std::make_tuple(
      Field<S, List<std::string>>{"allow-nondistributable-artifacts", &S::allow_nondistributable_artifacts, true},
      Field<S, List<std::string>>{"registry-mirrors", &S::mirrors, true},
      Field<S, List<std::string>>{"insecure-registries", &S::insecure_registries, true});
};

// daemon.json's data-root (config.Config's DataRoot) and berthd's
// image-store.
struct StorageFileOptions {
  std::string data_root;
  std::string image_store;
  friend bool operator==(const StorageFileOptions&, const StorageFileOptions&) = default;
};
template <>
struct Schema<StorageFileOptions> {
  static constexpr std::string_view kName = "Config";
  static constexpr std::string_view kGoType = "config.Config";
  using S = StorageFileOptions;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"data-root", &S::data_root, false},
                                                  Field<S, std::string>{"image-store", &S::image_store, false});
};

// daemon.json's API listener keys (config.Config's Hosts and
// CommonTLSOptions, TLS, TLSVerify).
struct ListenFileOptions {
  List<std::string> hosts;
  std::optional<bool> tls, tls_verify;
  std::optional<std::string> tls_ca_cert, tls_cert, tls_key;
  friend bool operator==(const ListenFileOptions&, const ListenFileOptions&) = default;
};
template <>
struct Schema<ListenFileOptions> {
  static constexpr std::string_view kName = "Config";
  static constexpr std::string_view kGoType = "config.Config";
  using S = ListenFileOptions;
  static constexpr auto kFields = std::make_tuple(
      Field<S, List<std::string>>{"hosts", &S::hosts, true}, Field<S, std::optional<bool>>{"tls", &S::tls, true},
      Field<S, std::optional<bool>>{"tlsverify", &S::tls_verify, true},
      Field<S, std::optional<std::string>>{"tlscacert", &S::tls_ca_cert, true},
      Field<S, std::optional<std::string>>{"tlscert", &S::tls_cert, true},
      Field<S, std::optional<std::string>>{"tlskey", &S::tls_key, true});
};

}  // namespace json_detail

namespace {

// One repeatable dockerd flag: its name, the daemon.json key it sets, how
// pflag normalizes its values, and where they go.
struct RegistryFlag {
  const char* flag;
  const char* key;
  Result<std::string> (*normalize)(std::string_view);
  std::vector<std::string> DaemonConfigSources::*values;
  List<std::string> ServiceOptions::*field;
};

// In pflag's (alphabetical) order, the order dockerd reports conflicts in.
constexpr RegistryFlag kRegistryFlags[] = {
    {"allow-nondistributable-artifacts", "allow-nondistributable-artifacts", &ValidateIndexName,
     &DaemonConfigSources::allow_nondistributable_artifacts, &ServiceOptions::allow_nondistributable_artifacts},
    {"insecure-registry", "insecure-registries", &ValidateIndexName, &DaemonConfigSources::insecure_registries,
     &ServiceOptions::insecure_registries},
    {"registry-mirror", "registry-mirrors", &ValidateMirror, &DaemonConfigSources::registry_mirrors,
     &ServiceOptions::mirrors},
};
constexpr std::size_t kFlagCount = std::size(kRegistryFlags);

// "[a b]": how Go's %v prints a list of strings.
std::string GoList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ' ';
    out += v[i];
  }
  return out + "]";
}

// Go's error text for a failed open: "open PATH: no such file or directory".
std::string OpenError(const std::string& path, int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return "open " + path + ": " + text;
}

using NormalizedFlags = std::array<std::vector<std::string>, kFlagCount>;

// The flag values, normalized as pflag parses them.
Result<NormalizedFlags> NormalizeFlags(const DaemonConfigSources& sources) {
  NormalizedFlags normalized;
  for (std::size_t f = 0; f < kFlagCount; ++f) {
    for (const std::string& v : sources.*(kRegistryFlags[f].values)) {
      Result<std::string> n = kRegistryFlags[f].normalize(v);
      if (!n) {
        // Never echo a password from a URL.
        return Error(ErrorKind::kInvalidParameter, "invalid argument \"" + MaskUrlPassword(v) + "\" for \"--" +
                                                       kRegistryFlags[f].flag + "\" flag: " + n.error().message());
      }
      normalized[f].push_back(std::move(*n));
    }
  }
  return normalized;
}

std::string ConfigFilePrefix(const std::string& path) {
  return "unable to configure the Docker daemon with file " + path + ": ";
}

// The file's text, trimmed ("" : no configuration, as dockerd takes it).
Result<std::string> ReadConfigText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::kInvalidParameter, ConfigFilePrefix(path) + OpenError(path, errno));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error(ErrorKind::kInvalidParameter, ConfigFilePrefix(path) + "read " + path + ": is a directory");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (detail::TrimAsciiSpace(text.str()).empty()) return std::string();
  return text.str();
}

// dockerd's getConflictFreeConfiguration: the file, refused where a flag
// sets the same directive.
Result<ServiceOptions> ReadConfigFile(const std::string& path, const NormalizedFlags& flags) {
  const std::string prefix = ConfigFilePrefix(path);
  Result<std::string> text = ReadConfigText(path);
  if (!text) return text.error();
  ServiceOptions options;
  if (text->empty()) return options;
  if (Status st = UnmarshalServiceOptions(*text, options); !st) {
    return Error(ErrorKind::kInvalidParameter, prefix + st.message());
  }
  std::string conflicts;
  for (std::size_t f = 0; f < kFlagCount; ++f) {
    const List<std::string>& from_file = options.*(kRegistryFlags[f].field);
    if (flags[f].empty() || from_file.is_nil()) continue;
    if (!conflicts.empty()) conflicts += ", ";
    conflicts += std::string(kRegistryFlags[f].key) + ": (from flag: " + GoList(flags[f]) +
                 ", from file: " + GoList(from_file.items()) + ")";
  }
  if (!conflicts.empty()) {
    return Error(
        ErrorKind::kInvalidParameter,
        prefix + "the following directives are specified both as a flag and in the configuration file: " + conflicts);
  }
  return options;
}

}  // namespace

Result<ServiceOptions> LoadServiceOptions(const DaemonConfigSources& sources) {
  Result<NormalizedFlags> flags = NormalizeFlags(sources);
  if (!flags) return flags.error();
  ServiceOptions options;
  if (sources.config_file) {
    Result<ServiceOptions> from_file = ReadConfigFile(*sources.config_file, *flags);
    if (!from_file) return from_file.error();
    options = std::move(*from_file);
  }
  for (std::size_t f = 0; f < kFlagCount; ++f) {
    if (!(*flags)[f].empty()) options.*(kRegistryFlags[f].field) = List<std::string>((*flags)[f]);
  }
  return options;
}

namespace {

// The file's directives of one kind, read as Go's json.Unmarshal reads them
// (nothing when there is no file, or it is empty).
template <class Options>
Result<Options> ReadFileDirectives(const DaemonConfigSources& sources) {
  Options file{};
  if (!sources.config_file) return file;
  Result<std::string> text = ReadConfigText(*sources.config_file);
  if (!text) return text.error();
  if (text->empty()) return file;
  if (Status st = json_detail::UnmarshalImpl(*text, file, /*fresh=*/false); !st) {
    return Error(ErrorKind::kInvalidParameter, ConfigFilePrefix(*sources.config_file) + st.message());
  }
  return file;
}

std::string GoBool(bool b) {
  return b ? "true" : "false";
}

// "tcp://HOST:PORT" from what follows tcp:// (or a bare "host:port"), with
// dockerd's defaults: host localhost, port 2375.
Result<std::string> NormalizeTcpHost(std::string_view given, std::string_view rest) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::kInvalidParameter, "invalid bind address (" + std::string(given) + "): " + why);
  };
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") return bad("should not contain a path element");
    rest = rest.substr(0, slash);
  }
  std::string host, port;
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("missing ']' in address");
    host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after ']'");
      port = std::string(after.substr(1));
    }
  } else {
    std::size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos && rest.find(':') != colon) return bad("too many colons in address");
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = std::string(rest.substr(colon + 1));
  }
  if (host.empty()) host = "localhost";
  if (port.empty()) port = "2375";
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535) {
    return bad("invalid port \"" + port + "\"");
  }
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

}  // namespace

Result<std::string> NormalizeDaemonHost(std::string_view host, std::string_view default_unix_host) {
  std::string_view h = detail::TrimAsciiSpace(host);
  if (h.empty()) return std::string(default_unix_host);
  std::size_t sep = h.find("://");
  if (sep == std::string_view::npos) return NormalizeTcpHost(host, h);
  std::string_view proto = h.substr(0, sep), rest = h.substr(sep + 3);
  if (proto == "tcp") return NormalizeTcpHost(host, rest);
  if (proto == "unix") {
    if (rest.empty()) return std::string(default_unix_host);
    return "unix://" + std::string(rest);
  }
  if (proto == "fd") return std::string(h);
  return Error(ErrorKind::kInvalidParameter, "invalid bind address format: " + std::string(host));
}

Result<ApiListenConfig> LoadApiListenConfig(const DaemonConfigSources& sources, std::string_view default_unix_host,
                                            std::string_view cert_dir) {
  Result<json_detail::ListenFileOptions> file = ReadFileDirectives<json_detail::ListenFileOptions>(sources);
  if (!file) return file.error();
  // dockerd's conflict check, in its (alphabetical) order.
  std::string conflicts;
  auto conflict = [&](const char* key, const std::string& from_flag, const std::string& from_file) {
    if (!conflicts.empty()) conflicts += ", ";
    conflicts += std::string(key) + ": (from flag: " + from_flag + ", from file: " + from_file + ")";
  };
  if (!sources.hosts.empty() && !file->hosts.is_nil())
    conflict("hosts", GoList(sources.hosts), GoList(file->hosts.items()));
  if (sources.tls && file->tls) conflict("tls", GoBool(*sources.tls), GoBool(*file->tls));
  if (sources.tls_ca_cert && file->tls_ca_cert) conflict("tlscacert", *sources.tls_ca_cert, *file->tls_ca_cert);
  if (sources.tls_cert && file->tls_cert) conflict("tlscert", *sources.tls_cert, *file->tls_cert);
  if (sources.tls_key && file->tls_key) conflict("tlskey", *sources.tls_key, *file->tls_key);
  if (sources.tls_verify && file->tls_verify)
    conflict("tlsverify", GoBool(*sources.tls_verify), GoBool(*file->tls_verify));
  if (!conflicts.empty()) {
    return Error(
        ErrorKind::kInvalidParameter,
        ConfigFilePrefix(*sources.config_file) +
            "the following directives are specified both as a flag and in the configuration file: " + conflicts);
  }
  ApiListenConfig config;
  std::optional<bool> tls = sources.tls ? sources.tls : file->tls;
  std::optional<bool> verify = sources.tls_verify ? sources.tls_verify : file->tls_verify;
  config.tls_explicit = tls.has_value() || verify.has_value();
  // tlsverify set either way turns TLS on; TLS alone verifies.
  if (verify) tls = true;
  config.tls = tls.value_or(false);
  config.tls_verify = verify.value_or(config.tls);
  const std::string dir(cert_dir);
  auto file_for = [&](const std::optional<std::string>& flag, const std::optional<std::string>& from_file,
                      const char* default_name) -> std::string {
    if (flag) return *flag;
    if (from_file) return *from_file;
    std::string path = dir + "/" + default_name;
    std::error_code ec;
    return std::filesystem::exists(path, ec) ? path : std::string();
  };
  config.ca_file = file_for(sources.tls_ca_cert, file->tls_ca_cert, "ca.pem");
  config.cert_file = file_for(sources.tls_cert, file->tls_cert, "cert.pem");
  config.key_file = file_for(sources.tls_key, file->tls_key, "key.pem");
  const std::vector<std::string>& given = !sources.hosts.empty() ? sources.hosts : file->hosts.items();
  for (const std::string& h : given) {
    Result<std::string> normalized = NormalizeDaemonHost(h, default_unix_host);
    if (!normalized) return normalized.error();
    config.hosts.push_back(std::move(*normalized));
  }
  if (config.hosts.empty())
    config.hosts.push_back(config.tls ? "tcp://localhost:2376" : std::string(default_unix_host));
  return config;
}

namespace {

// A directive given as a flag or in the file (not both), else `fallback`.
Result<std::string> FlagOrFile(const DaemonConfigSources& sources, std::string_view directive,
                               const std::optional<std::string>& flag, const std::string& file,
                               std::string_view fallback) {
  if (flag && !file.empty()) {
    return Error(ErrorKind::kInvalidParameter,
                 ConfigFilePrefix(*sources.config_file) +
                     "the following directives are specified both as a flag and in the configuration file: " +
                     std::string(directive) + ": (from flag: " + *flag + ", from file: " + file + ")");
  }
  if (flag) return *flag;
  if (!file.empty()) return file;
  return std::string(fallback);
}

}  // namespace

Result<std::string> LoadDataRoot(const DaemonConfigSources& sources, std::string_view fallback) {
  Result<json_detail::StorageFileOptions> file = ReadFileDirectives<json_detail::StorageFileOptions>(sources);
  if (!file) return file.error();
  return FlagOrFile(sources, "data-root", sources.data_root, file->data_root, fallback);
}

Result<std::string> LoadImageStore(const DaemonConfigSources& sources) {
  Result<json_detail::StorageFileOptions> file = ReadFileDirectives<json_detail::StorageFileOptions>(sources);
  if (!file) return file.error();
  return FlagOrFile(sources, "image-store", sources.image_store, file->image_store, "");
}

Status UnmarshalServiceOptions(std::string_view daemon_json, ServiceOptions& options) {
  return json_detail::UnmarshalImpl(daemon_json, options, /*fresh=*/false);
}

std::string MarshalServiceOptions(const ServiceOptions& options) {
  std::string out;
  json_detail::MarshalImpl(out, options, MarshalOptions{});
  return out;
}

}  // namespace berth
