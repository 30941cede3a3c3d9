// An ImageStore whose images live in a registry (berthd's --image-store
// registry://HOST[:PORT]/PREFIX), so that many berthd instances share one
// image set. The registry holds the names (tags under PREFIX, see
// registry_names.h) and the blobs; each instance keeps a local Store as its
// cache and view of them:
//
//   Sync     (registry_store_read.cc) finds what changed in the registry
//            since the last look — from the generation marker and the
//            other instances' journals (store_markers.h) the names to read,
//            or all of them (catalog, tags, one HEAD per tag) — and applies
//            it to the cache, fetching the manifests and configs of new
//            images;
//   Publish  writes what changed in the cache since the last look to the
//            registry: a new or moved name is a copy of the image to its
//            tag (blobs first — mounted from another repository of the
//            store when it has them — the manifest last), a removed name's
//            tag is pointed at the tombstone; then this instance's journal
//            and the generation marker. What the registry refuses is undone
//            in the cache.
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

#include <set>
#include <thread>

#include "store/registry_names.h"
#include "store/store.h"
#include "store/store_markers.h"

namespace berth::store {

// A name's key (see kDanglingKey) → the image manifest it names.
using NameMap = std::map<std::string, Descriptor>;

// The keys of the local store's index entries.
NameMap NamesOf(const std::vector<NameEntry>& entries);

// Sets (or with nullopt, removes) `key` in `entries`.
void SetName(std::vector<NameEntry>& entries, const std::string& key, const std::optional<Descriptor>& manifest);

// Drops the entries without a name for manifests that have one.
void DropNamedDangling(std::vector<NameEntry>& entries);

// Whether `map` has `manifest` (by digest) under `key`; nullopt: has no `key`.
bool SameImage(const NameMap& map, const std::string& key, const std::optional<Descriptor>& manifest);
std::optional<Descriptor> Lookup(const NameMap& map, const std::string& key);
// A descriptor's media type, digest and size, without the rest.
Descriptor Plain(const Descriptor& d);

// A read of the store, tried again (up to 3 times, 50 then 100 ms apart)
// when it failed for a reason that may pass: the CNCF registry's
// filesystem driver answers 500 while another writer replaces a tag.
template <class F>
auto Retrying(F read) -> decltype(read()) {
  for (int attempt = 1;; ++attempt) {
    auto result = read();
    if (result || attempt == 3) return result;
    const ErrorKind kind = result.error().kind();
    if (kind != ErrorKind::kSystem && kind != ErrorKind::kUnavailable && kind != ErrorKind::kTooManyRequests) {
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
}

class RegistryStore final : public ImageStore {
 public:
  RegistryStore(RegistryStoreNaming naming, std::unique_ptr<Store> cache, RegistryClient& client, AuthResolver auth);

  const std::string& dir() const override { return cache_->dir(); }
  ImageStoreStats Stats() const override;
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
  // A journal as a sync finds it: its digest and last sequence number, and
  // its entries when they were read (it changed since the last look).
  struct JournalState {
    std::string digest;
    std::uint64_t sequence = 0;
    std::optional<StoreJournal> journal;
    bool own = false;         // this instance's, as it wrote it
    bool unreadable = false;  // changed, and not a journal berthd writes
  };
  using JournalStates = std::map<std::string, JournalState>;  // by writer id
  struct JournalSeen {
    std::string digest;
    std::uint64_t sequence = 0;
  };

  Error StoreError(const Error& e) const;
  Result<std::unique_ptr<RemoteRepository>> OpenGenerationRepository();
  // Every name berthd keeps in the registry: the catalog, each
  // repository's tags, a HEAD per tag.
  Result<NameMap> ReadRegistry();
  // What `keys` name in the registry (a HEAD each); absent keys are names
  // removed or never written.
  Result<NameMap> ReadNames(const std::set<std::string>& keys);
  // The manifest `repository`:`tag` names, nullopt for a removed name.
  Result<std::optional<Descriptor>> ReadTag(const std::string& repository, const std::string& tag);
  // The digest of PREFIX/generation:latest ("" when there is none yet).
  Result<std::string> ReadGeneration();
  // Every writer's journal: a HEAD each, a GET of those changed since
  // journals_seen_.
  Result<JournalStates> ReadJournals();
  // The names other instances changed since journals_seen_; nullopt when
  // the journals cannot say (one was cut short, or another process wrote
  // this instance's).
  std::optional<std::set<std::string>> ChangedKeys(const JournalStates& journals) const;
  void WriteGeneration();
  // Appends `keys` to this instance's journal and writes it; takes a new
  // writer id when another process wrote this one's journal.
  void WriteJournal(const std::vector<std::string>& keys);
  // Writes the journal and then the generation marker when the last write
  // of either failed: a sync calls it (at most every 5 s), so other
  // instances learn of this one's changes at its next request rather than
  // at their next full read.
  void CatchUp();
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
  std::atomic<std::uint64_t> full_reads_{0}, partial_reads_{0};

  std::mutex sync_mu_;  // one sync at a time
  // Under sync_mu_: the marker when the registry was last read in full.
  std::optional<std::string> generation_seen_;
  std::chrono::steady_clock::time_point last_full_read_;
  // Under sync_mu_: each writer's journal as the last sync found it.
  std::map<std::string, JournalSeen> journals_seen_;
  mutable std::mutex journal_mu_;  // writer_, journal_, journal_digest_, pending_digest_, unwritten_, journal_retry_at_
  std::string writer_;             // this instance's writer id
  // This instance's journal as last written or found in the registry;
  // nullopt until the first publish reads it.
  std::optional<StoreJournal> journal_;
  std::string journal_digest_;                              // its digest in the registry ("": none yet)
  std::string pending_digest_;                              // the digest being written
  std::vector<std::string> unwritten_;                      // keys no journal has taken yet
  std::chrono::steady_clock::time_point journal_retry_at_;  // CatchUp's next try
  std::atomic<bool> journal_behind_{false};                 // changes made that no journal written says
  std::atomic<bool> generation_behind_{false};              // a marker not written since a change
  std::mutex publish_mu_;                                   // one Publish at a time
  std::mutex mu_;                                           // known_, failures_, sequence_
  NameMap known_;                                           // the registry's names as last seen or written
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
