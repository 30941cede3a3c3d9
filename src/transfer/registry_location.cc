#include "transfer/registry_location.h"

#include "berth/reference.h"
#include "transfer/blob_pipe.h"

namespace berth::transfer {
namespace {

class RegistryLocation final : public Location {
 public:
  RegistryLocation(std::unique_ptr<RemoteRepository> repository, std::string reference)
      : repository_(std::move(repository)), reference_(std::move(reference)) {}

  const std::string& reference() const override { return reference_; }

  Result<ManifestBytes> GetManifest(std::string_view tag_or_digest) override {
    return repository_->GetManifest(tag_or_digest.empty() ? std::string_view(reference_) : tag_or_digest);
  }
  BlobOpener OpenBlob(const Descriptor& blob) override {
    return [this, blob]() -> Result<std::unique_ptr<BlobReader>> { return FetchThroughPipe(*repository_, blob); };
  }
  Result<std::vector<std::string>> Tags() override { return repository_->Tags(); }
  void SetCancelled(std::function<bool()> cancelled) override { repository_->SetCancelled(std::move(cancelled)); }
  Result<std::vector<Descriptor>> Referrers(std::string_view digest) override { return repository_->Referrers(digest); }

  Result<std::optional<std::string>> TaggedDigest(std::string_view tag) override {
    Result<Descriptor> found = repository_->Resolve(tag);
    if (!found) {
      if (found.error().kind() == ErrorKind::kNotFound) return std::optional<std::string>();
      return found.error();
    }
    return std::optional<std::string>(found->digest);
  }
  Result<bool> HasBlob(const Descriptor& blob) override {
    Result<std::optional<std::int64_t>> size = repository_->BlobSize(blob.digest);
    if (!size) return size.error();
    return size->has_value();
  }
  Status PutBlob(const Descriptor& blob, const BlobOpener& open) override { return repository_->PushBlob(blob, open); }
  Status PutManifest(std::string_view tag, const ManifestBytes& manifest, bool) override {
    Result<std::string> put = repository_->PutManifest(tag.empty() ? std::string_view(manifest.digest) : tag, manifest);
    return put.status();
  }

  bool streams_blobs() const override { return true; }
  Status StreamBlob(const Descriptor& blob, const BlobSink& sink) override {
    return repository_->FetchBlob(blob, sink);
  }

  RemoteRepository* remote() override { return repository_.get(); }

 private:
  std::unique_ptr<RemoteRepository> repository_;
  std::string reference_;
};

}  // namespace

Result<std::unique_ptr<Location>> OpenRegistryLocation(RegistryClient& client, std::string_view reference,
                                                       RepositoryAccess access, const AuthResolver& auth_for,
                                                       bool default_latest) {
  Result<Reference> ref = ParseNormalizedNamed(reference);
  if (!ref) return ref.error();
  std::string own = ref->has_digest() ? ref->digest() : ref->has_tag() ? ref->tag() : default_latest ? "latest" : "";
  Result<std::unique_ptr<RemoteRepository>> repository = client.OpenRepository(reference, access, auth_for);
  if (!repository) return repository.error();
  return std::unique_ptr<Location>(std::make_unique<RegistryLocation>(std::move(*repository), std::move(own)));
}

}  // namespace berth::transfer
