#include "json/scanner.h"

#include <gtest/gtest.h>

namespace berth::json_detail {
namespace {

std::string WholeError(std::string_view s) {
  ScanResult r = Scan(s, ScanMode::kWhole);
  return r.kind == ScanResult::kSyntaxError ? r.error : "";
}

TEST(Scanner, GoSyntaxErrors) {
  EXPECT_EQ(WholeError("hello"), "invalid character 'h' looking for beginning of value");
  EXPECT_EQ(WholeError(R"({"a":1,})"), "invalid character '}' looking for beginning of object key string");
  EXPECT_EQ(WholeError(R"({"a" 1})"), "invalid character '1' after object key");
  EXPECT_EQ(WholeError(R"({"a":1 "b")"), "invalid character '\"' after object key:value pair");
  EXPECT_EQ(WholeError("[1 2]"), "invalid character '2' after array element");
  EXPECT_EQ(WholeError("{} x"), "invalid character 'x' after top-level value");
  EXPECT_EQ(WholeError("\"a\x01\""), "invalid character '\\x01' in string literal");
  EXPECT_EQ(WholeError(R"("\q")"), "invalid character 'q' in string escape code");
  EXPECT_EQ(WholeError(R"("\u12g4")"), "invalid character 'g' in \\u hexadecimal character escape");
  EXPECT_EQ(WholeError("-a"), "invalid character 'a' in numeric literal");
  EXPECT_EQ(WholeError("1.a"), "invalid character 'a' after decimal point in numeric literal");
  EXPECT_EQ(WholeError("1ea"), "invalid character 'a' in exponent of numeric literal");
  EXPECT_EQ(WholeError("trux"), "invalid character 'x' in literal true (expecting 'e')");
  EXPECT_EQ(WholeError("nul"), "invalid character ' ' in literal null (expecting 'l')");
  EXPECT_EQ(WholeError(""), "unexpected end of JSON input");
  EXPECT_EQ(WholeError("  "), "unexpected end of JSON input");
  EXPECT_EQ(WholeError("{\"a\""), "unexpected end of JSON input");
  EXPECT_EQ(WholeError("01"), "invalid character '1' after top-level value");
  EXPECT_EQ(WholeError("'"), "invalid character '\\'' looking for beginning of value");
  EXPECT_EQ(WholeError("\xe9"), "invalid character '\xc3\xa9' looking for beginning of value");
  EXPECT_EQ(WholeError("\x80"), "invalid character '\\u0080' looking for beginning of value");
  EXPECT_EQ(WholeError(std::string(10001, '[')), "invalid character '[' exceeded max depth");
  EXPECT_EQ(WholeError(std::string(10000, '[') + std::string(10000, ']')), "");
}

TEST(Scanner, WholeValueBounds) {
  ScanResult r = Scan("  {\"a\":[1,2]}  ", ScanMode::kWhole);
  ASSERT_EQ(r.kind, ScanResult::kValue);
  EXPECT_EQ(r.begin, 2u);
  EXPECT_EQ(r.end, 13u);
  r = Scan(" 12 ", ScanMode::kWhole);
  EXPECT_EQ(r.begin, 1u);
  EXPECT_EQ(r.end, 3u);
  r = Scan("12", ScanMode::kWhole);
  EXPECT_EQ(r.end, 2u);
}

TEST(Scanner, FirstValueStopsAtItsEnd) {
  ScanResult r = Scan("{\"a\":1}garbage", ScanMode::kFirstValue);
  ASSERT_EQ(r.kind, ScanResult::kValue);
  EXPECT_EQ(r.end, 7u);
  r = Scan("123x", ScanMode::kFirstValue);
  ASSERT_EQ(r.kind, ScanResult::kValue);
  EXPECT_EQ(r.end, 3u);
  r = Scan("123", ScanMode::kFirstValue);
  EXPECT_EQ(r.kind, ScanResult::kValue);
  r = Scan("123", ScanMode::kFirstValueThenError);
  EXPECT_EQ(r.kind, ScanResult::kIncomplete);
  r = Scan(" \n ", ScanMode::kFirstValue);
  EXPECT_EQ(r.kind, ScanResult::kIncomplete);
  EXPECT_TRUE(r.only_space);
  r = Scan("{\"a\"", ScanMode::kFirstValue);
  EXPECT_EQ(r.kind, ScanResult::kIncomplete);
  EXPECT_FALSE(r.only_space);
  r = Scan("tr", ScanMode::kFirstValue);
  EXPECT_EQ(r.kind, ScanResult::kIncomplete);
}

}  // namespace
}  // namespace berth::json_detail
