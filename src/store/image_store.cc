// The store's names and images: index.json read at start and rewritten
// whole after every change; lookups as dockerd's GetImage; rmi and prune as
// dockerd's graphdriver store decides them; blobs no image uses removed.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "json/value.h"
#include "json/writer.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "store/registry_names.h"
#include "store/store.h"
#include "transfer/files.h"
#include "transfer/layout_index.h"
#include "transfer/oci_layout.h"
#include "transfer/platforms.h"

namespace berth {

Result<std::unique_ptr<ImageStore>> ImageStore::Open(const std::string& dir, RegistryClient& client) {
  // A registry store's cache is not a store of its own: its names are a
  // copy that would go stale.
  if (Result<std::string> of = transfer::ReadWholeFile(dir + "/" + std::string(store::kCacheOfFile), 4096)) {
    std::string url = *of;
    while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
    return Error(ErrorKind::kInvalidParameter, dir + " is the cache of the image store " + url +
                                                   ", not a local image store: start berthd with --image-store " + url +
                                                   ", or give another --data-root");
  }
  auto store = std::make_unique<store::Store>(dir, client);
  if (Status s = store->Initialize(); !s.ok()) return s.error();
  return std::unique_ptr<ImageStore>(std::move(store));
}

namespace store {

using transfer::AnnotationOf;
using transfer::kImageNameAnnotation;
using transfer::kRefNameAnnotation;

std::string JsonQuoted(std::string_view s) {
  json_detail::Writer w(/*escape_html=*/true, s.size() + 2);
  w.String(s);
  return std::string(w.data(), w.size());
}

std::string StoredName(const Reference& ref) {
  return ref.has_digest() ? ref.Name() + "@" + ref.digest() : TagNameOnly(ref).String();
}

Status CheckImageConfig(std::string_view config, std::size_t layer_count) {
  json_detail::JsonValue doc;
  if (Status s = json_detail::ParseJson(config, doc); !s.ok()) {
    return Error(ErrorKind::kInvalidParameter, "invalid image config: " + s.message());
  }
  if (!doc.is_object()) return Error(ErrorKind::kInvalidParameter, "invalid image config: not a JSON object");
  const json_detail::JsonValue* rootfs = doc.Find("rootfs");
  const json_detail::JsonValue* diff_ids = rootfs ? rootfs->Find("diff_ids") : nullptr;
  const std::size_t ids = diff_ids ? diff_ids->items.size() : 0;
  if (ids != layer_count) {
    return Error(ErrorKind::kInvalidParameter, "layers from manifest don't match image configuration");
  }
  return {};
}

std::string ShortId(const std::string& id) {
  const std::size_t colon = id.find(':');
  return id.substr(colon == std::string::npos ? 0 : colon + 1, 12);
}

// ---- claims -------------------------------------------------------------------

std::optional<bool> BlobClaims::WaitOrTake(const std::string& digest, const std::function<bool()>& present,
                                           const std::function<bool()>& cancelled) {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return writing_.count(digest) == 0; })) {
    if (cancelled && cancelled()) return std::nullopt;
  }
  pinned_.insert(digest);
  if (present()) return false;
  writing_.insert(digest);
  return true;
}

void BlobClaims::Release(const std::string& digest) {
  std::lock_guard lock(mu_);
  writing_.erase(digest);
  cv_.notify_all();
}

void BlobClaims::Pin(const std::vector<std::string>& digests) {
  std::lock_guard lock(mu_);
  for (const std::string& d : digests) pinned_.insert(d);
}

void BlobClaims::Unpin(const std::vector<std::string>& digests) {
  std::lock_guard lock(mu_);
  for (const std::string& d : digests) {
    auto it = pinned_.find(d);
    if (it != pinned_.end()) pinned_.erase(it);
  }
}

