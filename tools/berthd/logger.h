// dockerd-style log lines (logrus): text
//   time="2026-11-27T14:30:00.123456789Z" level=info msg="API listen on /run/berth.sock"
// or JSON {"level":"info","msg":"…","time":"…"}, filtered by level, on
// stderr. Callers never pass secrets: targets and errors only.
#ifndef BERTH_TOOLS_BERTHD_LOGGER_H_
#define BERTH_TOOLS_BERTHD_LOGGER_H_

#include <mutex>
#include <string>
#include <string_view>

namespace berthd {

enum class Level { kDebug, kInfo, kWarn, kError, kFatal };

class Logger {
 public:
  // level: debug|info|warn|error|fatal; format: text|json. False if either
  // is unknown.
  bool Configure(std::string_view level, std::string_view format);
  void Log(Level level, std::string_view message);
  bool Enabled(Level level) const { return level >= level_; }

 private:
  Level level_ = Level::kInfo;
  bool json_ = false;
  std::mutex mu_;
};

}  // namespace berthd

#endif  // BERTH_TOOLS_BERTHD_LOGGER_H_
