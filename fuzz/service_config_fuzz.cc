// daemon.json's registry options and the validators on any bytes: never a
// crash; a mirror that passes ends in "/"; a config that builds keeps
// docker.io secure and official and 127.0.0.0/8 insecure.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "berth/daemon_config.h"
#include "berth/json.h"
#include "berth/service_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::Result<std::string> mirror = berth::ValidateMirror(input);
  if (mirror && (mirror->empty() || mirror->back() != '/')) std::abort();
  berth::ValidateHostPort(input);
  berth::ValidateIndexName(input);

  berth::ServiceOptions options;
  if (!berth::UnmarshalServiceOptions(input, options).ok()) return 0;
  berth::Result<berth::ServiceConfig> config = berth::NewServiceConfig(options);
  if (!config) return 0;
  const auto& hub = config->index_configs->at("docker.io");
  if (!hub || !hub->secure || !hub->official) std::abort();
  bool loopback = false;
  for (const auto& cidr : config->insecure_registry_cidrs)
    if (cidr && cidr->String() == "127.0.0.0/8") loopback = true;
  if (!loopback) std::abort();
  berth::Marshal(berth::ServiceConfigForInfo(*config));
  return 0;
}
