#include "registry/observers.h"

#include <chrono>
#include <climits>

#include "registry/urls.h"

namespace berth::registry {
namespace {

// Leading digits of `value` from `i` (i moves past them); false when none.
// Stops short of overflow.
bool ReadNumber(const std::string& value, std::size_t& i, std::int64_t& out) {
  std::int64_t n = 0;
  bool digits = false;
  while (i < value.size() && value[i] >= '0' && value[i] <= '9' && n < (INT64_MAX / 10 - 9)) {
    n = n * 10 + (value[i++] - '0');
    digits = true;
  }
  if (digits) out = n;
  return digits;
}

// "100;w=21600" → count 100, window 21600; what is not there stays as it was.
void ParseRateLimit(const std::string& value, std::int64_t& count, std::int64_t& window) {
  std::size_t i = 0;
  if (!ReadNumber(value, i, count)) return;
  std::size_t w = value.find("w=", i);
  if (w == std::string::npos) return;
  std::size_t j = w + 2;
  ReadNumber(value, j, window);
}

}  // namespace

void RequestCounters::OnAttempt(const Attempt& attempt) {
  (attempt.destination == Destination::kTokenServer ? token_requests_ : registry_requests_)++;
  if (attempt.response) connections_ += static_cast<std::uint64_t>(attempt.response->new_connections);
  if (attempt.will_retry) ++retries_;
}

RegistryClientStats RequestCounters::Stats() const {
  return RegistryClientStats{registry_requests_.load(), token_requests_.load(), 0, retries_.load(),
                             connections_.load()};
}

void RateLimitRecorder::OnAttempt(const Attempt& attempt) {
  if (!attempt.response) return;
  const http::Response& response = *attempt.response;
  std::string limit = response.Header("ratelimit-limit");
  std::string remaining = response.Header("ratelimit-remaining");
  if (limit.empty() && remaining.empty()) return;
  RegistryRateLimit record;
  record.registry = HostOf(attempt.request.url);
  std::int64_t remaining_window = -1;
  ParseRateLimit(limit, record.limit, record.window_seconds);
  ParseRateLimit(remaining, record.remaining, remaining_window);
  if (record.window_seconds == -1) record.window_seconds = remaining_window;
  record.source = response.Header("docker-ratelimit-source");
  record.observed = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  by_host_[record.registry] = std::move(record);
}

std::vector<RegistryRateLimit> RateLimitRecorder::RateLimits() const {
  std::lock_guard lock(mu_);
  std::vector<RegistryRateLimit> out;
  for (const auto& [host, record] : by_host_) out.push_back(record);
  return out;
}

}  // namespace berth::registry
