#include "berth/registry_service.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "internal/docker_hub.h"
#include "internal/go_net.h"
#include "internal/go_url.h"

namespace berth {
namespace {

// A 4-byte form for IPv4 (also when mapped into IPv6), as Go's To4.
std::vector<std::uint8_t> To4IfV4(std::vector<std::uint8_t> ip) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (ip.size() == 16 && std::memcmp(ip.data(), kMapped, 12) == 0) return {ip.begin() + 12, ip.end()};
  return ip;
}

// Go's IPNet.Contains.
bool Contains(const NetIPNet& net, const std::vector<std::uint8_t>& address) {
  std::vector<std::uint8_t> nn = To4IfV4(net.ip);
  std::vector<std::uint8_t> mask = net.mask;
  if (nn.size() != 4 && nn.size() != 16) return false;
  if (mask.size() == 16 && nn.size() == 4) mask.erase(mask.begin(), mask.begin() + 12);
  if (mask.size() != nn.size()) return false;
  std::vector<std::uint8_t> ip = To4IfV4(address);
  if (ip.size() != nn.size()) return false;
  for (std::size_t i = 0; i < ip.size(); ++i)
    if ((nn[i] & mask[i]) != (ip[i] & mask[i])) return false;
  return true;
}

}  // namespace

std::vector<std::vector<std::uint8_t>> ResolveWithGetaddrinfo(const std::string& host) {
  std::vector<std::vector<std::uint8_t>> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    std::vector<std::uint8_t> ip;
    if (a->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      const auto* b = reinterpret_cast<const std::uint8_t*>(&sin->sin_addr);
      ip.assign(b, b + 4);
    } else if (a->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      const auto* b = reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr);
      ip.assign(b, b + 16);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(std::move(ip));
  }
  freeaddrinfo(res);
  return out;
}

std::string AuthConfigKey(const IndexInfo& index) {
  return index.official ? std::string(kIndexServer) : index.name;
}

std::pair<std::string, std::string> SplitSearchTerm(std::string_view term) {
  std::size_t slash = term.find('/');
  if (slash == std::string_view::npos) return {std::string(kDefaultDomain), std::string(term)};
  std::string_view first = term.substr(0, slash);
  if (first.find('.') == std::string_view::npos && first.find(':') == std::string_view::npos && first != "localhost") {
    return {std::string(kDefaultDomain), std::string(term)};
  }
  return {std::string(first), std::string(term.substr(slash + 1))};
}

Result<std::unique_ptr<RegistryService>> RegistryService::Create(const ServiceOptions& options,
                                                                 RegistryServiceSettings settings,
                                                                 std::vector<std::string>* warnings) {
  std::unique_ptr<RegistryService> service(new RegistryService(std::move(settings)));
  Status st = service->Reload(options, warnings);
  if (!st) return st.error();
  return service;
}

std::shared_ptr<const ServiceConfig> RegistryService::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

ServiceOptions RegistryService::options() const {
  std::lock_guard<std::mutex> lock(mu_);
  return options_;
}

Status RegistryService::Reload(const ServiceOptions& options, std::vector<std::string>* warnings) {
  Result<ServiceConfig> built = NewServiceConfig(options, warnings);
  if (!built) return built.error();
  auto fresh = std::make_shared<const ServiceConfig>(std::move(*built));
  std::lock_guard<std::mutex> lock(mu_);
  config_ = std::move(fresh);
  options_ = options;
  return {};
}

bool RegistryService::CidrMatch(const List<std::optional<NetIPNet>>& cidrs, std::string_view host_port) const {
  // Nothing can match: no need to ask DNS (the Engine asks anyway).
  if (cidrs.empty()) return false;
  std::string_view host = host_port, port;
  if (!detail::GoSplitHostPort(host_port, host, port)) host = host_port;
  std::vector<std::vector<std::uint8_t>> addresses = resolver_(std::string(host));
  if (addresses.empty()) {
    std::vector<std::uint8_t> literal = ParseIP(host);
    if (!literal.empty()) addresses.push_back(std::move(literal));
  }
  for (const auto& address : addresses) {
    for (const auto& net : cidrs) {
      if (net && Contains(*net, address)) return true;
    }
  }
  return false;
}

bool RegistryService::IsSecureIndexIn(const ServiceConfig& config, std::string_view name) const {
  if (config.index_configs) {
    auto it = config.index_configs->find(std::string(name));
    if (it != config.index_configs->end()) return it->second && it->second->secure;
  }
  return !CidrMatch(config.insecure_registry_cidrs, name);
}

bool RegistryService::IsSecureIndex(std::string_view index_name) const {
  return IsSecureIndexIn(*config(), index_name);
}

bool RegistryService::AllowNondistributableArtifacts(std::string_view host) const {
  std::shared_ptr<const ServiceConfig> c = config();
  for (const std::string& h : c->allow_nondistributable_artifacts_hostnames)
    if (h == host) return true;
  return CidrMatch(c->allow_nondistributable_artifacts_cidrs, host);
}

Result<IndexInfo> RegistryService::ResolveIndex(std::string_view index_name) const {
  Result<std::string> name = ValidateIndexName(index_name);
  if (!name) return name.error();
  std::shared_ptr<const ServiceConfig> c = config();
  if (c->index_configs) {
    auto it = c->index_configs->find(*name);
    if (it != c->index_configs->end() && it->second) return *it->second;
  }
  IndexInfo info;
  info.name = *name;
  info.mirrors = List<std::string>::Empty();
  info.secure = IsSecureIndexIn(*c, *name);
  info.official = false;
  return info;
}

