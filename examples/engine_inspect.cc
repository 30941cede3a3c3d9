// Logs in to a registry and inspects images through a Docker Engine (dockerd
// or berthd) with berth::EngineClient, the way the docker CLI would: the
// Engine from -H / DOCKER_HOST, credentials from the docker CLI's config.
//
//   engine_inspect [-H HOST] [--login USER] IMAGE...
//
// With --login USER the password is read from standard input and the Engine
// logs in to the first image's registry (nothing is stored). Otherwise the
// credentials the docker CLI stored for each image's registry are sent.
#include <iostream>
#include <string>
#include <vector>

#include "berth/credentials.h"
#include "berth/engine_client.h"
#include "berth/json.h"
#include "berth/reference.h"

int main(int argc, char** argv) {
  berth::EngineClientOptions options = berth::EngineClientOptions::FromEnvironment();
  std::string user;
  std::vector<std::string> images;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-H" || arg == "--host") && i + 1 < argc) {
      options.host = argv[++i];
    } else if (arg == "--login" && i + 1 < argc) {
      user = argv[++i];
    } else {
      images.push_back(arg);
    }
  }
  if (images.empty()) {
    std::cerr << "usage: engine_inspect [-H HOST] [--login USER] IMAGE...\n";
    return 2;
  }

  auto engine = berth::EngineClient::Create(options);
  if (!engine.ok()) {
    std::cerr << engine.error().message() << "\n";
    return 1;
  }
  berth::EngineClient& client = **engine;

  berth::AuthConfig auth;  // used only with --login
  if (!user.empty()) {
    auto ref = berth::ParseNormalizedNamed(images.front());
    if (!ref.ok()) {
      std::cerr << ref.error().message() << "\n";
      return 1;
    }
    auth.username = user;
    std::getline(std::cin, auth.password);
    auth.server_address = ref->domain() == "docker.io" ? "https://index.docker.io/v1/" : ref->domain();
    auto ok = client.RegistryLogin(auth);
    if (!ok.ok()) {
      std::cerr << ok.error().message() << "\n";
      return 1;
    }
    std::cerr << ok->status << "\n";
  }

  // A credential helper that cannot be read does not stop the lookup (the
  // docker CLI goes on too); say so.
  berth::CredentialStoreOptions store_options;
  store_options.on_helper_failure = [](const std::string& registry, const berth::Error& error) {
    std::cerr << "warning: " << registry << ": " << error.message() << "\n";
  };
  auto store = berth::CredentialStore::Open(berth::DockerConfigDir(), store_options);
  if (!store.ok()) {
    std::cerr << store.error().message() << "\n";
    return 1;
  }
  int status = 0;
  for (const std::string& image : images) {
    auto inspected =
        user.empty() ? client.DistributionInspect(image, **store) : client.DistributionInspect(image, auth);
    if (!inspected.ok()) {
      std::cerr << image << ": " << inspected.error().message() << "\n";
      status = 1;
      continue;
    }
    std::cout << image << " " << inspected->descriptor.digest << " " << inspected->descriptor.media_type;
    for (const auto& p : inspected->platforms) std::cout << " " << p.os << "/" << p.architecture;
    std::cout << "\n";
  }
  return status;
}
