#include "transfer/oci_layout.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include "berth/json.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "transfer/files.h"

namespace berth::transfer {
namespace {

constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
// containerd's (and docker save's) full image name: "docker.io/library/app:1".
constexpr std::string_view kImageNameAnnotation = "io.containerd.image.name";
constexpr std::string_view kLayoutFile = "{\"imageLayoutVersion\": \"1.0.0\"}";

std::string AnnotationOf(const Descriptor& d, std::string_view key) {
  if (!d.annotations) return "";
  auto it = d.annotations->find(std::string(key));
  return it == d.annotations->end() ? "" : it->second;
}

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

class OciLayout final : public Location {
 public:
  OciLayout(std::string dir, std::string ref, const LayoutNaming& naming, std::size_t max_manifest_bytes)
      : dir_(std::move(dir)),
        ref_(std::move(ref)),
        image_name_(naming.image_name),
        label_(naming.label.empty() ? "oci:" + dir_ : naming.label),
        max_manifest_bytes_(max_manifest_bytes) {}

  const std::string& reference() const override { return ref_; }

  Status LoadIndex() {
    Result<std::string> text = ReadWholeFile(dir_ + "/index.json", max_manifest_bytes_);
    if (!text) return text.error();
    registry::ManifestDocument index;
    if (Status s = registry::DecodeDocument(*text, index); !s.ok()) {
      return Error(ErrorKind::kSystem, label_ + ": index.json: " + s.message());
    }
    entries_.assign(index.manifests.begin(), index.manifests.end());
    return {};
  }

  Result<ManifestBytes> GetManifest(std::string_view tag_or_digest) override {
    std::string_view want = tag_or_digest.empty() ? std::string_view(ref_) : tag_or_digest;
    std::optional<Descriptor> entry;
    {
      std::lock_guard lock(mu_);
      if (registry::IsValidDigest(want)) {
        for (const Descriptor& d : entries_)
          if (d.digest == want) entry = d;
        if (!entry) entry = Descriptor{"", std::string(want), -1};
      } else if (want.empty()) {
        if (entries_.size() != 1) {
          return Error(ErrorKind::kInvalidParameter, label_ + " holds " + std::to_string(entries_.size()) +
                                                         " images: name one as " + label_ + ":REF");
        }
        entry = entries_.front();
      } else {
        for (const Descriptor& d : entries_)
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
    if (Status verified = registry::VerifyDigest(entry->digest, *bytes); !verified.ok()) {
      return Error(ErrorKind::kSystem, BlobPath(entry->digest) + ": " + verified.message());
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
    for (const Descriptor& d : entries_) {
      std::string name = RefNameOf(d);
      if (!name.empty() && std::find(tags.begin(), tags.end(), name) == tags.end()) tags.push_back(name);
    }
    return tags;
  }

  Result<std::vector<Descriptor>> Referrers(std::string_view) override { return std::vector<Descriptor>(); }

  Result<std::optional<std::string>> TaggedDigest(std::string_view tag) override {
    std::lock_guard lock(mu_);
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
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
    for (auto& pending : pending_) {
      const std::string& tag = pending.first;  // (clang 14 cannot capture a structured binding)
      const Descriptor& entry = pending.second;
      std::erase_if(entries_, [&](const Descriptor& d) {
        if (!image_name_.empty()) return AnnotationOf(d, kImageNameAnnotation) == image_name_;
        return tag.empty() ? (RefNameOf(d).empty() && d.digest == entry.digest) : RefNameOf(d) == tag;
      });
      entries_.push_back(entry);
    }
    pending_.clear();
    std::string index =
        "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(registry::kOciIndex) + "\",\"manifests\":[";
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (i) index += ',';
      MarshalTo(index, entries_[i]);
    }
    index += "]}";
    return ReplaceFile(dir_ + "/index.json", index);
  }

  Status LoadIndexIfPresent() {
    Status loaded = LoadIndex();
    if (!loaded.ok() && loaded.error().kind() == ErrorKind::kNotFound) {
      entries_.clear();
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
    return LoadIndexIfPresent();
  }

 private:
  std::string BlobPath(const std::string& digest) const {
    const std::size_t colon = digest.find(':');
    return dir_ + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
  }

  Status EnsureBlobDirectory(const std::string& digest) {
    const std::string dir = dir_ + "/blobs/" + digest.substr(0, digest.find(':'));
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return {};
    return MakeDirectories(dir);
  }

  std::string dir_, ref_, image_name_, label_;
  std::size_t max_manifest_bytes_;
  std::mutex mu_;
  std::vector<Descriptor> entries_;                          // index.json as last read or written
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