std::uint64_t BlobClaims::RemoveUnlessBusy(const std::string& digest, const std::string& path) {
  std::lock_guard lock(mu_);
  if (writing_.count(digest) > 0 || pinned_.count(digest) > 0) return 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || ::unlink(path.c_str()) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

// ---- stats --------------------------------------------------------------------

ImageStoreStats Store::Stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

void Store::Count(const CopyResult& copied, Direction direction) {
  std::lock_guard lock(stats_mu_);
  (direction == Direction::kIn ? stats_.blobs_fetched : stats_.blobs_pushed) += copied.blobs_copied;
  (direction == Direction::kIn ? stats_.bytes_fetched : stats_.bytes_pushed) += copied.bytes_copied;
  stats_.blobs_mounted += copied.blobs_mounted;
  stats_.blobs_skipped += copied.blobs_skipped;
}

void Store::CountOperation(std::uint64_t ImageStoreStats::*which) {
  std::lock_guard lock(stats_mu_);
  ++(stats_.*which);
}

// ---- opening ------------------------------------------------------------------

std::string Store::BlobPath(const std::string& digest) const {
  const std::size_t colon = digest.find(':');
  return dir_ + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

Status Store::Initialize() {
  // Makes the layout (oci-layout, blobs/, an empty index.json) when new and
  // removes what dead writers left.
  Result<std::unique_ptr<transfer::Location>> layout = OpenForWriting(nullptr);
  if (!layout) return layout.error();
  if (Status s = transfer::MakeDirectories(dir_ + "/blobs/sha256"); !s.ok()) return s;
  Result<std::string> text = transfer::ReadWholeFile(dir_ + "/index.json", kMaxDocumentBytes);
  if (!text) return text.error();
  Result<transfer::LayoutIndex> index = transfer::LayoutIndex::Parse(*text, dir_);
  if (!index) return index.error();
  std::lock_guard lock(mu_);
  for (const Descriptor& d : index->entries()) {
    if (!registry::IsValidDigest(d.digest)) continue;
    struct stat st {};
    if (::stat(BlobPath(d.digest).c_str(), &st) != 0) continue;  // a name whose image is gone: dropped
    NameEntry entry{AnnotationOf(d, kImageNameAnnotation), d};
    entry.manifest.annotations.reset();
    entries_.push_back(std::move(entry));
  }
  CollectGarbageLocked();
  return {};
}

Result<std::unique_ptr<transfer::Location>> Store::OpenForReading(const std::string& manifest_digest) {
  return transfer::OpenOciLayout(dir_, manifest_digest, /*for_writing=*/false, kMaxDocumentBytes,
                                 transfer::LayoutNaming{.label = "image store"});
}

// ---- index.json ---------------------------------------------------------------

Status Store::WriteIndexLocked() {
  std::vector<Descriptor> out;
  out.reserve(entries_.size());
  for (const NameEntry& e : entries_) {
    Descriptor d = e.manifest;
    d.annotations.reset();
    if (!e.name.empty()) {
      d.annotations.emplace();
      (*d.annotations)[std::string(kImageNameAnnotation)] = e.name;
      Result<Reference> ref = ParseNormalizedNamed(e.name);
      if (ref && ref->has_tag() && !ref->has_digest()) (*d.annotations)[std::string(kRefNameAnnotation)] = ref->tag();
    }
    out.push_back(std::move(d));
  }
  return transfer::ReplaceFile(dir_ + "/index.json", transfer::IndexOf(registry::kOciIndex, out));
}

Result<ImageRecord> Store::RecordOf(const Descriptor& manifest) {
  std::lock_guard lock(mu_);
  return RecordOfLocked(manifest);
}

Result<ImageRecord> Store::RecordOfLocked(const Descriptor& manifest) {
  auto it = records_.find(manifest.digest);
  if (it != records_.end()) return it->second;
  Result<std::string> bytes = transfer::ReadWholeFile(BlobPath(manifest.digest), kMaxDocumentBytes);
  if (!bytes) return bytes.error();
  registry::ManifestDocument doc;
  if (Status s = registry::DecodeDocument(*bytes, doc); !s.ok()) {
    return Error(ErrorKind::kSystem, "manifest " + manifest.digest + ": " + s.message());
  }
  if (!doc.config) return Error(ErrorKind::kSystem, "manifest " + manifest.digest + " has no config");
  ImageRecord record{doc.config->digest, doc.config->size,
                     std::vector<Descriptor>(doc.layers.begin(), doc.layers.end()), doc.config->size};
  for (const Descriptor& l : doc.layers) record.size += l.size;
  records_[manifest.digest] = record;
  return record;
}

// ---- images -------------------------------------------------------------------

// One image per config digest (its ID), as dockerd keys images: manifests
// that share a config (a schema2 and an OCI form of one image) are one.
std::vector<StoredImage> Store::ImagesLocked() {
  std::vector<StoredImage> images;
  for (const NameEntry& e : entries_) {
    Result<ImageRecord> record = RecordOfLocked(e.manifest);
    if (!record) continue;  // unreadable: left out, as dockerd leaves out what it cannot load
    auto it =
        std::find_if(images.begin(), images.end(), [&](const StoredImage& i) { return i.id == record->config_digest; });
    if (it == images.end()) {
      images.push_back(StoredImage{record->config_digest, e.manifest, {}, record->size});
      it = images.end() - 1;
    }
    if (!e.name.empty()) it->names.push_back(e.name);
  }
  return images;
}

std::vector<StoredImage> Store::Images() {
  std::lock_guard lock(mu_);
  return ImagesLocked();
}

Result<std::vector<StoredImage>> Store::List() {
  return Images();
}

Result<StoredImage> Store::Find(std::string_view name_or_id) {
  std::lock_guard lock(mu_);
  bool by_id = false;
  return FindLocked(name_or_id, &by_id);
}

namespace {

bool IsHex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// dockerd names a reference as it looked it up (latest added).
Error NoSuchImage(std::string_view text) {
  Result<Reference> ref = ParseNormalizedNamed(text);
  return Error(ErrorKind::kNotFound,
               "No such image: " + (ref ? TagNameOnly(*ref).FamiliarString() : std::string(text)));
}

}  // namespace

// dockerd's GetImage: a bare ID or digest is an image ID; a name finds its
// tag (latest when untagged) or digest; failing that, a hex prefix of
// exactly one image's ID.
Result<StoredImage> Store::FindLocked(std::string_view text, bool* by_id) {
  *by_id = false;
  Result<Reference> ref = ParseAnyReference(text);
  if (!ref) return Error(ErrorKind::kInvalidParameter, ref.error().message());
  std::vector<StoredImage> images = ImagesLocked();
  if (!ref->named()) {
    const std::string id = ref->digest();
    for (const StoredImage& i : images) {
      if (i.id == id) {
        *by_id = true;
        return i;
      }
    }
    return NoSuchImage(text);
  }
  // By name: the image, with the manifest this name points at (manifests
  // that share a config are one image; tag, save and push keep the name's).
  const std::string full = StoredName(*ref);
  for (const NameEntry& e : entries_) {
    if (e.name != full) continue;
    for (const StoredImage& i : images) {
      if (std::find(i.names.begin(), i.names.end(), full) == i.names.end()) continue;
      StoredImage found = i;
      found.manifest = e.manifest;
      return found;
    }
  }
  std::string_view prefix = text.starts_with("sha256:") ? text.substr(7) : text;
  if (IsHex(prefix)) {
    const StoredImage* match = nullptr;
    for (const StoredImage& i : images) {
      if (i.id.compare(7, prefix.size(), prefix) == 0) {
        if (match && match->id != i.id) return NoSuchImage(text);  // ambiguous
        match = &i;
      }
    }
    if (match) {
      *by_id = true;
      return *match;
    }
  }
  return NoSuchImage(text);
}

Result<std::string> Store::ReadBlob(const std::string& digest, std::size_t max_bytes) {
  if (!registry::IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + digest);
  return transfer::ReadWholeFile(BlobPath(digest), max_bytes);
}

// ---- names --------------------------------------------------------------------

std::optional<Descriptor> Store::Named(const std::string& name) {
  std::lock_guard lock(mu_);
  for (const NameEntry& e : entries_)
    if (e.name == name) return e.manifest;
  return std::nullopt;
}

Result<bool> Store::Name(const std::string& name, const Descriptor& manifest) {
  if (Result<Reference> ref = ParseNormalizedNamed(name); ref && ref->FamiliarName() == "sha256") {
    return Error(ErrorKind::kInvalidParameter, "refusing to create an ambiguous tag using digest algorithm as name");
  }
  std::lock_guard lock(mu_);
  Descriptor plain{manifest.media_type, manifest.digest, manifest.size};
  auto named = std::find_if(entries_.begin(), entries_.end(), [&](const NameEntry& e) { return e.name == name; });
  if (named != entries_.end() && named->manifest.digest == manifest.digest) return true;
  if (named != entries_.end()) {
    // The image it named keeps its other names, or stays without any.
    const std::string old = named->manifest.digest;
    Descriptor old_manifest = named->manifest;
    entries_.erase(named);
    bool still_there =
        std::any_of(entries_.begin(), entries_.end(), [&](const NameEntry& e) { return e.manifest.digest == old; });
    if (!still_there) entries_.push_back(NameEntry{"", old_manifest});
  }
  // An image that had no name has one now.
  std::erase_if(entries_, [&](const NameEntry& e) { return e.name.empty() && e.manifest.digest == manifest.digest; });
  entries_.push_back(NameEntry{name, plain});
  if (Status s = WriteIndexLocked(); !s.ok()) return s.error();
  return false;
}

Status Store::Tag(std::string_view source, const Reference& target) {
  Result<StoredImage> image = Find(source);
  if (!image) return image.error();
  Result<bool> named = Name(TagNameOnly(target).String(), image->manifest);
  return named ? Status() : Status(named.error());
}

void Store::DropNameLocked(const std::string& name, std::vector<ImageDeleteItem>& records) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const NameEntry& e) { return e.name == name; });
  if (it == entries_.end()) return;
  const Descriptor manifest = it->manifest;
  entries_.erase(it);
  Result<Reference> ref = ParseNormalizedNamed(name);
  records.push_back({ref ? ref->FamiliarString() : name, ""});
  // The image stays, without names, until the caller deletes it.
  if (std::none_of(entries_.begin(), entries_.end(),
                   [&](const NameEntry& e) { return e.manifest.digest == manifest.digest; })) {
    entries_.push_back(NameEntry{"", manifest});
  }
}

