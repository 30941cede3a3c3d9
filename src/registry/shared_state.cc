#include "registry/shared_state.h"

namespace berth::registry {

namespace {

RetryPolicy RetryPolicyFrom(const RegistryClientOptions& options) {
  RetryPolicy policy;
  policy.max_retries = options.max_retries;
  policy.max_wait = options.max_retry_wait;
  return policy;
}

}  // namespace

SharedState::SharedState(RegistryClientOptions options, TlsLookup tls_for_host, InsecureCheck insecure)
    : options_(std::move(options)),
      tls_for_host_(std::move(tls_for_host)),
      transport_(RetryPolicyFrom(options_), tls_for_host_),
      authorizer_(transport_, options_, std::move(insecure)) {
  transport_.AddObserver(&counters_);
  transport_.AddObserver(&rate_limits_);
}

RegistryClientStats SharedState::Stats() const {
  RegistryClientStats stats = counters_.Stats();
  stats.token_cache_hits = authorizer_.token_cache_hits();
  return stats;
}

void SharedState::MarkUnreachable(const std::string& api_root) {
  std::lock_guard lock(mu_);
  unreachable_until_[api_root] = std::chrono::steady_clock::now() + std::chrono::seconds(30);
}

bool SharedState::RecentlyUnreachable(const std::string& api_root) const {
  std::lock_guard lock(mu_);
  auto it = unreachable_until_.find(api_root);
  return it != unreachable_until_.end() && std::chrono::steady_clock::now() < it->second;
}

void SharedState::NoteSpeaksTls(const std::string& host) {
  std::lock_guard lock(mu_);
  speaks_tls_.insert(host);
}

bool SharedState::SpeaksTls(const std::string& host) const {
  std::lock_guard lock(mu_);
  return speaks_tls_.count(host) > 0;
}

}  // namespace berth::registry
