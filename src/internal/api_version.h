// Engine API version strings compared as the Engine compares them
// (github.com/docker/docker/api/types/versions.Compare): berthd's version
// middleware, the routes whose answers changed with a version, and the
// Engine client's version negotiation all use this one comparison.
#ifndef BERTH_SRC_INTERNAL_API_VERSION_H_
#define BERTH_SRC_INTERNAL_API_VERSION_H_

#include <string_view>

namespace berth::detail {

// versions.Compare: dot-separated, numerically per component, missing or
// non-numeric components as 0 ("1.44" == "1.44.0", "1.x" == "1.0").
// Returns <0, 0 or >0.
int CompareApiVersions(std::string_view a, std::string_view b);

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_API_VERSION_H_
