// Turning a registry's (or token server's) failure response into the error
// the Engine reports: the distribution client's error handling, with the
// registry error codes' default messages and HTTP classes.
#ifndef BERTH_SRC_REGISTRY_REGISTRY_ERRORS_H_
#define BERTH_SRC_REGISTRY_REGISTRY_ERRORS_H_

#include <string>
#include <string_view>

#include "berth/error.h"
#include "http/http_client.h"

namespace berth::registry {

// The error class an errcode value maps to (UNAUTHORIZED → kUnauthorized,
// MANIFEST_UNKNOWN → kNotFound, …); unknown codes are UNKNOWN (kSystem).
ErrorKind KindOfRegistryCode(std::string_view code);

// errcode.Error's text: "unauthorized: authentication required" — the
// code (unknown ones as UNKNOWN) lower-cased with "_" as " ", then the
// message.
std::string RegistryErrorText(std::string_view code, std::string_view message);

// A response with a status outside 200..399: bearer challenges carrying
// error=invalid_token / insufficient_scope first, then the body
// ({"errors":[…]}, Docker Hub's {"details":…}, or anything else worded by
// status), then "received unexpected HTTP status: 500 Internal Server Error"
// for everything that is not 4xx.
Error ErrorFromResponse(const http::Response& response);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_REGISTRY_ERRORS_H_
