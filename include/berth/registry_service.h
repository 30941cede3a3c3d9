// RegistryService: the live registry configuration and the questions the
// Engine asks it — which index a name belongs to, whether a registry is
// secure, which endpoints to try for a pull or a push, in which order.
#ifndef BERTH_REGISTRY_SERVICE_H_
#define BERTH_REGISTRY_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/certs.h"
#include "berth/error.h"
#include "berth/hosts_toml.h"
#include "berth/reference.h"
#include "berth/service_config.h"
#include "berth/types.h"

namespace berth {

// The registry Docker Hub's v1 index and v2 API are reached at.
inline constexpr std::string_view kIndexServer = "https://index.docker.io/v1/";
inline constexpr std::string_view kDefaultV2Registry = "https://registry-1.docker.io";

// Address lookup for CIDR matching: the IP addresses (4 or 16 bytes) a
// host name resolves to, empty when it does not resolve.
using HostResolver = std::function<std::vector<std::vector<std::uint8_t>>(const std::string& host)>;

// getaddrinfo(3), A and AAAA records.
std::vector<std::vector<std::uint8_t>> ResolveWithGetaddrinfo(const std::string& host);

// A repository and the index it lives in (the Engine's RepositoryInfo).
struct RepositoryInfo {
  Reference name;  // without tag or digest
  IndexInfo index;
  bool official = false;  // an official image: no "/" in its familiar name
};

// One place to try, in order (the Engine's APIEndpoint).
struct Endpoint {
  std::string url;  // "https://registry-1.docker.io", "http://reg:5000", a mirror URL
  bool mirror = false;
  bool official = false;
  bool allow_nondistributable_artifacts = false;
  bool tls_verify = true;  // false for a registry configured insecure
  std::string host;        // host[:port] the TLS material is looked up for
  TlsMaterial tls;         // from CERTS_DIR/host for a secure registry
  // From hosts.toml: the URL path is the API root as is (else "/v2"
  // follows it); extra headers to send.
  bool override_path = false;
  std::map<std::string, std::vector<std::string>> headers;
};

// How a RegistryService reaches the outside world.
struct RegistryServiceSettings {
  // Per-registry TLS material: DIR/host[:port]/{*.crt,*.cert,*.key}.
  std::string certs_dir = std::string(kDefaultCertsDir);
  HostResolver resolver = ResolveWithGetaddrinfo;
};

// The key credentials for an index are stored under: kIndexServer for
// Docker Hub, else the index name.
std::string AuthConfigKey(const IndexInfo& index);

// A search term split as the Engine's splitReposSearchTerm splits it:
// "reg:5000/team/app" → ("reg:5000", "team/app"); a first part without a
// dot or colon that is not "localhost" is a Docker Hub name →
// ("docker.io", term). The docker CLI picks credentials by the first.
std::pair<std::string, std::string> SplitSearchTerm(std::string_view term);

class RegistryService {
 public:
  // Fails as NewServiceConfig does.
  static Result<std::unique_ptr<RegistryService>> Create(const ServiceOptions& options,
                                                         RegistryServiceSettings settings = {},
                                                         std::vector<std::string>* warnings = nullptr);

  // The configuration in force (a snapshot; reloads do not change it).
  std::shared_ptr<const ServiceConfig> config() const;
  ServiceOptions options() const;

  // Builds a configuration from new options and swaps it in; on error the
  // current one stays and the error is returned.
  Status Reload(const ServiceOptions& options, std::vector<std::string>* warnings = nullptr);

  // The Engine's isSecureIndex: a configured index's Secure flag, else not
  // within an insecure CIDR (after resolving the host).
  bool IsSecureIndex(std::string_view index_name) const;
  // Whether non-distributable artifacts may be pushed to host[:port].
  bool AllowNondistributableArtifacts(std::string_view host) const;
  // The Engine's newIndexInfo; errors from ValidateIndexName.
  Result<IndexInfo> ResolveIndex(std::string_view index_name) const;
  // The Engine's newRepositoryInfo for a parsed name.
  Result<RepositoryInfo> ResolveRepository(const Reference& name) const;

  // Where to pull from: Docker Hub's mirrors first (docker.io only), then
  // the registry itself over https, then over plain http if it is insecure;
  // each with its certs.d material (errors reading it abort, as in the
  // Engine). Where CERTS_DIR/host/hosts.toml exists, it decides instead:
  // its hosts in file order (those that can pull or resolve), then its
  // server — mirrors for any registry, not only docker.io.
  Result<std::vector<Endpoint>> PullEndpoints(std::string_view host) const;
  // The same without mirrors (hosts.toml: the hosts that can push):
  // credentials never go to a mirror.
  Result<std::vector<Endpoint>> PushEndpoints(std::string_view host) const;

  // The TLS material for host[:port] as certs.d gives it (verify = false
  // for an insecure registry): for hosts reached other than as endpoints.
  Result<TlsMaterial> TlsForHost(std::string_view host) const;

 private:
  explicit RegistryService(RegistryServiceSettings settings)
      : certs_dir_(std::move(settings.certs_dir)), resolver_(std::move(settings.resolver)) {}
  Result<std::vector<Endpoint>> Endpoints(std::string_view host, bool push) const;
  Result<std::vector<Endpoint>> HostsTomlEndpoints(const HostsConfig& hosts, std::string_view host, bool push) const;
  bool CidrMatch(const List<std::optional<NetIPNet>>& cidrs, std::string_view host_port) const;
  bool IsSecureIndexIn(const ServiceConfig& config, std::string_view name) const;

  std::string certs_dir_;
  HostResolver resolver_;
  mutable std::mutex mu_;
  std::shared_ptr<const ServiceConfig> config_;
  ServiceOptions options_;
};

}  // namespace berth

#endif  // BERTH_REGISTRY_SERVICE_H_
