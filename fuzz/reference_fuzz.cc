// The reference parsers on any bytes: never a crash, and the round trips the
// grammar promises — a strict parse prints the input back; a normalized
// reference is a fixed point; its familiar form parses back to it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "berth/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::Result<berth::Reference> strict = berth::ParseReference(input);
  if (strict && strict->String() != input) std::abort();

  berth::Result<berth::Reference> named = berth::ParseNormalizedNamed(input);
  if (named) {
    berth::Result<berth::Reference> again = berth::ParseNormalizedNamed(named->String());
    if (!again || !(*again == *named)) std::abort();
    // The familiar form reads back the same unless its first component looks
    // like a registry ("docker.io/liker.io/app" is familiar "liker.io/app",
    // which names the registry liker.io): the Engine has that ambiguity too.
    std::string fam = named->FamiliarName();
    std::string first = fam.substr(0, fam.find('/'));
    bool ambiguous =
        fam.find('/') != std::string::npos && (first.find_first_of(".:") != std::string::npos || first == "localhost");
    berth::Result<berth::Reference> familiar = berth::ParseNormalizedNamed(named->FamiliarString());
    if (!ambiguous && (!familiar || !(*familiar == *named))) std::abort();
  }
  berth::Result<berth::Reference> any = berth::ParseAnyReference(input);
  if (any && !any->named() && !berth::ValidateDigest(any->digest()).ok()) std::abort();
  berth::ParseNamed(input);
  berth::ParseDockerRef(input);
  return 0;
}
