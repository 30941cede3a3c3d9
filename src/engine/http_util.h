// Small HTTP pieces the Engine API layer needs, with Go's semantics where
// the Engine's behaviour shows through: API version comparison
// (versions.Compare), query parsing (url.ParseQuery), path unescaping, the
// error classes' status codes.
#ifndef BERTH_SRC_ENGINE_HTTP_UTIL_H_
#define BERTH_SRC_ENGINE_HTTP_UTIL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"

namespace berth::engine {

// versions.Compare: dot-separated, numerically per component, missing or
// non-numeric components as 0. <0, 0, >0.
int CompareVersions(std::string_view a, std::string_view b);

// url.ParseQuery: keys and values unescaped ("+" as space); the first
// malformed escape is the error (Go's text), the rest still parsed.
using Query = std::map<std::string, std::vector<std::string>>;
Status ParseQuery(std::string_view raw, Query& out);

// The path of a request target, %XX decoded; error on a bad escape.
Result<std::string> UnescapePath(std::string_view path);

// The HTTP status of an error class, as the Engine maps it.
int StatusFor(ErrorKind kind);

}  // namespace berth::engine

#endif  // BERTH_SRC_ENGINE_HTTP_UTIL_H_
