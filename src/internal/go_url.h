// Go's net/url.Parse and URL.String, as far as the Engine's registry
// configuration uses them: ValidateMirror reports Go's parse errors and
// prints the re-serialized URL in its messages, so both must be Go's to the
// byte. Hand-written because no C++ URL library reproduces them.
#ifndef BERTH_SRC_INTERNAL_GO_URL_H_
#define BERTH_SRC_INTERNAL_GO_URL_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"

namespace berth::detail {

struct GoUrl {
  std::string scheme;  // lower-cased
  std::string opaque;
  struct User {
    std::string username, password;
    bool password_set = false;
  };
  std::optional<User> user;
  std::string host;
  std::string path, raw_path;
  bool force_query = false;
  bool omit_host = false;
  std::string raw_query;
  std::string fragment, raw_fragment;

  // url.URL.String().
  std::string String() const;
};

// url.Parse(raw). The error message is Go's, e.g.
// `parse "!x://%as%": first path segment in URL cannot contain colon`.
Result<GoUrl> ParseGoUrl(std::string_view raw);

// url.QueryEscape: space as "+", everything but A-Z a-z 0-9 - _ . ~ as %XX.
std::string QueryEscape(std::string_view s);
// How url.URL escapes a Path (URL.EscapedPath without a RawPath): "/" and
// ":@$&+,;=" kept, "%", "?", "#", spaces and the like as %XX.
std::string EscapePath(std::string_view path);
// url.QueryUnescape: "+" as space, %XX decoded.
Result<std::string> QueryUnescape(std::string_view s);

// url.Values: keys sorted, each key's values in the order added.
using QueryValues = std::map<std::string, std::vector<std::string>>;
// url.Values.Encode.
std::string EncodeQuery(const QueryValues& values);
// url.ParseQuery: "&"-separated pairs, keys and values unescaped ("+" as
// space) into `out`. A pair with a ";" or a malformed escape is left out;
// the first such is the error (Go's text: `invalid semicolon separator in
// query`, `invalid URL escape "%zz"`), and the rest are still parsed.
Status ParseQuery(std::string_view raw, QueryValues& out);
// url.PathUnescape: %XX decoded ("+" stays); kInvalidParameter
// `invalid URL escape "%zz"` for a malformed escape.
Result<std::string> PathUnescape(std::string_view s);

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_GO_URL_H_
