#include "engine/inspect_cache.h"

#include "registry/digest.h"

namespace berth::engine {

InspectCache::InspectCache(std::chrono::milliseconds tag_ttl, std::size_t max_entries)
    : tag_ttl_(tag_ttl), max_entries_(max_entries == 0 ? 1 : max_entries) {}

std::string InspectCache::Key(const std::string& name, const AuthConfig& auth) {
  return name + "\n" +
         registry::Sha256Digest(auth.username + '\0' + auth.password + '\0' + auth.identity_token + '\0' +
                                auth.registry_token + '\0' + auth.server_address);
}

std::optional<std::string> InspectCache::Get(const std::string& key) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || std::chrono::steady_clock::now() > it->second.expiry) {
    if (it != entries_.end()) {
      order_.erase(it->second.order);
      entries_.erase(it);
    }
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second.body;
}

void InspectCache::Put(const std::string& key, std::string body, bool by_digest) {
  if (!enabled()) return;
  auto expiry = by_digest ? std::chrono::steady_clock::time_point::max() : std::chrono::steady_clock::now() + tag_ttl_;
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    order_.erase(it->second.order);
    entries_.erase(it);
  }
  while (entries_.size() >= max_entries_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  entries_.emplace(key, Entry{std::move(body), expiry, std::prev(order_.end())});
}

}  // namespace berth::engine
