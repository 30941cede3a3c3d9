#include "store/registry_store.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "internal/parallel.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/media_types.h"
#include "transfer/copy_engine.h"
#include "transfer/files.h"
#include "transfer/open_location.h"

namespace berth::store {
namespace {

constexpr std::size_t kMaxFailuresKept = 1024;
// Requests at once while reading the registry's names.
constexpr int kReadJobs = 8;

// PREFIX/generation:latest changes with every publish (an empty OCI
// manifest with a random annotation), so a sync that finds it unchanged
// has nothing to read; a full read anyway after kFullSyncInterval catches
// what a writer that died between its names and the marker left unsaid,
// and changes made to the registry by others.
constexpr std::string_view kGenerationRepository = "generation";
constexpr std::string_view kGenerationTag = "latest";
constexpr std::string_view kEmptyJson = "{}";
constexpr std::string_view kOciEmptyType = "application/vnd.oci.empty.v1+json";
constexpr auto kFullSyncInterval = std::chrono::seconds(30);

class StringReader final : public BlobReader {
 public:
  explicit StringReader(std::string_view data) : data_(data) {}
  Result<std::size_t> Read(char* buffer, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, data_.size());
    std::copy_n(data_.data(), n, buffer);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

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

std::string RandomHex() {
  std::random_device device;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(device()));
    out += part;
  }
  return out;
}

Descriptor Plain(const Descriptor& d) {
  return Descriptor{d.media_type, d.digest, d.size};
}

bool SameImage(const NameMap& map, const std::string& key, const std::optional<Descriptor>& manifest) {
  auto it = map.find(key);
  if (it == map.end()) return !manifest;
  return manifest && it->second.digest == manifest->digest;
}

std::optional<Descriptor> Lookup(const NameMap& map, const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// An OCI manifest with the empty config and no layers, annotated with
// `annotation`=`value`: the generation marker and the removal tombstone.
ManifestBytes EmptyManifest(std::string_view annotation, std::string_view value) {
  const std::string bytes = R"({"schemaVersion":2,"mediaType":")" + std::string(registry::kOciManifest) +
                            R"(","config":{"mediaType":")" + std::string(kOciEmptyType) + R"(","digest":")" +
                            registry::Sha256Digest(kEmptyJson) + R"(","size":2},"layers":[],"annotations":{")" +
                            std::string(annotation) + R"(":")" + std::string(value) + R"("}})";
  return ManifestBytes{bytes, std::string(registry::kOciManifest), registry::Sha256Digest(bytes)};
}

// Puts `manifest` (an EmptyManifest) at `tag`, with the empty config it needs.
Status PutEmptyManifest(RemoteRepository& repository, std::string_view tag, const ManifestBytes& manifest) {
  const Descriptor config{std::string(kOciEmptyType), registry::Sha256Digest(kEmptyJson),
                          static_cast<std::int64_t>(kEmptyJson.size())};
  Result<std::optional<std::int64_t>> there = repository.BlobSize(config.digest);
  if (!there) return there.error();
  if (!*there) {
    Status pushed = repository.PushBlob(
        config, [] { return Result<std::unique_ptr<BlobReader>>(std::make_unique<StringReader>(kEmptyJson)); });
    if (!pushed.ok()) return pushed;
  }
  Result<std::string> put = repository.PutManifest(tag, manifest);
  return put ? Status() : Status(put.error());
}

}  // namespace

NameMap NamesOf(const std::vector<NameEntry>& entries) {
  NameMap names;
  for (const NameEntry& e : entries) {
    names[e.name.empty() ? std::string(kDanglingKey) + e.manifest.digest : e.name] = Plain(e.manifest);
  }
  return names;
}

void SetName(std::vector<NameEntry>& entries, const std::string& key, const std::optional<Descriptor>& manifest) {
  if (key.starts_with(kDanglingKey)) {
    const std::string digest = key.substr(kDanglingKey.size());
    std::erase_if(entries, [&](const NameEntry& e) { return e.name.empty() && e.manifest.digest == digest; });
    if (manifest) entries.push_back(NameEntry{"", Plain(*manifest)});
    return;
  }
  std::erase_if(entries, [&](const NameEntry& e) { return e.name == key; });
  if (manifest) entries.push_back(NameEntry{key, Plain(*manifest)});
}

