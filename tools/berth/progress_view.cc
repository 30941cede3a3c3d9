#include "progress_view.h"

#include <algorithm>

namespace berth::cli {

std::string HumanSize(std::int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%s", value, kUnits[unit]);
  return text;
}

std::string ShortId(const std::string& digest) {
  const std::size_t colon = digest.find(':');
  return digest.substr(colon == std::string::npos ? 0 : colon + 1, 12);
}

namespace {

// docker's progress bar: 50 columns, '=' done, '>' at the head.
std::string Bar(std::int64_t current, std::int64_t total) {
  const int width = 50;
  int filled = total > 0 ? static_cast<int>(std::min<std::int64_t>(current * width / total, width)) : 0;
  std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '=');
  if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  return bar + "]";
}

}  // namespace

void ProgressView::Draw(std::size_t line, const std::string& full_text) {
  const std::string text = full_text.substr(0, static_cast<std::size_t>(columns_ - 1));
  if (line == ids_.size()) {
    ids_.emplace_back();
    std::fprintf(out_, "%s\n", text.c_str());
  } else {
    // Up to the line, clear it, write, and back down.
    const std::size_t up = ids_.size() - line;
    std::fprintf(out_, "\x1b[%zuA\x1b[2K\r%s\x1b[%zuB\r", up, text.c_str(), up);
  }
  std::fflush(out_);
}

void ProgressView::OnEvent(const CopyEvent& e) {
  const std::string id = ShortId(e.descriptor.digest);
  if (!terminal_) {
    std::string line;
    switch (e.kind) {
      case CopyEvent::Kind::kBlobCopied: line = "Copied blob " + id + " (" + HumanSize(e.bytes) + ")"; break;
      case CopyEvent::Kind::kBlobSkipped: line = "Skipped blob " + id + ": already exists"; break;
      case CopyEvent::Kind::kBlobMounted: line = "Mounted blob " + id + " from " + e.text; break;
      case CopyEvent::Kind::kManifestPut: line = "Wrote manifest " + e.descriptor.digest + " as " + e.text; break;
      case CopyEvent::Kind::kImageUpToDate: line = "Image is up to date for " + e.text; break;
      case CopyEvent::Kind::kBlobStarted:
      case CopyEvent::Kind::kBlobProgress: return;
    }
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
    return;
  }
  std::string text;
  switch (e.kind) {
    case CopyEvent::Kind::kBlobStarted: text = id + ": Copying"; break;
    case CopyEvent::Kind::kBlobProgress:
      text = id + ": Copying " + (columns_ > 110 ? Bar(e.bytes, e.descriptor.size) + "  " : std::string()) +
             HumanSize(e.bytes) + "/" + HumanSize(e.descriptor.size);
      break;
    case CopyEvent::Kind::kBlobCopied: text = id + ": Copied"; break;
    case CopyEvent::Kind::kBlobSkipped: text = id + ": Already exists"; break;
    case CopyEvent::Kind::kBlobMounted: text = id + ": Mounted from " + e.text; break;
    case CopyEvent::Kind::kManifestPut:
      Draw(ids_.size(), e.text + ": digest: " + e.descriptor.digest + " size: " + std::to_string(e.descriptor.size));
      return;
    case CopyEvent::Kind::kImageUpToDate: text = "Image is up to date for " + e.text; break;
  }
  const bool blob_line = e.kind != CopyEvent::Kind::kImageUpToDate;
  auto it = blob_line ? std::find(ids_.begin(), ids_.end(), e.descriptor.digest) : ids_.end();
  const std::size_t line = static_cast<std::size_t>(it - ids_.begin());
  Draw(line, text);
  if (line + 1 == ids_.size() && blob_line) ids_.back() = e.descriptor.digest;
}

}  // namespace berth::cli
