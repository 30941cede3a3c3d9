// The public JSON entry points of berth/json.h, one set per wire type, all
// served by the same templates.
#include "berth/json.h"

#include <optional>

#include "json/codec.h"
#include "json/scanner.h"
#include "json/schemas.h"
#include "json/stream.h"

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

namespace {

Error InvalidJson(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

// The one-pass decoder stopped on input that the scanner then found valid:
// a bug, reported rather than papered over (the fuzz targets look for it).
Error Disagreement() {
  return Error(ErrorKind::kSystem,
               "internal error: JSON decoder and scanner disagree");
}

// Go scans the input before it decodes, so input that turns out invalid
// leaves the target as it was. The one-pass decoder writes as it goes; this
// keeps what it needs to put back.
template <class T>
class Rollback {
 public:
  Rollback(T& value, bool fresh) : value_(value) {
    // A value equal to T{} needs no copy: rolling back makes a new one.
    if (!fresh && !(value == T{})) saved_ = value;
  }
  void operator()() { value_ = saved_ ? std::move(*saved_) : T{}; }

 private:
  T& value_;
  std::optional<T> saved_;
};

// json.Unmarshal: the whole input is one value.
template <class T>
Status UnmarshalImpl(std::string_view data, T& value, bool fresh) {
  Rollback<T> rollback(value, fresh);
  Decoder d(data, 0);
  d.SkipSpace();
  if (DecodeValue(d, value)) {
    d.SkipSpace();
    if (d.at_end()) return d.status();
    d.Bad();  // something after the value
  }
  ScanResult scan = Scan(data, ScanMode::kWhole);
  if (scan.kind == ScanResult::kValue) {
    // An unmarshaller's error stopped decoding of input that is valid.
    return d.stopped() ? d.status() : Disagreement();
  }
  rollback();
  return InvalidJson(std::move(scan.error));
}

// json.Decoder.Decode on a stream holding `data`, then `end`.
template <class T>
Status DecodeStreamImpl(std::string_view data, const StreamEnd& end, T& value,
                        bool fresh) {
  Rollback<T> rollback(value, fresh);
  Decoder d(data, 0);
  d.SkipSpace();
  const char first = d.Peek();
  if (!d.at_end() && DecodeValue(d, value)) {
    // Go's stream scanner ends a string, number or literal only at the next
    // byte, or at io.EOF; a reader error right after it comes first.
    bool scalar = first != '{' && first != '[';
    if (!(scalar && d.at_end() && !end.eof)) return d.status();
    d.Bad();
  }
  ScanResult scan = Scan(data, end.eof ? ScanMode::kFirstValue
                                       : ScanMode::kFirstValueThenError);
  if (scan.kind == ScanResult::kValue) {
    return d.stopped() ? d.status() : Disagreement();
  }
  rollback();
  if (scan.kind == ScanResult::kSyntaxError) return InvalidJson(std::move(scan.error));
  if (!end.eof) return InvalidJson(end.error);
  return InvalidJson(scan.only_space ? "EOF" : "unexpected EOF");
}

template <class T>
void MarshalImpl(std::string& out, const T& value, const MarshalOptions& o) {
  // An eighth more than the estimate leaves room for some escapes.
  std::size_t expected = Codec<T>::Estimate(value);
  Writer w(o.escape_html, expected + expected / 8);
  Codec<T>::Encode(w, value);
  out.append(w.data(), w.size());
}

}  // namespace

Status DecodeFirstValueFromStream(std::string_view delivered,
                                  const StreamEnd& end, AuthConfig& value) {
  return DecodeStreamImpl(delivered, end, value, /*fresh=*/true);
}

}  // namespace json_detail

#define BERTH_JSON_DEFINE(Type)                                               \
  std::string Marshal(const Type& value, const MarshalOptions& options) {     \
    std::string out;                                                          \
    json_detail::MarshalImpl(out, value, options);                            \
    return out;                                                               \
  }                                                                           \
  void MarshalTo(std::string& out, const Type& value,                         \
                 const MarshalOptions& options) {                             \
    json_detail::MarshalImpl(out, value, options);                            \
  }                                                                           \
  Status Unmarshal(std::string_view data, Type& value) {                      \
    return json_detail::UnmarshalImpl(data, value, /*fresh=*/false);          \
  }                                                                           \
  Status DecodeFirstValue(std::string_view data, Type& value) {               \
    return json_detail::DecodeStreamImpl(data, json_detail::StreamEnd{},      \
                                         value, /*fresh=*/false);             \
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
BERTH_JSON_DEFINE(ServiceOptions)

#undef BERTH_JSON_DEFINE

}  // namespace berth
