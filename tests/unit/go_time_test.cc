// time.Time as Go 1.21's encoding/json reads it (the Engine's token
// client): values and the exact *time.ParseError texts. The vectors were
// printed by Go's time.Parse(time.RFC3339, …); where Go 1.20 changed the
// parser (an element's error quotes the value from where that element
// began; zone offsets over 24 hours or 60 minutes are out of range) they
// give Go 1.21's text, which Debian's Go 1.19 does not print.
#include <gtest/gtest.h>

#include "internal/go_time.h"
#include "registry/documents.h"

namespace berth::detail {
namespace {

struct Parsed {
  std::string value;
  std::int64_t unix_seconds;
  int nanoseconds;
};

TEST(GoTime, ParsesWhatGoParses) {
  const Parsed cases[] = {
      {"2026-11-30T06:18:46Z", 1796019526, 0},
      {"2026-11-30T06:18:46.123456789123+01:30", 1796014126, 123456789},
      {"2026-11-30T6:18:46,5-02:00", 1796026726, 500000000},  // one-digit hour, comma fraction
      {"2024-02-29T00:00:00Z", 1709164800, 0},
      {"2026-01-01T23:59:59+24:00", 1767225599, 0},  // Go's offset ranges are inclusive
      {"0001-01-01T00:00:00Z", GoTime::kZeroUnixSeconds, 0},
      {"9999-12-31T23:59:59.999999999-24:60", 253402390799, 999999999},
      {"0000-01-01T00:00:00Z", -62167219200, 0},
  };
  for (const Parsed& c : cases) {
    Result<GoTime> t = ParseGoRfc3339(c.value);
    ASSERT_TRUE(t.ok()) << c.value << ": " << t.error().message();
    EXPECT_EQ(t->unix_seconds, c.unix_seconds) << c.value;
    EXPECT_EQ(t->nanoseconds, c.nanoseconds) << c.value;
  }
  EXPECT_TRUE(ParseGoRfc3339("0001-01-01T01:00:00+01:00")->IsZero());
  EXPECT_FALSE(ParseGoRfc3339("0001-01-01T00:00:00.5Z")->IsZero());
}

TEST(GoTime, ErrorsAreGos) {
  const std::pair<std::string, std::string> cases[] = {
      {"", R"(parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006")"},
      {"2026-13-01T00:00:00Z", R"(parsing time "2026-13-01T00:00:00Z": month out of range)"},
      {"2026-00-01T00:00:00Z", R"(parsing time "2026-00-01T00:00:00Z": month out of range)"},
      {"2026-02-29T00:00:00Z", R"(parsing time "2026-02-29T00:00:00Z": day out of range)"},
      {"2026-04-31T00:00:00Z", R"(parsing time "2026-04-31T00:00:00Z": day out of range)"},
      {"2026-01-01T24:00:00Z", R"(parsing time "2026-01-01T24:00:00Z": hour out of range)"},
      {"2026-01-01T23:60:00Z", R"(parsing time "2026-01-01T23:60:00Z": minute out of range)"},
      {"2026-01-01T23:59:60Z", R"(parsing time "2026-01-01T23:59:60Z": second out of range)"},
      {"2026-01-01T23:59:59+25:00", R"(parsing time "2026-01-01T23:59:59+25:00": time zone offset hour out of range)"},
      {"2026-01-01T23:59:59+23:61",
       R"(parsing time "2026-01-01T23:59:59+23:61": time zone offset minute out of range)"},
      {"2026-01-01T23:59:59+25:61",
       R"(parsing time "2026-01-01T23:59:59+25:61": time zone offset minute out of range)"},
      {"2026-01-01T23:59:59*23:00",
       R"(parsing time "2026-01-01T23:59:59*23:00" as "2006-01-02T15:04:05Z07:00": cannot parse "*23:00" as "Z07:00")"},
      {"2026-01-01T23:59:59+2a:00",
       R"(parsing time "2026-01-01T23:59:59+2a:00" as "2006-01-02T15:04:05Z07:00": cannot parse "+2a:00" as "Z07:00")"},
      {"2026-01-01T23:59:59+23-00",
       R"(parsing time "2026-01-01T23:59:59+23-00" as "2006-01-02T15:04:05Z07:00": cannot parse "+23-00" as "Z07:00")"},
      {"2026-01-01T23:59:59+23:0",
       R"(parsing time "2026-01-01T23:59:59+23:0" as "2006-01-02T15:04:05Z07:00": cannot parse "+23:0" as "Z07:00")"},
      {"2026-01-01T23:59:59",
       R"(parsing time "2026-01-01T23:59:59" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00")"},
      {"2026-01-01T23:59:59Z extra", R"(parsing time "2026-01-01T23:59:59Z extra": extra text: " extra")"},
      {"2026-01-01T00:00:00Zz", R"(parsing time "2026-01-01T00:00:00Zz": extra text: "z")"},
      {"2026-01-01 23:59:59Z",
       R"(parsing time "2026-01-01 23:59:59Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 23:59:59Z" as "T")"},
      {"20261-01-01T23:59:59Z",
       R"(parsing time "20261-01-01T23:59:59Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01-01T23:59:59Z" as "-")"},
      {"2x26-01-01T23:59:59Z",
       R"(parsing time "2x26-01-01T23:59:59Z" as "2006-01-02T15:04:05Z07:00": cannot parse "2x26-01-01T23:59:59Z" as "2006")"},
      {"x026", R"(parsing time "x026" as "2006-01-02T15:04:05Z07:00": cannot parse "x026" as "2006")"},
      {"1", R"(parsing time "1" as "2006-01-02T15:04:05Z07:00": cannot parse "1" as "2006")"},
      {"2026-1-01T00:00:00Z",
       R"(parsing time "2026-1-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T00:00:00Z" as "01")"},
      {"2026-01-1T00:00:00Z",
       R"(parsing time "2026-01-1T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1T00:00:00Z" as "02")"},
      {"2026-01-01T0:0:00Z",
       R"(parsing time "2026-01-01T0:0:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "0:00Z" as "04")"},
      {"2026-01-01T00:00:0Z",
       R"(parsing time "2026-01-01T00:00:0Z" as "2006-01-02T15:04:05Z07:00": cannot parse "0Z" as "05")"},
      {"2026-01-01T00:00:00.Z",
       R"(parsing time "2026-01-01T00:00:00.Z" as "2006-01-02T15:04:05Z07:00": cannot parse ".Z" as "Z07:00")"},
      // The time package's own quoting: \xNN for every byte of a non-ASCII
      // rune, backslashes before " and \.
      {R"(a\"b)", R"(parsing time "a\\\"b" as "2006-01-02T15:04:05Z07:00": cannot parse "a\\\"b" as "2006")"},
      {"\xc3\xa9"
       "2026",
       R"(parsing time "\xc3\xa92026" as "2006-01-02T15:04:05Z07:00": cannot parse "\xc3\xa92026" as "2006")"},
  };
  for (const auto& [value, want] : cases) {
    Result<GoTime> t = ParseGoRfc3339(value);
    ASSERT_FALSE(t.ok()) << value;
    EXPECT_EQ(t.error().message(), want) << value;
  }
}

TEST(GoTime, UnmarshalJsonTakesOnlyStrings) {
  GoTime t;
  EXPECT_TRUE(UnmarshalGoTime("null", t).ok());
  EXPECT_TRUE(t.IsZero());
  for (const char* raw : {"0", "1700000000", "true", "{}", "[\"2026-01-01T00:00:00Z\"]", "\""}) {
    Status s = UnmarshalGoTime(raw, t);
    ASSERT_FALSE(s.ok()) << raw;
    EXPECT_EQ(s.message(), "Time.UnmarshalJSON: input is not a JSON string") << raw;
  }
  // Escapes are not undone (Go's own TODO): \u0032 is not a digit.
  Status s = UnmarshalGoTime(R"("\u0032026-01-01T00:00:00Z")", t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), R"(parsing time "\\u0032026-01-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": )"
                         R"(cannot parse "\\u0032026-01-01T00:00:00Z" as "2006")");
  ASSERT_TRUE(UnmarshalGoTime(R"("2026-11-30T06:18:46Z")", t).ok());
  EXPECT_EQ(t.unix_seconds, 1796019526);
}

}  // namespace
}  // namespace berth::detail

