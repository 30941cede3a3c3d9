// CopyImage: resolve the source image, walk its manifests (an index's
// images, each image's config and layers), move the blobs the destination
// lacks — `jobs` at a time, mounted where the registry is the same — then
// write the manifests children first, so a tag only ever names an image
// that is whole at the destination.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "berth/json.h"
#include "berth/transfer.h"
#include "internal/parallel.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "transfer/copy_engine.h"
#include "transfer/location.h"
#include "transfer/open_location.h"
#include "transfer/platforms.h"

namespace berth {
namespace {

using transfer::Location;

// An index inside an index inside … stops here.
constexpr int kMaxManifestDepth = 8;
// Referrers of referrers (a signature of an SBOM) are followed this deep.
constexpr int kMaxReferrerDepth = 2;
// Progress events at most once per this many bytes of a blob.
constexpr std::int64_t kProgressStep = 512 << 10;

// Foreign (non-distributable) layers stay where their URLs point.
bool IsForeignLayer(const Descriptor& d) {
  return !d.urls.empty() || d.media_type.find(".foreign.") != std::string::npos ||
         d.media_type.find("nondistributable") != std::string::npos;
}

// Counts a blob's bytes into progress events as the destination reads them.
class CountingReader final : public BlobReader {
 public:
  CountingReader(std::unique_ptr<BlobReader> inner, std::function<void(std::int64_t)> progress,
                 std::function<bool()> cancelled)
      : inner_(std::move(inner)), progress_(std::move(progress)), cancelled_(std::move(cancelled)) {}
  Result<std::size_t> Read(char* buffer, std::size_t capacity) override {
    Result<std::size_t> n = inner_->Read(buffer, capacity);
    if (n && *n > 0) {
      total_ += static_cast<std::int64_t>(*n);
      if (total_ - reported_ >= kProgressStep) {
        if (cancelled_()) return Error(ErrorKind::kSystem, "context canceled");
        reported_ = total_;
        progress_(total_);
      }
    }
    return n;
  }

 private:
  std::unique_ptr<BlobReader> inner_;
  std::function<void(std::int64_t)> progress_;
  std::function<bool()> cancelled_;
  std::int64_t total_ = 0, reported_ = 0;
};

class Copier {
 public:
  // The blob counts into `result`, once the copying threads are done.
  void FillCounts(CopyResult& result) const {
    result.blobs_copied = copied_;
    result.blobs_skipped = skipped_;
    result.blobs_mounted = mounted_;
    result.bytes_copied = bytes_;
  }

  // The labels name the locations in messages ("docker://host/app").
  Copier(Location& source, Location& destination, const CopyOptions& options, CopyResult& result,
         std::string source_label, std::string destination_label)
      : source_(source),
        destination_(destination),
        options_(options),
        result_(result),
        source_label_(std::move(source_label)),
        destination_label_(std::move(destination_label)) {}

  Status CopyTag(const std::string& source_ref, const std::string& destination_tag) {
    const std::string from = Named(source_label_, source_ref);
    Result<ManifestBytes> top = source_.GetManifest(source_ref);
    if (!top) return Prefixed(from, top.error());
    if (Status s = transfer::SelectPlatforms(source_, destination_.single_image(), options_.platforms, *top, from);
        !s.ok()) {
      return s;
    }
    const bool by_digest = destination_tag.find(':') != std::string::npos;
    if (by_digest && destination_tag != top->digest) {
      return Error(ErrorKind::kInvalidParameter,
                   "the image copied has digest " + top->digest + ", not the destination's " + destination_tag);
    }
    if (!destination_tag.empty()) {
      Result<std::optional<std::string>> there = destination_.TaggedDigest(destination_tag);
      if (!there) {
        return Prefixed(Named(destination_label_, destination_tag), there.error());
      }
      if (*there == top->digest) {
        Emit({CopyEvent::Kind::kImageUpToDate, {top->media_type, top->digest, SizeOf(*top)}, 0, destination_tag});
        // The image is there; what refers to it may not be yet.
        if (options_.referrers) {
          std::vector<ManifestBytes> children;
          std::vector<Descriptor> blobs;
          if (Status s = Walk(*top, 0, children, blobs); !s.ok()) return s;
          if (Status s = CopyReferrers(SubjectsOf(*top, children), 0); !s.ok()) return s;
        }
        Finish(*top, destination_tag);
        return {};
      }
    }
    if (Status s = CopyManifestTree(*top, destination_tag, /*top=*/true); !s.ok()) return s;
    Finish(*top, destination_tag);
    return {};
  }

 private:
  static std::int64_t SizeOf(const ManifestBytes& m) { return static_cast<std::int64_t>(m.bytes.size()); }

