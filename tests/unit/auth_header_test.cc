// The X-Registry-Auth vectors of the spec (auth-header.md), checked against
// the Engine's results.
#include "berth/auth_header.h"

#include <gtest/gtest.h>

#include "berth/json.h"

namespace berth {
namespace {

struct Vector {
  std::string input;
  std::string want_json;
  std::string want_error;  // empty: no error
};

class DecodeAuthConfigVectors : public ::testing::TestWithParam<Vector> {};

TEST_P(DecodeAuthConfigVectors, MatchesEngine) {
  const Vector& v = GetParam();
  AuthConfigDecoding d = DecodeAuthConfig(v.input);
  EXPECT_EQ(Marshal(d.config), v.want_json);
  if (v.want_error.empty()) {
    EXPECT_TRUE(d.status.ok()) << d.status.message();
  } else {
    ASSERT_FALSE(d.status.ok());
    EXPECT_EQ(d.status.message(), "invalid X-Registry-Auth header: " + v.want_error);
    EXPECT_EQ(d.status.error().kind(), ErrorKind::kInvalidParameter);
  }
}

const char kTestUser[] =
    "eyJ1c2VybmFtZSI6InRlc3R1c2VyIiwicGFzc3dvcmQiOiJ0ZXN0cGFzc3dvcmQiLCJzZXJ2ZXJhZGRyZXNzIjoiZXhhbXBsZS5jb20ifQ";

INSTANTIATE_TEST_SUITE_P(
    Spec, DecodeAuthConfigVectors,
    ::testing::Values(
        Vector{std::string(kTestUser) + "==",
               R"({"username":"testuser","password":"testpassword","serveraddress":"example.com"})", ""},
        Vector{kTestUser, "{}", "unexpected EOF"}, Vector{"", "{}", ""}, Vector{"e30=", "{}", ""},
        Vector{"e30", "{}", "unexpected EOF"}, Vector{"eyJ1c2VybmFtZSI6ImEifQ==", R"({"username":"a"})", ""},
        Vector{"eyJ1c2VybmFtZSI6ImEifQ=", "{}", "unexpected EOF"},
        Vector{"eyJ1c2Vy\nbmFtZSI6ImEifQ==", R"({"username":"a"})", ""},
        Vector{"eyJ1c2Vy\r\nbmFtZSI6ImEifQ==", R"({"username":"a"})", ""},
        Vector{"eyJ1c2VybmFtZSI6ImEifQ==\n", R"({"username":"a"})", ""},
        Vector{" eyJ1c2VybmFtZSI6ImEifQ==", "{}", "illegal base64 data at input byte 0"},
        Vector{"eyJ1c2VybmFtZSI6ImEifQ== ", R"({"username":"a"})", ""},
        Vector{"eyJ1c2VybmFtZSI6ImEifQ==garbage", R"({"username":"a"})", ""}, Vector{"e30=e30=", "{}", ""},
        Vector{"eyJVU0VSTkFNRSI6IngiLCJQYXNzV29yZCI6InkifQ==", R"({"username":"x","password":"y"})", ""},
        Vector{"eyJ1c2VybmFtZSI6ImEiLCJ1c2VybmFtZSI6ImIifQ==", R"({"username":"b"})", ""},
        Vector{"eyJ1c2VybmFtZSI6bnVsbH0=", "{}", ""},
        Vector{"eyJ1c2VybmFtZSI6MX0=", "{}",
               "json: cannot unmarshal number into Go struct field AuthConfig.username of type string"},
        Vector{"W10=", "{}", "json: cannot unmarshal array into Go value of type registry.AuthConfig"},
        Vector{"bnVsbA==", "{}", ""},
        Vector{"ImFiYyI=", "{}", "json: cannot unmarshal string into Go value of type registry.AuthConfig"},
        Vector{"aGVsbG8=", "{}", "invalid character 'h' looking for beginning of value"},
        Vector{"eyJ1c2VybmFtZSI6ImEifSB0cmFpbGluZw==", R"({"username":"a"})", ""},
        Vector{"eyJ1c2VybmFtZSI6ImEi", "{}", "unexpected EOF"},
        Vector{"eyJ1c2VybmFtZSI6ImE_PiJ9", "{\"username\":\"a?\\u003e\"}", ""},
        Vector{"eyJ1c2VybmFtZSI6ImE/PiJ9", "{}", "illegal base64 data at input byte 19"},
        Vector{"eyJ1xb9lcm5hbWUiOiJzIn0=", R"({"username":"s"})", ""},
        Vector{"eyJyZWdpc3RyeXRva2VuIjoicnQiLCJleHRyYSI6NX0=", R"({"registrytoken":"rt"})", ""},
        Vector{"\n", "{}", "EOF"}, Vector{"====", "{}", "illegal base64 data at input byte 0"},
        Vector{"!!!!", "{}", "illegal base64 data at input byte 0"},
        Vector{"eyJpZGVudGl0eXRva2VuIjoidG9rIn0=", R"({"identitytoken":"tok"})", ""}),
    [](const ::testing::TestParamInfo<Vector>& info) { return "vector" + std::to_string(info.index + 1); });

TEST(EncodeAuthConfig, SpecVectors) {
  EXPECT_EQ(EncodeAuthConfig({}), "e30=");
  AuthConfig a;
  a.username = "testuser";
  a.password = "testpassword";
  a.server_address = "example.com";
  EXPECT_EQ(EncodeAuthConfig(a), std::string(kTestUser) + "==");
  AuthConfig b;
  b.auth = "x";
  b.email = "e";
  b.identity_token = "t";
  b.registry_token = "r";
  EXPECT_EQ(EncodeAuthConfig(b),
            "eyJhdXRoIjoieCIsImVtYWlsIjoiZSIsImlkZW50aXR5dG9rZW4iOiJ0IiwicmVnaXN0cnl0b2tlbiI6InIifQ==");
}

TEST(EncodeAuthConfig, RoundTripsThroughDecode) {
  AuthConfig a;
  a.username = "a<b>&\xe2\x80\xa8";
  a.password = std::string("p\x01\x7f\"\\", 5);
  a.identity_token = "tok";
  AuthConfigDecoding d = DecodeAuthConfig(EncodeAuthConfig(a));
  ASSERT_TRUE(d.status.ok());
  EXPECT_EQ(d.config, a);
}

TEST(DecodeAuthConfigBody, SpecVectors) {
  struct Case {
    std::string body, json, error;
  } cases[] = {
      {R"({"username":"testuser","password":"testpassword","serveraddress":"example.com"})",
       R"({"username":"testuser","password":"testpassword","serveraddress":"example.com"})", ""},
      {"", "{}", "EOF"},
      {"   ", "{}", "EOF"},
      {R"({"username":"a"}{"username":"b"})", R"({"username":"a"})", ""},
      {R"({"username":"a"}xyz)", R"({"username":"a"})", ""},
      {R"({"username":"a")", "{}", "unexpected EOF"},
      {"123", "{}", "json: cannot unmarshal number into Go value of type registry.AuthConfig"},
      {R"({"username":"a",})", "{}", "invalid character '}' looking for beginning of object key string"},
  };
  for (const Case& c : cases) {
    AuthConfigDecoding d = DecodeAuthConfigBody(c.body);
    EXPECT_EQ(Marshal(d.config), c.json) << c.body;
    if (c.error.empty()) {
      EXPECT_TRUE(d.status.ok()) << c.body << ": " << d.status.message();
    } else {
      ASSERT_FALSE(d.status.ok()) << c.body;
      EXPECT_EQ(d.status.message(), "invalid X-Registry-Auth header: " + c.error);
    }
  }
}

TEST(DecodeAuthConfig, RefusesOversizedHeaderBeforeDecoding) {
  std::string huge(kMaxAuthHeaderBytes + 1, 'A');
  AuthConfigDecoding d = DecodeAuthConfig(huge);
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.config, AuthConfig{});
  EXPECT_NE(d.status.message().find("exceeds the limit of 1048576 bytes"), std::string::npos);
}

TEST(DecodeAuthConfig, LongHeaderAcrossBase64Windows) {
  AuthConfig a;
  a.password = std::string(5000, 'p');
  a.username = "user";
  std::string header = EncodeAuthConfig(a);
  ASSERT_GT(header.size(), 4 * 1024u);
  AuthConfigDecoding d = DecodeAuthConfig(header);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  EXPECT_EQ(d.config, a);
  // An illegal byte in the second window is reported relative to that
  // window, as Go's stream decoder does (the first window is 680 symbols).
  std::string bad = header;
  bad[700] = '!';
  d = DecodeAuthConfig(bad);
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.message(), "invalid X-Registry-Auth header: illegal base64 data at input byte 20");
}

}  // namespace
}  // namespace berth
