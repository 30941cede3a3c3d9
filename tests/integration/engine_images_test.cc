// berth::EngineClient's image calls against berthd (this build's) in front
// of a real registry over TLS with htpasswd auth: pull, list, inspect, tag,
// push, save, load and remove; and against fake_engine.py for the streams
// no real Engine sends (cut short, stalled, a 401 answered once).
#include <gtest/gtest.h>

#include <chrono>

#include "berth/auth_header.h"
#include "berth/engine_client.h"
#include "fixtures.h"
#include "local_berthd.h"
#include "tls_registry.h"

namespace berth {
namespace {

using testing::FixtureServer;
using testing::LocalBerthd;
using testing::PushedImages;
using testing::TempDir;
using testing::TlsRegistry;

std::unique_ptr<EngineClient> Client(const std::string& host, std::chrono::milliseconds timeout) {
  EngineClientOptions o;
  o.host = host;
  o.api_version = "1.44";
  o.timeout = timeout;
  auto made = EngineClient::Create(o);
  EXPECT_TRUE(made.ok()) << made.error().message();
  return made.ok() ? std::move(*made) : nullptr;
}

AuthConfig Alice(const std::string& registry) {
  AuthConfig a;
  a.username = "alice";
  a.password = "s3cret";
  a.server_address = registry;
  return a;
}

TEST(EngineClientImages, PullListInspectTagPushSaveLoadRemove) {
  TlsRegistry tls;
  PushedImages pushed;
  ASSERT_TRUE(tls.StartForAlice(pushed)) << pushed.error;
  LocalBerthd berthd({"--certs-dir", tls.certs});
  ASSERT_TRUE(berthd.ok()) << berthd.error();
  auto client = Client(berthd.unix_host(), std::chrono::seconds(60));
  ASSERT_TRUE(client);
  const std::string image = tls.name + "/berth/multi:1.0";
  const AuthConfig alice = Alice(tls.name);

  // Each line reaches the callback; the last ones are the digest and status.
  std::vector<JsonMessage> lines;
  Status pulled = client->ImagePull(image, {}, alice, [&](const JsonMessage& m) { lines.push_back(m); });
  ASSERT_TRUE(pulled.ok()) << pulled.message();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front().status, "Pulling from berth/multi");
  EXPECT_EQ(lines.front().id, "1.0");
  EXPECT_EQ(lines[lines.size() - 2].status, "Digest: " + pushed.images.at("berth/multi:1.0").digest);
  EXPECT_EQ(lines.back().status, "Status: Downloaded newer image for " + image);

  // Errors: an unknown tag is the Engine's 404; no credentials its error.
  Status missing = client->ImagePull(tls.name + "/berth/multi:nope", {}, alice, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  EXPECT_NE(missing.message().find("manifest for " + tls.name + "/berth/multi:nope not found"), std::string::npos)
      << missing.message();
  Status anonymous = client->ImagePull(image, {}, AuthConfig{}, {});
  EXPECT_FALSE(anonymous.ok());

  Result<std::vector<ImageSummary>> list = client->ImageList(false, {{"reference", {image}}});
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].repo_tags, std::vector<std::string>{image});
  Result<ImageInspectInfo> inspect = client->ImageInspect(image);
  ASSERT_TRUE(inspect.ok()) << inspect.error().message();
  EXPECT_EQ(inspect->id, (*list)[0].id);
  EXPECT_EQ(inspect->os, "linux");
  Result<ImageInspectInfo> none = client->ImageInspect("nothing:here");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind(), ErrorKind::kNotFound);

  // Tag and push: the aux line carries the pushed digest; an unknown tag is
  // the in-stream error, returned.
  const std::string copy = tls.name + "/berth/copy:2";
  ASSERT_TRUE(client->ImageTag(image, copy).ok());
  EXPECT_EQ(client->ImageTag(image, tls.name + "/x@sha256:" + std::string(64, 'a')).message(),
            "refusing to create a tag with a digest reference");
  std::string aux;
  Status pushed_copy = client->ImagePush(copy, {}, alice, [&](const JsonMessage& m) {
    if (!m.aux.empty()) aux = m.aux;
  });
  ASSERT_TRUE(pushed_copy.ok()) << pushed_copy.message();
  EXPECT_NE(aux.find("\"Tag\":\"2\""), std::string::npos) << aux;
  EXPECT_NE(aux.find("\"Digest\":\"sha256:"), std::string::npos) << aux;
  Status no_tag = client->ImagePush(tls.name + "/berth/copy:3", {}, alice, {});
  ASSERT_FALSE(no_tag.ok());
  EXPECT_EQ(no_tag.message(), "tag does not exist: " + tls.name + "/berth/copy:3");
  EXPECT_EQ(client->ImagePush(image + "@sha256:" + std::string(64, 'a'), {}, alice, {}).message(),
            "cannot push a digest reference");

  // Save streams the tar; load reads it back after the image is gone.
  std::string tar;
  Status saved = client->ImageSave({copy}, [&](std::string_view bytes) {
    tar.append(bytes);
    return Status{};
  });
  ASSERT_TRUE(saved.ok()) << saved.message();
  ASSERT_GT(tar.size(), 1024u);
  Result<std::vector<ImageDeleteItem>> removed = client->ImageRemove(copy, false);
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  ASSERT_FALSE(removed->empty());
  EXPECT_EQ(removed->front().untagged, copy);
  Result<std::vector<ImageDeleteItem>> twice = client->ImageRemove(copy, false);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message(), "Error response from daemon: No such image: " + copy);
  std::size_t offset = 0;
  std::vector<std::string> loaded;
  Status load = client->ImageLoad(
      [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
        std::size_t n = std::min(capacity, tar.size() - offset);
        std::copy_n(tar.data() + offset, n, buffer);
        offset += n;
        return n;
      },
      false, [&](const JsonMessage& m) { loaded.push_back(m.stream); });
  ASSERT_TRUE(load.ok()) << load.message();
  EXPECT_EQ(loaded, std::vector<std::string>{"Loaded image: " + copy + "\n"});
  // A broken tar is the Engine's error, as it says it.
  const std::string junk = "not a tar at all";
  bool sent = false;
  Status bad_load = client->ImageLoad(
      [&](char* buffer, std::size_t) -> Result<std::size_t> {
        if (sent) return std::size_t{0};
        sent = true;
        std::copy(junk.begin(), junk.end(), buffer);
        return junk.size();
      },
      true, {});
  EXPECT_FALSE(bad_load.ok());
  // The credentials never reach berthd's log.
  EXPECT_EQ(testing::ReadFile(berthd.log_path()).find("s3cret"), std::string::npos);
}

