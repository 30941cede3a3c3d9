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

// daemon.json's data-root (config.Config's DataRoot).
struct DataRootOption {
  std::string data_root;
  friend bool operator==(const DataRootOption&, const DataRootOption&) = default;
};
template <>
struct Schema<DataRootOption> {
  static constexpr std::string_view kName = "Config";
  static constexpr std::string_view kGoType = "config.Config";
  using S = DataRootOption;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"data-root", &S::data_root, false});
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

Result<std::string> LoadDataRoot(const DaemonConfigSources& sources, std::string_view fallback) {
  json_detail::DataRootOption file;
  if (sources.config_file) {
    Result<std::string> text = ReadConfigText(*sources.config_file);
    if (!text) return text.error();
    if (!text->empty()) {
      if (Status st = json_detail::UnmarshalImpl(*text, file, /*fresh=*/false); !st) {
        return Error(ErrorKind::kInvalidParameter, ConfigFilePrefix(*sources.config_file) + st.message());
      }
    }
  }
  if (sources.data_root && !file.data_root.empty()) {
    return Error(ErrorKind::kInvalidParameter,
                 ConfigFilePrefix(*sources.config_file) +
                     "the following directives are specified both as a flag and in the configuration file: "
                     "data-root: (from flag: " +
                     *sources.data_root + ", from file: " + file.data_root + ")");
  }
  if (sources.data_root) return *sources.data_root;
  if (!file.data_root.empty()) return file.data_root;
  return std::string(fallback);
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
