// The types of the Docker Engine's Go package api/types/registry (Engine v25,
// API 1.44), named as the Engine names them so the Go docs read alongside.
// Their JSON forms live in berth/json.h.
#ifndef BERTH_TYPES_H_
#define BERTH_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "berth/list.h"
#include "berth/net_ipnet.h"
#include "berth/oci.h"

namespace berth {

// The HTTP header that carries a base64url-encoded AuthConfig.
inline constexpr std::string_view kAuthHeader = "X-Registry-Auth";

// Credentials for a registry. Every member is omitempty in JSON:
// username, password, auth, email, serveraddress, identitytoken,
// registrytoken.
struct AuthConfig {
  std::string username;
  std::string password;
  // Opaque; conventionally base64("user:password"). Never decoded here.
  std::string auth;
  // Deprecated by the Engine but still carried.
  std::string email;
  std::string server_address;
  // A refresh token from a token server, used instead of a password.
  std::string identity_token;
  // A bearer token to send to the registry as is.
  std::string registry_token;

  friend bool operator==(const AuthConfig&, const AuthConfig&) = default;
};

// The answer to POST /auth. JSON: IdentityToken, Status (never omitted).
struct AuthenticateOKBody {
  std::string identity_token;
  std::string status;

  friend bool operator==(const AuthenticateOKBody&, const AuthenticateOKBody&) = default;
};

// One hit of a v1 search. JSON: star_count, is_official, name, is_automated,
// description (none omitted).
struct SearchResult {
  std::int64_t star_count = 0;  // Go int (64-bit)
  bool is_official = false;
  std::string name;
  bool is_automated = false;  // deprecated, still sent
  std::string description;

  friend bool operator==(const SearchResult&, const SearchResult&) = default;
};

// The body of a registry's v1 search answer. JSON: query, num_results,
// results.
struct SearchResults {
  std::string query;
  std::int64_t num_results = 0;  // Go int (64-bit)
  List<SearchResult> results;

  friend bool operator==(const SearchResults&, const SearchResults&) = default;
};

// What the Engine knows of one registry index. JSON: Name, Mirrors, Secure,
// Official.
struct IndexInfo {
  std::string name;
  List<std::string> mirrors;
  bool secure = false;
  bool official = false;

  friend bool operator==(const IndexInfo&, const IndexInfo&) = default;
};

// The registry configuration, as GET /info shows it under RegistryConfig.
// JSON: AllowNondistributableArtifactsCIDRs,
// AllowNondistributableArtifactsHostnames, InsecureRegistryCIDRs,
// IndexConfigs, Mirrors. A nullopt element is Go's nil *NetIPNet / *IndexInfo.
struct ServiceConfig {
  List<std::optional<NetIPNet>> allow_nondistributable_artifacts_cidrs;
  List<std::string> allow_nondistributable_artifacts_hostnames;
  List<std::optional<NetIPNet>> insecure_registry_cidrs;
  std::optional<std::map<std::string, std::optional<IndexInfo>>> index_configs;
  List<std::string> mirrors;

  friend bool operator==(const ServiceConfig&, const ServiceConfig&) = default;
};

// The answer to GET /distribution/{name}/json. JSON: Descriptor, Platforms
// (`null` when no platform is known).
struct DistributionInspect {
  Descriptor descriptor;
  List<Platform> platforms;

  friend bool operator==(const DistributionInspect&, const DistributionInspect&) = default;
};

// What `rmi` did: one line per name untagged and per image deleted, as the
// Engine's ImageDeleteResponseItem ({"Untagged":…} / {"Deleted":…}).
struct ImageDeleteItem {
  std::string untagged;  // familiar reference
  std::string deleted;   // image ID
};

}  // namespace berth

#endif  // BERTH_TYPES_H_