  void Finish(const ManifestBytes& top, const std::string& tag) {
    result_.digest = top.digest;
    result_.media_type = top.media_type;
    result_.images.push_back({tag, top.digest});
  }

  // `error` said of `where` ("WHERE: message"); as it is without labels
  // (berthd's store passes none: dockerd prints the registry's error bare).
  static Error Prefixed(const std::string& where, const Error& error) {
    return where.empty() ? error : Error(error.kind(), where + ": " + error.message());
  }

  // "docker://host/app" and "1.0" → "docker://host/app:1.0" (a digest: "@").
  static std::string Named(const std::string& label, const std::string& ref) {
    if (ref.empty() || label.size() < ref.size() + 1 ||
        label.compare(label.size() - ref.size(), ref.size(), ref) == 0) {
      return label;
    }
    return label + (ref.find(':') != std::string::npos ? "@" : ":") + ref;
  }

  // The manifests under `manifest` (children before their parents) and the
  // blobs they name.
  Status Walk(const ManifestBytes& manifest, int depth, std::vector<ManifestBytes>& children,
              std::vector<Descriptor>& blobs) {
    if (depth > kMaxManifestDepth) {
      return Error(ErrorKind::kInvalidParameter,
                   "manifest " + manifest.digest + ": indexes nested deeper than " + std::to_string(kMaxManifestDepth));
    }
    registry::ManifestDocument doc;
    if (Status s = registry::DecodeDocument(manifest.bytes, doc); !s.ok()) {
      return Error(ErrorKind::kSystem, "manifest " + manifest.digest + ": " + s.message());
    }
    if (manifest.media_type == registry::kSchema1Signed || manifest.media_type == registry::kSchema1) {
      return Error(ErrorKind::kInvalidParameter,
                   "manifest " + manifest.digest + ": schema1 images cannot be copied (push them as schema2)");
    }
    if (registry::IsIndexType(manifest.media_type)) {
      for (const Descriptor& entry : doc.manifests) {
        if (!registry::IsKnownManifestType(entry.media_type)) {
          blobs.push_back(entry);
          continue;
        }
        Result<ManifestBytes> child = source_.GetManifest(entry.digest);
        if (!child) return child.error();
        if (SizeOf(*child) != entry.size) {
          return Error(ErrorKind::kSystem, "manifest " + entry.digest + " is " + std::to_string(SizeOf(*child)) +
                                               " bytes, not the index's " + std::to_string(entry.size));
        }
        if (Status s = Walk(*child, depth + 1, children, blobs); !s.ok()) return s;
        children.push_back(std::move(*child));
      }
      return {};
    }
    if (doc.config) blobs.push_back(*doc.config);
    for (const Descriptor& layer : doc.layers)
      if (!IsForeignLayer(layer)) blobs.push_back(layer);
    return {};
  }

  Status CopyManifestTree(const ManifestBytes& top, const std::string& tag, bool is_top) {
    std::vector<ManifestBytes> children;
    std::vector<Descriptor> blobs;
    if (Status s = Walk(top, 0, children, blobs); !s.ok()) return s;
    if (Status s = CopyBlobs(blobs); !s.ok()) return s;
    for (const ManifestBytes& child : children) {
      if (Status s = PutManifest("", child, false); !s.ok()) return s;
    }
    if (options_.referrers) {
      if (Status s = CopyReferrers(SubjectsOf(top, children), 0); !s.ok()) return s;
    }
    return PutManifest(tag, top, is_top);
  }

  // The manifests whose referrers --referrers copies: the image and the
  // manifests of its index.
  static std::vector<std::string> SubjectsOf(const ManifestBytes& top, const std::vector<ManifestBytes>& children) {
    std::vector<std::string> subjects{top.digest};
    for (const ManifestBytes& child : children) subjects.push_back(child.digest);
    return subjects;
  }

  Status PutManifest(const std::string& tag, const ManifestBytes& manifest, bool top) {
    if (Status s = destination_.PutManifest(tag, manifest, top); !s.ok()) {
      return Prefixed(Named(destination_label_, tag.empty() ? manifest.digest : tag), s.error());
    }
    ++result_.manifests_put;
    Emit({CopyEvent::Kind::kManifestPut,
          {manifest.media_type, manifest.digest, SizeOf(manifest)},
          SizeOf(manifest),
          tag.empty() ? manifest.digest : tag});
    return {};
  }

