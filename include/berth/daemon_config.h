// dockerd's registry configuration as the daemon reads it: the daemon.json
// keys registry-mirrors, insecure-registries and
// allow-nondistributable-artifacts, the repeatable flags --registry-mirror,
// --insecure-registry and --allow-nondistributable-artifacts, and dockerd's
// rule that a directive may come from a flag or from the file, not both.
// The result is the ServiceOptions that NewServiceConfig checks.
#ifndef BERTH_DAEMON_CONFIG_H_
#define BERTH_DAEMON_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/service_config.h"

namespace berth {

// Where the registry configuration comes from: a daemon.json (dockerd's
// --config-file) and the flags, each flag value as the user typed it.
struct DaemonConfigSources {
  std::optional<std::string> config_file;
  std::vector<std::string> registry_mirrors;                  // --registry-mirror
  std::vector<std::string> insecure_registries;               // --insecure-registry
  std::vector<std::string> allow_nondistributable_artifacts;  // --allow-nondistributable-artifacts
  std::optional<std::string> data_root;                       // --data-root, when given
};

// dockerd's merge of flags and daemon.json. Flag values are normalized as
// pflag parses them (ValidateIndexName, ValidateMirror); a bad one is
// kInvalidParameter `invalid argument "VALUE" for "--FLAG" flag: WHY`
// (a URL's password shown as xxxxx). The file is read whole and decoded as
// UnmarshalServiceOptions does; its errors, and a directive given both ways,
// are kInvalidParameter `unable to configure the Docker daemon with file
// PATH: …` (`open PATH: no such file or directory`, Go's JSON error, `the
// following directives are specified both as a flag and in the
// configuration file: registry-mirrors: (from flag: [a], from file: [b])`).
// Flags win over an absent key; the file's other keys are ignored.
Result<ServiceOptions> LoadServiceOptions(const DaemonConfigSources& sources);

// Go's json.Unmarshal of a daemon.json into ServiceOptions: the three keys
// above, other members ignored, Go's error texts (kInvalidParameter).
Status UnmarshalServiceOptions(std::string_view daemon_json, ServiceOptions& options);

// berthd's data root (dockerd's `data-root`): --data-root, else the file's
// "data-root" (read as Go's json.Unmarshal reads it), else `fallback`. Both
// given is dockerd's conflict error (`…: data-root: (from flag: A, from
// file: B)`); the file's errors are LoadServiceOptions' texts.
Result<std::string> LoadDataRoot(const DaemonConfigSources& sources, std::string_view fallback);

// ServiceOptions as daemon.json spells it, keys omitted when nil.
std::string MarshalServiceOptions(const ServiceOptions& options);

}  // namespace berth

#endif  // BERTH_DAEMON_CONFIG_H_