namespace {

bool IsTag(const std::string& name) {
  Result<Reference> ref = ParseNormalizedNamed(name);
  return ref && !ref->has_digest();
}

std::string RepositoryOf(const std::string& name) {
  Result<Reference> ref = ParseNormalizedNamed(name);
  return ref ? ref->Name() : name;
}

}  // namespace

// dockerd's ImageDelete (graphdriver), without containers.
Status Store::RemoveLocked(std::string_view text, bool force, std::vector<ImageDeleteItem>& records) {
  bool by_id = false;
  Result<StoredImage> image = FindLocked(text, &by_id);
  if (!image) return image.error();
  std::vector<std::string> names = image->names;
  if (!by_id) {
    // A name: untag it; a tag's repository loses its digests too when no
    // other tag of it is left on the image.
    Result<Reference> ref = ParseNormalizedNamed(text);
    const std::string name = StoredName(*ref);
    DropNameLocked(name, records);
    std::erase(names, name);
    if (IsTag(name)) {
      const std::string repository = RepositoryOf(name);
      bool tag_left = std::any_of(names.begin(), names.end(),
                                  [&](const std::string& n) { return IsTag(n) && RepositoryOf(n) == repository; });
      if (!tag_left) {
        std::vector<std::string> kept;
        for (const std::string& n : names) {
          if (!IsTag(n) && RepositoryOf(n) == repository) {
            DropNameLocked(n, records);
          } else {
            kept.push_back(n);
          }
        }
        names = std::move(kept);
      }
    }
    if (!names.empty()) return WriteIndexLocked();
  } else {
    // An ID: its names go with it when they are at most one tag, all in
    // one repository.
    int tags = 0;
    std::set<std::string> repositories;
    for (const std::string& n : names) {
      tags += IsTag(n) ? 1 : 0;
      repositories.insert(RepositoryOf(n));
    }
    if (tags <= 1 && repositories.size() <= 1) {
      for (const std::string& n : names) DropNameLocked(n, records);
      names.clear();
    }
  }
  if (!names.empty()) {
    if (!force) {
      return Error(ErrorKind::kConflict, "conflict: unable to delete " + ShortId(image->id) +
                                             " (must be forced) - image is referenced in multiple repositories");
    }
    for (const std::string& n : names) DropNameLocked(n, records);
  }
  std::erase_if(entries_, [&](const NameEntry& e) {
    Result<ImageRecord> record = RecordOfLocked(e.manifest);
    return record && record->config_digest == image->id;
  });
  records.push_back({"", image->id});
  return WriteIndexLocked();
}

