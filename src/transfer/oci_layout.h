// An OCI image layout (image-spec v1.1 image-layout.md) as a copy location:
// `oci-layout`, `index.json` naming images by their
// org.opencontainers.image.ref.name annotation, and blobs/<alg>/<hex>.
//
// Writes are safe to kill and to share: a blob is written to a temporary
// file beside its final name and renamed into place only when complete (its
// reader has checked its digest), so a blob file that exists is whole; a
// rerun skips every blob already there. index.json is replaced whole by
// rename, under an exclusive flock(2) of the layout directory, re-read under
// that lock so two writers never lose each other's names. Temporary files of
// writers that are gone are removed when a layout is opened for writing.
#ifndef BERTH_SRC_TRANSFER_OCI_LAYOUT_H_
#define BERTH_SRC_TRANSFER_OCI_LAYOUT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "transfer/location.h"

namespace berth::transfer {

// `dir` with the image `ref` names ("" : the layout's only image): its
// org.opencontainers.image.ref.name, or its io.containerd.image.name (the
// full name docker save writes). When writing, `naming.image_name` (if
// any) is written as the image's io.containerd.image.name and replaces the
// entry of that name. For writing, the directory (and its parents) is made when
// missing. Errors:
// kNotFound "DIR is not an OCI image layout: …" for reading a directory
// without index.json; kSystem with the path for file system errors.
// Manifests and index.json are read up to `max_manifest_bytes`.
struct LayoutNaming {
  // Written as the image's io.containerd.image.name (docker save's).
  std::string image_name;
  // What messages call the layout ("oci-archive:FILE"); "" is "oci:DIR".
  std::string label;
  // Tags() lists images by name ("app:1.0", a docker archive's), not REF.
  bool tags_are_image_names = false;
};
Result<std::unique_ptr<Location>> OpenOciLayout(const std::string& dir, const std::string& ref, bool for_writing,
                                                std::size_t max_manifest_bytes, const LayoutNaming& naming = {});

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_OCI_LAYOUT_H_
