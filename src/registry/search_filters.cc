#include "registry/search_filters.h"

#include <limits>

#include "internal/go_quote.h"
#include "registry/documents.h"

namespace berth {

Result<SearchFilters> ParseSearchFilters(std::string_view json) {
  SearchFilters out;
  if (json.empty()) return out;
  // filters.FromJSON: the map form first, then the legacy list form.
  registry::FilterMapDocument map_form;
  if (registry::DecodeDocument(json, map_form).ok()) {
    if (map_form) {
      for (const auto& [key, values] : *map_form) {
        std::set<std::string>& set = out[key];
        if (values)
          for (const auto& [value, ignored] : *values) set.insert(value);  // false counts too
      }
    }
    return out;
  }
  registry::LegacyFilterDocument list_form;
  if (!registry::DecodeDocument(json, list_form).ok()) return Error(ErrorKind::kInvalidParameter, "invalid filter");
  if (list_form) {
    for (const auto& [key, values] : *list_form) {
      std::set<std::string>& set = out[key];
      for (const std::string& value : values) set.insert(value);
    }
  }
  return out;
}

namespace registry {
namespace {

Error InvalidFilter(const std::string& what) {
  return Error(ErrorKind::kInvalidParameter, "invalid filter '" + what + "'");
}

}  // namespace

Result<std::int64_t> GoAtoi(const std::string& s) {
  std::size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size())
    return Error(ErrorKind::kInvalidParameter, "strconv.Atoi: parsing " + detail::GoQuote(s) + ": invalid syntax");
  unsigned long long v = 0;
  bool overflow = false;
  const unsigned long long limit = negative ? 9223372036854775808ULL : 9223372036854775807ULL;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return Error(ErrorKind::kInvalidParameter, "strconv.Atoi: parsing " + detail::GoQuote(s) + ": invalid syntax");
    }
    unsigned d = static_cast<unsigned>(s[i] - '0');
    if (v > (limit - d) / 10) overflow = true;
    if (!overflow) v = v * 10 + d;
  }
  if (overflow) {
    return Error(ErrorKind::kInvalidParameter, "strconv.Atoi: parsing " + detail::GoQuote(s) + ": value out of range");
  }
  if (negative)
    return v == 9223372036854775808ULL ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
  return static_cast<std::int64_t>(v);
}

namespace {

// A boolean filter: all values true-ish or all false-ish.
Result<std::optional<bool>> BoolFilter(const SearchFilters& filters, const std::string& key) {
  auto it = filters.find(key);
  if (it == filters.end()) return std::optional<bool>();
  const std::set<std::string>& values = it->second;
  if (values.empty()) return InvalidFilter(key);
  bool all_true = true, all_false = true;
  for (const std::string& v : values) {
    all_true = all_true && (v == "true" || v == "1");
    all_false = all_false && (v == "false" || v == "0");
  }
  if (all_true) return std::optional<bool>(true);
  if (all_false) return std::optional<bool>(false);
  std::string list;
  for (const std::string& v : values) list += (list.empty() ? "" : " ") + v;
  return InvalidFilter(key + "=[" + list + "]");
}

}  // namespace

Result<CheckedFilters> CheckSearchFilters(const SearchFilters& filters) {
  for (const auto& [key, values] : filters) {
    if (key != "is-automated" && key != "is-official" && key != "stars") return InvalidFilter(key);
  }
  CheckedFilters out;
  Result<std::optional<bool>> automated = BoolFilter(filters, "is-automated");
  if (!automated) return automated.error();
  out.is_automated = *automated;
  Result<std::optional<bool>> official = BoolFilter(filters, "is-official");
  if (!official) return official.error();
  out.is_official = *official;
  if (auto it = filters.find("stars"); it != filters.end()) {
    std::int64_t threshold = 0;
    for (const std::string& v : it->second) {
      Result<std::int64_t> n = GoAtoi(v);
      if (!n) return Error(ErrorKind::kInvalidParameter, "invalid filter 'stars=" + v + "': " + n.error().message());
      threshold = std::max(threshold, *n);
    }
    out.stars = threshold;
  }
  return out;
}

bool PassesFilters(const CheckedFilters& filters, const SearchResult& result) {
  if (filters.is_automated && result.is_automated != *filters.is_automated) return false;
  if (filters.is_official && result.is_official != *filters.is_official) return false;
  if (filters.stars && result.star_count < *filters.stars) return false;
  return true;
}

}  // namespace registry
}  // namespace berth
