// How `berth pull|push|load` show an Engine's JSONMessage stream, as the
// docker CLI shows it (jsonmessage.DisplayJSONMessagesStream): on a
// terminal, one line per layer redrawn in place (cursor up, clear, write,
// cursor down), the bar only wider than 110 columns and no line longer than
// the terminal; otherwise each line once, without those carrying bytes
// moved. Aux lines are not shown.
#ifndef BERTH_TOOLS_BERTH_JSON_MESSAGE_VIEW_H_
#define BERTH_TOOLS_BERTH_JSON_MESSAGE_VIEW_H_

#include <cstdio>
#include <map>
#include <string>

#include "berth/engine_client.h"

namespace berth::cli {

class JsonMessageView {
 public:
  JsonMessageView(std::FILE* out, bool terminal, int columns = 80)
      : out_(out), terminal_(terminal), columns_(columns > 1 ? columns : 80) {}

  void Show(const JsonMessage& m);

 private:
  std::FILE* out_;
  bool terminal_;
  int columns_;
  // The line of each layer shown since the last line that was not one
  // (docker forgets them there: pull -a's next tag starts afresh).
  std::map<std::string, std::size_t> lines_;
};

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_JSON_MESSAGE_VIEW_H_
