// One JSON wire type (BERTH_FUZZ_TYPE) on any bytes, through both decoders:
// never crashes, and whatever decodes re-marshals to a fixed point
// (marshal(decode(marshal(v))) == marshal(v)), with and without HTML
// escaping.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "berth/json.h"

namespace {

using Type = berth::BERTH_FUZZ_TYPE;

void CheckFixedPoint(const Type& v, bool html) {
  berth::MarshalOptions o{.escape_html = html};
  std::string once = berth::Marshal(v, o);
  Type back{};
  berth::Status s = berth::Unmarshal(once, back);
  if (!s.ok()) std::abort();
  if (berth::Marshal(back, o) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Type whole{};
  if (berth::Unmarshal(input, whole).ok()) {
    CheckFixedPoint(whole, true);
    CheckFixedPoint(whole, false);
  }
  Type first{};
  if (berth::DecodeFirstValue(input, first).ok()) CheckFixedPoint(first, false);
  return 0;
}