void DropNamedDangling(std::vector<NameEntry>& entries) {
  std::set<std::string> named;
  for (const NameEntry& e : entries)
    if (!e.name.empty()) named.insert(e.manifest.digest);
  std::erase_if(entries, [&](const NameEntry& e) { return e.name.empty() && named.count(e.manifest.digest); });
}

RegistryStore::RegistryStore(RegistryStoreNaming naming, std::unique_ptr<Store> cache, RegistryClient& client,
                             AuthResolver auth)
    : naming_(std::move(naming)),
      cache_(std::move(cache)),
      client_(client),
      auth_(std::move(auth)),
      tombstone_(EmptyManifest("org.berth.store.removed", "true")) {
  // What the cache held when the last process stopped is what it knew of
  // the registry then; the first sync corrects it either way.
  known_ = NamesOf(cache_->Entries());
}

Error RegistryStore::StoreError(const Error& e) const {
  return Error(e.kind(), "image store " + naming_.url() + ": " + e.message());
}

// ---- reading the registry ------------------------------------------------------

Result<NameMap> RegistryStore::ReadRegistry() {
  Result<std::vector<std::string>> repositories = Retrying([&] { return client_.Catalog(naming_.registry(), auth_); });
  if (!repositories) return StoreError(repositories.error());
  std::erase_if(*repositories, [&](const std::string& r) { return !r.starts_with(naming_.prefix() + "/"); });
  // Every tag berthd wrote, then what each points at, kReadJobs at a time
  // (a HEAD each: the registry's tags list does not say).
  struct Tagged {
    std::string repository, tag, key;
    std::optional<Descriptor> manifest;
  };
  std::mutex mu;
  std::optional<Error> failed;
  auto fail = [&](const Error& e) {
    std::lock_guard lock(mu);
    if (!failed) failed = StoreError(e);
  };
  std::vector<std::vector<Tagged>> per_repository(repositories->size());
  auto open = [&](const std::string& repository) {
    return client_.OpenRepository(naming_.registry() + "/" + repository, RepositoryAccess::kPush, auth_);
  };
  detail::ForEachIndex(repositories->size(), kReadJobs, [&](std::size_t i) {
    const std::string& repository = (*repositories)[i];
    Result<std::unique_ptr<RemoteRepository>> remote = open(repository);
    if (!remote) return fail(remote.error());
    Result<std::vector<std::string>> tags = Retrying([&] { return (*remote)->Tags(); });
    if (!tags) {
      if (tags.error().kind() != ErrorKind::kNotFound) fail(tags.error());  // not found: emptied meanwhile
      return;
    }
    for (const std::string& tag : *tags) {
      if (std::optional<std::string> key = naming_.KeyOf(repository, tag)) {
        per_repository[i].push_back(Tagged{repository, tag, *key, std::nullopt});
      }
    }
  });
  if (failed) return *failed;
  std::vector<Tagged> tagged;
  for (std::vector<Tagged>& r : per_repository) std::move(r.begin(), r.end(), std::back_inserter(tagged));
  detail::ForEachIndex(tagged.size(), kReadJobs, [&](std::size_t i) {
    Tagged& t = tagged[i];
    Result<std::unique_ptr<RemoteRepository>> remote = open(t.repository);
    if (!remote) return fail(remote.error());
    Result<Descriptor> manifest = Retrying([&] { return (*remote)->Resolve(t.tag); });
    if (manifest) {
      if (manifest->digest != tombstone_.digest) t.manifest = Plain(*manifest);  // else: removed
    } else if (manifest.error().kind() != ErrorKind::kNotFound) {                // not found: deleted meanwhile
      fail(manifest.error());
    }
  });
  if (failed) return *failed;
  NameMap names;
  for (const Tagged& t : tagged)
    if (t.manifest) names[t.key] = *t.manifest;
  return names;
}

