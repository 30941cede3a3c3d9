#include "registry/retry_policy.h"

#include <algorithm>
#include <string>

namespace berth::registry {

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, std::time_t now) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 6) return std::chrono::hours(24);  // far beyond any bound
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::time_t when = timegm(&tm);
  return std::chrono::seconds(when > now ? when - now : 0);
}

std::optional<std::chrono::milliseconds> RetryPolicy::DelayBeforeRetry(int attempt, long status,
                                                                       std::string_view retry_after,
                                                                       std::time_t now) const {
  if (!RetriableStatus(status) || attempt >= max_retries) return std::nullopt;
  std::optional<std::chrono::milliseconds> wait = ParseRetryAfter(retry_after, now);
  if (!wait || *wait > max_wait) return std::nullopt;
  const std::chrono::milliseconds backoff = first_backoff * (1LL << std::min(attempt, 20));
  return std::min(std::max(*wait, backoff), max_wait);
}

}  // namespace berth::registry
