// The X-Registry-Auth header: an AuthConfig as base64url(JSON), with the
// Docker Engine's exact semantics (api/types/registry, Engine v25).
#ifndef BERTH_AUTH_HEADER_H_
#define BERTH_AUTH_HEADER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/types.h"

namespace berth {

// The Engine's HTTP server refuses request headers over 1 MiB; berth refuses
// a header value over that size before decoding it.
inline constexpr std::size_t kMaxAuthHeaderBytes = 1 << 20;

// The header value for `config`: Go's json.Marshal (HTML escaping on), then
// base64url with padding.
std::string EncodeAuthConfig(const AuthConfig& config);

// What a decode yields: always an AuthConfig (empty when decoding failed),
// and the error, if any.
struct AuthConfigDecoding {
  AuthConfig config;
  Status status;
};

// Decodes a header value as the Engine's registry.DecodeAuthConfig does:
//  - "" is an empty AuthConfig and no error;
//  - otherwise a streaming base64url decoder (padding required, CR and LF
//    skipped) feeds a streaming JSON decoder that reads one value, so bytes
//    after a complete value are never looked at;
//  - any failure yields an empty AuthConfig and an invalid-parameter error
//    "invalid X-Registry-Auth header: <Go's message>", e.g. "unexpected EOF",
//    "illegal base64 data at input byte 4".
AuthConfigDecoding DecodeAuthConfig(std::string_view header_value);

// The same for a request body (POST /auth): the first JSON value of `body`,
// with the same error prefix as the Engine uses (it says "header" here too).
AuthConfigDecoding DecodeAuthConfigBody(std::string_view body);

}  // namespace berth

#endif  // BERTH_AUTH_HEADER_H_