Status RegistryStore::FetchDocuments(const std::string& key, Descriptor& manifest,
                                     std::vector<std::unique_ptr<BlobClaims::Pins>>& pins) {
  pins.push_back(std::make_unique<BlobClaims::Pins>(cache_->claims(), std::vector<std::string>{manifest.digest}));
  Result<StoreTag> where = naming_.TagOf(key);
  if (!where) return where.error();
  Result<std::unique_ptr<RemoteRepository>> remote =
      client_.OpenRepository(where->repository, RepositoryAccess::kPush, auth_);
  if (!remote) return remote.error();
  Result<std::string> bytes = cache_->ReadBlob(manifest.digest, kMaxDocumentBytes);
  if (!bytes) {
    Result<ManifestBytes> fetched = (*remote)->GetManifest(manifest.digest);
    if (!fetched) return fetched.error();
    if (Status s = cache_->PutDocument(manifest.digest, fetched->bytes); !s.ok()) return s;
    bytes = std::move(fetched->bytes);
  }
  // The size as the bytes say: a registry's HEAD may not (a proxy that
  // drops Content-Length).
  manifest.size = static_cast<std::int64_t>(bytes->size());
  registry::ManifestDocument doc;
  if (Status s = registry::DecodeDocument(*bytes, doc); !s.ok() || !doc.config) {
    return Error(ErrorKind::kInvalidParameter, key + " is not an image manifest");
  }
  pins.push_back(std::make_unique<BlobClaims::Pins>(cache_->claims(), std::vector<std::string>{doc.config->digest}));
  if (cache_->HasBlob(*doc.config)) return {};
  if (doc.config->size < 0 || static_cast<std::size_t>(doc.config->size) > kMaxDocumentBytes) {
    return Error(ErrorKind::kInvalidParameter, key + ": its config is larger than 4 MiB");
  }
  std::string config;
  Status fetched = (*remote)->FetchBlob(*doc.config, [&](std::string_view chunk) -> Status {
    config.append(chunk);
    return {};
  });
  if (!fetched.ok()) return fetched;
  return cache_->PutDocument(doc.config->digest, config);
}

Result<std::string> RegistryStore::ReadGeneration() {
  Result<std::unique_ptr<RemoteRepository>> remote =
      client_.OpenRepository(naming_.registry() + "/" + naming_.prefix() + "/" + std::string(kGenerationRepository),
                             RepositoryAccess::kPush, auth_);
  if (!remote) return StoreError(remote.error());
  Result<Descriptor> marker = Retrying([&] { return (*remote)->Resolve(kGenerationTag); });
  if (!marker) {
    if (marker.error().kind() == ErrorKind::kNotFound) return std::string();  // nothing published yet
    return StoreError(marker.error());
  }
  return marker->digest;
}

