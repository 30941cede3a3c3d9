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
  std::optional<std::string> image_store;                     // --image-store, when given
  // The API's listeners, each as the user gave it (-H, --tls, --tlsverify,
  // --tlscacert, --tlscert, --tlskey); nullopt where the flag was not given.
  std::vector<std::string> hosts;
  std::optional<bool> tls, tls_verify;
  std::optional<std::string> tls_ca_cert, tls_cert, tls_key;
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

// Where berthd keeps its images: --image-store, else the file's
// "image-store", else "" (a local OCI layout under the data root). The
// value is not checked here (ImageStore::OpenOnRegistry reads it); both
// given is the conflict error LoadDataRoot gives, for image-store.
Result<std::string> LoadImageStore(const DaemonConfigSources& sources);

// Where and how the API is served, after dockerd's rules (20.10 and later).
struct ApiListenConfig {
  // Normalized: unix:///PATH, tcp://HOST:PORT, fd://.
  std::vector<std::string> hosts;
  // TCP listeners speak TLS; tls_verify: only clients with a certificate
  // from ca_file are served. Unix sockets never use TLS, as in dockerd.
  bool tls = false;
  bool tls_verify = false;
  // Whether tls or tlsverify was set at all (flag or file), either way:
  // dockerd's "explicit intent" for plain TCP.
  bool tls_explicit = false;
  std::string ca_file, cert_file, key_file;  // "" when absent
};

// dockerd's API listener configuration from -H/--tls… and daemon.json's
// hosts, tls, tlsverify, tlscacert, tlscert, tlskey:
// - tlsverify given (true or false) turns TLS on; TLS on with tlsverify
//   unset verifies clients (only an explicit tlsverify=false does not);
// - the files default to ca.pem, cert.pem and key.pem in `cert_dir`
//   (DOCKER_CERT_PATH or ~/.docker), each dropped when absent unless named;
// - no hosts: tcp://localhost:2376 with TLS (and then no unix socket),
//   else `default_unix_host`;
// - each host as dockerd's ParseHost takes it: "host:port" is tcp, tcp://
//   without host is 127.0.0.1 and without port 2375, unix:// alone is
//   `default_unix_host`. A bad one is kInvalidParameter `invalid bind
//   address format: …` or `Invalid bind address format: …`.
// A directive given both ways is the conflict error of LoadServiceOptions.
Result<ApiListenConfig> LoadApiListenConfig(const DaemonConfigSources& sources, std::string_view default_unix_host,
                                            std::string_view cert_dir);

// One -H value normalized as dockerd's ParseHost does (above).
Result<std::string> NormalizeDaemonHost(std::string_view host, std::string_view default_unix_host);

// ServiceOptions as daemon.json spells it, keys omitted when nil.
std::string MarshalServiceOptions(const ServiceOptions& options);

}  // namespace berth

#endif  // BERTH_DAEMON_CONFIG_H_