  Status CopyReferrers(const std::vector<std::string>& subjects, int depth) {
    if (depth >= kMaxReferrerDepth) return {};
    for (const std::string& subject : subjects) {
      Result<std::vector<Descriptor>> referrers = source_.Referrers(subject);
      if (!referrers) return referrers.error();
      if (referrers->empty()) continue;
      for (const Descriptor& referrer : *referrers) {
        Result<ManifestBytes> manifest = source_.GetManifest(referrer.digest);
        if (!manifest) return manifest.error();
        if (Status s = CopyManifestTree(*manifest, "", /*top=*/true); !s.ok()) return s;
        if (Status s = CopyReferrers({referrer.digest}, depth + 1); !s.ok()) return s;
      }
      if (Status s = LinkReferrers(subject, *referrers); !s.ok()) return s;
    }
    return {};
  }

  // A destination registry without the referrers API finds them through
  // the referrers tag schema: the index tagged "sha256-<hex>", merged with
  // what it lists already.
  Status LinkReferrers(const std::string& subject, const std::vector<Descriptor>& referrers) {
    if (destination_.remote() == nullptr) return {};
    Result<std::vector<Descriptor>> known = destination_.Referrers(subject);
    if (!known) return known.error();
    std::vector<Descriptor> merged = *known;
    bool changed = false;
    for (const Descriptor& r : referrers) {
      bool present =
          std::any_of(merged.begin(), merged.end(), [&](const Descriptor& d) { return d.digest == r.digest; });
      if (!present) {
        merged.push_back(r);
        changed = true;
      }
    }
    if (!changed) return {};
    ManifestBytes index{transfer::IndexOf(registry::kOciIndex, merged), std::string(registry::kOciIndex), ""};
    index.digest = registry::Sha256Digest(index.bytes);
    std::string tag = subject;
    tag[tag.find(':')] = '-';
    return PutManifest(tag, index, false);
  }

  Status CopyBlobs(std::vector<Descriptor> blobs) {
    std::set<std::string> seen;
    std::erase_if(blobs, [&](const Descriptor& d) { return !seen.insert(d.digest).second || done_.count(d.digest); });
    if (blobs.empty()) return {};
    const int jobs = options_.jobs > 0 ? options_.jobs : kDefaultCopyJobs;
    std::mutex mu;
    std::optional<Error> failed;
    detail::ForEachIndex(blobs.size(), jobs, [&](std::size_t i) {
      {
        std::lock_guard lock(mu);
        if (failed) return;
      }
      Status s = CopyBlob(blobs[i]);
      if (!s.ok()) {
        std::lock_guard lock(mu);
        if (!failed) failed = s.error();
      }
    });
    if (failed) return *failed;
    for (const Descriptor& d : blobs) done_.insert(d.digest);
    return {};
  }

  Status CopyBlob(const Descriptor& blob) {
    Status copied = CopyBlobOnce(blob);
    if (copied.ok()) return copied;
    if (source_label_.empty() && destination_label_.empty()) return copied;
    return Error(copied.error().kind(), "copying blob " + blob.digest + " from " + source_label_ + " to " +
                                            destination_label_ + ": " + copied.error().message());
  }

  bool Cancelled() const { return options_.cancelled && options_.cancelled(); }
  static Error CancelledError() { return Error(ErrorKind::kSystem, "context canceled"); }

  Status CopyBlobOnce(const Descriptor& blob) {
    if (Cancelled()) return CancelledError();
    Result<bool> there = destination_.HasBlob(blob);
    if (!there) return there.error();
    if (*there) {
      ++skipped_;
      Emit({CopyEvent::Kind::kBlobSkipped, blob, blob.size, ""});
      return {};
    }
    RemoteRepository* from = source_.remote();
    RemoteRepository* to = destination_.remote();
    if (from && to && from->registry() == to->registry() && from->path() != to->path()) {
      Result<bool> mounted = to->MountBlob(blob.digest, from->path());
      if (mounted && *mounted) {
        ++mounted_;
        Emit({CopyEvent::Kind::kBlobMounted, blob, blob.size, from->path()});
        return {};
      }
      // Not mounted (or the registry refused the mount): upload it.
    }
    Emit({CopyEvent::Kind::kBlobStarted, blob, 0, ""});
    if (Status s = source_.streams_blobs() && destination_.takes_blob_streams() ? StreamBlob(blob) : PipeBlob(blob);
        !s.ok()) {
      return s;
    }
    ++copied_;
    bytes_ += static_cast<std::uint64_t>(std::max<std::int64_t>(blob.size, 0));
    Emit({CopyEvent::Kind::kBlobCopied, blob, blob.size, ""});
    return {};
  }

