// The registry service configuration as the Docker Engine builds it from
// daemon.json / dockerd flags (registry-mirrors, insecure-registries,
// allow-nondistributable-artifacts), with the Engine's validators and error
// texts. The result is the ServiceConfig that GET /info shows.
#ifndef BERTH_SERVICE_CONFIG_H_
#define BERTH_SERVICE_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/types.h"

namespace berth {

// What the user configures: the daemon.json keys (and dockerd flags)
// allow-nondistributable-artifacts (--allow-nondistributable-artifacts),
// registry-mirrors (--registry-mirror), insecure-registries
// (--insecure-registry). Its JSON (berth/json.h) uses those keys, omitempty.
struct ServiceOptions {
  List<std::string> allow_nondistributable_artifacts;
  List<std::string> mirrors;
  List<std::string> insecure_registries;

  friend bool operator==(const ServiceOptions&, const ServiceOptions&) = default;
};

// "index.docker.io" becomes "docker.io"; a leading or trailing hyphen is
// refused: "invalid index name (NAME). Cannot begin or end with a hyphen".
Result<std::string> ValidateIndexName(std::string_view name);

// An http(s) URL without query, fragment or credentials, returned with one
// trailing "/". Errors as the Engine's, e.g. `invalid mirror: unsupported
// scheme "ftp" in "ftp://m.example.com"`; a password shows as "xxxxx".
Result<std::string> ValidateMirror(std::string_view mirror);

// The text of a URL with any password in its authority replaced by "xxxxx"
// ("https://u:xxxxx@host/"), whether or not the URL parses: for messages
// that echo what the user typed.
std::string MaskUrlPassword(std::string_view url);

// A registry host with optional port (or an IP address): `invalid host
// "…"`, `invalid port "…"`.
Status ValidateHostPort(std::string_view host_port);

// The Engine's newServiceConfig: the first error aborts. `warnings`, if
// given, receives the Engine's warnings (an http:// or https:// prefix
// stripped from an insecure registry). Mirrors and insecure CIDRs keep the
// input order; the allow-nondistributable lists (random order in the
// Engine) are sorted; duplicates are dropped; 127.0.0.0/8 is always
// insecure; docker.io is always secure and official, with the mirrors.
Result<ServiceConfig> NewServiceConfig(const ServiceOptions& options, std::vector<std::string>* warnings = nullptr);

// The copy GET /info shows under RegistryConfig: the Engine appends each
// top-level list to a nil one, so empty lists print as null, while the
// IndexInfo objects (shared, not copied) keep `"Mirrors":[]`.
ServiceConfig ServiceConfigForInfo(const ServiceConfig& config);

}  // namespace berth

#endif  // BERTH_SERVICE_CONFIG_H_
