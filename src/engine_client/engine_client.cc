// EngineClient: connecting (DOCKER_HOST and its TLS), API version
// negotiation as the docker CLI does it, /_ping, and turning the Engine's
// error answers into berth errors.
#include <cstdlib>
#include <filesystem>

#include "berth/engine_client.h"
#include "engine_client/answers.h"
#include "engine_client/client_impl.h"
#include "internal/api_version.h"

namespace berth {

using detail::CompareApiVersions;

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

EngineClientOptions EngineClientOptions::FromEnvironment() {
  EngineClientOptions o;
  o.host = Env("DOCKER_HOST");
  o.api_version = Env("DOCKER_API_VERSION");
  o.tls_verify = !Env("DOCKER_TLS_VERIFY").empty();
  o.tls = o.tls_verify || !Env("DOCKER_TLS").empty();
  o.cert_path = Env("DOCKER_CERT_PATH");
  return o;
}

EngineClient::EngineClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EngineClient::~EngineClient() = default;

Result<std::unique_ptr<EngineClient>> EngineClient::Create(EngineClientOptions options) {
  auto impl = std::make_unique<Impl>();
  if (options.host.empty()) options.host = std::string(kDefaultEngineHost);
  Result<engine_client::EngineHost> host = engine_client::ParseEngineHost(options.host, options.tls);
  if (!host) return host.error();
  options.host = host->name;  // messages name it as the CLI does
  impl->host = std::move(*host);
  if (!options.api_version.empty()) {
    // DOCKER_API_VERSION as the CLI takes it: "1.41" or "v1.41".
    std::string v = options.api_version[0] == 'v' ? options.api_version.substr(1) : options.api_version;
    if (v.empty() || v.find_first_not_of("0123456789.") != std::string::npos) {
      return Error(ErrorKind::kInvalidParameter, "invalid API version \"" + options.api_version + "\"");
    }
    impl->version = v;  // pinned: never negotiated
  }
  if (impl->host.tls) {
    // The CLI's rules (cli/flags and go-connections' tlsconfig): a CA only
    // when verifying — the named one or DOCKER_CERT_PATH's ca.pem, which
    // must then be there; a client pair from the named files, or from the
    // default ones where they exist, certificate and key together.
    std::string dir = options.cert_path.empty() ? DockerConfigDir() : options.cert_path;
    std::error_code ec;
    auto present = [&](const std::string& named, const char* default_name) {
      if (!named.empty()) return named;
      std::string path = dir + "/" + default_name;
      return std::filesystem::exists(path, ec) ? path : std::string();
    };
    std::vector<std::string> cas;
    std::vector<std::pair<std::string, std::string>> pairs;
    if (options.tls_verify) {
      const std::string ca = options.ca_file.empty() ? dir + "/ca.pem" : options.ca_file;
      if (Result<TlsMaterial> read = LoadTlsMaterial({ca}, {}); !read) {
        return Error(ErrorKind::kInvalidParameter,
                     "could not read CA certificate \"" + ca + "\": " + read.error().message());
      }
      cas.push_back(ca);
    }
    std::string cert = present(options.cert_file, "cert.pem");
    std::string key = present(options.key_file, "key.pem");
    // A default pair counts only whole; a named file needs its partner.
    if (options.cert_file.empty() && options.key_file.empty() && (cert.empty() || key.empty())) cert = key = "";
    if (cert.empty() != key.empty()) {
      return Error(ErrorKind::kInvalidParameter,
                   "a TLS client certificate needs its key and a key its certificate ("
                   "--tlscert " +
                       (cert.empty() ? "?" : cert) + ", --tlskey " + (key.empty() ? "?" : key) + ")");
    }
    if (!cert.empty()) pairs.emplace_back(cert, key);
    Result<TlsMaterial> material = LoadTlsMaterial(cas, pairs);
    if (!material) return material.error();
    material->verify = options.tls_verify;
    impl->tls = std::move(*material);
  }
  impl->options = std::move(options);
  return std::unique_ptr<EngineClient>(new EngineClient(std::move(impl)));
}

const std::string& EngineClient::host() const {
  return impl_->options.host;
}

std::uint64_t EngineClient::connections_opened() const {
  return impl_->connections;
}

Result<http::Response> EngineClient::Impl::Send(const std::string& method, const std::string& path,
                                                const Headers& headers, const std::string& body,
                                                const Streaming* streaming) {
  http::Request request;
  request.method = method;
  request.url = host.base_url + path;
  request.headers = headers;
  request.body = body;
  request.timeout = options.timeout;
  request.connect_timeout = options.connect_timeout;
  request.max_body = options.max_response_bytes;
  request.user_agent = options.user_agent;
  request.unix_socket = host.unix_socket;
  if (tls) request.tls = &*tls;
  if (streaming) {
    request.body_sink = streaming->body_sink;
    request.body_reader = streaming->body_reader;
    request.body_length = streaming->body_length;
    request.stall_timeout = options.timeout;
  }
  Result<http::Response> response = http.Do(request);
  if (response) {
    connections += static_cast<std::uint64_t>(response->new_connections);
    return response;
  }
  if (http.last_failure_was_connect()) {
    return Error(ErrorKind::kUnavailable,
                 "Cannot connect to the Docker daemon at " + options.host + ". Is the docker daemon running?");
  }
  if (streaming && http.last_failure_was_timeout()) {
    return Error(ErrorKind::kUnavailable, "the Engine sent nothing for " +
                                              std::to_string(options.timeout.count() / 1000) +
                                              " s: " + response.error().message());
  }
  if (streaming && http.last_failure_was_cut()) {
    return Error(ErrorKind::kUnavailable, "the Engine's answer was cut short: " + response.error().message());
  }
  return Error(response.error().kind(), "error during connect: " + response.error().message());
}

Status EngineClient::Impl::Check(const http::Response& r, const std::string& url) const {
  std::string content_type = r.Header("content-type");
  std::string_view line = r.status_line;
  std::size_t space = line.find(' ');
  return engine_client::CheckAnswer(
      {r.status, space == std::string_view::npos ? "" : line.substr(space + 1), content_type, r.body, version, url});
}

Result<EnginePing> EngineClient::Impl::Ping() {
  // HEAD first; GET when HEAD fails, as the Go SDK does — but not after
  // HEAD ran out of time: an Engine that does not answer would only make
  // the caller wait a second time.
  Result<http::Response> r = Send("HEAD", "/_ping");
  if (!r && http.last_failure_was_timeout()) return r.error();
  if (!r || r->status != 200) {
    r = Send("GET", "/_ping");
    if (!r) return r.error();
  }
  if (Status s = Check(*r, host.base_url + "/_ping"); !s.ok()) return s.error();
  EnginePing ping;
  ping.api_version = r->Header("api-version");
  ping.os_type = r->Header("ostype");
  ping.experimental = r->Header("docker-experimental") == "true";
  ping.builder_version = r->Header("builder-version");
  ping.swarm = r->Header("swarm");
  return ping;
}

Result<EnginePing> EngineClient::Ping() {
  return impl_->Ping();
}

Status EngineClient::Impl::Negotiate() {
  if (!version.empty()) return {};  // pinned, or negotiated already
  Result<EnginePing> ping = Ping();
  // Unlike the Go SDK of Engine 25, a failed ping settles nothing (it would
  // settle on 1.24): the next request negotiates again.
  if (!ping) return ping.error();
  // The CLI's negotiateAPIVersionPing: no Api-Version means 1.24; a lower
  // version than ours is used; a higher one is capped at ours.
  std::string v = ping->api_version.empty() ? "1.24" : ping->api_version;
  if (v.find_first_not_of("0123456789.") != std::string::npos || CompareApiVersions(v, kEngineMinApiVersion) < 0) {
    return Error(ErrorKind::kUnavailable, "the Docker daemon at " + options.host + " speaks API version \"" + v +
                                              "\"; berth needs " + std::string(kEngineMinApiVersion) + " or later");
  }
  version = CompareApiVersions(v, kEngineApiVersion) < 0 ? v : std::string(kEngineApiVersion);
  return {};
}

Result<std::string> EngineClient::ApiVersion() {
  if (Status s = impl_->Negotiate(); !s.ok()) return s.error();
  return impl_->version;
}

Result<http::Response> EngineClient::Impl::Call(const std::string& method, const std::string& path,
                                                const Headers& headers, const std::string& body,
                                                const Streaming* streaming) {
  if (Status s = Negotiate(); !s.ok()) return s.error();
  std::string versioned = "/v" + version + path;
  Result<http::Response> r = Send(method, versioned, headers, body, streaming);
  if (!r) return r;
  if (Status s = Check(*r, host.base_url + versioned); !s.ok()) return s.error();
  return r;
}

Status EngineClient::Impl::RequireVersion(std::string_view required, std::string_view feature) {
  if (Status s = Negotiate(); !s.ok()) return s;
  if (CompareApiVersions(version, required) < 0) {
    return Error(ErrorKind::kInvalidParameter, "\"" + std::string(feature) + "\" requires API version " +
                                                   std::string(required) + ", but the Docker daemon API version is " +
                                                   version);
  }
  return {};
}

}  // namespace berth
