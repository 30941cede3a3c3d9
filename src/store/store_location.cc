// The store as the copy engine's destination: the OCI layout's blob and
// manifest writing, but names are the store's own business (Store::Name),
// and a blob another pull is fetching is waited for, not fetched again.
#include <sys/stat.h>

#include <set>

#include "store/store.h"
#include "transfer/oci_layout.h"

namespace berth::store {
namespace {

using transfer::Location;

class StoreDestination final : public Location {
 public:
  StoreDestination(Store& store, std::unique_ptr<Location> layout, std::function<bool()> cancelled)
      : store_(store), layout_(std::move(layout)), cancelled_(std::move(cancelled)) {}
  // Blobs stay pinned until the store has named the image (after the copy,
  // while this destination still lives).
  ~StoreDestination() override {
    for (const std::string& d : taken_) store_.claims().Release(d);
    store_.claims().Unpin(pinned_);
  }

  const std::string& reference() const override { return none_; }
  Result<ManifestBytes> GetManifest(std::string_view ref) override { return layout_->GetManifest(ref); }
  BlobOpener OpenBlob(const Descriptor& blob) override { return layout_->OpenBlob(blob); }
  Result<std::vector<std::string>> Tags() override { return std::vector<std::string>(); }
  Result<std::vector<Descriptor>> Referrers(std::string_view) override { return std::vector<Descriptor>(); }

  Result<std::optional<std::string>> TaggedDigest(std::string_view) override { return std::optional<std::string>(); }

  // Present, or being written by another pull (then waited for): true.
  // Absent: taken by this copy, which writes it next.
  Result<bool> HasBlob(const Descriptor& blob) override {
    std::optional<Error> failed;
    bool present = false;
    std::optional<bool> taken = store_.claims().WaitOrTake(
        blob.digest,
        [&] {
          Result<bool> there = layout_->HasBlob(blob);
          if (!there) failed = there.error();
          present = there && *there;
          return present || failed.has_value();
        },
        cancelled_);
    if (!taken) return Error(ErrorKind::kSystem, "context canceled");
    const bool take = *taken;
    {
      std::lock_guard lock(mu_);
      pinned_.push_back(blob.digest);
      if (take) taken_.insert(blob.digest);
    }
    if (failed) return *failed;
    return !take;
  }

  Status PutBlob(const Descriptor& blob, const BlobOpener& open) override {
    Status s = layout_->PutBlob(blob, open);
    Release(blob.digest);
    return s;
  }
  bool takes_blob_streams() const override { return true; }
  Result<std::unique_ptr<BlobWriter>> BeginBlob(const Descriptor& blob) override {
    Result<std::unique_ptr<BlobWriter>> inner = layout_->BeginBlob(blob);
    if (!inner) {
      Release(blob.digest);
      return inner.error();
    }
    return std::unique_ptr<BlobWriter>(std::make_unique<ReleasingWriter>(*this, blob.digest, std::move(*inner)));
  }

  // Manifests are stored as blobs; naming them is Store::Name's.
  Status PutManifest(std::string_view, const ManifestBytes& manifest, bool) override {
    store_.claims().Pin({manifest.digest});
    {
      std::lock_guard lock(mu_);
      pinned_.push_back(manifest.digest);
    }
    return layout_->PutManifest("", manifest, false);
  }
  Status Commit() override { return {}; }

 private:
  // Gives the claim back once the blob is in place (or abandoned).
  class ReleasingWriter final : public BlobWriter {
   public:
    ReleasingWriter(StoreDestination& owner, std::string digest, std::unique_ptr<BlobWriter> inner)
        : owner_(owner), digest_(std::move(digest)), inner_(std::move(inner)) {}
    ~ReleasingWriter() override {
      inner_.reset();
      owner_.Release(digest_);
    }
    Status Write(std::string_view chunk) override { return inner_->Write(chunk); }
    Status Commit() override { return inner_->Commit(); }

   private:
    StoreDestination& owner_;
    std::string digest_;
    std::unique_ptr<BlobWriter> inner_;
  };

  void Release(const std::string& digest) {
    {
      std::lock_guard lock(mu_);
      if (taken_.erase(digest) == 0) return;
    }
    store_.claims().Release(digest);
  }

  Store& store_;
  std::unique_ptr<Location> layout_;
  std::function<bool()> cancelled_;
  const std::string none_;
  std::mutex mu_;
  std::set<std::string> taken_;
  std::vector<std::string> pinned_;
};

}  // namespace

Result<std::unique_ptr<Location>> Store::OpenForWriting(std::function<bool()> cancelled) {
  Result<std::unique_ptr<Location>> layout = transfer::OpenOciLayout(dir_, "", /*for_writing=*/true, kMaxDocumentBytes,
                                                                     transfer::LayoutNaming{.label = "image store"});
  if (!layout) return layout.error();
  return std::unique_ptr<Location>(std::make_unique<StoreDestination>(*this, std::move(*layout), std::move(cancelled)));
}

}  // namespace berth::store
