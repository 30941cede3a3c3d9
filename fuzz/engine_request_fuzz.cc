// What a client sends berthd before any registry is involved: request
// targets (path unescaping, version prefixes, query parsing) and API
// versions. Any bytes: no crash, and the non-blocking answers of the Engine
// API layer are well formed (a status, JSON or text as dockerd writes).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "berth/engine_api.h"
#include "internal/api_version.h"
#include "internal/go_url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  berth::detail::QueryValues query;
  (void)berth::detail::ParseQuery(input, query);
  (void)berth::detail::PathUnescape(input);
  std::size_t cut = input.find('\n');
  std::string a = input.substr(0, cut), b = cut == std::string::npos ? "" : input.substr(cut + 1);
  int ab = berth::detail::CompareApiVersions(a, b), ba = berth::detail::CompareApiVersions(b, a);
  if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) std::abort();

  // Only the answers that need no registry: nothing leaves the machine.
  static std::unique_ptr<berth::RegistryService> service = berth::RegistryService::Create({}).value();
  static berth::EngineApi api(*service, berth::EngineOptions{});
  for (const char* method : {"GET", "HEAD", "POST"}) {
    std::optional<berth::EngineResponse> r =
        api.HandleWithoutBlocking(berth::EngineRequest{method, "/" + a, {{"x-registry-auth", b}}, b});
    if (r && (r->status < 200 || r->status > 599)) std::abort();
  }
  return 0;
}
