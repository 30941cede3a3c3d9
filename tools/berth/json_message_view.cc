#include "json_message_view.h"

namespace berth::cli {

namespace {

// The bytes-moved text: the Engine's bar ("[==>   ]  1.2MB/3.4MB"), only
// its numbers on terminals of 110 columns or fewer, as the CLI draws it.
std::string Progress(const JsonMessage& m, int columns) {
  std::string bar = m.progress;
  if (columns <= 110 && !bar.empty() && bar.front() == '[') {
    const std::size_t end = bar.find("] ");
    if (end != std::string::npos) bar = bar.substr(end + 2);
  }
  return bar;
}

}  // namespace

void JsonMessageView::Show(const JsonMessage& m) {
  if (!m.aux.empty()) return;
  const bool moves_bytes = m.current > 0 || m.total > 0;
  const bool layer_line = !m.id.empty() && (m.has_progress_detail || !m.progress.empty());
  std::size_t up = 0;
  if (layer_line) {
    auto [it, added] = lines_.emplace(m.id, lines_.size());
    if (added && terminal_) std::fputs("\n", out_);
    up = lines_.size() - it->second;
  } else {
    lines_.clear();
  }
  if (!terminal_ && m.has_progress_detail && moves_bytes) return;  // no bars off a terminal
  std::string text;
  if (!m.id.empty()) text += m.id + ": ";
  if (terminal_ && m.has_progress_detail) {
    text += m.status + " " + Progress(m, columns_);
  } else if (!m.stream.empty()) {
    text += m.stream;
  } else {
    text += m.status;
  }
  if (terminal_ && layer_line) {
    // Never wider than the terminal: a wrapped line breaks the redrawing.
    if (text.size() > static_cast<std::size_t>(columns_ - 1)) text.resize(static_cast<std::size_t>(columns_ - 1));
    std::fprintf(out_, "\x1b[%zuA\x1b[2K\r%s\r\x1b[%zuB", up, text.c_str(), up);
  } else if (!m.stream.empty()) {
    std::fputs(text.c_str(), out_);
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

}  // namespace berth::cli
