#include "commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "berth/auth_header.h"
#include "berth/daemon_config.h"
#include "berth/json.h"
#include "berth/reference.h"
#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "berth/service_config.h"

namespace berth::cli {
namespace {

CommandOutput Fail(std::string out, std::string err) {
  return {std::move(out), std::move(err), 1};
}

template <class T>
CommandOutput Normalize(std::string_view payload, bool first_value, bool escape_html) {
  T value{};
  Status status = first_value ? DecodeFirstValue(payload, value) : Unmarshal(payload, value);
  if (!status) return Fail("", status.message());
  return {Marshal(value, MarshalOptions{.escape_html = escape_html}), "", 0};
}

using Normalizer = CommandOutput (*)(std::string_view, bool, bool);

struct JsonType {
  std::string name;
  Normalizer run;
};

const std::vector<JsonType>& JsonTypes() {
  static const std::vector<JsonType> types = {
      {"AuthConfig", &Normalize<AuthConfig>},
      {"AuthenticateOKBody", &Normalize<AuthenticateOKBody>},
      {"SearchResult", &Normalize<SearchResult>},
      {"SearchResults", &Normalize<SearchResults>},
      {"DistributionInspect", &Normalize<DistributionInspect>},
      {"IndexInfo", &Normalize<IndexInfo>},
      {"ServiceConfig", &Normalize<ServiceConfig>},
      {"Descriptor", &Normalize<Descriptor>},
      {"Platform", &Normalize<Platform>},
  };
  return types;
}

}  // namespace

CommandOutput AuthEncode(std::string_view auth_config_json) {
  AuthConfig config;
  Status status = Unmarshal(auth_config_json, config);
  if (!status) return Fail("", status.message());
  return {EncodeAuthConfig(config), "", 0};
}

CommandOutput AuthDecode(std::string_view input, bool body) {
  AuthConfigDecoding d = body ? DecodeAuthConfigBody(input) : DecodeAuthConfig(input);
  std::string out = Marshal(d.config);
  if (!d.status) return Fail(std::move(out), d.status.message());
  return {std::move(out), "", 0};
}

CommandOutput JsonNormalize(std::string_view type, std::string_view payload, bool first_value, bool escape_html) {
  for (const JsonType& t : JsonTypes()) {
    if (t.name == type) return t.run(payload, first_value, escape_html);
  }
  std::string names;
  for (const JsonType& t : JsonTypes()) {
    if (!names.empty()) names += ", ";
    names += t.name;
  }
  return Fail("", "unknown type \"" + std::string(type) + "\" (one of: " + names + ")");
}

namespace {

// A JSON string: references are printable ASCII without quotes or
// backslashes, but escape anyway rather than trust that.
void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

CommandOutput RefInfo(std::string_view reference, RefMode mode) {
  Result<Reference> ref = mode == RefMode::kAny      ? ParseAnyReference(reference)
                          : mode == RefMode::kStrict ? ParseReference(reference)
                                                     : ParseNormalizedNamed(reference);
  if (!ref) return Fail("", ref.error().message());
  std::string out = "{";
  auto member = [&](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (out.size() > 1) out += ',';
    AppendJsonString(out, key);
    out += ':';
    AppendJsonString(out, value);
  };
  member("string", ref->String());
  if (ref->named()) {
    member("familiar", ref->FamiliarString());
    member("name", ref->Name());
    member("domain", ref->domain());
    member("path", ref->path());
    member("tag", ref->tag());
  }
  member("digest", ref->digest());
  out += '}';
  return {std::move(out), "", 0};
}

namespace {

std::string Warnings(const std::vector<std::string>& warnings) {
  std::string err;
  for (const std::string& w : warnings) {
    if (!err.empty()) err += '\n';
    err += "warning: " + w;
  }
  return err;
}

// TARGET names a registry host when it has no "/", is a valid host[:port],
// and looks like a registry as docker decides it ("." or ":" in it, or
// "localhost"); otherwise it is an image reference.
bool IsRegistryHost(std::string_view target) {
  return target.find('/') == std::string_view::npos && ValidateHostPort(target).ok() &&
         (target.find_first_of(".:") != std::string_view::npos || target == "localhost");
}

}  // namespace

Result<std::unique_ptr<RegistryService>> ServiceFor(const ConfigRequest& config, const std::string& certs_dir,
                                                    std::vector<std::string>& warnings) {
  Result<ServiceOptions> options = LoadServiceOptions(config);
  if (!options) return options.error();
  return RegistryService::Create(*options, RegistryServiceSettings{.certs_dir = certs_dir}, &warnings);
}

namespace {

// The endpoints for TARGET (an image reference or a registry host), from
// the configuration the request describes; warnings collected.
Result<std::vector<Endpoint>> EndpointsFor(const ConfigRequest& request, std::string_view target, bool push,
                                           const std::string& certs_dir, std::vector<std::string>& warnings) {
  auto service = ServiceFor(request, certs_dir, warnings);
  if (!service) return service.error();
  std::string host(target);
  if (!IsRegistryHost(target)) {
    Result<Reference> ref = ParseNormalizedNamed(target);
    if (!ref) return ref.error();
    host = ref->domain();
  }
  return push ? (*service)->PushEndpoints(host) : (*service)->PullEndpoints(host);
}

}  // namespace

CommandOutput PingShow(const ConfigRequest& request, std::string_view target, const std::string& certs_dir) {
  std::vector<std::string> warnings;
  Result<std::vector<Endpoint>> endpoints = EndpointsFor(request, target, /*push=*/true, certs_dir, warnings);
  if (!endpoints) return Fail("", endpoints.error().message());
  std::string last_error = "no endpoint";
  for (const Endpoint& e : *endpoints) {
    Result<PingResult> ping = PingRegistry(e);
    if (!ping) {
      last_error = ping.error().message();
      continue;
    }
    std::string out = "{\"url\":";
    AppendJsonString(out, e.url);
    out += ",\"status\":" + std::to_string(ping->status) + ",\"api_version\":";
    AppendJsonString(out, ping->api_version);
    out += ",\"challenges\":[";
    for (std::size_t i = 0; i < ping->challenges.size(); ++i) {
      const Challenge& c = ping->challenges[i];
      if (i > 0) out += ',';
      out += "{\"scheme\":";
      AppendJsonString(out, c.scheme);
      out += ",\"params\":{";
      bool first = true;
      for (const auto& [k, v] : c.params) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, k);
        out += ':';
        AppendJsonString(out, v);
      }
      out += "}}";
    }
    out += "]}";
    return {std::move(out), Warnings(warnings), 0};
  }
  return Fail("", last_error);
}

