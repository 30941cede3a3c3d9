// The ImageStore behind berth/image_store.h. Its parts, one file each:
// image_store.cc (names, lookup, tag, remove, prune, garbage collection),
// store_location.cc (the copy engine's view of the store: one fetch per
// blob, no names), image_pull.cc, image_push.cc, image_archive.cc (save,
// load).
#ifndef BERTH_SRC_STORE_STORE_H_
#define BERTH_SRC_STORE_STORE_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "berth/image_store.h"
#include "berth/transfer.h"
#include "transfer/location.h"

namespace berth::store {

// Manifests, configs and index.json are read up to distribution's limit.
inline constexpr std::size_t kMaxDocumentBytes = 4u << 20;

// What the store knows of an image manifest it holds.
struct ImageRecord {
  std::string config_digest;
  std::int64_t config_size = 0;
  std::vector<Descriptor> layers;
  std::int64_t size = 0;  // config and layers
};

// The name a reference is stored under: "name@digest" when it has a
// digest (a tag beside it is dropped, as dockerd's reference store drops
// it), else "name:tag" (latest when untagged).
std::string StoredName(const Reference& ref);

// dockerd's checks of an image before it is stored (pull, load): its
// config is a JSON object and names as many layers (rootfs.diff_ids) as the
// manifest has. kInvalidParameter "layers from manifest don't match image
// configuration", "invalid image config …".
Status CheckImageConfig(std::string_view config, std::size_t layer_count);

// One index.json entry: a name (a full reference; "" for an image without
// names) and the image manifest it points at.
struct NameEntry {
  std::string name;
  Descriptor manifest;
};

// Blobs being written by a pull, and blobs a pull needs kept until it has
// named its image: the garbage collector leaves both alone, and a second
// pull waits for a blob another is fetching instead of fetching it again.
class BlobClaims {
 public:
  // Waits while another holder writes `digest`, pins it (the caller
  // Unpins it once its image is named), then, when `present()` says it is
  // not there, takes it (true: the caller writes it and must Release it).
  // nullopt when `cancelled` says so while it waits (checked every 100 ms).
  std::optional<bool> WaitOrTake(const std::string& digest, const std::function<bool()>& present,
                                 const std::function<bool()>& cancelled);
  void Release(const std::string& digest);
  void Pin(const std::vector<std::string>& digests);
  void Unpin(const std::vector<std::string>& digests);
  // Pins `digests` until the returned object goes.
  class Pins {
   public:
    Pins(BlobClaims& claims, std::vector<std::string> digests) : claims_(claims), digests_(std::move(digests)) {
      claims_.Pin(digests_);
    }
    ~Pins() { claims_.Unpin(digests_); }
    Pins(const Pins&) = delete;
    Pins& operator=(const Pins&) = delete;

   private:
    BlobClaims& claims_;
    std::vector<std::string> digests_;
  };
  // Removes the blob file at `path` unless `digest` is pinned or being
  // written (atomically with WaitOrTake); its size when removed, else 0.
  std::uint64_t RemoveUnlessBusy(const std::string& digest, const std::string& path);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> writing_;
  std::multiset<std::string> pinned_;
};

class Store final : public ImageStore {
 public:
  Store(std::string dir, RegistryClient& client) : dir_(std::move(dir)), client_(client) {}

  Status Initialize();

  const std::string& dir() const override { return dir_; }
  ImageStoreStats Stats() const override;
  Result<std::vector<StoredImage>> List() override;
  // List, which cannot fail here.
  std::vector<StoredImage> Images();
  Result<StoredImage> Find(std::string_view name_or_id) override;
  Result<std::string> ReadBlob(const std::string& digest, std::size_t max_bytes) override;
  Status Tag(std::string_view source, const Reference& target) override;
  Result<std::vector<ImageDeleteItem>> Remove(std::string_view name_or_id, bool force, bool noprune) override;
  Result<ImagePruneReport> Prune(bool dangling_only, const std::function<bool(const StoredImage&)>& keep) override;
  Status Pull(const Reference& reference, const ImagePullOptions& options) override;
  Status Push(const Reference& reference, const ImagePushOptions& options) override;
  Status Save(const std::vector<std::string>& names, const BlobSink& sink) override;
  Status Load(const std::string& path, const ProgressFunc& progress) override;

  // --- for the parts -----------------------------------------------------
  std::string BlobPath(const std::string& digest) const;
  // The store as a copy destination (blobs and manifests, no names) or a
  // source (reference: a manifest digest).
  // `cancelled` (may be null) stops a wait for a blob another pull writes.
  Result<std::unique_ptr<transfer::Location>> OpenForWriting(std::function<bool()> cancelled);
  Result<std::unique_ptr<transfer::Location>> OpenForReading(const std::string& manifest_digest);
  // Names `name` (a full reference) as the image `manifest`; the image it
  // named before keeps its other names or stays without any. Returns
  // whether the name already named this image.
  // kInvalidParameter for a tag whose repository is named "sha256"
  // (dockerd: "refusing to create an ambiguous tag using digest algorithm
  // as name").
  Result<bool> Name(const std::string& name, const Descriptor& manifest);
  // The manifest a full reference names, if any.
  std::optional<Descriptor> Named(const std::string& name);
  // The record of an image manifest in the store (read once, then kept).
  Result<ImageRecord> RecordOf(const Descriptor& manifest);
  BlobClaims& claims() { return claims_; }
  enum class Direction { kIn, kOut };
  // Adds a finished copy's blobs to the stats.
  void Count(const CopyResult& copied, Direction direction);
  // Counts a pull, push or load that finished.
  void CountOperation(std::uint64_t ImageStoreStats::*which);
  RegistryClient& client() { return client_; }

  // --- for a registry image store (registry_store.cc) -------------------
  // The index entries as they are now.
  std::vector<NameEntry> Entries();
  // Changes the index entries in one step under the store's lock, writes
  // index.json, then removes the blobs no entry needs any more.
  Status EditNames(const std::function<void(std::vector<NameEntry>&)>& edit);
  // Stores a manifest or config fetched elsewhere, verified against
  // `digest` (kSystem "digest mismatch: …").
  Status PutDocument(const std::string& digest, std::string_view bytes);
  // Whether the blob's file is there with its size.
  bool HasBlob(const Descriptor& blob) const;

 private:
  // Under mu_.
  Status WriteIndexLocked();
  std::vector<StoredImage> ImagesLocked();
  Result<ImageRecord> RecordOfLocked(const Descriptor& manifest);
  Result<StoredImage> FindLocked(std::string_view name_or_id, bool* by_id);
  void DropNameLocked(const std::string& name, std::vector<ImageDeleteItem>& records);
  Status RemoveLocked(std::string_view name_or_id, bool force, std::vector<ImageDeleteItem>& records);
  // Removes the blob files no image needs; returns the bytes freed.
  std::uint64_t CollectGarbageLocked();

  const std::string dir_;
  RegistryClient& client_;
  BlobClaims claims_;
  mutable std::mutex stats_mu_;
  ImageStoreStats stats_;
  std::mutex mu_;
  std::vector<NameEntry> entries_;
  std::map<std::string, ImageRecord> records_;  // by manifest digest
};

// The Engine's short image ID: 12 hex digits of "sha256:<hex>".
std::string ShortId(const std::string& id);

// `s` as a JSON string, as json.Marshal writes it (HTML characters escaped).
std::string JsonQuoted(std::string_view s);

}  // namespace berth::store

#endif  // BERTH_SRC_STORE_STORE_H_
