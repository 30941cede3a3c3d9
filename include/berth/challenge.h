// WWW-Authenticate challenges (RFC 7235): "Bearer realm="…",service="…",
// scope="…"", "Basic realm="…"", several per header and several headers.
#ifndef BERTH_CHALLENGE_H_
#define BERTH_CHALLENGE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace berth {

struct Challenge {
  std::string scheme;  // lower case: "basic", "bearer", …
  // Parameter names in lower case; a repeated name keeps the last value.
  std::map<std::string, std::string> params;
  std::string token68;  // "Negotiate abc==" style credentials, if any

  // The value of a parameter, "" if absent.
  std::string Param(std::string_view name) const;
};

// Every challenge in one header value, in order. Unlike the Engine (one
// challenge per header line, no spaces around "="), this follows RFC 7235:
// "Basic realm=x, Bearer realm=y" is two challenges and `realm = "x"` is a
// parameter. Malformed parts end the parse; what came before is kept.
std::vector<Challenge> ParseChallenges(std::string_view header_value);

// The same over several WWW-Authenticate headers.
std::vector<Challenge> ParseChallenges(const std::vector<std::string>& header_values);

}  // namespace berth

#endif  // BERTH_CHALLENGE_H_
