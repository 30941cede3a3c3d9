// Docker Hub's names, and which spellings of a registry mean Docker Hub —
// each rule once. Three layers ask: references and the service
// configuration (an index name), the Engine client's IndexInfo, and the
// credential store (a config.json key or server address).
#ifndef BERTH_SRC_INTERNAL_DOCKER_HUB_H_
#define BERTH_SRC_INTERNAL_DOCKER_HUB_H_

#include <string_view>

#include "berth/reference.h"
#include "berth/registry_service.h"

namespace berth::detail {

// Where Docker Hub serves the v2 API (the Engine's DefaultRegistryHost).
inline constexpr std::string_view kHubRegistryHost = "registry-1.docker.io";

// Whether an index name is Docker Hub's: "docker.io" or the legacy
// "index.docker.io".
constexpr bool IsHubIndexName(std::string_view name) {
  return name == kDefaultDomain || name == kLegacyDefaultDomain;
}

// The Engine's normalizeIndexName: the legacy "index.docker.io" as
// "docker.io"; any other name as it is.
constexpr std::string_view NormalizeIndexName(std::string_view name) {
  return name == kLegacyDefaultDomain ? kDefaultDomain : name;
}

// Whether a credential key or server address means Docker Hub: the docker
// CLI stores all of these under kIndexServer ("https://index.docker.io/v1/").
constexpr bool IsHubServerAddress(std::string_view s) {
  return s == kIndexServer || IsHubIndexName(s) || s == kHubRegistryHost || s == "https://index.docker.io" ||
         s == "https://index.docker.io/v1" || s == "https://docker.io";
}

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_DOCKER_HUB_H_
