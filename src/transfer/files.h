// File operations the layout and archive writers share, with errors that
// name the path and the system's reason ("write /x/y: No space left on
// device"), as Go's os package words them.
#ifndef BERTH_SRC_TRANSFER_FILES_H_
#define BERTH_SRC_TRANSFER_FILES_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/remote_repository.h"

namespace berth::transfer {

// kSystem "OP PATH: strerror(errno)".
Error FileError(std::string_view op, const std::string& path, int error_number);

// The whole file, at most max_bytes (kSystem "PATH is larger than N bytes").
// kNotFound when it does not exist.
Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes);

// A temporary file name beside `path` that names this process
// ("DIR/.tmp-NAME-PID-N"), so a later writer can tell a dead writer's
// leftovers from a live one's.
std::string TemporaryNameFor(const std::string& path);
// Removes "DIR/.tmp-*-PID-*" files whose process is gone.
void RemoveStaleTemporaries(const std::string& dir);

// A file written through a temporary file beside it (TemporaryNameFor):
// Commit renames it into place; destroyed uncommitted, the temporary file is
// removed. Nothing half-written is ever at `path`.
class AtomicFile {
 public:
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Write(std::string_view data);  // "write TEMPORARY: reason"
  Status Commit();                      // close, rename

 private:
  AtomicFile(std::string path, std::string temporary, int fd)
      : path_(std::move(path)), temporary_(std::move(temporary)), fd_(fd) {}
  std::string path_, temporary_;
  int fd_;
  bool committed_ = false;
};

// Writes `data` to a temporary file and renames it to `path`.
Status ReplaceFile(const std::string& path, std::string_view data);
// Writes everything `reader` gives to a temporary file, then renames it to
// `path`; the temporary file is removed on any error.
Status WriteFileFrom(const std::string& path, BlobReader& reader);

// Reads the whole file at `path` in pieces of up to 256 KiB, handing each
// to `chunk` (whose error stops the reading and is returned).
Status ForEachChunk(const std::string& path, const std::function<Status(std::string_view)>& chunk);

// mkdir -p.
Status MakeDirectories(const std::string& path);

// A file as a BlobReader of a blob: its bytes checked against the digest and
// size while they are read (the chunk that would complete a wrong blob is
// an error instead).
Result<std::unique_ptr<BlobReader>> OpenVerifiedFile(const std::string& path, const Descriptor& blob);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_FILES_H_
