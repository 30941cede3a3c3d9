// Tar files for the archive locations, through libarchive: unpacking an
// untrusted archive into a directory, and packing a directory into one.
#ifndef BERTH_SRC_TRANSFER_TAR_FILES_H_
#define BERTH_SRC_TRANSFER_TAR_FILES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/remote_repository.h"

struct archive;  // libarchive's

namespace berth::transfer {

// Unpacks `archive` (any tar dialect, compressed or not) into `dir`.
// Only regular files, directories and symbolic links are written; an entry
// with an absolute path or a ".." component, or one that would be written
// through a symbolic link, is refused (kInvalidParameter `archive ARCHIVE:
// entry "NAME": …`) before anything is written outside `dir`. Symbolic
// links are kept as they are (docker save links duplicate layers): readers
// must check where they lead (InsideDirectory).
Status UnpackTar(const std::string& archive, const std::string& dir);

// A tar written as it is made, to a sink (docker save streams its tar to
// the client): regular files only, owner 0:0, mode 0644, mtime 0, so the
// same content makes the same bytes. A sink's error stops it and is
// returned by the call that met it.
class TarWriter {
 public:
  static Result<std::unique_ptr<TarWriter>> Open(BlobSink sink);
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  Status AddBytes(const std::string& name, std::string_view data);
  // The file at `path`, its size as stat(2) gives it.
  Status AddFile(const std::string& name, const std::string& path);
  // `size` bytes from `reader` (a blob checked as it is read: its error
  // stops the tar).
  Status AddReader(const std::string& name, std::int64_t size, BlobReader& reader);
  // The end of the archive.
  Status Close();

 private:
  struct Output;
  explicit TarWriter(BlobSink sink);
  Status Header(const std::string& name, std::int64_t size);
  Error Failure();
  std::unique_ptr<Output> output_;
  std::unique_ptr<::archive, int (*)(::archive*)> archive_;
};

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
