#include "store/registry_store.h"

#include <algorithm>
#include <set>
#include <thread>

#include "transfer/copy_engine.h"
#include "transfer/files.h"
#include "transfer/open_location.h"

namespace berth::store {
namespace {

constexpr std::size_t kMaxFailuresKept = 1024;

}  // namespace

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
      tombstone_(EmptyManifest({{"org.berth.store.removed", "true"}})),
      writer_(WriterId(cache_->dir(), /*fresh=*/false)) {
  // What the cache held when the last process stopped is what it knew of
  // the registry then; the first sync corrects it either way.
  known_ = NamesOf(cache_->Entries());
}

ImageStoreStats RegistryStore::Stats() const {
  ImageStoreStats stats = cache_->Stats();
  stats.store_full_reads = full_reads_;
  stats.store_partial_reads = partial_reads_;
  return stats;
}

Error RegistryStore::StoreError(const Error& e) const {
  return Error(e.kind(), "image store " + naming_.url() + ": " + e.message());
}

// ---- writing to the registry ---------------------------------------------------

Result<std::unique_ptr<RemoteRepository>> RegistryStore::OpenGenerationRepository() {
  return client_.OpenRepository(naming_.registry() + "/" + naming_.prefix() + "/" + std::string(kGenerationRepository),
                                RepositoryAccess::kPush, auth_);
}

void RegistryStore::WriteGeneration() {
  generation_behind_ = true;
  Result<std::unique_ptr<RemoteRepository>> remote = OpenGenerationRepository();
  if (!remote) return;
  // A marker not written (PutEmptyManifest tries three times) is written
  // again at this instance's next request (CatchUp).
  const ManifestBytes marker = EmptyManifest({{"org.berth.store.generation", RandomHex()}});
  if (PutEmptyManifest(**remote, kGenerationTag, marker).ok()) generation_behind_ = false;
}

void RegistryStore::WriteJournal(const std::vector<std::string>& keys) {
  std::lock_guard lock(journal_mu_);
  unwritten_.insert(unwritten_.end(), keys.begin(), keys.end());
  // Until the journal is written, each sync tries again (CatchUp).
  journal_behind_ = true;
  Result<std::unique_ptr<RemoteRepository>> remote = OpenGenerationRepository();
  if (!remote) return;
  // Who wrote this writer's journal last. Not this instance (a data root
  // copied with its writer id): this one takes a new id, so that neither
  // overwrites what the other said.
  Result<Descriptor> there = Retrying([&] { return (*remote)->Resolve(JournalTag(writer_)); });
  if (!there && there.error().kind() != ErrorKind::kNotFound) return;  // the keys wait for the next write
  const std::string current = there ? there->digest : "";
  bool taken = false;
  if (!journal_) {
    // The first write since start: the journal goes on from where this
    // writer id's last process left it.
    StoreJournal start{writer_, 0, {}};
    if (there) {
      Result<ManifestBytes> bytes = Retrying([&] { return (*remote)->GetManifest(current); });
      if (!bytes) return;
      Result<StoreJournal> found = StoreJournal::Decode(bytes->bytes);
      taken = !found || found->writer != writer_;
      if (!taken) start = std::move(*found);
    } else {
      // None in the store (a new id, or its journal was deleted): a new id,
      // so that no sequence number of an id ever means two changes (a
      // reader that saw a deleted journal's numbers would skip the new
      // one's).
      taken = true;
    }
    journal_ = std::move(start);
    journal_digest_ = current;
  } else {
    taken = current != journal_digest_ && current != pending_digest_;
  }
  if (taken) {
    // What the old journal held goes into the new one: it may never have
    // reached the registry.
    std::vector<std::string> carried;
    for (const auto& entry : journal_->entries) carried.push_back(entry.second);
    writer_ = WriterId(cache_->dir(), /*fresh=*/true);
    journal_ = StoreJournal{writer_, 0, {}};
    journal_->Append(carried);
    journal_digest_.clear();
  }
  journal_->Append(unwritten_);
  unwritten_.clear();
  const ManifestBytes bytes = journal_->Encode();
  pending_digest_ = bytes.digest;
  if (PutEmptyManifest(**remote, JournalTag(writer_), bytes).ok()) {
    journal_digest_ = bytes.digest;
    journal_behind_ = false;
    return;
  }
  // Not written: the entries stay in journal_ for the next write; readers
  // catch up then, or at their next full read.
}

void RegistryStore::CatchUp() {
  if (!journal_behind_ && !generation_behind_) return;
  {
    // At most every few seconds: a store that refuses writes must not slow
    // every request down.
    std::lock_guard lock(journal_mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now < journal_retry_at_) return;
    journal_retry_at_ = now + std::chrono::seconds(5);
  }
  if (journal_behind_) {
    WriteJournal({});
    if (journal_behind_) return;
  }
  WriteGeneration();
}

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
  // One publish at a time: each compares the cache with the registry as the
  // one before left it. Two at once could each take the other's change for
  // one already written (a tag still being written when its rmi came), and
  // leave the registry behind this instance's view.
  std::lock_guard publishing(publish_mu_);
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
  // However this goes, other instances are told which names to look at
  // (a refused one too: a write may have landed before its error).
  struct Announce {
    RegistryStore& store;
    std::vector<std::string> keys;
    ~Announce() {
      store.WriteJournal(keys);
      store.WriteGeneration();
    }
  } announce{*this, removals};
  for (const auto& put : puts) announce.keys.push_back(put.first);

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
      if (found) wanted = wanted || found->manifest.digest == image.manifest.digest;
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
