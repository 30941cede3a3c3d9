// Which kind of manifest a payload is, as the Engine's manifest
// unmarshallers decide it: from the Content-Type a registry (or an index
// descriptor) gives, checked against the payload's own mediaType.
#ifndef BERTH_SRC_REGISTRY_MANIFEST_TYPE_H_
#define BERTH_SRC_REGISTRY_MANIFEST_TYPE_H_

#include <string>
#include <string_view>

#include "berth/error.h"
#include "registry/documents.h"

namespace berth::registry {

// An OCI index or image manifest, a Docker manifest list or schema2
// manifest, or schema1 (signed or not).
bool IsKnownManifestType(std::string_view media_type);

// An OCI index or a Docker manifest list.
bool IsIndexType(std::string_view media_type);

// The Content-Type when it names a manifest kind (a payload naming another
// is refused: "mediaType in manifest should be 'A' not 'B'"), else the
// payload's own mediaType, else its shape (schemaVersion 1: schema1;
// schemaVersion 2 with manifests: an OCI index, with a config: an OCI image
// manifest). kSystem "unsupported manifest media type and no default
// available: T" otherwise.
Result<std::string> ManifestType(std::string_view content_type, const ManifestDocument& doc);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_MANIFEST_TYPE_H_
