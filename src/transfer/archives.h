// Archive locations: an OCI layout packed in a tar (oci-archive:FILE[:REF])
// and the `docker save` tar (docker-archive:FILE[:NAME:TAG]). Both are an OCI
// layout in a scratch directory: unpacked from the tar to read, packed into
// it (a temporary file renamed over FILE) at Commit to write — so a copy that
// fails or is killed leaves no half-written archive.
//
// A docker archive berth writes is the v25 `docker save` tar: the OCI layout
// (index.json naming the image with io.containerd.image.name and its tag as
// org.opencontainers.image.ref.name) plus manifest.json and repositories, so
// both `docker load` and OCI readers take it. Its layers stay as the source
// had them (docker save writes them uncompressed; docker load takes both).
// One image per archive: an index copied into one gives the image for this
// machine's platform (or --platform's). Reading takes v25 tars (by
// index.json) and older ones (docker 20.10, skopeo: manifest.json only, a
// schema2 manifest made from it).
#ifndef BERTH_SRC_TRANSFER_ARCHIVES_H_
#define BERTH_SRC_TRANSFER_ARCHIVES_H_

#include <memory>
#include <string>

#include "transfer/location.h"

namespace berth::transfer {

Result<std::unique_ptr<Location>> OpenOciArchive(const std::string& file, const std::string& ref, bool for_writing,
                                                 std::size_t max_manifest_bytes);

// `ref`: "" or a docker reference ("app:1.0", "host:5000/team/app"; no tag
// is ":latest"), which names the image in manifest.json's RepoTags.
Result<std::unique_ptr<Location>> OpenDockerArchive(const std::string& file, const std::string& ref, bool for_writing,
                                                    std::size_t max_manifest_bytes);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_ARCHIVES_H_
