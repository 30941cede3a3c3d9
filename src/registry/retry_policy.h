// When an answer from a registry is worth asking for again, and how long to
// wait first.
//
// A registry that is rate-limiting (429 Too Many Requests) or briefly
// unable to serve (503 Service Unavailable) says when to come back in
// Retry-After: delta-seconds ("30") or an HTTP date. The request is sent
// again after
//
//     wait = min(max(Retry-After, 250 ms × 2^attempt), max_wait)
//
// (attempt counts from 0), at most max_retries times. An answer without a
// Retry-After, or with one beyond max_wait, is returned as it is: the
// caller reports the registry's error rather than sleep for minutes.
#ifndef BERTH_SRC_REGISTRY_RETRY_POLICY_H_
#define BERTH_SRC_REGISTRY_RETRY_POLICY_H_

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace berth::registry {

struct RetryPolicy {
  int max_retries = 3;
  std::chrono::milliseconds max_wait{10000};
  std::chrono::milliseconds first_backoff{250};

  // Whether an answer with this status may be retried at all.
  static bool RetriableStatus(long status) { return status == 429 || status == 503; }

  // How long to wait before attempt `attempt + 1`, given the answer to
  // attempt `attempt` (0-based); nullopt: do not retry. `now` is the
  // time an HTTP-date Retry-After is measured from.
  std::optional<std::chrono::milliseconds> DelayBeforeRetry(int attempt, long status, std::string_view retry_after,
                                                            std::time_t now) const;
};

// A Retry-After value as a wait from `now`: delta-seconds, or an IMF-fixdate
// ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past is no wait).
// nullopt for an empty or unreadable value. Delta-seconds of more than six
// digits read as a day (beyond any max_wait).
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, std::time_t now);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_RETRY_POLICY_H_
