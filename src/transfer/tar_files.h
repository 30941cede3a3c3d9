// Tar files for the archive locations, through libarchive: unpacking an
// untrusted archive into a directory, and packing a directory into one.
#ifndef BERTH_SRC_TRANSFER_TAR_FILES_H_
#define BERTH_SRC_TRANSFER_TAR_FILES_H_

#include <string>

#include "berth/error.h"

namespace berth::transfer {

// Unpacks `archive` (any tar dialect, compressed or not) into `dir`.
// Only regular files, directories and symbolic links are written; an entry
// with an absolute path or a ".." component, or one that would be written
// through a symbolic link, is refused (kInvalidParameter `archive ARCHIVE:
// entry "NAME": …`) before anything is written outside `dir`. Symbolic
// links are kept as they are (docker save links duplicate layers): readers
// must check where they lead (InsideDirectory).
Status UnpackTar(const std::string& archive, const std::string& dir);

// Packs the regular files under `dir` into a tar at `archive` (written to a
// temporary file, then renamed): names relative to `dir`, in sorted order,
// owner 0:0, mode 0644 (directories 0755), mtime 0, so the same content
// makes the same bytes.
Status PackTar(const std::string& dir, const std::string& archive);

// The real path of `path` when it lies inside `dir` (after every link is
// followed); kInvalidParameter "PATH leads outside the archive" otherwise.
Result<std::string> InsideDirectory(const std::string& dir, const std::string& path);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_TAR_FILES_H_