void RegistryStore::WriteGeneration() {
  Result<std::unique_ptr<RemoteRepository>> remote =
      client_.OpenRepository(naming_.registry() + "/" + naming_.prefix() + "/" + std::string(kGenerationRepository),
                             RepositoryAccess::kPush, auth_);
  if (!remote) return;
  // Tried three times; a marker not written is caught up by the next full
  // read (30 s at most).
  const ManifestBytes marker = EmptyManifest("org.berth.store.generation", RandomHex());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    if (PutEmptyManifest(**remote, kGenerationTag, marker).ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
}

Status RegistryStore::Sync() {
  std::lock_guard sync(sync_mu_);
  Result<std::string> generation = ReadGeneration();
  if (!generation) return generation.error();
  const auto now = std::chrono::steady_clock::now();
  const bool forced = force_full_read_.exchange(false);
  if (!forced && generation_seen_ == *generation && now - last_full_read_ < kFullSyncInterval) return {};
  // What this instance knew before reading: a name a publish writes while
  // the registry is read is then not taken for one removed there.
  NameMap seen;
  {
    std::lock_guard lock(mu_);
    seen = known_;
  }
  Result<NameMap> remote = ReadRegistry();
  if (!remote) {
    if (forced) force_full_read_ = true;
    return remote.error();
  }
  generation_seen_ = *generation;
  last_full_read_ = now;
  // What changed there since the last look.
  std::vector<std::pair<std::string, std::optional<Descriptor>>> changes;
  for (const auto& [key, manifest] : *remote)
    if (!SameImage(seen, key, manifest)) changes.emplace_back(key, manifest);
  for (const auto& [key, manifest] : seen)
    if (!remote->count(key)) changes.emplace_back(key, std::nullopt);
  if (changes.empty()) return {};
  std::vector<std::unique_ptr<BlobClaims::Pins>> pins;
  bool unread = false;
  std::erase_if(changes, [&](auto& change) {
    if (!change.second) return false;
    Status fetched = FetchDocuments(change.first, *change.second, pins);
    if (fetched.ok()) return false;
    // Not an image (someone else's content under the prefix): left out of
    // the view, and out of known_, so nothing here ever deletes it. Not
    // read (the network): left out until the next sync, which reads
    // everything again.
    if (fetched.error().kind() != ErrorKind::kInvalidParameter) unread = true;
    return true;
  });
  if (unread) force_full_read_ = true;
  std::lock_guard lock(mu_);
  // A publish since may have written some of these already.
  std::erase_if(changes,
                [&](const auto& change) { return !SameImage(known_, change.first, Lookup(seen, change.first)); });
  Status edited = cache_->EditNames([&](std::vector<NameEntry>& entries) {
    for (const auto& [key, manifest] : changes) SetName(entries, key, manifest);
    DropNamedDangling(entries);
  });
  for (const auto& [key, manifest] : changes) {
    if (manifest) {
      known_[key] = *manifest;
    } else {
      known_.erase(key);
    }
  }
  return edited;
}

// ---- writing to the registry ---------------------------------------------------

// The repository of the store where `names` has `digest` under some name
// ("" if none).
std::string RepositoryHolding(const NameMap& names, const RegistryStoreNaming& naming, const std::string& digest) {
  for (const auto& [key, manifest] : names) {
    if (manifest.digest != digest) continue;
    if (Result<StoreTag> where = naming.TagOf(key)) return where->repository;
  }
  return "";
}

Status RegistryStore::PutName(const std::string& key, const Descriptor& manifest,
                              const std::string& source_repository) {
  Result<StoreTag> where = naming_.TagOf(key);
  if (!where) return where.error();
  // From the store itself when it has the image (its blobs are mounted),
  // else from this instance's cache.
  Result<std::unique_ptr<transfer::Location>> source =
      source_repository.empty()
          ? cache_->OpenForReading(manifest.digest)
          : transfer::OpenLocation(
                client_, ImageLocation{LocationKind::kRegistry, source_repository + "@" + manifest.digest, ""},
                transfer::Access::kRead, auth_, false);
  if (!source) return source.error();
  Result<std::unique_ptr<transfer::Location>> destination =
      transfer::OpenLocation(client_, ImageLocation{LocationKind::kRegistry, where->repository + ":" + where->tag, ""},
                             transfer::Access::kWrite, auth_, false);
  if (!destination) return destination.error();
  Result<CopyResult> copied = transfer::CopyBetween(**source, **destination, CopyOptions{}, "", "", manifest.digest);
  if (!copied) return copied.error();
  cache_->Count(*copied, Store::Direction::kOut);
  return {};
}

Status RegistryStore::RemoveName(const std::string& key) {
  Result<StoreTag> where = naming_.TagOf(key);
  if (!where) return where.error();
  Result<std::unique_ptr<RemoteRepository>> remote =
      client_.OpenRepository(where->repository, RepositoryAccess::kPush, auth_);
  if (!remote) return remote.error();
  return PutEmptyManifest(**remote, where->tag, tombstone_);
}

void RegistryStore::Publish() {
  NameMap known;
  {
    std::lock_guard lock(mu_);
    known = known_;
  }
  const NameMap local = NamesOf(cache_->Entries());
  std::vector<std::pair<std::string, Descriptor>> puts;
  for (const auto& [key, manifest] : local)
    if (!SameImage(known, key, manifest)) puts.emplace_back(key, manifest);
  std::vector<std::string> removals;
  for (const auto& [key, manifest] : known)
    if (!local.count(key)) removals.push_back(key);
  if (puts.empty() && removals.empty()) return;
  // However this goes, other instances are told to look.
  struct Announce {
    RegistryStore& store;
    ~Announce() { store.WriteGeneration(); }
  } announce{*this};

  std::vector<std::pair<std::string, Error>> refused;
  NameMap written = known;  // the registry as this publish leaves it
  // After the first refusal nothing more is tried (the rest would most
  // likely be refused too, each after its retries); all of it is undone.
  std::optional<Error> stop;
  for (const auto& [key, manifest] : puts) {
    if (stop) {
      refused.emplace_back(key, *stop);
      continue;
    }
    // Blobs from a repository of the store that has the image (as this
    // publish leaves it, else as it was: a manifest whose tag moved away is
    // still there), else from the cache.
    std::string source = RepositoryHolding(written, naming_, manifest.digest);
    if (source.empty()) source = RepositoryHolding(known, naming_, manifest.digest);
    if (Status s = PutName(key, manifest, source); !s.ok()) {
      stop = StoreError(s.error());
      refused.emplace_back(key, *stop);
    } else {
      written[key] = manifest;
    }
  }
  // A removed name's tag is pointed at the tombstone: one tag changes, and
  // nothing else in the repository (a manifest DELETE would take every
  // tag of the manifest with it, and other instances would see them go).
  std::set<std::string> tombstoned;
  for (const std::string& key : removals) {
    if (stop) {
      refused.emplace_back(key, *stop);
      continue;
    }
    if (Status s = RemoveName(key); !s.ok()) {
      stop = StoreError(s.error());
      refused.emplace_back(key, *stop);
    } else {
      written.erase(key);
      if (Result<StoreTag> where = naming_.TagOf(key)) tombstoned.insert(where->repository);
    }
  }
  // Where the registry allows deletes, the tombstones themselves go: their
  // one digest's DELETE drops every tag that is a tombstone, and nothing
  // else. Where it does not, they stay (and are skipped when read).
  for (const std::string& repository : tombstoned) {
    if (auto remote = client_.OpenRepository(repository, RepositoryAccess::kPush, auth_)) {
      (void)(*remote)->DeleteManifest(tombstone_.digest);
    }
  }

  std::vector<std::pair<std::string, std::optional<Descriptor>>> restore;  // refused: what the registry has
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, manifest] : puts)
      if (written.count(key)) known_[key] = manifest;
    for (const std::string& key : removals)
      if (!written.count(key)) known_.erase(key);
    for (auto& [key, error] : refused) {
      restore.emplace_back(key, Lookup(known_, key));
      failures_.push_back(Failure{++sequence_, key, std::move(error)});
    }
    while (failures_.size() > kMaxFailuresKept) failures_.pop_front();
  }
  if (restore.empty()) return;
  // Undone here, so this instance shows what the registry has (unless the
  // name changed again meanwhile). A removal may have collected the
  // image's documents from the cache: they are fetched again; an image
  // that cannot be is left for the next full read to bring back.
  std::vector<std::unique_ptr<BlobClaims::Pins>> pins;
  for (auto& [key, manifest] : restore) {
    if (!manifest || FetchDocuments(key, *manifest, pins).ok()) continue;
    manifest.reset();
    std::lock_guard lock(mu_);
    known_.erase(key);
    force_full_read_ = true;
  }
  (void)cache_->EditNames([&](std::vector<NameEntry>& entries) {
    const NameMap now = NamesOf(entries);
    for (const auto& [key, manifest] : restore) {
      if (!SameImage(now, key, Lookup(local, key))) continue;
      SetName(entries, key, manifest);
    }
    DropNamedDangling(entries);
  });
}

