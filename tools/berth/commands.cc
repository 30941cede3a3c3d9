#include "commands.h"

#include <utility>

#include "berth/auth_header.h"
#include "berth/json.h"
#include "berth/reference.h"

namespace berth::cli {
namespace {

CommandOutput Fail(std::string out, std::string err) {
  return {std::move(out), std::move(err), 1};
}

template <class T>
CommandOutput Normalize(std::string_view payload, bool first_value,
                        bool escape_html) {
  T value{};
  Status status = first_value ? DecodeFirstValue(payload, value)
                              : Unmarshal(payload, value);
  if (!status) return Fail("", status.message());
  return {Marshal(value, MarshalOptions{.escape_html = escape_html}), "", 0};
}

using Normalizer = CommandOutput (*)(std::string_view, bool, bool);

struct JsonType {
  std::string name;
  Normalizer run;
};

const std::vector<JsonType>& JsonTypes() {
  static const std::vector<JsonType> types = {
      {"AuthConfig", &Normalize<AuthConfig>},
      {"AuthenticateOKBody", &Normalize<AuthenticateOKBody>},
      {"SearchResult", &Normalize<SearchResult>},
      {"SearchResults", &Normalize<SearchResults>},
      {"DistributionInspect", &Normalize<DistributionInspect>},
      {"IndexInfo", &Normalize<IndexInfo>},
      {"ServiceConfig", &Normalize<ServiceConfig>},
      {"Descriptor", &Normalize<Descriptor>},
      {"Platform", &Normalize<Platform>},
  };
  return types;
}

}  // namespace

CommandOutput AuthEncode(std::string_view auth_config_json) {
  AuthConfig config;
  Status status = Unmarshal(auth_config_json, config);
  if (!status) return Fail("", status.message());
  return {EncodeAuthConfig(config), "", 0};
}

CommandOutput AuthDecode(std::string_view input, bool body) {
  AuthConfigDecoding d = body ? DecodeAuthConfigBody(input)
                              : DecodeAuthConfig(input);
  std::string out = Marshal(d.config);
  if (!d.status) return Fail(std::move(out), d.status.message());
  return {std::move(out), "", 0};
}

CommandOutput JsonNormalize(std::string_view type, std::string_view payload,
                            bool first_value, bool escape_html) {
  for (const JsonType& t : JsonTypes()) {
    if (t.name == type) return t.run(payload, first_value, escape_html);
  }
  std::string names;
  for (const JsonType& t : JsonTypes()) {
    if (!names.empty()) names += ", ";
    names += t.name;
  }
  return Fail("", "unknown type \"" + std::string(type) + "\" (one of: " +
                      names + ")");
}

namespace {

// A JSON string: references are printable ASCII without quotes or
// backslashes, but escape anyway rather than trust that.
void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

CommandOutput RefInfo(std::string_view reference, RefMode mode) {
  Result<Reference> ref = mode == RefMode::kAny      ? ParseAnyReference(reference)
                          : mode == RefMode::kStrict ? ParseReference(reference)
                                                     : ParseNormalizedNamed(reference);
  if (!ref) return Fail("", ref.error().message());
  std::string out = "{";
  auto member = [&](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (out.size() > 1) out += ',';
    AppendJsonString(out, key);
    out += ':';
    AppendJsonString(out, value);
  };
  member("string", ref->String());
  if (ref->named()) {
    member("familiar", ref->FamiliarString());
    member("name", ref->Name());
    member("domain", ref->domain());
    member("path", ref->path());
    member("tag", ref->tag());
  }
  member("digest", ref->digest());
  out += '}';
  return {std::move(out), "", 0};
}

const std::vector<std::string>& JsonTypeNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const JsonType& t : JsonTypes()) v.push_back(t.name);
    return v;
  }();
  return names;
}

}  // namespace berth::cli
