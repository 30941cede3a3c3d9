// WWW-Authenticate parsing on any bytes: never a crash, schemes lower case.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "berth/challenge.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const berth::Challenge& c : berth::ParseChallenges(input)) {
    if (c.scheme.empty()) std::abort();
    for (char ch : c.scheme)
      if (ch >= 'A' && ch <= 'Z') std::abort();
  }
  return 0;
}
