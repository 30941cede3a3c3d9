#include "transfer/oci_layout.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include "berth/json.h"
#include "berth/reference.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "transfer/files.h"
#include "transfer/layout_index.h"

namespace berth::transfer {
namespace {

constexpr std::string_view kLayoutFile = "{\"imageLayoutVersion\": \"1.0.0\"}";

std::string RefNameOf(const Descriptor& d) {
  return AnnotationOf(d, kRefNameAnnotation);
}

// An index entry is named `want` by its REF or by its full image name.
bool Named(const Descriptor& d, std::string_view want) {
  return RefNameOf(d) == want || AnnotationOf(d, kImageNameAnnotation) == want;
}

// Holds an exclusive flock(2) on a directory until it goes.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ >= 0) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

// A blob written into its file through an AtomicFile.
class FileBlobWriter final : public Location::BlobWriter {
 public:
  explicit FileBlobWriter(std::unique_ptr<AtomicFile> file) : file_(std::move(file)) {}
  Status Write(std::string_view chunk) override { return file_->Write(chunk); }
  Status Commit() override { return file_->Commit(); }

 private:
  std::unique_ptr<AtomicFile> file_;
};

class OciLayout final : public Location {
 public:
  OciLayout(std::string dir, std::string ref, const LayoutNaming& naming, std::size_t max_manifest_bytes)
      : dir_(std::move(dir)),
        ref_(std::move(ref)),
        image_name_(naming.image_name),
        label_(naming.label.empty() ? "oci:" + dir_ : naming.label),
        tags_are_image_names_(naming.tags_are_image_names),
        max_manifest_bytes_(max_manifest_bytes) {}

  const std::string& reference() const override { return ref_; }

  Status LoadIndex() {
    Result<std::string> text = ReadWholeFile(dir_ + "/index.json", max_manifest_bytes_);
    if (!text) return text.error();
    Result<LayoutIndex> index = LayoutIndex::Parse(*text, label_);
    if (!index) return index.error();
    index_ = std::move(*index);
    return {};
  }

  Result<ManifestBytes> GetManifest(std::string_view tag_or_digest) override {
    std::string_view want = tag_or_digest.empty() ? std::string_view(ref_) : tag_or_digest;
    std::optional<Descriptor> entry;
    {
      std::lock_guard lock(mu_);
      if (registry::IsValidDigest(want)) {
        for (const Descriptor& d : index_.entries())
          if (d.digest == want) entry = d;
        if (!entry) entry = Descriptor{"", std::string(want), -1};
      } else if (want.empty()) {
        // The layout's only image; what refers to it (signatures stored
        // beside it, untagged) does not count.
        std::vector<Descriptor> images;
        for (const Descriptor& d : index_.entries())
          if (!SubjectOf(d)) images.push_back(d);
        if (images.size() != 1) {
          return Error(ErrorKind::kInvalidParameter,
                       label_ + " holds " + std::to_string(images.size()) + " images: name one as " + label_ + ":REF");
        }
        entry = images.front();
      } else {
        for (const Descriptor& d : index_.entries())
          if (Named(d, want)) entry = d;
        if (!entry) {
          return Error(ErrorKind::kNotFound, "no image named \"" + std::string(want) + "\" in " + label_);
        }
      }
    }
    if (!registry::IsValidDigest(entry->digest)) {
      return Error(ErrorKind::kSystem, label_ + ": index.json: invalid digest \"" + entry->digest + "\"");
    }
    Result<std::string> bytes = ReadWholeFile(BlobPath(entry->digest), max_manifest_bytes_);
    if (!bytes) return bytes.error();
    if (registry::Sha256Digest(*bytes) != entry->digest && entry->digest.rfind("sha256:", 0) == 0) {
      return Error(ErrorKind::kSystem, label_ + ": manifest " + entry->digest + " does not match its digest (got " +
                                           registry::Sha256Digest(*bytes) + ")");
    }
    if (entry->size >= 0 && static_cast<std::int64_t>(bytes->size()) != entry->size) {
      return Error(ErrorKind::kSystem, label_ + ": index.json: manifest " + entry->digest + " is " +
                                           std::to_string(bytes->size()) + " bytes, not " +
                                           std::to_string(entry->size));
    }
    registry::ManifestDocument doc;
    if (Status s = registry::DecodeDocument(*bytes, doc); !s.ok()) {
      return Error(ErrorKind::kSystem, "manifest " + entry->digest + ": " + s.message());
    }
    Result<std::string> type = registry::ManifestType(entry->media_type, doc);
    if (!type) return type.error();
    return ManifestBytes{std::move(*bytes), std::move(*type), entry->digest};
  }

