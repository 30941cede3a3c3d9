// How EngineClient reads -H / DOCKER_HOST (the docker CLI's forms).
#include <gtest/gtest.h>

#include "engine_client/engine_host.h"

namespace berth::engine_client {
namespace {

TEST(EngineHost, TheCliForms) {
  EngineHost unix_host = ParseEngineHost("unix:///run/berth.sock", false).value();
  EXPECT_EQ(unix_host.unix_socket, "/run/berth.sock");
  EXPECT_EQ(unix_host.base_url, "http://api.moby.localhost");
  EXPECT_EQ(ParseEngineHost("tcp://127.0.0.1:2375", false)->base_url, "http://127.0.0.1:2375");
  EXPECT_EQ(ParseEngineHost("tcp://127.0.0.1", false)->base_url, "http://127.0.0.1:2375");
  EXPECT_EQ(ParseEngineHost("tcp://127.0.0.1", true)->base_url, "https://127.0.0.1:2376");
  EXPECT_TRUE(ParseEngineHost("tcp://127.0.0.1:2376", true)->tls);
  EXPECT_EQ(ParseEngineHost("tcp://:2375", false)->base_url, "http://localhost:2375");
  EXPECT_EQ(ParseEngineHost("tcp://[::1]:2375/", false)->base_url, "http://[::1]:2375");
  EXPECT_EQ(ParseEngineHost("https://engine.example:443", false)->base_url, "https://engine.example:443");
  EXPECT_EQ(ParseEngineHost("http://127.0.0.1:80", true)->base_url, "http://127.0.0.1:80");
  // "host:port" alone is tcp, as the CLI's ParseHost reads -H and
  // DOCKER_HOST; messages name the host with its port.
  EXPECT_EQ(ParseEngineHost("127.0.0.1:2375", false)->base_url, "http://127.0.0.1:2375");
  EXPECT_EQ(ParseEngineHost("127.0.0.1:2375", false)->name, "tcp://127.0.0.1:2375");
  EXPECT_EQ(ParseEngineHost("tcp://127.0.0.1", false)->name, "tcp://127.0.0.1:2375");
  EXPECT_EQ(ParseEngineHost("unix:///run/berth.sock", false)->name, "unix:///run/berth.sock");
}

TEST(EngineHost, BadHostsAreTheClisErrors) {
  EXPECT_EQ(ParseEngineHost("ftp://h", false).error().message(), "unable to parse docker host `ftp://h`");
  EXPECT_EQ(ParseEngineHost("unix://relative", false).error().message(),
            "unable to parse docker host `unix://relative`");
  EXPECT_EQ(ParseEngineHost("tcp://h:port", false).error().message(), "Invalid bind address format: tcp://h:port");
  EXPECT_EQ(ParseEngineHost("tcp://h:99999", false).error().message(), "Invalid bind address format: tcp://h:99999");
  EXPECT_EQ(ParseEngineHost("tcp://h:1/path", false).error().message(), "Invalid bind address format: tcp://h:1/path");
  EXPECT_EQ(ParseEngineHost("ssh://u@h", false).error().message(),
            "docker host `ssh://u@h`: ssh:// is not supported by berth");
  EXPECT_FALSE(ParseEngineHost("", false).ok());
}

}  // namespace
}  // namespace berth::engine_client