template <class R>
R RegistryStore::Mutate(const std::function<R()>& op, bool refusals_fail) {
  if (Status synced = Sync(); !synced.ok()) return synced.error();
  std::uint64_t start = 0;
  {
    std::lock_guard lock(mu_);
    start = sequence_;
  }
  const NameMap before = NamesOf(cache_->Entries());
  R result = op();
  const NameMap after = NamesOf(cache_->Entries());
  Publish();
  if (!refusals_fail) return result;
  std::lock_guard lock(mu_);
  for (const Failure& f : failures_) {
    if (f.sequence <= start) continue;
    if (!SameImage(before, f.key, Lookup(after, f.key))) return f.error;
  }
  return result;
}

// ---- the ImageStore calls ------------------------------------------------------

Result<std::vector<StoredImage>> RegistryStore::List() {
  if (Status s = Sync(); !s.ok()) return s.error();
  return cache_->List();
}

Result<StoredImage> RegistryStore::Find(std::string_view name_or_id) {
  if (Status s = Sync(); !s.ok()) return s.error();
  return cache_->Find(name_or_id);
}

Result<std::string> RegistryStore::ReadBlob(const std::string& digest, std::size_t max_bytes) {
  return cache_->ReadBlob(digest, max_bytes);
}

Status RegistryStore::Tag(std::string_view source, const Reference& target) {
  return Mutate<Status>([&] { return cache_->Tag(source, target); });
}

