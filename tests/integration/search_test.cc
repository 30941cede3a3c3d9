// v1 search against a fixture that answers like Docker Hub's index (the one
// peer no Debian package can serve), over TLS with a test CA.
#include <gtest/gtest.h>

#include <filesystem>

#include "berth/registry_client.h"
#include "fixtures.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

struct HubFixture {
  testing::TempDir dir;
  std::string pki = dir.path() + "/pki";
  std::string log = dir.path() + "/hub.log";
  std::unique_ptr<testing::FixtureServer> hub;
  std::unique_ptr<RegistryService> service;
  std::string host;

  bool Start(const std::vector<std::string>& extra = {}) {
    if (!testing::MakePki(pki)) return false;
    std::vector<std::string> args{"--cert", pki + "/server.crt", "--key", pki + "/server.key", "--log", log};
    args.insert(args.end(), extra.begin(), extra.end());
    hub = std::make_unique<testing::FixtureServer>("hub_search.py", args);
    if (!hub->ok()) return false;
    host = "localhost:" + std::to_string(hub->port());
    fs::create_directories(dir.path() + "/certs.d/" + host);
    fs::copy_file(pki + "/ca.crt", dir.path() + "/certs.d/" + host + "/ca.crt");
    RegistryServiceSettings settings;
    settings.certs_dir = dir.path() + "/certs.d";
    settings.resolver = [](const std::string&) { return std::vector<std::vector<std::uint8_t>>{}; };
    auto made = RegistryService::Create({}, settings);
    if (!made.ok()) return false;
    service = std::move(*made);
    return true;
  }
};

std::vector<std::string> Names(const SearchOutcome& outcome) {
  std::vector<std::string> out;
  for (const SearchResult& r : outcome.results) out.push_back(r.name);
  return out;
}

TEST(V1Search, ResultsFiltersAndCredentials) {
  HubFixture hub;
  ASSERT_TRUE(hub.Start());
  RegistryClient client(*hub.service);
  SearchRequest request;
  request.term = hub.host + "/busybox";
  Result<SearchOutcome> all = client.Search(request, {});
  ASSERT_TRUE(all.ok()) << all.error().message();
  EXPECT_EQ(all->method, SearchMethod::kV1Search);
  EXPECT_EQ(all->endpoint, "https://" + hub.host + "/v1/search");
  EXPECT_EQ(Names(*all), (std::vector<std::string>{"busybox", "berthtest/busybox-extras", "berthtest/busybox-static",
                                                   "megastar/busybox"}));
  EXPECT_EQ(all->results[3].star_count, 12345678);
  EXPECT_EQ(testing::CountLines(hub.log, {"GET /v1/search?q=busybox&n=25", "auth=none"}), 1);

  request.filters = {{"is-official", {"true"}}};
  EXPECT_EQ(Names(*client.Search(request, {})), (std::vector<std::string>{"busybox"}));
  request.filters = {{"is-automated", {"1", "true"}}};
  EXPECT_EQ(Names(*client.Search(request, {})), (std::vector<std::string>{"berthtest/busybox-extras"}));
  request.filters = {{"stars", {"13", "-4"}}};
  EXPECT_EQ(Names(*client.Search(request, {})), (std::vector<std::string>{"busybox", "megastar/busybox"}));
  request.filters = {{"stars", {"1"}}, {"is-official", {"false"}}, {"is-automated", {"true"}}};
  EXPECT_EQ(Names(*client.Search(request, {})), (std::vector<std::string>{"berthtest/busybox-extras"}));

  request.filters.clear();
  request.limit = 2;
  request.term = hub.host + "/box";
  Result<SearchOutcome> two = client.Search(request, {});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->results.size(), 2u);
  EXPECT_EQ(testing::CountLines(hub.log, {"GET /v1/search?q=box&n=2"}), 1);

  // A term with a space is query-escaped as Go does.
  request.term = hub.host + "/a b";
  ASSERT_TRUE(client.Search(request, {}).ok());
  EXPECT_EQ(testing::CountLines(hub.log, {"GET /v1/search?q=a+b&n=2"}), 1);

  // The index is not standalone: Basic credentials with X-Docker-Token.
  AuthConfig alice;
  alice.username = "alice";
  alice.password = "s3cret";
  request.term = hub.host + "/nginx";
  ASSERT_TRUE(client.Search(request, alice).ok());
  EXPECT_EQ(testing::CountLines(hub.log, {"GET /v1/search?q=nginx", "auth=Basic"}), 1);
}

