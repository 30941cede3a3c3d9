// A `docker save` tar without index.json (docker before v25, skopeo's
// docker-archive), unpacked in a directory, read as an image: manifest.json
// names the config and the layer files, from which a Docker schema2
// manifest is made (layers' digests and sizes from the files, their media
// types from their compression: gzip, zstd or a plain tar).
#ifndef BERTH_SRC_TRANSFER_LEGACY_DOCKER_ARCHIVE_H_
#define BERTH_SRC_TRANSFER_LEGACY_DOCKER_ARCHIVE_H_

#include <memory>
#include <string>

#include "transfer/location.h"

namespace berth::transfer {

// `familiar_name` ("app:1.0") picks the manifest.json entry whose RepoTags
// hold it; "" the only entry. Files named there must lie inside `dir` (links
// included). Errors: kNotFound for a name not there, kInvalidParameter for a
// manifest.json that is not one, kSystem for unreadable files.
Result<std::unique_ptr<Location>> OpenLegacyDockerArchive(const std::string& dir, const std::string& familiar_name,
                                                          std::size_t max_manifest_bytes);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_LEGACY_DOCKER_ARCHIVE_H_