TEST(EngineClientImages, StreamsThatEndEarlyOrStallAreBoundedErrors) {
  for (const auto& [mode, expected] :
       std::vector<std::pair<std::string, std::string>>{{"stream-cut", "the Engine's answer was cut short"},
                                                        {"stream-stall", "the Engine sent nothing for 2 s"},
                                                        {"endless", "the Engine sent a line longer than 1 MiB"}}) {
    SCOPED_TRACE(mode);
    FixtureServer engine("fake_engine.py", {mode});
    ASSERT_TRUE(engine.ok()) << engine.error();
    auto client = Client("tcp://127.0.0.1:" + std::to_string(engine.port()), std::chrono::seconds(2));
    ASSERT_TRUE(client);
    int seen = 0;
    auto start = std::chrono::steady_clock::now();
    Status s = client->ImagePull("berth/x:1.0", {}, AuthConfig{}, [&](const JsonMessage&) { ++seen; });
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(took, 12.0);                      // libcurl measures a stall over whole seconds
    if (mode != "endless") EXPECT_GE(seen, 1);  // the lines before the failure were delivered
  }
}

TEST(EngineClientImages, AStreamThatNeverEndsIsCutAtItsLimits) {
  FixtureServer engine("fake_engine.py", {"stream-drip"});
  ASSERT_TRUE(engine.ok()) << engine.error();
  auto client = Client("tcp://127.0.0.1:" + std::to_string(engine.port()), std::chrono::seconds(5));
  ASSERT_TRUE(client);
  EngineImagePullOptions by_time;
  by_time.limits.deadline = std::chrono::seconds(1);
  int seen = 0;
  auto start = std::chrono::steady_clock::now();
  Status s = client->ImagePull("berth/x:1.0", by_time, AuthConfig{}, [&](const JsonMessage&) { ++seen; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "the Engine's JSON stream went on for more than 1 s");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  EXPECT_GE(seen, 5);
  EngineImagePullOptions by_size;
  by_size.limits.max_bytes = 1000;
  s = client->ImagePull("berth/x:1.0", by_size, AuthConfig{}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "the Engine's JSON stream passed 1000 bytes");
}

TEST(EngineClientImages, A401IsRetriedOnceWithFreshCredentials) {
  TempDir dir;
  const std::string log = dir.path() + "/requests.log";
  FixtureServer engine("fake_engine.py", {"unauthorized-once", "--log", log, "--log-header", "X-Registry-Auth"});
  ASSERT_TRUE(engine.ok()) << engine.error();
  auto client = Client("tcp://127.0.0.1:" + std::to_string(engine.port()), std::chrono::seconds(10));
  ASSERT_TRUE(client);
  AuthConfig stale;
  stale.username = "old";
  AuthConfig fresh;
  fresh.username = "new";
  int asked = 0;
  EngineImagePullOptions options;
  options.privilege = [&]() -> Result<AuthConfig> {
    ++asked;
    return fresh;
  };
  std::vector<std::string> statuses;
  Status s =
      client->ImagePull("berth/x:1.0", options, stale, [&](const JsonMessage& m) { statuses.push_back(m.status); });
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(statuses.back(), "Status: Downloaded newer image for berth/x:1.0");
  const std::string requests = testing::ReadFile(log);
  EXPECT_NE(requests.find("\t" + EncodeAuthConfig(stale)), std::string::npos) << requests;
  EXPECT_NE(requests.find("\t" + EncodeAuthConfig(fresh)), std::string::npos) << requests;
  // Without a PrivilegeFunc the 401 is the error.
  FixtureServer again("fake_engine.py", {"unauthorized-once"});
  ASSERT_TRUE(again.ok());
  auto other = Client("tcp://127.0.0.1:" + std::to_string(again.port()), std::chrono::seconds(10));
  Status refused = other->ImagePull("berth/x:1.0", {}, stale, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), ErrorKind::kUnauthorized);
}

}  // namespace
}  // namespace berth