Result<std::vector<ImageDeleteItem>> RegistryStore::Remove(std::string_view name_or_id, bool force, bool noprune) {
  return Mutate<Result<std::vector<ImageDeleteItem>>>([&] { return cache_->Remove(name_or_id, force, noprune); });
}

Result<ImagePruneReport> RegistryStore::Prune(bool dangling_only, const std::function<bool(const StoredImage&)>& keep) {
  return Mutate<Result<ImagePruneReport>>([&] { return cache_->Prune(dangling_only, keep); });
}

namespace {

// Progress lines that say an image is there ("Digest:", "Status: Downloaded
// newer image…", "Loaded image: …"), held back until the registry has it.
class HeldProgress {
 public:
  HeldProgress(ProgressFunc out, std::function<bool(const ImageProgress&)> hold)
      : out_(std::move(out)), hold_(std::move(hold)) {}
  ProgressFunc Func() {
    return [this](const ImageProgress& p) {
      if (hold_(p)) {
        std::lock_guard lock(mu_);
        held_.push_back(p);
      } else if (out_) {
        out_(p);
      }
    };
  }
  void Release() {
    if (!out_) return;
    for (const ImageProgress& p : held_) out_(p);
  }

 private:
  ProgressFunc out_;
  std::function<bool(const ImageProgress&)> hold_;
  std::mutex mu_;
  std::vector<ImageProgress> held_;
};

}  // namespace

Status RegistryStore::Pull(const Reference& reference, const ImagePullOptions& options) {
  HeldProgress held(options.progress, [](const ImageProgress& p) {
    return p.id.empty() && (p.status.starts_with("Digest: ") || p.status.starts_with("Status: "));
  });
  ImagePullOptions pull = options;
  pull.progress = held.Func();
  Status pulled = Mutate<Status>([&]() -> Status {
    // An image the store has already (pulled through another instance):
    // its layers come from the store, not again from the source, and the
    // pull finds them there ("Already exists").
    if (std::optional<Descriptor> had = StoredUnderRepoDigest(reference, options.auth)) {
      if (Status s = Materialize(*had, options.cancelled); !s.ok()) return s;
    }
    return cache_->Pull(reference, pull);
  });
  if (pulled.ok()) held.Release();
  return pulled;
}

Status RegistryStore::Load(const std::string& path, const ProgressFunc& progress) {
  HeldProgress held(progress, [](const ImageProgress&) { return true; });
  Status loaded = Mutate<Status>([&] { return cache_->Load(path, held.Func()); });
  if (loaded.ok()) held.Release();
  return loaded;
}

Status RegistryStore::Materialize(const Descriptor& manifest, const std::function<bool()>& cancelled) {
  Result<ImageRecord> record = cache_->RecordOf(manifest);
  if (!record) return record.error();
  if (std::all_of(record->layers.begin(), record->layers.end(),
                  [&](const Descriptor& l) { return cache_->HasBlob(l); })) {
    return {};
  }
  std::string repository;
  {
    std::lock_guard lock(mu_);
    repository = RepositoryHolding(known_, naming_, manifest.digest);
  }
  if (repository.empty()) return Error(ErrorKind::kNotFound, "no repository of the store holds " + manifest.digest);
  Result<std::unique_ptr<transfer::Location>> source =
      transfer::OpenLocation(client_, ImageLocation{LocationKind::kRegistry, repository + "@" + manifest.digest, ""},
                             transfer::Access::kRead, auth_, false);
  if (!source) return StoreError(source.error());
  Result<std::unique_ptr<transfer::Location>> destination = cache_->OpenForWriting(cancelled);
  if (!destination) return destination.error();
  CopyOptions copy;
  copy.cancelled = cancelled;
  Result<CopyResult> copied = transfer::CopyBetween(**source, **destination, copy, "", "");
  if (!copied) return StoreError(copied.error());
  return {};
}

