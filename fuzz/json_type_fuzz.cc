// One JSON wire type (BERTH_FUZZ_TYPE) on any bytes, through both decoders.
// Checks:
//  - never a crash, and never the decoder/scanner disagreement error;
//  - the one-pass decoder fails exactly where Go's scanner finds a syntax
//    error, with its message;
//  - whatever decodes re-marshals to a fixed point
//    (marshal(decode(marshal(v))) == marshal(v)), with and without HTML
//    escaping.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "berth/json.h"
#include "json/scanner.h"

namespace {

using Type = berth::BERTH_FUZZ_TYPE;
using berth::json_detail::Scan;
using berth::json_detail::ScanMode;
using berth::json_detail::ScanResult;

void CheckFixedPoint(const Type& v, bool html) {
  berth::MarshalOptions o{.escape_html = html};
  std::string once = berth::Marshal(v, o);
  Type back{};
  if (!berth::Unmarshal(once, back).ok()) std::abort();
  if (berth::Marshal(back, o) != once) std::abort();
}

void CheckAgainstScanner(const berth::Status& s, const ScanResult& scan) {
  if (!s.ok() && s.error().kind() == berth::ErrorKind::kSystem) std::abort();
  if (scan.kind == ScanResult::kSyntaxError) {
    if (s.ok() || s.message() != scan.error) std::abort();
  } else if (scan.kind == ScanResult::kValue && !s.ok()) {
    const std::string& m = s.message();
    if (m.rfind("invalid character", 0) == 0 || m == "unexpected end of JSON input" || m == "unexpected EOF" ||
        m == "EOF")
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Type whole{};
  berth::Status s = berth::Unmarshal(input, whole);
  CheckAgainstScanner(s, Scan(input, ScanMode::kWhole));
  if (s.ok()) {
    CheckFixedPoint(whole, true);
    CheckFixedPoint(whole, false);
  }
  Type first{};
  berth::Status f = berth::DecodeFirstValue(input, first);
  CheckAgainstScanner(f, Scan(input, ScanMode::kFirstValue));
  if (f.ok()) CheckFixedPoint(first, false);
  return 0;
}
