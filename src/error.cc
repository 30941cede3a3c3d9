#include "berth/error.h"

#include <array>

namespace berth {
namespace {

// The one table of error kinds: name, and the HTTP status the Engine's
// errdefs maps each to (httpstatus.FromError) and back (FromStatusCode).
struct KindRow {
  ErrorKind kind;
  std::string_view name;
  int status;
};
constexpr std::array<KindRow, 8> kKinds{{
    {ErrorKind::kInvalidParameter, "invalid parameter", 400},
    {ErrorKind::kUnauthorized, "unauthorized", 401},
    {ErrorKind::kForbidden, "forbidden", 403},
    {ErrorKind::kNotFound, "not found", 404},
    {ErrorKind::kConflict, "conflict", 409},
    {ErrorKind::kTooManyRequests, "too many requests", 429},
    {ErrorKind::kUnavailable, "unavailable", 503},
    {ErrorKind::kSystem, "system", 500},
}};

const KindRow& RowOf(ErrorKind kind) {
  for (const KindRow& row : kKinds)
    if (row.kind == kind) return row;
  return kKinds.back();
}

}  // namespace

std::string_view ErrorKindName(ErrorKind kind) {
  return RowOf(kind).name;
}

int HttpStatusOf(ErrorKind kind) {
  return RowOf(kind).status;
}

ErrorKind ErrorKindOfHttpStatus(long status) {
  for (const KindRow& row : kKinds)
    if (row.status == status) return row.kind;
  return status >= 400 && status < 500 ? ErrorKind::kInvalidParameter : ErrorKind::kSystem;
}

}  // namespace berth