std::optional<Descriptor> RegistryStore::StoredUnderRepoDigest(const Reference& reference, const AuthResolver& auth) {
  const Reference ref = TagNameOnly(reference);
  std::string digest = ref.digest();
  if (digest.empty()) {
    Result<std::unique_ptr<RemoteRepository>> source =
        client_.OpenRepository(ref.Name(), RepositoryAccess::kPull, auth);
    if (!source) return std::nullopt;
    Result<Descriptor> resolved = (*source)->Resolve(ref.tag());
    if (!resolved) return std::nullopt;  // the pull itself says why
    digest = resolved->digest;
  }
  return cache_->Named(ref.Name() + "@" + digest);
}

Status RegistryStore::Push(const Reference& reference, const ImagePushOptions& options) {
  // A push names the image by the digest it pushed (its RepoDigest): a
  // change of names like any other, but one the store refuses does not
  // make the push, which happened, an error.
  return Mutate<Status>(
      [&]() -> Status {
        if (Result<StoredImage> image = cache_->Find(reference.String())) {
          if (Status s = Materialize(image->manifest, options.cancelled); !s.ok()) return s;
        }
        return cache_->Push(reference, options);
      },
      /*refusals_fail=*/false);
}

Status RegistryStore::Save(const std::vector<std::string>& names, const BlobSink& sink) {
  if (Status s = Sync(); !s.ok()) return s;
  // The images the save will hold: what each name finds, and for a
  // repository name, every image with a name in it.
  const std::vector<StoredImage> all = cache_->Images();
  for (const std::string& name : names) {
    Result<Reference> ref = ParseAnyReference(name);
    const bool whole_repository = ref && ref->named() && !ref->has_tag() && !ref->has_digest();
    Result<StoredImage> found = cache_->Find(name);
    for (const StoredImage& image : all) {
      bool wanted = false;
      if (whole_repository) {
        for (const std::string& n : image.names) {
          Result<Reference> named = ParseNormalizedNamed(n);
          wanted = wanted || (named && named->Name() == ref->Name());
        }
      }
      if (Result<StoredImage> found = cache_->Find(name))
        wanted = wanted || found->manifest.digest == image.manifest.digest;
      if (!wanted) continue;
      if (Status s = Materialize(image.manifest, nullptr); !s.ok()) return s;
    }
  }
  return cache_->Save(names, sink);
}

}  // namespace berth::store

namespace berth {

Result<std::unique_ptr<ImageStore>> ImageStore::OpenOnRegistry(std::string_view url, const std::string& cache_dir,
                                                               RegistryClient& client, AuthResolver auth) {
  Result<store::RegistryStoreNaming> naming = store::RegistryStoreNaming::Parse(url);
  if (!naming) return naming.error();
  const std::string cache_of = cache_dir + "/" + std::string(store::kCacheOfFile);
  const bool was_cache = transfer::ReadWholeFile(cache_of, 4096).ok();
  auto cache = std::make_unique<store::Store>(cache_dir, client);
  if (Status s = cache->Initialize(); !s.ok()) return s.error();
  // A local store's images would be dropped by the first sync, which
  // takes the registry's names for the whole truth.
  if (const std::size_t images = cache->Images().size(); !was_cache && images > 0) {
    return Error(ErrorKind::kInvalidParameter,
                 cache_dir + " holds " + std::to_string(images) +
                     " image(s) of a local image store, which a registry store would drop: copy them to the store "
                     "first (docker save them from a berthd without --image-store, docker load them into one with "
                     "it), or give another --data-root");
  }
  if (Status s = transfer::ReplaceFile(cache_of, naming->url() + "\n"); !s.ok()) return s.error();
  return std::unique_ptr<ImageStore>(
      std::make_unique<store::RegistryStore>(std::move(*naming), std::move(cache), client, std::move(auth)));
}

}  // namespace berth