  // A registry blob into a file, handed over chunk by chunk as it arrives.
  Status StreamBlob(const Descriptor& blob) {
    Result<std::unique_ptr<Location::BlobWriter>> writer = destination_.BeginBlob(blob);
    if (!writer) return writer.error();
    std::int64_t total = 0, reported = 0;
    Status fetched = source_.StreamBlob(blob, [&](std::string_view chunk) -> Status {
      if (Status s = (*writer)->Write(chunk); !s.ok()) return s;
      total += static_cast<std::int64_t>(chunk.size());
      if (total - reported >= kProgressStep) {
        if (Cancelled()) return CancelledError();
        reported = total;
        Emit({CopyEvent::Kind::kBlobProgress, blob, total, ""});
      }
      return {};
    });
    if (!fetched.ok()) return fetched;  // the writer goes, and its temporary file with it
    return (*writer)->Commit();
  }

  // Through a reader: an upload, or a file read into a layout.
  Status PipeBlob(const Descriptor& blob) {
    BlobOpener open = source_.OpenBlob(blob);
    BlobOpener counted = [&, open]() -> Result<std::unique_ptr<BlobReader>> {
      Result<std::unique_ptr<BlobReader>> reader = open();
      if (!reader) return reader.error();
      return std::unique_ptr<BlobReader>(std::make_unique<CountingReader>(
          std::move(*reader),
          [&](std::int64_t bytes) {
            Emit({CopyEvent::Kind::kBlobProgress, blob, bytes, ""});
          },
          [&] { return Cancelled(); }));
    };
    return destination_.PutBlob(blob, counted);
  }

  void Emit(const CopyEvent& event) {
    if (!options_.on_event) return;
    std::lock_guard lock(event_mu_);
    options_.on_event(event);
  }

  Location& source_;
  Location& destination_;
  const CopyOptions& options_;
  CopyResult& result_;
  std::string source_label_, destination_label_;
  std::mutex event_mu_;
  std::set<std::string> done_;  // blobs copied by an earlier tag of this copy
  std::atomic<std::uint64_t> copied_{0}, skipped_{0}, mounted_{0}, bytes_{0};
};

}  // namespace

namespace transfer {

Result<CopyResult> CopyBetween(Location& source, Location& destination, const CopyOptions& options,
                               const std::string& source_label, const std::string& destination_label,
                               const std::string& source_ref) {
  CopyResult result;
  if (options.cancelled) {
    source.SetCancelled(options.cancelled);
    destination.SetCancelled(options.cancelled);
  }
  Copier copier(source, destination, options, result, source_label, destination_label);
  if (Status s = copier.CopyTag(source_ref.empty() ? source.reference() : source_ref, destination.reference());
      !s.ok()) {
    return s.error();
  }
  if (Status s = destination.Commit(); !s.ok()) return s.error();
  copier.FillCounts(result);
  return result;
}

}  // namespace transfer

Result<CopyResult> CopyImage(RegistryClient& client, const ImageLocation& source, const ImageLocation& destination,
                             const CopyOptions& options) {
  if (options.all_tags && destination.kind == LocationKind::kDockerArchive) {
    return Error(ErrorKind::kInvalidParameter,
                 "--all-tags copies a repository, and a docker archive holds one image: copy into oci-archive: or "
                 "oci: instead, or one tag at a time");
  }
  Result<std::unique_ptr<Location>> from =
      transfer::OpenLocation(client, source, transfer::Access::kRead, options.source_auth, !options.all_tags);
  if (!from) return from.error();
  if (options.all_tags && !(*from)->reference().empty()) {
    return Error(ErrorKind::kInvalidParameter,
                 "--all-tags copies a repository: the source cannot name a tag or digest");
  }
  Result<std::unique_ptr<Location>> to = transfer::OpenLocation(client, destination, transfer::Access::kWrite,
                                                                options.destination_auth, !options.all_tags);
  if (!to) return to.error();
  if (options.all_tags) {
    CopyResult result;
    Copier copier(**from, **to, options, result, FormatImageLocation(source), FormatImageLocation(destination));
    if (!(*to)->reference().empty()) {
      return Error(ErrorKind::kInvalidParameter,
                   "--all-tags copies a repository: the destination cannot name a tag or digest");
    }
    Result<std::vector<std::string>> tags = (*from)->Tags();
    if (!tags) return tags.error();
    if (tags->empty()) return Error(ErrorKind::kNotFound, FormatImageLocation(source) + " has no tags");
    for (const std::string& tag : *tags) {
      if (Status s = copier.CopyTag(tag, tag); !s.ok()) {
        (void)(*to)->Commit();  // keep the tags already copied
        return s.error();
      }
    }
    if (Status s = (*to)->Commit(); !s.ok()) return s.error();
    copier.FillCounts(result);
    return result;
  }
  return transfer::CopyBetween(**from, **to, options, FormatImageLocation(source), FormatImageLocation(destination));
}

}  // namespace berth
