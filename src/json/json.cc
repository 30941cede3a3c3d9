// The public JSON entry points of berth/json.h, one set per wire type, all
// served by the same templates.
#include "berth/json.h"

#include "json/entry_points.h"
#include "json/schemas.h"

namespace berth {
namespace json_detail {

bool Codec<NetIPNet>::Decode(Decoder& d, NetIPNet& v, std::string_view) {
  std::string text;
  switch (d.Peek()) {
    case '"':
      if (!d.ReadString(text)) return false;
      break;
    case 'n':
      // json.Unmarshal(null, &s) leaves s empty.
      if (d.ReadLiteral().empty()) return false;
      break;
    default:
      // The inner json.Unmarshal's type error; Go's decoder then adds the
      // context of the field being decoded.
      return d.FailTypeError(d.NextKind(), "string");
  }
  Result<NetIPNet> parsed = ParseCIDR(text);
  if (!parsed) return d.Fail(parsed.error().message());
  v = std::move(*parsed);
  return true;
}

Status DecodeFirstValueFromStream(std::string_view delivered, const StreamEnd& end, AuthConfig& value) {
  return DecodeStreamImpl(delivered, end, value, /*fresh=*/true);
}

}  // namespace json_detail

#define BERTH_JSON_DEFINE(Type)                                                                   \
  std::string Marshal(const Type& value, const MarshalOptions& options) {                         \
    std::string out;                                                                              \
    json_detail::MarshalImpl(out, value, options);                                                \
    return out;                                                                                   \
  }                                                                                               \
  void MarshalTo(std::string& out, const Type& value, const MarshalOptions& options) {            \
    json_detail::MarshalImpl(out, value, options);                                                \
  }                                                                                               \
  Status Unmarshal(std::string_view data, Type& value) {                                          \
    return json_detail::UnmarshalImpl(data, value, /*fresh=*/false);                              \
  }                                                                                               \
  Status DecodeFirstValue(std::string_view data, Type& value) {                                   \
    return json_detail::DecodeStreamImpl(data, json_detail::StreamEnd{}, value, /*fresh=*/false); \
  }

BERTH_JSON_DEFINE(AuthConfig)
BERTH_JSON_DEFINE(AuthenticateOKBody)
BERTH_JSON_DEFINE(SearchResult)
BERTH_JSON_DEFINE(SearchResults)
BERTH_JSON_DEFINE(IndexInfo)
BERTH_JSON_DEFINE(ServiceConfig)
BERTH_JSON_DEFINE(DistributionInspect)
BERTH_JSON_DEFINE(Descriptor)
BERTH_JSON_DEFINE(Platform)

#undef BERTH_JSON_DEFINE

}  // namespace berth
