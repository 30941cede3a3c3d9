// Manifest media types, and the Accept list that asks a registry for any of
// them (the Engine's order: indexes and lists first).
#ifndef BERTH_SRC_REGISTRY_MEDIA_TYPES_H_
#define BERTH_SRC_REGISTRY_MEDIA_TYPES_H_

#include <string_view>

namespace berth::registry {

inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view kSchema1 = "application/vnd.docker.distribution.manifest.v1+json";

inline constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.v1+prettyjws, "
    "application/vnd.docker.distribution.manifest.v1+json";

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_MEDIA_TYPES_H_