  BlobOpener OpenBlob(const Descriptor& blob) override {
    return [this, blob]() -> Result<std::unique_ptr<BlobReader>> {
      if (!registry::IsValidDigest(blob.digest)) {
        return Error(ErrorKind::kInvalidParameter, "invalid digest: " + blob.digest);
      }
      return OpenVerifiedFile(BlobPath(blob.digest), blob);
    };
  }

  Result<std::vector<std::string>> Tags() override {
    std::lock_guard lock(mu_);
    std::vector<std::string> tags;
    for (const Descriptor& d : index_.entries()) {
      std::string name = tags_are_image_names_ ? FamiliarImageName(d) : RefNameOf(d);
      if (!name.empty() && std::find(tags.begin(), tags.end(), name) == tags.end()) tags.push_back(name);
    }
    return tags;
  }

  // What refers to `digest`: the layout's manifests whose subject it is
  // (stored untagged in index.json, as regctl and berth keep them).
  Result<std::vector<Descriptor>> Referrers(std::string_view digest) override {
    std::vector<Descriptor> entries;
    {
      std::lock_guard lock(mu_);
      entries = index_.entries();
    }
    std::vector<Descriptor> referrers;
    for (const Descriptor& d : entries) {
      std::optional<Descriptor> subject = SubjectOf(d);
      if (subject && subject->digest == digest) referrers.push_back(d);
    }
    return referrers;
  }

  Result<std::optional<std::string>> TaggedDigest(std::string_view tag) override {
    std::lock_guard lock(mu_);
    for (auto it = index_.entries().rbegin(); it != index_.entries().rend(); ++it) {
      if (tag.empty() ? false : RefNameOf(*it) == tag) {
        if (!registry::IsValidDigest(it->digest)) return std::optional<std::string>();
        struct stat st {};
        if (::stat(BlobPath(it->digest).c_str(), &st) != 0) return std::optional<std::string>();
        return std::optional<std::string>(it->digest);
      }
    }
    return std::optional<std::string>();
  }

  Result<bool> HasBlob(const Descriptor& blob) override {
    if (!registry::IsValidDigest(blob.digest))
      return Error(ErrorKind::kInvalidParameter, "invalid digest: " + blob.digest);
    struct stat st {};
    if (::stat(BlobPath(blob.digest).c_str(), &st) != 0) return false;
    return blob.size < 0 || st.st_size == blob.size;
  }

  bool takes_blob_streams() const override { return true; }
  Result<std::unique_ptr<BlobWriter>> BeginBlob(const Descriptor& blob) override {
    if (!registry::IsValidDigest(blob.digest)) {
      return Error(ErrorKind::kInvalidParameter, "invalid digest: " + blob.digest);
    }
    if (Status dir = EnsureBlobDirectory(blob.digest); !dir.ok()) return dir.error();
    Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(BlobPath(blob.digest));
    if (!file) return file.error();
    return std::unique_ptr<BlobWriter>(std::make_unique<FileBlobWriter>(std::move(*file)));
  }

  Status PutBlob(const Descriptor& blob, const BlobOpener& open) override {
    if (!registry::IsValidDigest(blob.digest))
      return Error(ErrorKind::kInvalidParameter, "invalid digest: " + blob.digest);
    if (Status dir = EnsureBlobDirectory(blob.digest); !dir.ok()) return dir;
    Result<std::unique_ptr<BlobReader>> reader = open();
    if (!reader) return reader.error();
    return WriteFileFrom(BlobPath(blob.digest), **reader);
  }

  Status PutManifest(std::string_view tag, const ManifestBytes& manifest, bool top) override {
    const std::string digest = manifest.digest.empty() ? registry::Sha256Digest(manifest.bytes) : manifest.digest;
    if (!registry::IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + digest);
    if (Status verified = registry::VerifyDigest(digest, manifest.bytes); !verified.ok()) return verified;
    if (Status dir = EnsureBlobDirectory(digest); !dir.ok()) return dir;
    struct stat st {};
    if (::stat(BlobPath(digest).c_str(), &st) != 0) {
      if (Status s = ReplaceFile(BlobPath(digest), manifest.bytes); !s.ok()) return s;
    }
    if (!top) return {};  // a manifest of an index: a blob only
    Descriptor entry{manifest.media_type, digest, static_cast<std::int64_t>(manifest.bytes.size())};
    if (!tag.empty() || !image_name_.empty()) entry.annotations.emplace();
    if (!tag.empty()) (*entry.annotations)[std::string(kRefNameAnnotation)] = std::string(tag);
    if (!image_name_.empty()) (*entry.annotations)[std::string(kImageNameAnnotation)] = image_name_;
    std::lock_guard lock(mu_);
    pending_.emplace_back(std::string(tag), std::move(entry));
    return {};
  }

