// The Engine's JSONMessage stream (pkg/jsonmessage, pkg/streamformatter):
// one JSON object per line, "\r\n" after each, as dockerd writes pulls,
// pushes and loads.
#ifndef BERTH_SRC_ENGINE_JSON_MESSAGE_H_
#define BERTH_SRC_ENGINE_JSON_MESSAGE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "berth/image_store.h"

namespace berth::engine {

// A progress line as dockerd formats it:
//   a message (no id, or "Pulling from …"): {"status":S,"id":ID}
//   an update of a layer:                   {"status":S,"progressDetail":{},"id":ID}
//   bytes moved (current/total set):        {"status":S,"progressDetail":{"current":N,"total":M},
//                                            "progress":"[==>   ]  1.2MB/3.4MB","id":ID}
//   aux:                                    {"progressDetail":{},"aux":AUX}
std::string JsonMessageLine(const ImageProgress& p);
// {"stream":"TEXT\n"}.
std::string StreamLine(std::string_view text);
// {"errorDetail":{"message":M},"error":M}.
std::string ErrorLine(std::string_view message);

// JSONProgress.String() at dockerd's width (200): a 50-character bar, then
// "%8v/%v" of the sizes as units.HumanSize writes them.
std::string ProgressBar(std::int64_t current, std::int64_t total);
// units.HumanSize: 4 significant digits, decimal units ("16.78MB", "0B").
std::string HumanSize(double bytes);

}  // namespace berth::engine

#endif  // BERTH_SRC_ENGINE_JSON_MESSAGE_H_
