// containerd's registry host configuration (hosts.toml in the certs
// directory: CERTS_DIR/HOST/hosts.toml), which berth reads for ANY registry
// — mirrors, capabilities, TLS material and headers per host. The Engine's
// registry routes ignore this file; where it exists for a host berth
// prefers it to the Engine's registry-mirrors and certs.d files.
#ifndef BERTH_HOSTS_TOML_H_
#define BERTH_HOSTS_TOML_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/error.h"

namespace berth {

// One [host."URL"] table, or the server the top level describes.
struct RegistryHost {
  std::string url;  // scheme://host[:port][/path]
  // "pull", "resolve", "push"; all three when the file does not say.
  std::vector<std::string> capabilities;
  std::vector<std::string> ca_files;                              // absolute, or relative to the file's directory
  std::vector<std::pair<std::string, std::string>> client_pairs;  // cert, key ("" if in cert)
  bool skip_verify = false;
  // The URL's path is the API root as is (else "/v2" follows it).
  bool override_path = false;
  std::map<std::string, std::vector<std::string>> headers;

  bool Can(std::string_view capability) const;
};

struct HostsConfig {
  // The upstream registry ("server = …", and the top-level keys for it);
  // nullopt when the file names none.
  std::optional<RegistryHost> server;
  // The [host."…"] tables in the order the file lists them.
  std::vector<RegistryHost> hosts;
};

// Parses a hosts.toml. `dir` resolves relative ca/client paths. Errors
// name the file and the offending key, e.g. `hosts.toml: host
// "https://m" capabilities: expected an array of strings`.
Result<HostsConfig> ParseHostsToml(std::string_view text, const std::string& dir,
                                   const std::string& source_name = "hosts.toml");

// CERTS_DIR/HOST/hosts.toml if it exists (nullopt if not).
Result<std::optional<HostsConfig>> ReadHostsToml(const std::string& certs_dir, std::string_view host);

}  // namespace berth

#endif  // BERTH_HOSTS_TOML_H_
