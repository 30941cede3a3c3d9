// The JSON of the docker-credential-helpers protocol: what `get` prints
// and `store` reads ({"ServerURL","Username","Secret"}), and what `list`
// prints ({"URL":"username",…}). Decoded with Go's encoding/json rules, as
// the docker CLI reads them (keys case-insensitive, unknown keys skipped).
#ifndef BERTH_SRC_CREDENTIALS_HELPER_PROTOCOL_H_
#define BERTH_SRC_CREDENTIALS_HELPER_PROTOCOL_H_

#include <map>
#include <string>
#include <string_view>

#include "berth/error.h"

namespace berth::credentials {

struct HelperCredentials {
  std::string server_url;
  std::string username;
  std::string secret;

  friend bool operator==(const HelperCredentials&, const HelperCredentials&) = default;
};

// The first JSON value of a helper's output (json.Decoder, as the CLI).
Status DecodeHelperCredentials(std::string_view data, HelperCredentials& out);
Status DecodeHelperList(std::string_view data, std::map<std::string, std::string>& out);
std::string EncodeHelperCredentials(const HelperCredentials& credentials);

}  // namespace berth::credentials

#endif  // BERTH_SRC_CREDENTIALS_HELPER_PROTOCOL_H_
