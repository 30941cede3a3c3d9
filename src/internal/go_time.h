// Go's time.Time as encoding/json reads it (Go 1.21, the Engine's
// toolchain): the one time format registries and token servers send
// (`issued_at`), with the exact errors Go gives, because the Engine puts
// them in front of users ("unable to decode token response: parsing time
// …").
#ifndef BERTH_SRC_INTERNAL_GO_TIME_H_
#define BERTH_SRC_INTERNAL_GO_TIME_H_

#include <cstdint>
#include <string_view>

#include "berth/error.h"

namespace berth::detail {

// A point in time, UTC. Default-constructed it is Go's zero Time
// (0001-01-01T00:00:00Z), which the token client replaces with "now".
struct GoTime {
  static constexpr std::int64_t kZeroUnixSeconds = -62135596800;

  std::int64_t unix_seconds = kZeroUnixSeconds;
  int nanoseconds = 0;  // 0–999999999

  // time.Time.IsZero: the instant, whatever the offset it was written with.
  bool IsZero() const { return unix_seconds == kZeroUnixSeconds && nanoseconds == 0; }

  friend bool operator==(const GoTime&, const GoTime&) = default;
};

// time.Parse(time.RFC3339, value): "2006-01-02T15:04:05Z07:00", with what
// Go's layout parser also takes (one-digit hours, fractional seconds after
// '.' or ',', offsets up to +24:60). Errors are Go's *time.ParseError
// texts, e.g. `parsing time "" as "2006-01-02T15:04:05Z07:00": cannot
// parse "" as "2006"`, `parsing time "2026-13-01T00:00:00Z": month out of
// range`, `…: extra text: " x"`.
Result<GoTime> ParseGoRfc3339(std::string_view value);

// (*time.Time).UnmarshalJSON of Go 1.21 on one raw JSON value: `null`
// leaves `out` as it is; anything but a string is "Time.UnmarshalJSON:
// input is not a JSON string"; a string's bytes between the quotes (escapes
// not undone, as in Go) go to ParseGoRfc3339.
Status UnmarshalGoTime(std::string_view raw_json, GoTime& out);

// The Engine's filter timestamps (api/types/time.GetTimestamp) as unix
// seconds: a Go duration before `now` ("24h", "1h30m", "-5m"; not "0"),
// an RFC 3339 time with a zone, a date or date-time without one in local
// time ("2025-01-01", "2025-01-01T10:00", "2025-01-01T10:00:00.5"), or unix
// seconds ("1700000000", "1700000000.5"). kInvalidParameter `failed to
// parse value as time or duration: "V"` otherwise.
Result<std::int64_t> ParseEngineTimestamp(std::string_view value, std::int64_t now);

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_GO_TIME_H_
