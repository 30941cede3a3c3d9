// Pulls or pushes an image through a Docker Engine (dockerd or berthd) with
// berth::EngineClient, as the Go SDK's most common use does it: the
// credentials the docker CLI stored for the image's registry go in
// X-Registry-Auth, a 401 is retried with them read afresh, and the
// JSONMessage stream is shown as it arrives.
//
//   engine_pull [-H HOST] pull|push IMAGE
#include <iostream>
#include <string>

#include "berth/credentials.h"
#include "berth/engine_client.h"

int main(int argc, char** argv) {
  berth::EngineClientOptions options = berth::EngineClientOptions::FromEnvironment();
  int i = 1;
  if (i + 1 < argc && std::string(argv[i]) == "-H") {
    options.host = argv[i + 1];
    i += 2;
  }
  if (argc - i != 2 || (std::string(argv[i]) != "pull" && std::string(argv[i]) != "push")) {
    std::cerr << "usage: engine_pull [-H HOST] pull|push IMAGE\n";
    return 2;
  }
  const std::string verb = argv[i], image = argv[i + 1];

  auto engine = berth::EngineClient::Create(options);
  if (!engine.ok()) {
    std::cerr << engine.error().message() << "\n";
    return 1;
  }
  auto store = berth::CredentialStore::Open(berth::DockerConfigDir());
  if (!store.ok()) {
    std::cerr << store.error().message() << "\n";
    return 1;
  }

  std::string pushed;
  auto show = [&pushed](const berth::JsonMessage& m) {
    if (!m.aux.empty()) {
      // {"Tag":"1","Digest":"sha256:…","Size":555}
      const std::size_t at = m.aux.find("\"Digest\":\"");
      if (at != std::string::npos) pushed = m.aux.substr(at + 10, m.aux.find('"', at + 10) - at - 10);
      return;
    }
    if (m.current > 0) return;  // bytes moving: a terminal program would draw a bar
    std::cout << (m.id.empty() ? "" : m.id + ": ") << (m.stream.empty() ? m.status + "\n" : m.stream);
  };
  berth::Status done = verb == "pull" ? (*engine)->ImagePull(image, {}, **store, show)
                                      : (*engine)->ImagePush(image, {}, **store, show);
  if (!done.ok()) {
    std::cerr << done.message() << "\n";
    return 1;
  }
  if (!pushed.empty()) std::cout << "pushed " << pushed << "\n";
  return 0;
}
