// A scratch directory for unpacked archives, removed with everything in it
// when it goes; those of processes that are gone (killed mid-copy) are
// removed when the next one is made in the same place.
#ifndef BERTH_SRC_TRANSFER_SCRATCH_DIRECTORY_H_
#define BERTH_SRC_TRANSFER_SCRATCH_DIRECTORY_H_

#include <memory>
#include <string>

#include "berth/error.h"

namespace berth::transfer {

class ScratchDirectory {
 public:
  // "BASE/berth-archive-PID-XXXXXX". kSystem "mkdtemp PATH: reason".
  static Result<std::unique_ptr<ScratchDirectory>> Make(const std::string& base);
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit ScratchDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_SCRATCH_DIRECTORY_H_
