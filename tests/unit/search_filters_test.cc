// The Engine's search filters: filters.FromJSON forms ({"k":{"v":true}}
// and {"k":["v"]}) and the checks the search route makes (is-automated,
// is-official as booleans, stars as an integer), with dockerd's messages.
#include <gtest/gtest.h>

#include "berth/registry_client.h"
#include "registry/search_filters.h"

namespace berth {
namespace {

TEST(SearchFilters, BothJsonFormsAndNull) {
  Result<SearchFilters> map = ParseSearchFilters(R"({"is-official":{"true":true},"stars":{"3":false}})");
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(*map, (SearchFilters{{"is-official", {"true"}}, {"stars", {"3"}}}));
  Result<SearchFilters> legacy = ParseSearchFilters(R"({"stars":["1","2"]})");
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(*legacy, (SearchFilters{{"stars", {"1", "2"}}}));
  EXPECT_TRUE(ParseSearchFilters("").value().empty());
  EXPECT_TRUE(ParseSearchFilters("null").value().empty());
  Result<SearchFilters> bad = ParseSearchFilters(R"({"stars":"1"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind(), ErrorKind::kInvalidParameter);
  EXPECT_EQ(bad.error().message(), "invalid filter");
  EXPECT_FALSE(ParseSearchFilters("{").ok());
}

TEST(SearchFilters, EngineTestVectors) {
  using registry::CheckSearchFilters;
  using registry::PassesFilters;
  auto result = [](std::string name, int stars, bool official, bool automated) {
    SearchResult r;
    r.name = std::move(name);
    r.star_count = stars;
    r.is_official = official;
    r.is_automated = automated;
    return r;
  };
  auto filters = CheckSearchFilters({{"stars", {"1"}}, {"is-official", {"true"}}, {"is-automated", {"true"}}});
  ASSERT_TRUE(filters.ok());
  EXPECT_FALSE(PassesFilters(*filters, result("name0", 0, true, true)));
  EXPECT_FALSE(PassesFilters(*filters, result("name1", 1, false, true)));
  EXPECT_FALSE(PassesFilters(*filters, result("name2", 1, true, false)));
  EXPECT_TRUE(PassesFilters(*filters, result("name3", 2, true, true)));
  auto zero = CheckSearchFilters({{"stars", {"0"}}});
  EXPECT_TRUE(PassesFilters(*zero, result("a", 0, false, false)));
  auto negative = CheckSearchFilters({{"stars", {"-5"}}});
  EXPECT_FALSE(PassesFilters(*negative, result("a", -1, false, false)));  // the threshold starts at 0
  auto big = CheckSearchFilters({{"stars", {"99999999999999999999"}}});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message(),
            "invalid filter 'stars=99999999999999999999': strconv.Atoi: parsing \"99999999999999999999\": value "
            "out of range");
  auto empty = CheckSearchFilters({{"is-official", {}}});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message(), "invalid filter 'is-official'");
}

}  // namespace
}  // namespace berth
