#include "logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace berthd {
namespace {

const char* Name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warning";
    case Level::kError: return "error";
    case Level::kFatal: return "fatal";
  }
  return "info";
}

// RFC 3339 with nanoseconds, UTC, as dockerd's logs.
std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  long nanos = static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() %
                                 1000000000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, nanos);
  return buf;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", c);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

bool Logger::Configure(std::string_view level, std::string_view format) {
  if (level == "debug") {
    level_ = Level::kDebug;
  } else if (level == "info") {
    level_ = Level::kInfo;
  } else if (level == "warn" || level == "warning") {
    level_ = Level::kWarn;
  } else if (level == "error") {
    level_ = Level::kError;
  } else if (level == "fatal") {
    level_ = Level::kFatal;
  } else {
    return false;
  }
  if (format != "text" && format != "json") return false;
  json_ = format == "json";
  return true;
}

void Logger::Log(Level level, std::string_view message) {
  if (!Enabled(level)) return;
  std::string line = json_ ? "{\"level\":\"" + std::string(Name(level)) + "\",\"msg\":" + Quote(message) +
                                 ",\"time\":\"" + Timestamp() + "\"}\n"
                           : "time=\"" + Timestamp() + "\" level=" + Name(level) + " msg=" + Quote(message) + "\n";
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace berthd