Result<std::vector<ImageDeleteItem>> Store::Remove(std::string_view name_or_id, bool force, bool noprune) {
  std::lock_guard lock(mu_);
  std::vector<ImageDeleteItem> records;
  if (Status s = RemoveLocked(name_or_id, force, records); !s.ok()) {
    if (records.empty()) return s.error();
    (void)WriteIndexLocked();
    return s.error();
  }
  if (!noprune) CollectGarbageLocked();
  return records;
}

// dockerd's ImagesPrune: images without tags (dangling_only) or every image
// `keep` does not keep; names untagged one by one, then the image.
Result<ImagePruneReport> Store::Prune(bool dangling_only, const std::function<bool(const StoredImage&)>& keep) {
  std::lock_guard lock(mu_);
  ImagePruneReport report;
  for (const StoredImage& image : ImagesLocked()) {
    if (keep && keep(image)) continue;
    const bool has_tag = std::any_of(image.names.begin(), image.names.end(), IsTag);
    if (dangling_only && has_tag) continue;
    // Each name in turn (untagging one may take others with it: a tag's
    // digests), then the image; what fails is skipped, as dockerd's prune
    // goes on past an image it cannot remove.
    std::vector<ImageDeleteItem> records;
    if (image.names.empty()) {
      (void)RemoveLocked(image.id, false, records);
    } else {
      for (const std::string& name : image.names) {
        const bool still_named =
            std::any_of(entries_.begin(), entries_.end(), [&](const NameEntry& e) { return e.name == name; });
        if (still_named) (void)RemoveLocked(name, false, records);
      }
    }
    for (ImageDeleteItem& r : records) report.deleted.push_back(std::move(r));
  }
  report.space_reclaimed = CollectGarbageLocked();
  return report;
}

