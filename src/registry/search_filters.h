// The Engine's search filters: parsing the `filters` JSON and checking it
// before any network access, with the Engine's messages.
#ifndef BERTH_SRC_REGISTRY_SEARCH_FILTERS_H_
#define BERTH_SRC_REGISTRY_SEARCH_FILTERS_H_

#include <cstdint>
#include <optional>

#include "berth/registry_client.h"

namespace berth::registry {

struct CheckedFilters {
  std::optional<bool> is_automated;
  std::optional<bool> is_official;
  std::optional<std::int64_t> stars;  // results need star_count >= this
};

// kInvalidParameter "invalid filter 'KEY'", "invalid filter
// 'is-official=[a b]'", "invalid filter 'stars=x': strconv.Atoi: …".
Result<CheckedFilters> CheckSearchFilters(const SearchFilters& filters);

// strconv.Atoi with its error text: `strconv.Atoi: parsing "x": invalid syntax`.
Result<std::int64_t> GoAtoi(const std::string& s);

// Whether a result passes: is-automated, then is-official, then stars.
bool PassesFilters(const CheckedFilters& filters, const SearchResult& result);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_SEARCH_FILTERS_H_