namespace berth::registry {
namespace {

// The token response as the token client decodes it: json.Decoder's first
// value, time.Time's errors stopping the decode.
TEST(TokenResponseDocument, IssuedAtIsAGoTime) {
  TokenResponse r;
  Status s = DecodeDocument(R"({"token":"t","issued_at":""})", r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), R"(parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006")");

  r = {};
  s = DecodeDocument(R"({"token":"t","issued_at":1700000000})", r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "Time.UnmarshalJSON: input is not a JSON string");

  // A type error earlier is only saved; the unmarshaller's error wins.
  r = {};
  s = DecodeDocument(R"({"expires_in":"x","issued_at":{}})", r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "Time.UnmarshalJSON: input is not a JSON string");

  r = {};
  ASSERT_TRUE(DecodeDocument(R"({"token":"t","issued_at":null,"expires_in":300})", r).ok());
  EXPECT_TRUE(r.issued_at.IsZero());
  EXPECT_EQ(r.expires_in, 300);

  // json.Decoder stops after the first value.
  r = {};
  ASSERT_TRUE(DecodeDocument("{\"token\":\"t\",\"issued_at\":\"2026-11-30T06:18:46Z\"} trailing", r).ok());
  EXPECT_EQ(r.token, "t");
  EXPECT_EQ(r.issued_at.unix_seconds, 1796019526);

  r = {};
  s = DecodeDocument("", r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "EOF");
}

}  // namespace
}  // namespace berth::registry