// ---- for a registry image store -------------------------------------------------

std::vector<NameEntry> Store::Entries() {
  std::lock_guard lock(mu_);
  return entries_;
}

Status Store::EditNames(const std::function<void(std::vector<NameEntry>&)>& edit) {
  std::lock_guard lock(mu_);
  edit(entries_);
  Status written = WriteIndexLocked();
  CollectGarbageLocked();
  return written;
}

Status Store::PutDocument(const std::string& digest, std::string_view bytes) {
  if (!registry::IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + digest);
  if (Status verified = registry::VerifyDigest(digest, bytes); !verified.ok()) return verified;
  return transfer::ReplaceFile(BlobPath(digest), bytes);
}

bool Store::HasBlob(const Descriptor& blob) const {
  struct stat st {};
  return ::stat(BlobPath(blob.digest).c_str(), &st) == 0 && st.st_size == blob.size;
}

// ---- garbage ------------------------------------------------------------------

std::uint64_t Store::CollectGarbageLocked() {
  std::set<std::string> keep;
  for (const NameEntry& e : entries_) {
    keep.insert(e.manifest.digest);
    Result<ImageRecord> record = RecordOfLocked(e.manifest);
    if (!record) continue;
    keep.insert(record->config_digest);
    for (const Descriptor& l : record->layers) keep.insert(l.digest);
  }
  std::uint64_t freed = 0;
  const std::string blobs = dir_ + "/blobs/sha256";
  DIR* d = ::opendir(blobs.c_str());
  if (d == nullptr) return 0;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() == 64 && IsHex(name)) names.push_back(std::move(name));
  }
  ::closedir(d);
  for (const std::string& name : names) {
    const std::string digest = "sha256:" + name;
    if (keep.count(digest)) continue;
    if (std::uint64_t size = claims_.RemoveUnlessBusy(digest, blobs + "/" + name); size > 0) {
      freed += size;
      records_.erase(digest);
    }
  }
  return freed;
}

}  // namespace store
}  // namespace berth
