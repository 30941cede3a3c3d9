// The Engine API routes without a socket or a registry: dockerd's version
// rules, headers, error bodies and the checks made before any registry
// request (the limit, filters and term of a search).
#include <gtest/gtest.h>

#include "berth/engine_api.h"
#include "json/value.h"

namespace berth {
namespace {

struct Api {
  std::unique_ptr<RegistryService> service = RegistryService::Create({}).value();
  EngineApi api{*service, EngineOptions{}};

  EngineResponse Call(std::string method, std::string target, std::string body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return api.Handle(EngineRequest{std::move(method), std::move(target), std::move(headers), std::move(body)});
  }
};

std::string HeaderOf(const EngineResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "<none>";
}

TEST(EngineApi, PingWithDockerdsHeaders) {
  Api a;
  EngineResponse get = a.Call("GET", "/_ping");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "OK");
  EXPECT_EQ(HeaderOf(get, "Api-Version"), "1.44");
  EXPECT_EQ(HeaderOf(get, "Ostype"), "linux");
  EXPECT_EQ(HeaderOf(get, "Docker-Experimental"), "false");
  EXPECT_EQ(HeaderOf(get, "Swarm"), "inactive");
  EXPECT_EQ(HeaderOf(get, "Builder-Version"), "2");
  EXPECT_EQ(HeaderOf(get, "Cache-Control"), "no-cache, no-store, must-revalidate");
  EngineResponse head = a.Call("HEAD", "/v1.44/_ping");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(a.Call("GET", "/v1.24/_ping").status, 200);
}

TEST(EngineApi, VersionRulesAndUnknownRoutes) {
  Api a;
  EngineResponse old = a.Call("GET", "/v1.23/_ping");
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(old.body,
            "client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to "
            "a newer version\n");  // plain text below 1.24
  EXPECT_EQ(HeaderOf(old, "Api-Version"), "1.44");
  EXPECT_EQ(HeaderOf(old, "Docker-Experimental"), "<none>");
  EngineResponse fresh = a.Call("GET", "/v1.44.1/version");
  EXPECT_EQ(fresh.status, 400);
  EXPECT_EQ(fresh.body, "{\"message\":\"client version 1.44.1 is too new. Maximum supported API version is 1.44\"}\n");
  EngineResponse missing = a.Call("GET", "/v1.44/containers/json");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "{\"message\":\"page not found\"}\n");
  EXPECT_EQ(HeaderOf(missing, "Api-Version"), "<none>");
  EngineResponse missing_old = a.Call("GET", "/v1.12/containers/json");
  EXPECT_EQ(missing_old.status, 404);
  EXPECT_EQ(missing_old.body, "page not found\n");  // plain text below 1.24, as dockerd
  EXPECT_EQ(HeaderOf(missing_old, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(a.Call("POST", "/_ping").status, 404);
  EXPECT_EQ(a.Call("OPTIONS", "/anything").status, 200);
  // Versions compare by number, component by component; missing ones are 0.
  EXPECT_EQ(a.Call("GET", "/v1.44.0/_ping").status, 200);
  EXPECT_EQ(a.Call("GET", "/v1.30/_ping").status, 200);
  EXPECT_EQ(a.Call("GET", "/v1.9/_ping").status, 400);
  EXPECT_EQ(a.Call("GET", "/v1.100/_ping").status, 400);
  EXPECT_EQ(a.Call("GET", "/v2/_ping").status, 400);
  // The path is unescaped before routing; a bad escape is a 400.
  EXPECT_EQ(a.Call("GET", "/v1.44/%5Fping").body, "OK");
  EngineResponse bad = a.Call("GET", "/v1.44/%zz");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "{\"message\":\"invalid URL escape \\\"%zz\\\"\"}\n");
}

TEST(EngineApi, VersionAndInfoAreWhatClientsRead) {
  Api a;
  EngineResponse v = a.Call("GET", "/version");
  EXPECT_EQ(v.status, 200);
  EXPECT_NE(v.body.find("\"ApiVersion\":\"1.44\",\"MinAPIVersion\":\"1.24\""), std::string::npos) << v.body;
  EXPECT_EQ(v.body.rfind("{\"Platform\":{\"Name\":", 0), 0u);
  EXPECT_EQ(v.body.back(), '\n');
  EngineResponse i = a.Call("GET", "/v1.44/info");
  EXPECT_NE(i.body.find("\"IndexServerAddress\":\"https://index.docker.io/v1/\",\"RegistryConfig\":{"
                        "\"AllowNondistributableArtifactsCIDRs\":null"),
            std::string::npos)
      << i.body;
  EXPECT_NE(i.body.find("\"LocalNodeState\":\"inactive\""), std::string::npos);
}

// The member names of a JSON object, in order, and each one's text.
std::vector<std::string> MemberNames(const std::string& json) {
  json_detail::JsonValue v;
  EXPECT_TRUE(json_detail::ParseJson(json, v).ok()) << json;
  std::vector<std::string> names;
  for (const auto& [name, value] : v.members) names.push_back(name);
  return names;
}
std::string MemberText(const std::string& json, const std::string& name) {
  json_detail::JsonValue v;
  EXPECT_TRUE(json_detail::ParseJson(json, v).ok()) << json;
  const json_detail::JsonValue* m = v.Find(name);
  if (!m) return "<absent>";
  switch (m->kind) {
    case json_detail::JsonValue::Kind::kNull: return "null";
    case json_detail::JsonValue::Kind::kArray: return "[" + std::to_string(m->items.size()) + "]";
    case json_detail::JsonValue::Kind::kObject: return "{" + std::to_string(m->members.size()) + "}";
    default: return m->text;
  }
}

// GET /info and GET /version field by field for each API version range
// dockerd v25 tells apart: below 1.25 (ExecutionDriver, SecurityOptions by
// name), below 1.39 (unknown kernel and OS spelled "<unknown>"), from 1.42
// (KernelMemory forced false and so left out) and 1.44.
TEST(EngineApi, InfoAndVersionForEachApiVersionRange) {
  std::unique_ptr<RegistryService> service = RegistryService::Create({}).value();
  EngineOptions known;
  known.kernel_version = "6.1.0-test";
  known.operating_system = "Debian GNU/Linux 12 (bookworm)";
  EngineOptions unknown;  // uname and os-release gave nothing
  EngineApi with_host(*service, known), without_host(*service, unknown);
  auto info = [](EngineApi& api, const std::string& version) {
    EngineResponse r = api.Handle(EngineRequest{"GET", "/v" + version + "/info", {}, ""});
    EXPECT_EQ(r.status, 200) << version;
    return r.body;
  };
  const std::vector<std::string> names_1_44 = MemberNames(info(with_host, "1.44"));
  ASSERT_FALSE(names_1_44.empty());
  EXPECT_EQ(names_1_44.back(), "Warnings");
  for (const std::string version : {"1.24", "1.25", "1.38", "1.39", "1.41", "1.42", "1.43", "1.44"}) {
    SCOPED_TRACE(version);
    const bool v24 = version == "1.24";
    const bool before_39 = version < std::string("1.39");
    const std::string body = info(with_host, version);
    std::vector<std::string> want = names_1_44;
    if (v24) want.insert(want.end() - 1, "ExecutionDriver");
    EXPECT_EQ(MemberNames(body), want);
    EXPECT_EQ(MemberText(body, "ExecutionDriver"), v24 ? "<not supported>" : "<absent>");
    EXPECT_EQ(MemberText(body, "SecurityOptions"), v24 ? "null" : "[0]");
    EXPECT_EQ(MemberText(body, "KernelMemory"), "<absent>");
    EXPECT_EQ(MemberText(body, "KernelVersion"), "6.1.0-test");
    EXPECT_EQ(MemberText(body, "OperatingSystem"), "Debian GNU/Linux 12 (bookworm)");
    const std::string bare = info(without_host, version);
    EXPECT_EQ(MemberText(bare, "KernelVersion"), before_39 ? "<unknown>" : "");
    EXPECT_EQ(MemberText(bare, "OperatingSystem"), before_39 ? "<unknown>" : "");
    EXPECT_EQ(MemberText(body, "Runtimes"), "{0}");
    // /version is the same at every version.
    EngineResponse v = with_host.Handle(EngineRequest{"GET", "/v" + version + "/version", {}, ""});
    EXPECT_EQ(v.body, with_host.Handle(EngineRequest{"GET", "/version", {}, ""}).body);
    EXPECT_EQ(MemberNames(v.body),
              (std::vector<std::string>{"Platform", "Components", "Version", "ApiVersion", "MinAPIVersion", "GitCommit",
                                        "GoVersion", "Os", "Arch", "KernelVersion"}));
  }
}

TEST(EngineApi, AuthBodyErrorsAreTheEngines) {
  Api a;
  EngineResponse empty = a.Call("POST", "/auth", "");
  EXPECT_EQ(empty.status, 500);
  EXPECT_EQ(empty.body, "{\"message\":\"EOF\"}\n");
  EngineResponse junk = a.Call("POST", "/auth", "x");
  EXPECT_EQ(junk.status, 500);
  EXPECT_EQ(junk.body, "{\"message\":\"invalid character 'x' looking for beginning of value\"}\n");
  EngineResponse null = a.Call("POST", "/auth", "null");
  EXPECT_EQ(null.status, 400);
  EngineResponse address = a.Call("POST", "/auth", R"({"serveraddress":"my reg"})");
  EXPECT_EQ(address.status, 400);
  EXPECT_EQ(address.body,
            "{\"message\":\"unable to parse server address: parse \\\"https://my reg\\\": invalid character \\\" \\\" "
            "in host name\"}\n");
}

TEST(EngineApi, SearchChecksBeforeAnyRequest) {
  Api a;
  auto message = [&](const std::string& target) {
    EngineResponse r = a.Call("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    return r.body;
  };
  EXPECT_EQ(message("/images/search?term=x&limit=abc"),
            "{\"message\":\"invalid limit specified: strconv.Atoi: parsing \\\"abc\\\": invalid syntax\"}\n");
  EXPECT_EQ(message("/images/search?term=x&limit=-1"), "{\"message\":\"limit -1 is outside the range of [1, 100]\"}\n");
  EXPECT_EQ(message("/images/search?term=x&filters=%7Bbad"), "{\"message\":\"invalid filter\"}\n");
  EXPECT_EQ(message("/images/search?term=x&filters=%7B%22type%22%3A%7B%22custom%22%3Atrue%7D%7D"),
            "{\"message\":\"invalid filter 'type'\"}\n");
  EXPECT_EQ(message("/images/search?term=https://x/y"),
            "{\"message\":\"invalid repository name: repository name (https://x/y) should not have a scheme\"}\n");
}

TEST(EngineApi, DistributionErrorsBeforeAnyRequest) {
  Api a;
  EngineResponse bad = a.Call("GET", "/v1.44/distribution/Bad%2FName/json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(HeaderOf(bad, "Content-Type"), "application/json");
  EngineResponse dots = a.Call("GET", "/distribution/../../etc/json");
  EXPECT_EQ(dots.status, 400);
  EngineResponse id = a.Call("GET", "/distribution/" + std::string(64, 'a') + "/json");
  EXPECT_EQ(id.status, 500);
  EXPECT_EQ(id.body, "{\"message\":\"no manifest found for full image ID\"}\n");
  EngineResponse scratch = a.Call("GET", "/distribution/scratch/json");
  EXPECT_EQ(scratch.status, 403);
  EngineResponse long_name = a.Call("GET", "/distribution/" + std::string(300, 'a') + "/json");
  EXPECT_EQ(long_name.status, 400);
  EXPECT_EQ(a.Call("GET", "/distribution/%zz/json").status, 400);
}

TEST(EngineApi, MetricsCountRequestsByRouteAndStatus) {
  Api a;
  a.Call("GET", "/_ping");
  a.Call("GET", "/_ping");
  a.Call("GET", "/nope");
  std::string m = a.api.Metrics();
  EXPECT_NE(m.find("berthd_requests_total{route=\"/_ping\",status=\"200\"} 2"), std::string::npos) << m;
  EXPECT_NE(m.find("berthd_requests_total{route=\"unknown\",status=\"404\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("# TYPE berthd_registry_requests_total counter"), std::string::npos);
}

}  // namespace
}  // namespace berth
