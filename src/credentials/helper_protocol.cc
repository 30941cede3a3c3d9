// Field tables for the credential-helper protocol (credentials/helper_protocol.h).
#include "credentials/helper_protocol.h"

#include "json/entry_points.h"
#include "json/schemas.h"

namespace berth::json_detail {

template <>
struct Schema<credentials::HelperCredentials> {
  static constexpr std::string_view kName = "Credentials";
  static constexpr std::string_view kGoType = "credentials.Credentials";
  using S = credentials::HelperCredentials;
  static constexpr auto kFields = std::make_tuple(Field<S, std::string>{"ServerURL", &S::server_url, false},
                                                  Field<S, std::string>{"Username", &S::username, false},
                                                  Field<S, std::string>{"Secret", &S::secret, false});
};

}  // namespace berth::json_detail

namespace berth::credentials {

Status DecodeHelperCredentials(std::string_view data, HelperCredentials& out) {
  return json_detail::DecodeStreamImpl(data, json_detail::StreamEnd{}, out, /*fresh=*/false);
}

Status DecodeHelperList(std::string_view data, std::map<std::string, std::string>& out) {
  std::optional<std::map<std::string, std::string>> map;
  Status s = json_detail::DecodeStreamImpl(data, json_detail::StreamEnd{}, map, /*fresh=*/true);
  if (s.ok() && map) out = std::move(*map);
  return s;
}

std::string EncodeHelperCredentials(const HelperCredentials& credentials) {
  std::string out;
  json_detail::MarshalImpl(out, credentials, MarshalOptions{.escape_html = true});
  return out;
}

}  // namespace berth::credentials
