// The public JSON entry points of berth/json.h, one set per wire type, all
// served by the same templates.
#include "berth/json.h"

#include "json/codec.h"
#include "json/scanner.h"
#include "json/schemas.h"
#include "json/stream.h"
#include "json/swar.h"

namespace berth {
namespace json_detail {

bool Codec<NetIPNet>::Decode(Decoder& d, NetIPNet& v, std::string_view) {
  std::string text;
  switch (d.Peek()) {
    case '"':
      d.ReadString(text);
      break;
    case 'n':
      d.ReadLiteral();  // json.Unmarshal(null, &s) leaves s empty
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

template <class T>
Status DecodeScanned(std::string_view data, const ScanResult& scan, T& value) {
  Decoder d(data, scan.begin);
  DecodeValue(d, value);
  return d.status();
}

template <class T>
Status UnmarshalImpl(std::string_view data, T& value) {
  ScanResult scan = Scan(data, ScanMode::kWhole);
  if (scan.kind != ScanResult::kValue) return InvalidJson(std::move(scan.error));
  return DecodeScanned(data, scan, value);
}

template <class T>
Status DecodeStreamImpl(std::string_view data, const StreamEnd& end, T& value) {
  ScanResult scan = Scan(data, end.eof ? ScanMode::kFirstValue
                                       : ScanMode::kFirstValueThenError);
  switch (scan.kind) {
    case ScanResult::kValue:
      return DecodeScanned(data, scan, value);
    case ScanResult::kSyntaxError:
      return InvalidJson(std::move(scan.error));
    case ScanResult::kIncomplete:
      break;
  }
  if (!end.eof) return InvalidJson(end.error);
  return InvalidJson(scan.only_space ? "EOF" : "unexpected EOF");
}

template <class T>
void MarshalImpl(std::string& out, const T& value, const MarshalOptions& o) {
  Writer w(o.escape_html);
  Codec<T>::Encode(w, value);
  out.append(w.data(), w.size());
}

}  // namespace

bool DecodePlainStringObject(std::string_view delivered, AuthConfig& value) {
  const auto* p = reinterpret_cast<const unsigned char*>(delivered.data());
  const std::size_t n = delivered.size();
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) ++i;
  };
  // A string of plain bytes at i: its contents, or false.
  auto plain_string = [&](std::string_view& out) {
    if (i >= n || p[i] != '"') return false;
    std::size_t start = ++i;
    while (i + 8 <= n) {
      std::uint64_t v = swar::Load(p + i);
      std::uint64_t m = swar::AnyStringSpecial(v) | (v & swar::kHigh);
      if (m != 0) {
        i += static_cast<std::size_t>(__builtin_ctzll(m)) >> 3;
        break;
      }
      i += 8;
    }
    while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\') ++i;
    if (i >= n || p[i] != '"') return false;
    out = delivered.substr(start, i - start);
    ++i;
    return true;
  };
  skip_space();
  if (i >= n || p[i] != '{') return false;
  ++i;
  skip_space();
  if (i < n && p[i] == '}') return true;
  for (;;) {
    std::string_view key, text;
    if (!plain_string(key)) return false;
    skip_space();
    if (i >= n || p[i] != ':') return false;
    ++i;
    skip_space();
    if (!plain_string(text)) return false;
    int field = StructCodec<AuthConfig>::FindField(key);
    if (field >= 0) {
      StructCodec<AuthConfig>::WithField(
          value, field, [&](std::string& member) { member.assign(text); });
    }
    skip_space();
    if (i >= n) return false;
    if (p[i] == '}') return true;
    if (p[i] != ',') return false;
    ++i;
    skip_space();
  }
}

Status DecodeFirstValueFromStream(std::string_view delivered,
                                  const StreamEnd& end, AuthConfig& value) {
  return DecodeStreamImpl(delivered, end, value);
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
    return json_detail::UnmarshalImpl(data, value);                           \
  }                                                                           \
  Status DecodeFirstValue(std::string_view data, Type& value) {               \
    return json_detail::DecodeStreamImpl(data, json_detail::StreamEnd{},      \
                                         value);                              \
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
