// The field tables of the wire types: JSON key, member, omitempty — in the
// Engine's declaration order, which is the order Go writes them in.
#ifndef BERTH_SRC_JSON_SCHEMAS_H_
#define BERTH_SRC_JSON_SCHEMAS_H_

#include <tuple>

#include "berth/types.h"
#include "json/codec.h"

namespace berth::json_detail {

// registry.NetIPNet implements json.Marshaler / json.Unmarshaler: its JSON is
// the CIDR string.
template <>
struct Codec<NetIPNet> {
  static std::string_view GoType() { return "registry.NetIPNet"; }
  static bool IsEmpty(const NetIPNet&) { return false; }
  // MarshalJSON calls json.Marshal, which escapes HTML whatever the outer
  // encoder does: a zero value comes out as "\u003cnil\u003e".
  static std::size_t Estimate(const NetIPNet&) { return 20; }
  static void Encode(Writer& w, const NetIPNet& v) { w.HtmlEscapedString(v.String()); }
  // UnmarshalJSON: json.Unmarshal into a string, then net.ParseCIDR; either
  // error stops the decoding.
  static bool Decode(Decoder& d, NetIPNet& v, std::string_view type);
};

template <>
struct Schema<AuthConfig> {
  static constexpr std::string_view kName = "AuthConfig";
  static constexpr std::string_view kGoType = "registry.AuthConfig";
  using S = AuthConfig;
  static constexpr auto kFields = std::make_tuple(
      Field<S, std::string>{"username", &S::username, true}, Field<S, std::string>{"password", &S::password, true},
      Field<S, std::string>{"auth", &S::auth, true}, Field<S, std::string>{"email", &S::email, true},
      Field<S, std::string>{"serveraddress", &S::server_address, true},
      Field<S, std::string>{"identitytoken", &S::identity_token, true},
      Field<S, std::string>{"registrytoken", &S::registry_token, true});
};

template <>
struct Schema<AuthenticateOKBody> {
  static constexpr std::string_view kName = "AuthenticateOKBody";
  static constexpr std::string_view kGoType = "registry.AuthenticateOKBody";
  using S = AuthenticateOKBody;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"IdentityToken", &S::identity_token, false},
                                                  Field<S, std::string>{"Status", &S::status, false});
};

template <>
struct Schema<SearchResult> {
  static constexpr std::string_view kName = "SearchResult";
  static constexpr std::string_view kGoType = "registry.SearchResult";
  using S = SearchResult;
  static constexpr auto kFields = std::make_tuple(Field<S, std::int64_t>{"star_count", &S::star_count, false, "int"},
                                                  Field<S, bool>{"is_official", &S::is_official, false},
                                                  Field<S, std::string>{"name", &S::name, false},
                                                  Field<S, bool>{"is_automated", &S::is_automated, false},
                                                  Field<S, std::string>{"description", &S::description, false});
};

template <>
struct Schema<SearchResults> {
  static constexpr std::string_view kName = "SearchResults";
  static constexpr std::string_view kGoType = "registry.SearchResults";
  using S = SearchResults;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"query", &S::query, false},
                                                  Field<S, std::int64_t>{"num_results", &S::num_results, false, "int"},
                                                  Field<S, List<SearchResult>>{"results", &S::results, false});
};

template <>
struct Schema<IndexInfo> {
  static constexpr std::string_view kName = "IndexInfo";
  static constexpr std::string_view kGoType = "registry.IndexInfo";
  using S = IndexInfo;
  static constexpr auto kFields = std::make_tuple(
      Field<S, std::string>{"Name", &S::name, false}, Field<S, List<std::string>>{"Mirrors", &S::mirrors, false},
      Field<S, bool>{"Secure", &S::secure, false}, Field<S, bool>{"Official", &S::official, false});
};

template <>
struct Schema<ServiceConfig> {
  static constexpr std::string_view kName = "ServiceConfig";
  static constexpr std::string_view kGoType = "registry.ServiceConfig";
  using S = ServiceConfig;
  using Cidrs = List<std::optional<NetIPNet>>;
  using Indexes = std::optional<std::map<std::string, std::optional<IndexInfo>>>;
  static constexpr auto kFields = std::make_tuple(
      Field<S, Cidrs>{"AllowNondistributableArtifactsCIDRs", &S::allow_nondistributable_artifacts_cidrs, false},
      Field<S, List<std::string>>{"AllowNondistributableArtifactsHostnames",
                                  &S::allow_nondistributable_artifacts_hostnames, false},
      Field<S, Cidrs>{"InsecureRegistryCIDRs", &S::insecure_registry_cidrs, false},
      Field<S, Indexes>{"IndexConfigs", &S::index_configs, false},
      Field<S, List<std::string>>{"Mirrors", &S::mirrors, false});
};

template <>
struct Schema<Platform> {
  static constexpr std::string_view kName = "Platform";
  static constexpr std::string_view kGoType = "v1.Platform";
  using S = Platform;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"architecture", &S::architecture, false},
                                                  Field<S, std::string>{"os", &S::os, false},
                                                  Field<S, std::string>{"os.version", &S::os_version, true},
                                                  Field<S, List<std::string>>{"os.features", &S::os_features, true},
                                                  Field<S, std::string>{"variant", &S::variant, true});
};

template <>
struct Schema<Descriptor> {
  static constexpr std::string_view kName = "Descriptor";
  static constexpr std::string_view kGoType = "v1.Descriptor";
  using S = Descriptor;
  using Annotations = std::optional<std::map<std::string, std::string>>;
  static constexpr auto kFields = std::make_tuple(
      Field<S, std::string>{"mediaType", &S::media_type, false},
      Field<S, std::string>{"digest", &S::digest, false, "digest.Digest"},
      Field<S, std::int64_t>{"size", &S::size, false}, Field<S, List<std::string>>{"urls", &S::urls, true},
      Field<S, Annotations>{"annotations", &S::annotations, true}, Field<S, List<std::uint8_t>>{"data", &S::data, true},
      Field<S, std::optional<Platform>>{"platform", &S::platform, true},
      Field<S, std::string>{"artifactType", &S::artifact_type, true});
};

template <>
struct Schema<DistributionInspect> {
  static constexpr std::string_view kName = "DistributionInspect";
  static constexpr std::string_view kGoType = "registry.DistributionInspect";
  using S = DistributionInspect;
  static constexpr auto kFields = std::make_tuple(Field<S, Descriptor>{"Descriptor", &S::descriptor, false},
                                                  Field<S, List<Platform>>{"Platforms", &S::platforms, false});
};

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_SCHEMAS_H_