CommandOutput EndpointsShow(const ConfigRequest& request, std::string_view target, bool push,
                            const std::string& certs_dir) {
  std::vector<std::string> warnings;
  Result<std::vector<Endpoint>> endpoints = EndpointsFor(request, target, push, certs_dir, warnings);
  if (!endpoints) return Fail("", endpoints.error().message());
  std::string out;
  for (const Endpoint& e : *endpoints) {
    if (!out.empty()) out += '\n';
    out += "{\"url\":";
    AppendJsonString(out, e.url);
    out += std::string(",\"mirror\":") + (e.mirror ? "true" : "false") +
           ",\"official\":" + (e.official ? "true" : "false") + ",\"tls_verify\":" + (e.tls_verify ? "true" : "false") +
           ",\"allow_nondistributable_artifacts\":" + (e.allow_nondistributable_artifacts ? "true" : "false") +
           ",\"override_path\":" + (e.override_path ? "true" : "false");
    auto files = [&](const char* key, const std::vector<std::string>& list) {
      out += std::string(",\"") + key + "\":[";
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ',';
        AppendJsonString(out, list[i]);
      }
      out += ']';
    };
    files("ca_files", e.tls.ca_files);
    std::vector<std::string> certs;
    for (const ClientCertificate& c : e.tls.client_certificates) certs.push_back(c.cert_file);
    files("client_certificates", certs);
    out += '}';
  }
  return {std::move(out), Warnings(warnings), 0};
}

CommandOutput ConfigShow(const ConfigRequest& request) {
  Result<ServiceOptions> options = LoadServiceOptions(request);
  if (!options) return Fail("", options.error().message());
  std::vector<std::string> warnings;
  Result<ServiceConfig> config = NewServiceConfig(*options, &warnings);
  if (!config) return Fail("", config.error().message());
  return {Marshal(ServiceConfigForInfo(*config), MarshalOptions{.escape_html = false}), Warnings(warnings), 0};
}

const std::vector<std::string>& JsonTypeNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const JsonType& t : JsonTypes()) v.push_back(t.name);
    return v;
  }();
  return names;
}

}  // namespace berth::cli
