// Distribution inspect results kept for berthd: by digest until evicted
// (a digest's manifest cannot change), by tag for a short TTL. Keys hold a
// digest of the caller's credentials, so one client's access never answers
// another's request. Bounded in entries; thread-safe.
#ifndef BERTH_SRC_ENGINE_INSPECT_CACHE_H_
#define BERTH_SRC_ENGINE_INSPECT_CACHE_H_

#include <atomic>
#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "berth/types.h"

namespace berth::engine {

class InspectCache {
 public:
  InspectCache(std::chrono::milliseconds tag_ttl, std::size_t max_entries);

  bool enabled() const { return tag_ttl_.count() > 0; }
  // The cache key of a name asked for with some credentials.
  static std::string Key(const std::string& name, const AuthConfig& auth);

  // The cached response body, if fresh.
  std::optional<std::string> Get(const std::string& key);
  void Put(const std::string& key, std::string body, bool by_digest);

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string body;
    std::chrono::steady_clock::time_point expiry;
    std::list<std::string>::iterator order;
  };
  std::chrono::milliseconds tag_ttl_;
  std::size_t max_entries_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> order_;  // oldest first
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace berth::engine

#endif  // BERTH_SRC_ENGINE_INSPECT_CACHE_H_
