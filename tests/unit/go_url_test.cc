// Go's net/url.Parse and URL.String as berth reproduces them, case by case:
// the expectations were printed by Go's own url.Parse (Debian 12's Go) for
// each input. The registry configuration shows these texts to users
// (ValidateMirror's errors and re-serialized URLs).
#include "internal/go_url.h"

#include <gtest/gtest.h>

namespace berth::detail {
namespace {

struct UrlCase {
  const char* input;
  const char* scheme;
  const char* host;
  const char* path;
  const char* raw_query;
  const char* string;  // URL.String()
  const char* error;   // "" when url.Parse succeeds
};

constexpr UrlCase kCases[] = {
    {"https://registry.example.com:5000/v2/", "https", "registry.example.com:5000", "/v2/", "",
     "https://registry.example.com:5000/v2/", ""},
    {"HTTP://Mirror.Example.com", "http", "Mirror.Example.com", "", "", "http://Mirror.Example.com", ""},
    {"https://user:pa ss@host/path?q=1#frag", "", "", "", "", "",
     "parse \"https://user:pa ss@host/path?q=1\": net/url: invalid userinfo"},
    {"https://user:secret@host/", "https", "host", "/", "", "https://user:secret@host/", ""},
    {"http://[::1]:5000/x", "http", "[::1]:5000", "/x", "", "http://[::1]:5000/x", ""},
    {"mirror.example.com", "", "", "mirror.example.com", "", "mirror.example.com", ""},
    {"//host/path", "", "host", "/path", "", "//host/path", ""},
    {"/only/a/path", "", "", "/only/a/path", "", "/only/a/path", ""},
    {"https://host/a%20b", "https", "host", "/a b", "", "https://host/a%20b", ""},
    {"https://host/%zz", "", "", "", "", "", "parse \"https://host/%zz\": invalid URL escape \"%zz\""},
    {"!x://%as%", "", "", "", "", "", "parse \"!x://%as%\": first path segment in URL cannot contain colon"},
    {"http://host:port/", "", "", "", "", "", "parse \"http://host:port/\": invalid port \":port\" after host"},
    {"https://h/?", "https", "h", "/", "", "https://h/?", ""},
    {"https://h/p?a=1&b=2", "https", "h", "/p", "a=1&b=2", "https://h/p?a=1&b=2", ""},
    {"ftp://m.example.com", "ftp", "m.example.com", "", "", "ftp://m.example.com", ""},
    {"https://host/a b", "https", "host", "/a b", "", "https://host/a%20b", ""},
    {"mailto:user@example.com", "mailto", "", "", "", "mailto:user@example.com", ""},
    {"https://[fe80::1%25en0]/", "https", "[fe80::1%en0]", "/", "", "https://[fe80::1%25en0]/", ""},
    {"http://a b.com/", "", "", "", "", "", "parse \"http://a b.com/\": invalid character \" \" in host name"},
    {"", "", "", "", "", "", ""},
};

TEST(GoUrl, ParsesAndPrintsAsGoDoes) {
  for (const UrlCase& c : kCases) {
    SCOPED_TRACE(c.input);
    Result<GoUrl> url = ParseGoUrl(c.input);
    if (*c.error != '\0') {
      ASSERT_FALSE(url.ok());
      EXPECT_EQ(url.error().message(), c.error);
      continue;
    }
    ASSERT_TRUE(url.ok()) << url.error().message();
    EXPECT_EQ(url->scheme, c.scheme);
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->path, c.path);
    EXPECT_EQ(url->raw_query, c.raw_query);
    EXPECT_EQ(url->String(), c.string);
  }
}

TEST(GoUrl, QueryValuesRoundTripAsGoDoes) {
  QueryValues values;
  EXPECT_TRUE(ParseQuery("b=2&a=1&a=x+y&c=%41", values).ok());
  EXPECT_EQ(EncodeQuery(values), "a=1&a=x+y&b=2&c=A");
  QueryValues bad;
  Status semicolon = ParseQuery("a=1;b=2&c=3", bad);
  EXPECT_EQ(semicolon.message(), "invalid semicolon separator in query");
  EXPECT_EQ(EncodeQuery(bad), "c=3");
  QueryValues escape;
  EXPECT_EQ(ParseQuery("a=%zz&b=1", escape).message(), "invalid URL escape \"%zz\"");
  EXPECT_EQ(EncodeQuery(escape), "b=1");
  Result<std::string> path = PathUnescape("/a%2Fb+c");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, "/a/b+c");
  EXPECT_EQ(QueryEscape("a b/c~"), "a+b%2Fc~");
}

}  // namespace
}  // namespace berth::detail