  Status Commit() override {
    std::lock_guard lock(mu_);
    if (pending_.empty()) return {};
    DirectoryLock layout_lock(dir_);
    if (!layout_lock.ok()) return FileError("open", dir_, errno);
    // Another writer may have named images since this one read the index.
    if (Status loaded = LoadIndexIfPresent(); !loaded.ok()) return loaded;
    for (const auto& [tag, entry] : pending_) index_.Put(tag, image_name_, entry);
    pending_.clear();
    return ReplaceFile(dir_ + "/index.json", index_.Serialize());
  }

  Status LoadIndexIfPresent() {
    Status loaded = LoadIndex();
    if (!loaded.ok() && loaded.error().kind() == ErrorKind::kNotFound) {
      index_ = LayoutIndex();
      return {};
    }
    return loaded;
  }

  Status PrepareForWriting() {
    if (Status s = MakeDirectories(dir_ + "/blobs"); !s.ok()) return s;
    struct stat st {};
    if (::stat((dir_ + "/oci-layout").c_str(), &st) != 0) {
      if (Status s = ReplaceFile(dir_ + "/oci-layout", kLayoutFile); !s.ok()) return s;
    }
    RemoveStaleTemporaries(dir_);
    RemoveStaleTemporaries(dir_ + "/blobs/sha256");
    // A layout is valid from the first moment: an empty index until an
    // image is whole.
    DirectoryLock layout_lock(dir_);
    if (::stat((dir_ + "/index.json").c_str(), &st) != 0) {
      if (Status s = ReplaceFile(dir_ + "/index.json", LayoutIndex().Serialize()); !s.ok()) return s;
    }
    return LoadIndex();
  }

 private:
  std::string BlobPath(const std::string& digest) const {
    const std::size_t colon = digest.find(':');
    return dir_ + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
  }

  // A manifest entry's subject, read from its blob (nullopt for anything
  // else, or what cannot be read).
  std::optional<Descriptor> SubjectOf(const Descriptor& d) const {
    if (!registry::IsKnownManifestType(d.media_type) || !registry::IsValidDigest(d.digest)) return std::nullopt;
    Result<std::string> bytes = ReadWholeFile(BlobPath(d.digest), max_manifest_bytes_);
    registry::ManifestDocument doc;
    if (!bytes || !registry::DecodeDocument(*bytes, doc).ok()) return std::nullopt;
    return doc.subject;
  }

  // An entry's io.containerd.image.name as docker shows it ("app:1.0").
  static std::string FamiliarImageName(const Descriptor& d) {
    const std::string name = AnnotationOf(d, kImageNameAnnotation);
    Result<Reference> parsed = ParseNormalizedNamed(name);
    return parsed ? parsed->FamiliarString() : name;
  }

  Status EnsureBlobDirectory(const std::string& digest) {
    const std::string dir = dir_ + "/blobs/" + digest.substr(0, digest.find(':'));
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return {};
    return MakeDirectories(dir);
  }

  std::string dir_, ref_, image_name_, label_;
  bool tags_are_image_names_;
  std::size_t max_manifest_bytes_;
  std::mutex mu_;
  LayoutIndex index_;                                        // index.json as last read or written
  std::vector<std::pair<std::string, Descriptor>> pending_;  // names to add at Commit
};

}  // namespace

Result<std::unique_ptr<Location>> OpenOciLayout(const std::string& dir, const std::string& ref, bool for_writing,
                                                std::size_t max_manifest_bytes, const LayoutNaming& naming) {
  if (dir.empty()) return Error(ErrorKind::kInvalidParameter, "an OCI layout needs a directory");
  auto layout = std::make_unique<OciLayout>(dir, ref, naming, max_manifest_bytes);
  if (for_writing) {
    if (Status s = layout->PrepareForWriting(); !s.ok()) return s.error();
  } else if (Status s = layout->LoadIndex(); !s.ok()) {
    if (s.error().kind() == ErrorKind::kNotFound) {
      return Error(ErrorKind::kNotFound, dir + " is not an OCI image layout: " + s.message());
    }
    return s.error();
  }
  return std::unique_ptr<Location>(std::move(layout));
}

}  // namespace berth::transfer
