#include "engine/json_message.h"

#include <cstdio>

#include "engine/json_object.h"

namespace berth::engine {

std::string HumanSize(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  std::size_t unit = 0;
  while (bytes >= 1000.0 && unit + 1 < std::size(kUnits)) {
    bytes /= 1000.0;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.4g%s", bytes, kUnits[unit]);
  return text;
}

std::string ProgressBar(std::int64_t current, std::int64_t total) {
  if (current <= 0 && total <= 0) return "";
  if (total <= 0) return HumanSize(static_cast<double>(current));  // no total: the count alone
  int percentage = static_cast<int>(static_cast<double>(current) / static_cast<double>(total) * 100) / 2;
  if (percentage > 50) percentage = 50;
  std::string bar = "[" + std::string(static_cast<std::size_t>(percentage), '=') + ">" +
                    std::string(static_cast<std::size_t>(50 - percentage), ' ') + "] ";
  if (current > total) return bar;
  const std::string now = HumanSize(static_cast<double>(current));
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "%8s/%s", now.c_str(), HumanSize(static_cast<double>(total)).c_str());
  return bar + numbers;
}

std::string JsonMessageLine(const ImageProgress& p) {
  JsonObject m(/*escape_html=*/true);
  if (!p.aux.empty()) return m.Raw("progressDetail", "{}").Raw("aux", p.aux).Done() + "\r\n";
  m.Str("status", p.status);
  const bool message = p.id.empty() || p.status.starts_with("Pulling from ");
  if (p.current >= 0 || p.total >= 0) {
    JsonObject detail;
    if (p.current > 0) detail.Int("current", p.current);
    if (p.total > 0) detail.Int("total", p.total);
    m.Raw("progressDetail", detail.Done());
    if (std::string bar = ProgressBar(p.current, p.total); !bar.empty()) m.Str("progress", bar);
  } else if (!message) {
    m.Raw("progressDetail", "{}");
  }
  if (!p.id.empty()) m.Str("id", p.id);
  return m.Done() + "\r\n";
}

std::string StreamLine(std::string_view text) {
  return JsonObject(/*escape_html=*/true).Str("stream", std::string(text) + "\n").Done() + "\r\n";
}

std::string ErrorLine(std::string_view message) {
  std::string detail = JsonObject(/*escape_html=*/true).Str("message", message).Done();
  return JsonObject(/*escape_html=*/true).Raw("errorDetail", detail).Str("error", message).Done() + "\r\n";
}

}  // namespace berth::engine
