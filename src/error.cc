#include "berth/error.h"

namespace berth {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidParameter: return "invalid parameter";
    case ErrorKind::kUnauthorized: return "unauthorized";
    case ErrorKind::kForbidden: return "forbidden";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kTooManyRequests: return "too many requests";
    case ErrorKind::kSystem: return "system";
  }
  return "system";
}

}  // namespace berth