TEST(V1Search, TheEnginesErrorsBeforeAnyRequest) {
  HubFixture hub;
  ASSERT_TRUE(hub.Start());
  RegistryClient client(*hub.service);
  auto error = [&](SearchFilters filters, int limit = 0, std::string term = "") {
    SearchRequest request;
    request.term = term.empty() ? hub.host + "/busybox" : term;
    request.filters = std::move(filters);
    request.limit = limit;
    Result<SearchOutcome> r = client.Search(request, {});
    EXPECT_FALSE(r.ok());
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidParameter);
    return r.error().message();
  };
  EXPECT_EQ(error({{"type", {"custom"}}}), "invalid filter 'type'");
  EXPECT_EQ(error({{"is-automated", {"invalid"}}}), "invalid filter 'is-automated=[invalid]'");
  EXPECT_EQ(error({{"is-automated", {"true", "false"}}}).rfind("invalid filter 'is-automated", 0), 0u);
  EXPECT_EQ(error({{"is-official", {"invalid"}}}), "invalid filter 'is-official=[invalid]'");
  EXPECT_EQ(error({{"is-official", {"true", "false"}}}).rfind("invalid filter 'is-official", 0), 0u);
  EXPECT_EQ(error({{"stars", {"invalid"}}}),
            "invalid filter 'stars=invalid': strconv.Atoi: parsing \"invalid\": invalid syntax");
  EXPECT_NE(error({{"stars", {"1", "invalid"}}}).find("invalid filter 'stars=invalid'"), std::string::npos);
  EXPECT_EQ(error({}, 101), "limit 101 is outside the range of [1, 100]");
  EXPECT_EQ(error({}, -1), "limit -1 is outside the range of [1, 100]");
  EXPECT_EQ(error({}, 0, "https://" + hub.host + "/x"),
            "invalid repository name: repository name (https://" + hub.host + "/x) should not have a scheme");
  EXPECT_EQ(testing::ReadFile(hub.log), "");  // none of them reached the index
}

TEST(V1Search, AnIndexAnswering500IsTheEnginesUnexpectedStatus) {
  HubFixture hub;
  ASSERT_TRUE(hub.Start({"--mode", "500"}));
  RegistryClient client(*hub.service);
  SearchRequest request;
  request.term = hub.host + "/busybox";
  Result<SearchOutcome> r = client.Search(request, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kSystem);
  EXPECT_EQ(r.error().message(), "Unexpected status code 500");
}

TEST(V1Search, AnUntrustedSecureIndexGetsTheInsecureRegistryHint) {
  HubFixture hub;
  ASSERT_TRUE(hub.Start());
  testing::TempDir empty;
  RegistryServiceSettings settings;
  settings.certs_dir = empty.path();
  settings.resolver = [](const std::string&) { return std::vector<std::vector<std::uint8_t>>{}; };
  auto service = RegistryService::Create({}, settings);
  ASSERT_TRUE(service.ok());
  RegistryClient client(**service);
  SearchRequest request;
  request.term = hub.host + "/busybox";
  Result<SearchOutcome> r = client.Search(request, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidParameter);
  EXPECT_EQ(r.error().message().rfind("invalid registry endpoint https://" + hub.host + "/v1/: ", 0), 0u)
      << r.error().message();
  EXPECT_NE(r.error().message().find("please add `--insecure-registry " + hub.host + "` to the daemon's arguments"),
            std::string::npos);
}

}  // namespace
}  // namespace berth
