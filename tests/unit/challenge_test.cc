#include "berth/challenge.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

std::string Show(const std::vector<Challenge>& cs) {
  std::string out;
  for (const Challenge& c : cs) {
    out += c.scheme + "{";
    for (const auto& [k, v] : c.params) out += k + "=" + v + ";";
    if (!c.token68.empty()) out += "token68=" + c.token68;
    out += "}";
  }
  return out;
}

TEST(ParseChallenges, SpecExamples) {
  EXPECT_EQ(Show(ParseChallenges(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io")")),
            "bearer{realm=https://auth.docker.io/token;service=registry.docker.io;}");
  EXPECT_EQ(Show(ParseChallenges(R"(Basic realm="localhost")")), "basic{realm=localhost;}");
  EXPECT_EQ(Show(ParseChallenges(R"(Bearer realm="a\"b")")), "bearer{realm=a\"b;}");
  // RFC 7235 where the Engine stops early (docs/compatibility.md A1).
  EXPECT_EQ(Show(ParseChallenges(R"(Bearer realm = "x")")), "bearer{realm=x;}");
  EXPECT_EQ(Show(ParseChallenges("Basic realm=x, Bearer realm=y")), "basic{realm=x;}bearer{realm=y;}");
}

TEST(ParseChallenges, RegistryShapes) {
  std::vector<Challenge> c = ParseChallenges(
      R"(Bearer realm="https://127.0.0.1:5001/token",service="registry",scope="repository:team/app:pull,push",error="insufficient_scope")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].Param("scope"), "repository:team/app:pull,push");
  EXPECT_EQ(c[0].Param("error"), "insufficient_scope");
  EXPECT_EQ(c[0].Param("missing"), "");
  EXPECT_EQ(Show(ParseChallenges("BASIC REALM=r, realm=s")), "basic{realm=s;}");  // last wins
  EXPECT_EQ(Show(ParseChallenges("Negotiate abc==, Basic realm=x")), "negotiate{token68=abc==}basic{realm=x;}");
  EXPECT_EQ(Show(ParseChallenges(std::vector<std::string>{"Basic realm=a", "Bearer realm=b"})),
            "basic{realm=a;}bearer{realm=b;}");
}

TEST(ParseChallenges, MalformedInputKeepsWhatCameBefore) {
  EXPECT_EQ(Show(ParseChallenges("")), "");
  EXPECT_EQ(Show(ParseChallenges("   ,, ")), "");
  EXPECT_EQ(Show(ParseChallenges(R"(Bearer realm="open)")), "bearer{}");
  EXPECT_EQ(Show(ParseChallenges("Basic realm=x, =y")), "basic{realm=x;}");
  EXPECT_EQ(Show(ParseChallenges("\"quoted\" realm=x")), "");
  EXPECT_EQ(Show(ParseChallenges("Basic")), "basic{}");
}

}  // namespace
}  // namespace berth
