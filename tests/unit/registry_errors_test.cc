// The Engine's wording of registry and token-server failures: distribution's
// error bodies (errors: [{code, message, detail}]), token-server answers and
// unexpected statuses, with the error kind each maps to.
#include <gtest/gtest.h>

#include "registry/registry_errors.h"

namespace berth::registry {
namespace {

http::Response Answer(long status, std::string status_line, std::string content_type, std::string body,
                      std::vector<std::string> challenges = {}) {
  http::Response r;
  r.status = status;
  r.status_line = std::move(status_line);
  if (!content_type.empty()) r.headers.emplace("content-type", content_type);
  for (std::string& c : challenges) r.headers.emplace("www-authenticate", std::move(c));
  r.body = std::move(body);
  return r;
}

TEST(RegistryErrors, DockerHubDetailsByStatus) {
  Error e = ErrorFromResponse(
      Answer(401, "401 Unauthorized", "application/json", R"({"details":"incorrect username or password"})"));
  EXPECT_EQ(e.kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(e.message(), "unauthorized: incorrect username or password");
  e = ErrorFromResponse(Answer(429, "429 Too Many Requests", "application/json", R"({"details":"slow down"})"));
  EXPECT_EQ(e.kind(), ErrorKind::kTooManyRequests);
  EXPECT_EQ(e.message(), "toomanyrequests: slow down");
}

TEST(RegistryErrors, ErrorListsUseTheCodesDefaults) {
  Error e = ErrorFromResponse(
      Answer(404, "404 Not Found", "application/json; charset=utf-8",
             R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]})"));
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_EQ(e.message(), "manifest unknown: manifest unknown");
  e = ErrorFromResponse(Answer(403, "403 Forbidden", "application/json", R"({"errors":[{"code":"DENIED"}]})"));
  EXPECT_EQ(e.kind(), ErrorKind::kForbidden);
  EXPECT_EQ(e.message(), "denied: requested access to the resource is denied");
  e = ErrorFromResponse(Answer(400, "400 Bad Request", "application/json",
                               R"({"errors":[{"code":"NAME_INVALID","message":"a"},{"code":"WHAT","message":"b"}]})"));
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidParameter);
  EXPECT_EQ(e.message(), "errors:\nname invalid: a\nunknown: b\n");
}

TEST(RegistryErrors, BodiesThatAreNotErrorLists) {
  Error e = ErrorFromResponse(Answer(401, "401 Unauthorized", "", "go away"));
  EXPECT_EQ(e.message(), "unauthorized: go away");
  e = ErrorFromResponse(Answer(403, "403 Forbidden", "text/html", "<h1>no</h1>"));
  EXPECT_EQ(e.message(), "denied: <h1>no</h1>");
  e = ErrorFromResponse(Answer(400, "400 Bad Request", "application/json", "{}"));
  EXPECT_EQ(e.message(), "error parsing HTTP 400 response body: no error details found in HTTP response body: \"{}\"");
  e = ErrorFromResponse(Answer(400, "400 Bad Request", "application/json", "{x"));
  EXPECT_EQ(e.message(),
            "error parsing HTTP 400 response body: invalid character 'x' looking for beginning of object key "
            "string: \"{x\"");
  e = ErrorFromResponse(Answer(401, "401 Unauthorized", "application/json", "[]"));
  EXPECT_EQ(e.kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(e.message(), "unauthorized: authentication required");
  e = ErrorFromResponse(Answer(502, "502 Bad Gateway", "text/plain", "x"));
  EXPECT_EQ(e.kind(), ErrorKind::kSystem);
  EXPECT_EQ(e.message(), "received unexpected HTTP status: 502 Bad Gateway");
}

TEST(RegistryErrors, BearerChallengeErrorsLeadAndDecideTheClass) {
  Error e = ErrorFromResponse(
      Answer(401, "401 Unauthorized", "application/json",
             R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
             {R"(Bearer realm="https://auth/token",error="insufficient_scope",error_description="no pull")"}));
  EXPECT_EQ(e.kind(), ErrorKind::kForbidden);
  EXPECT_EQ(e.message(), "errors:\ndenied: no pull\nunauthorized: authentication required\n");
  e = ErrorFromResponse(Answer(401, "401 Unauthorized", "", "", {R"(Bearer realm="r",error="invalid_token")"}));
  EXPECT_EQ(e.kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(e.message(), "errors:\nunauthorized: authentication required\nunauthorized: \n");
}

TEST(RegistryErrors, HugeBodiesAreCutInMessages) {
  Error e = ErrorFromResponse(Answer(400, "400 Bad Request", "application/json", std::string(100000, '{')));
  EXPECT_LT(e.message().size(), 1000u);
}

}  // namespace
}  // namespace berth::registry
