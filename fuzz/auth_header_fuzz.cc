// DecodeAuthConfig on any bytes: never crashes, and a decoded config
// re-encodes to a header that decodes to the same config.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "berth/auth_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::AuthConfigDecoding d = berth::DecodeAuthConfig(input);
  if (!d.status.ok()) {
    if (!(d.config == berth::AuthConfig{})) std::abort();  // always empty on error
    return 0;
  }
  berth::AuthConfigDecoding again = berth::DecodeAuthConfig(berth::EncodeAuthConfig(d.config));
  if (!again.status.ok() || !(again.config == d.config)) std::abort();
  return 0;
}
