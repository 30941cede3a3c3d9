// DecodeAuthConfigBody on any bytes: never crashes; empty config on error.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "berth/auth_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::AuthConfigDecoding d = berth::DecodeAuthConfigBody(input);
  if (!d.status.ok() && !(d.config == berth::AuthConfig{})) std::abort();
  return 0;
}
