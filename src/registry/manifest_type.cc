#include "registry/manifest_type.h"

#include "http/http_client.h"
#include "registry/media_types.h"

namespace berth::registry {

bool IsKnownManifestType(std::string_view t) {
  return t == kOciIndex || t == kDockerManifestList || t == kOciManifest || t == kDockerManifest ||
         t == kSchema1Signed || t == kSchema1;
}

bool IsIndexType(std::string_view t) {
  return t == kOciIndex || t == kDockerManifestList;
}

Result<std::string> ManifestType(std::string_view content_type, const ManifestDocument& doc) {
  std::string type = http::MediaTypeOf(content_type);
  if (IsKnownManifestType(type)) {
    // The Engine's unmarshallers refuse a payload that names another type.
    bool schema1 = type == kSchema1Signed || type == kSchema1;
    if (!schema1 && !doc.media_type.empty() && doc.media_type != type) {
      return Error(ErrorKind::kSystem, "mediaType in manifest should be '" + type + "' not '" + doc.media_type + "'");
    }
    return type;
  }
  if (!doc.media_type.empty() && IsKnownManifestType(doc.media_type)) return doc.media_type;
  if (doc.schema_version == 1) return std::string(kSchema1Signed);
  if (doc.schema_version == 2 && doc.media_type.empty()) {
    if (!doc.manifests.empty()) return std::string(kOciIndex);
    if (doc.config) return std::string(kOciManifest);
  }
  return Error(ErrorKind::kSystem, "unsupported manifest media type and no default available: " + type);
}

}  // namespace berth::registry
