// An ImageStore whose images live in a registry (berthd's --image-store
// registry://HOST[:PORT]/PREFIX), so that many berthd instances share one
// image set. The registry holds the names (tags under PREFIX, see
// registry_names.h) and the blobs; each instance keeps a local Store as its
// cache and view of them:
//
//   Sync     reads the registry's names (catalog, tags, one HEAD per tag)
//            and applies what changed there since the last look to the
//            cache, fetching the manifests and configs of new images;
//   Publish  writes what changed in the cache since the last look to the
//            registry: a new or moved name is a copy of the image to its
//            tag (blobs first — mounted from another repository of the
//            store when it has them — the manifest last), a removed name a
//            manifest DELETE (then the tags of the same manifest in that
//            repository that stay are put back). What the registry refuses
//            is undone in the cache.
//
// Every call syncs first; calls that change names (pull, load, tag,
// remove, prune) run on the cache and then publish. Concurrent changes
// from two instances to one name: the last write to the registry wins.
#ifndef BERTH_SRC_STORE_REGISTRY_STORE_H_
#define BERTH_SRC_STORE_REGISTRY_STORE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "store/registry_names.h"
#include "store/store.h"

namespace berth::store {

// A name's key (see kDanglingKey) → the image manifest it names.
using NameMap = std::map<std::string, Descriptor>;

// The keys of the local store's index entries.
NameMap NamesOf(const std::vector<NameEntry>& entries);

// Sets (or with nullopt, removes) `key` in `entries`.
void SetName(std::vector<NameEntry>& entries, const std::string& key, const std::optional<Descriptor>& manifest);

// Drops the entries without a name for manifests that have one.
void DropNamedDangling(std::vector<NameEntry>& entries);

class RegistryStore final : public ImageStore {
 public:
  RegistryStore(RegistryStoreNaming naming, std::unique_ptr<Store> cache, RegistryClient& client, AuthResolver auth);

  const std::string& dir() const override { return cache_->dir(); }
  ImageStoreStats Stats() const override { return cache_->Stats(); }
  Result<std::vector<StoredImage>> List() override;
  Result<StoredImage> Find(std::string_view name_or_id) override;
  Result<std::string> ReadBlob(const std::string& digest, std::size_t max_bytes) override;
  Status Tag(std::string_view source, const Reference& target) override;
  Result<std::vector<ImageDeleteItem>> Remove(std::string_view name_or_id, bool force, bool noprune) override;
  Result<ImagePruneReport> Prune(bool dangling_only, const std::function<bool(const StoredImage&)>& keep) override;
  Status Pull(const Reference& reference, const ImagePullOptions& options) override;
  Status Push(const Reference& reference, const ImagePushOptions& options) override;
  Status Save(const std::vector<std::string>& names, const BlobSink& sink) override;
  Status Load(const std::string& path, const ProgressFunc& progress) override;

 private:
  Error StoreError(const Error& e) const;
  Result<NameMap> ReadRegistry();
  // The digest of PREFIX/generation:latest ("" when there is none yet).
  Result<std::string> ReadGeneration();
  void WriteGeneration();
  Status Sync();
  // The manifest and config of the image `key` names, into the cache.
  // Corrects manifest.size to the bytes'.
  Status FetchDocuments(const std::string& key, Descriptor& manifest,
                        std::vector<std::unique_ptr<BlobClaims::Pins>>& pins);
  // The layers of `manifest` into the cache (for a push or save).
  Status Materialize(const Descriptor& manifest, const std::function<bool()>& cancelled);
  // The image a pull of `reference` would find already stored: the one
  // named by the digest the reference resolves to at its registry.
  std::optional<Descriptor> StoredUnderRepoDigest(const Reference& reference, const AuthResolver& auth);
  void Publish();
  Status PutName(const std::string& key, const Descriptor& manifest, const std::string& source_repository);
  // Points the tag of `key` at the tombstone.
  Status RemoveName(const std::string& key);
  // Syncs, runs `op` on the cache, publishes; the op's own result unless a
  // name it changed did not reach the registry (and `refusals_fail`).
  template <class R>
  R Mutate(const std::function<R()>& op, bool refusals_fail = true);

  const RegistryStoreNaming naming_;
  std::unique_ptr<Store> cache_;
  RegistryClient& client_;
  const AuthResolver auth_;
  // What a removed name's tag points at (readers skip it): the same bytes
  // for every instance and repository.
  const ManifestBytes tombstone_;
  std::atomic<bool> force_full_read_{false};  // a restore could not be completed

  std::mutex sync_mu_;  // one sync at a time
  // Under sync_mu_: the marker when the registry was last read in full.
  std::optional<std::string> generation_seen_;
  std::chrono::steady_clock::time_point last_full_read_;
  std::mutex mu_;  // known_, failures_, sequence_
  NameMap known_;  // the registry's names as last seen or written
  struct Failure {
    std::uint64_t sequence;
    std::string key;
    Error error;
  };
  std::deque<Failure> failures_;  // the last publishes' refusals
  std::uint64_t sequence_ = 0;
};

}  // namespace berth::store

#endif  // BERTH_SRC_STORE_REGISTRY_STORE_H_
