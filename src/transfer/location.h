// What the copy engine reads from and writes to: one image location opened
// (a registry repository, an OCI layout; archives are layouts packed and
// unpacked around it). Readers it hands out check every blob against its
// digest while it flows, so whatever a destination stores is verified.
#ifndef BERTH_SRC_TRANSFER_LOCATION_H_
#define BERTH_SRC_TRANSFER_LOCATION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/oci.h"
#include "berth/remote_repository.h"

namespace berth::transfer {

class Location {
 public:
  virtual ~Location() = default;

  // The tag or digest the location names itself ("" when it names none: a
  // repository copied with all its tags, a layout without REF).
  virtual const std::string& reference() const = 0;

  // Reading. A manifest by tag or digest ("": the location's only one);
  // a blob's bytes, checked against the descriptor while they flow; the tags
  // (or layout REFs) there are; what refers to a manifest.
  virtual Result<ManifestBytes> GetManifest(std::string_view tag_or_digest) = 0;
  virtual BlobOpener OpenBlob(const Descriptor& blob) = 0;
  virtual Result<std::vector<std::string>> Tags() = 0;
  virtual Result<std::vector<Descriptor>> Referrers(std::string_view digest) = 0;

  // Writing. The digest a tag points at now (nullopt: none); whether a blob
  // is there; a blob stored from a reader; a manifest stored under a tag
  // (or only by its digest, tag "") — `top` for the image itself, which a
  // layout names in its index even without a tag, false for the manifests
  // of an index; Commit makes tags visible where that is a separate step (a
  // layout's index.json, an archive's file).
  virtual Result<std::optional<std::string>> TaggedDigest(std::string_view tag) = 0;
  virtual Result<bool> HasBlob(const Descriptor& blob) = 0;
  virtual Status PutBlob(const Descriptor& blob, const BlobOpener& open) = 0;
  virtual Status PutManifest(std::string_view tag, const ManifestBytes& manifest, bool top) = 0;
  virtual Status Commit() { return {}; }
  // A registry's requests stop once `cancelled` says so
  // (RemoteRepository::SetCancelled); other locations ignore it.
  virtual void SetCancelled(std::function<bool()> cancelled) { (void)cancelled; }

  // Blobs as pushed streams, where both sides can (a registry source into a
  // layout): no thread and no buffer between them. StreamBlob hands the
  // blob's bytes to `sink`, checked as OpenBlob's readers check them;
  // BeginBlob gives a writer whose Commit makes the blob visible (destroyed
  // uncommitted, it leaves nothing).
  class BlobWriter {
   public:
    virtual ~BlobWriter() = default;
    virtual Status Write(std::string_view chunk) = 0;
    virtual Status Commit() = 0;
  };
  virtual bool streams_blobs() const { return false; }
  virtual Status StreamBlob(const Descriptor& blob, const BlobSink& sink);
  virtual bool takes_blob_streams() const { return false; }
  virtual Result<std::unique_ptr<BlobWriter>> BeginBlob(const Descriptor& blob);

  // The registry repository behind a registry location (mounts), else null.
  virtual RemoteRepository* remote() { return nullptr; }
  // Whether the location holds one platform's image, not an index (a docker
  // archive): an index copied there gives its image for this machine's
  // platform unless --platform says otherwise.
  virtual bool single_image() const { return false; }
};

// A location that is only read (an archive being read): every write is
// kInvalidParameter "an archive being read cannot be written".
class ReadOnlyLocation : public Location {
 public:
  Result<std::optional<std::string>> TaggedDigest(std::string_view) override;
  Result<bool> HasBlob(const Descriptor&) override;
  Status PutBlob(const Descriptor&, const BlobOpener&) override;
  Status PutManifest(std::string_view, const ManifestBytes&, bool) override;
};

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_LOCATION_H_
