// The OCI image-spec types that DistributionInspect carries (image-spec
// v1.1.0-rc5, as the Engine v25 vendors it: Go package `v1`).
#ifndef BERTH_OCI_H_
#define BERTH_OCI_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "berth/list.h"

namespace berth {

// v1.Platform. JSON: architecture, os, os.version (omitempty), os.features
// (omitempty), variant (omitempty).
struct Platform {
  std::string architecture;
  std::string os;
  std::string os_version;
  List<std::string> os_features;
  std::string variant;

  friend bool operator==(const Platform&, const Platform&) = default;
};

// v1.Descriptor. JSON: mediaType, digest, size, then urls, annotations, data
// (standard base64), platform, artifactType, each omitempty.
struct Descriptor {
  std::string media_type;
  std::string digest;  // digest.Digest: "algorithm:hex"
  std::int64_t size = 0;
  List<std::string> urls;
  // nullopt is Go's nil map; both nil and empty are left out of the JSON.
  std::optional<std::map<std::string, std::string>> annotations;
  List<std::uint8_t> data;
  std::optional<Platform> platform;  // *Platform
  std::string artifact_type;

  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

}  // namespace berth

#endif  // BERTH_OCI_H_
