// Field tables for the registry documents (registry/documents.h). Kept
// apart from the wire types: these are read, never written on the Engine
// API, and their Go types come from distribution and the token client.
#include "registry/documents.h"

#include "internal/go_time.h"
#include "json/entry_points.h"
#include "json/schemas.h"

namespace berth::json_detail {

// time.Time implements json.Unmarshaler: Go hands it the value's raw bytes
// (a null, a number, an object alike) and stops on its error.
template <>
struct Codec<detail::GoTime> {
  static std::string_view GoType() { return "time.Time"; }
  static bool Decode(Decoder& d, detail::GoTime& v, std::string_view) {
    std::string_view raw = d.ReadRaw();
    if (raw.empty()) return false;
    if (Status s = detail::UnmarshalGoTime(raw, v); !s.ok()) return d.Fail(s.message());
    return true;
  }
};

template <>
struct Schema<registry::ManifestDocument> {
  static constexpr std::string_view kName = "Manifest";
  static constexpr std::string_view kGoType = "manifest.Manifest";
  using S = registry::ManifestDocument;
  static constexpr auto kFields = std::make_tuple(
      Field<S, std::int64_t>{"schemaVersion", &S::schema_version, false, "int"},
      Field<S, std::string>{"mediaType", &S::media_type, false},
      Field<S, std::optional<Descriptor>>{"config", &S::config, true},
      Field<S, List<Descriptor>>{"manifests", &S::manifests, true},
      Field<S, List<Descriptor>>{"layers", &S::layers, true},
      Field<S, std::optional<Descriptor>>{"subject", &S::subject, true},
      Field<S, std::string>{"artifactType", &S::artifact_type, true},
      Field<S, std::string>{"architecture", &S::architecture, true}, Field<S, std::string>{"name", &S::name, true},
      Field<S, std::string>{"tag", &S::tag, true},
      Field<S, std::optional<std::map<std::string, std::string>>>{"annotations", &S::annotations, true});
};

template <>
struct Schema<registry::TokenResponse> {
  static constexpr std::string_view kName = "getTokenResponse";
  static constexpr std::string_view kGoType = "auth.getTokenResponse";
  using S = registry::TokenResponse;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"token", &S::token, false},
                                                  Field<S, std::string>{"access_token", &S::access_token, false},
                                                  Field<S, std::int64_t>{"expires_in", &S::expires_in, false, "int"},
                                                  Field<S, detail::GoTime>{"issued_at", &S::issued_at, false},
                                                  Field<S, std::string>{"refresh_token", &S::refresh_token, false},
                                                  Field<S, std::string>{"scope", &S::scope, false});
};

template <>
struct Schema<registry::RegistryErrorEntry> {
  static constexpr std::string_view kName = "Error";
  static constexpr std::string_view kGoType = "errcode.Error";
  using S = registry::RegistryErrorEntry;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"code", &S::code, false},
                                                  Field<S, std::string>{"message", &S::message, false});
};

template <>
struct Schema<registry::RegistryErrorsDocument> {
  static constexpr std::string_view kName = "Errors";
  static constexpr std::string_view kGoType = "errcode.Errors";
  using S = registry::RegistryErrorsDocument;
  static constexpr auto kFields =
      std::make_tuple(Field<S, List<registry::RegistryErrorEntry>>{"errors", &S::errors, false},
                      Field<S, std::string>{"details", &S::details, false});
};

template <>
struct Schema<registry::CatalogDocument> {
  static constexpr std::string_view kName = "catalogAPIResponse";
  static constexpr std::string_view kGoType = "client.catalogAPIResponse";
  using S = registry::CatalogDocument;
  static constexpr auto kFields = std::make_tuple(Field<S, List<std::string>>{"repositories", &S::repositories, false});
};

template <>
struct Schema<registry::TagsDocument> {
  static constexpr std::string_view kName = "tagsAPIResponse";
  static constexpr std::string_view kGoType = "client.tagsAPIResponse";
  using S = registry::TagsDocument;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"name", &S::name, false},
                                                  Field<S, List<std::string>>{"tags", &S::tags, false});
};

template <>
struct Schema<registry::DockerSaveEntry> {
  static constexpr std::string_view kName = "manifestItem";
  static constexpr std::string_view kGoType = "tarexport.manifestItem";
  using S = registry::DockerSaveEntry;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"Config", &S::config, false},
                                                  Field<S, List<std::string>>{"RepoTags", &S::repo_tags, false},
                                                  Field<S, List<std::string>>{"Layers", &S::layers, false});
};

template <>
struct Schema<registry::V1PingDocument> {
  static constexpr std::string_view kName = "pingResult";
  static constexpr std::string_view kGoType = "registry.pingResult";
  using S = registry::V1PingDocument;
  static constexpr auto kFields = std::make_tuple(Field<S, bool>{"standalone", &S::standalone, false});
};

}  // namespace berth::json_detail

namespace berth::registry {

#define BERTH_DOCUMENT_DEFINE(Type)                                \
  Status DecodeDocument(std::string_view data, Type& out) {        \
    return json_detail::UnmarshalImpl(data, out, /*fresh=*/false); \
  }

BERTH_DOCUMENT_DEFINE(ManifestDocument)
BERTH_DOCUMENT_DEFINE(RegistryErrorsDocument)
BERTH_DOCUMENT_DEFINE(CatalogDocument)
BERTH_DOCUMENT_DEFINE(TagsDocument)
BERTH_DOCUMENT_DEFINE(DockerSaveManifest)
BERTH_DOCUMENT_DEFINE(V1PingDocument)
BERTH_DOCUMENT_DEFINE(FilterMapDocument)
BERTH_DOCUMENT_DEFINE(LegacyFilterDocument)

#undef BERTH_DOCUMENT_DEFINE

// The token client reads with json.NewDecoder(body).Decode: the first
// value, whatever follows it.
Status DecodeDocument(std::string_view data, TokenResponse& out) {
  return json_detail::DecodeStreamImpl(data, json_detail::StreamEnd{}, out, /*fresh=*/false);
}

}  // namespace berth::registry
