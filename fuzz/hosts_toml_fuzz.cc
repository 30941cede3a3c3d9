// hosts.toml on any bytes: never a crash (toml++'s errors become berth
// errors), and every host it accepts is an http(s) URL with its capabilities.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "berth/hosts_toml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::Result<berth::HostsConfig> config = berth::ParseHostsToml(input, "/certs.d/host");
  if (!config) return 0;
  for (const berth::RegistryHost& h : config->hosts) {
    if (h.url.rfind("http://", 0) != 0 && h.url.rfind("https://", 0) != 0) std::abort();
    if (h.capabilities.empty() && !h.Can("pull")) continue;
  }
  return 0;
}
