// How `berth copy` shows a copy as it happens, on standard error: on a
// terminal, one line per blob redrawn in place as `docker pull` draws them
// ("0123456789ab: Copying [=====>     ]  4.2MB/16.8MB"); otherwise one plain
// line per finished step ("Copied blob 0123456789ab (16.8MB)").
#ifndef BERTH_TOOLS_BERTH_PROGRESS_VIEW_H_
#define BERTH_TOOLS_BERTH_PROGRESS_VIEW_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "berth/transfer.h"

namespace berth::cli {

class ProgressView {
 public:
  // Writes to `out`, redrawing lines when `terminal` is `columns` wide: as
  // docker does, the bar shows only on terminals wider than 110 columns, and
  // no line is longer than the terminal (a wrapped line would break the
  // redrawing).
  ProgressView(std::FILE* out, bool terminal, int columns = 80)
      : out_(out), terminal_(terminal), columns_(columns > 1 ? columns : 80) {}

  void OnEvent(const CopyEvent& event);

 private:
  void Draw(std::size_t line, const std::string& text);

  std::FILE* out_;
  bool terminal_;
  int columns_;
  std::vector<std::string> ids_;  // the blob of each line drawn so far
};

// Bytes as the docker CLI shows them (go-units HumanSize: decimal units,
// three significant digits): "512B", "16.8MB", "1.07GB".
std::string HumanSize(std::int64_t bytes);

// The 12 hex digits docker shows for a digest.
std::string ShortId(const std::string& digest);

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_PROGRESS_VIEW_H_
