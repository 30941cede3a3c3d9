// Parts of the reference grammar that the registry configuration reuses.
#ifndef BERTH_SRC_REFERENCE_GRAMMAR_H_
#define BERTH_SRC_REFERENCE_GRAMMAR_H_

#include <string_view>

namespace berth::detail {

// The anchored DomainRegexp of distribution/reference v0.5.0: a host (DNS
// name or bracketed IPv6) with an optional ":port".
bool IsDomainAndPort(std::string_view s);

}  // namespace berth::detail

#endif  // BERTH_SRC_REFERENCE_GRAMMAR_H_