Result<RepositoryInfo> RegistryService::ResolveRepository(const Reference& name) const {
  if (!name.named()) return Error(ErrorKind::kInvalidParameter, "reference has no name");
  Result<IndexInfo> index = ResolveIndex(name.domain());
  if (!index) return index.error();
  RepositoryInfo info;
  info.name = TrimNamed(name);
  info.index = std::move(*index);
  info.official = name.FamiliarName().find('/') == std::string::npos;
  return info;
}

Result<std::vector<Endpoint>> RegistryService::HostsTomlEndpoints(const HostsConfig& hosts, std::string_view host,
                                                                  bool push) const {
  auto wanted = [&](const RegistryHost& h) { return push ? h.Can("push") : (h.Can("pull") || h.Can("resolve")); };
  auto endpoint = [&](const RegistryHost& h, bool mirror) -> Result<Endpoint> {
    Endpoint e;
    e.url = h.url;
    e.mirror = mirror;
    e.official = !mirror && detail::IsHubIndexName(host);
    e.override_path = h.override_path;
    e.headers = h.headers;
    e.tls_verify = !h.skip_verify;
    Result<detail::GoUrl> url = detail::ParseGoUrl(h.url);
    e.host = url ? url->host : std::string();
    e.allow_nondistributable_artifacts = !mirror && AllowNondistributableArtifacts(host);
    Result<TlsMaterial> tls = LoadTlsMaterial(h.ca_files, h.client_pairs);
    if (!tls) return tls.error();
    e.tls = std::move(*tls);
    e.tls.verify = e.tls_verify;
    return e;
  };
  std::vector<Endpoint> endpoints;
  for (const RegistryHost& h : hosts.hosts) {
    if (!wanted(h)) continue;
    Result<Endpoint> e = endpoint(h, /*mirror=*/true);
    if (!e) return e.error();
    endpoints.push_back(std::move(*e));
  }
  RegistryHost server;
  if (hosts.server) {
    server = *hosts.server;
  } else {
    server.url = detail::IsHubIndexName(host) ? std::string(kDefaultV2Registry) : "https://" + std::string(host);
    server.capabilities = {"pull", "resolve", "push"};
  }
  if (wanted(server)) {
    Result<Endpoint> e = endpoint(server, /*mirror=*/false);
    if (!e) return e.error();
    endpoints.push_back(std::move(*e));
  }
  return endpoints;
}

Result<std::vector<Endpoint>> RegistryService::PullEndpoints(std::string_view host) const {
  return Endpoints(host, /*push=*/false);
}

Result<std::vector<Endpoint>> RegistryService::Endpoints(std::string_view host, bool push) const {
  // containerd keeps Docker Hub's hosts.toml under docker.io.
  Result<std::optional<HostsConfig>> hosts_toml =
      ReadHostsToml(certs_dir_, detail::IsHubIndexName(host) ? kDefaultDomain : host);
  if (!hosts_toml) return hosts_toml.error();
  if (*hosts_toml) return HostsTomlEndpoints(**hosts_toml, host, push);

  std::shared_ptr<const ServiceConfig> c = config();
  std::vector<Endpoint> endpoints;
  if (detail::IsHubIndexName(host)) {
    for (std::string mirror : c->mirrors) {
      if (mirror.rfind("http://", 0) != 0 && mirror.rfind("https://", 0) != 0) mirror = "https://" + mirror;
      Result<detail::GoUrl> url = detail::ParseGoUrl(mirror);
      if (!url) return Error(ErrorKind::kInvalidParameter, url.error().message());
      Endpoint e;
      e.url = url->String();
      e.mirror = true;
      e.host = url->host;
      e.tls_verify = IsSecureIndexIn(*c, url->host);
      Result<TlsMaterial> tls = TlsMaterialForHost(certs_dir_, e.host, e.tls_verify);
      if (!tls) return tls.error();
      e.tls = std::move(*tls);
      endpoints.push_back(std::move(e));
    }
    Endpoint hub;
    hub.url = std::string(kDefaultV2Registry);
    hub.official = true;
    hub.host = std::string(detail::kHubRegistryHost);
    hub.allow_nondistributable_artifacts = AllowNondistributableArtifacts(host);
    endpoints.push_back(std::move(hub));
    return endpoints;
  }
  Endpoint tls;
  tls.url = "https://" + std::string(host);
  tls.host = std::string(host);
  tls.tls_verify = IsSecureIndexIn(*c, host);
  tls.allow_nondistributable_artifacts = AllowNondistributableArtifacts(host);
  Result<TlsMaterial> material = TlsMaterialForHost(certs_dir_, host, tls.tls_verify);
  if (!material) return material.error();
  tls.tls = std::move(*material);
  endpoints.push_back(tls);
  if (!tls.tls_verify) {
    Endpoint plain = tls;
    plain.url = "http://" + std::string(host);
    endpoints.push_back(std::move(plain));
  }
  return endpoints;
}

Result<std::vector<Endpoint>> RegistryService::PushEndpoints(std::string_view host) const {
  Result<std::vector<Endpoint>> all = Endpoints(host, /*push=*/true);
  if (!all) return all;
  std::vector<Endpoint> push;
  for (Endpoint& e : *all)
    if (!e.mirror) push.push_back(std::move(e));
  return push;
}

Result<TlsMaterial> RegistryService::TlsForHost(std::string_view host) const {
  return TlsMaterialForHost(certs_dir_, host, IsSecureIndex(host));
}

}  // namespace berth
