// The reading side of RegistryStore (registry_store.h): Sync, and the
// reads of the registry it makes — the generation marker, the journals,
// the names they say changed, or everything.
#include <algorithm>

#include "internal/parallel.h"
#include "registry/documents.h"
#include "store/registry_store.h"

namespace berth::store {
namespace {

// Requests at once while reading the registry's names.
constexpr int kReadJobs = 8;

// A full read of the store even when the generation marker and the
// journals say nothing changed: it catches what a writer that died between
// its names and its journal left unsaid, and changes made to the registry
// by others than berthd.
constexpr auto kFullSyncInterval = std::chrono::minutes(5);

}  // namespace

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
    Result<std::optional<Descriptor>> manifest = ReadTag(naming_.registry() + "/" + t.repository, t.tag);
    if (!manifest) return fail(manifest.error());
    t.manifest = *manifest;
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

Result<std::optional<Descriptor>> RegistryStore::ReadTag(const std::string& repository, const std::string& tag) {
  Result<std::unique_ptr<RemoteRepository>> remote = client_.OpenRepository(repository, RepositoryAccess::kPush, auth_);
  if (!remote) return remote.error();
  Result<Descriptor> manifest = Retrying([&] { return (*remote)->Resolve(tag); });
  if (!manifest) {
    if (manifest.error().kind() == ErrorKind::kNotFound) return std::optional<Descriptor>();  // deleted
    return manifest.error();
  }
  if (manifest->digest == tombstone_.digest) return std::optional<Descriptor>();  // removed
  return std::optional<Descriptor>(Plain(*manifest));
}

Result<NameMap> RegistryStore::ReadNames(const std::set<std::string>& keys) {
  const std::vector<std::string> wanted(keys.begin(), keys.end());
  std::vector<std::optional<Descriptor>> found(wanted.size());
  std::mutex mu;
  std::optional<Error> failed;
  detail::ForEachIndex(wanted.size(), kReadJobs, [&](std::size_t i) {
    Result<StoreTag> where = naming_.TagOf(wanted[i]);
    if (!where) return;  // a name the store cannot keep was never written
    Result<std::optional<Descriptor>> manifest = ReadTag(where->repository, where->tag);
    if (manifest) {
      found[i] = *manifest;
      return;
    }
    std::lock_guard lock(mu);
    if (!failed) failed = StoreError(manifest.error());
  });
  if (failed) return *failed;
  NameMap names;
  for (std::size_t i = 0; i < wanted.size(); ++i)
    if (found[i]) names[wanted[i]] = *found[i];
  return names;
}

Result<RegistryStore::JournalStates> RegistryStore::ReadJournals() {
  Result<std::unique_ptr<RemoteRepository>> remote = OpenGenerationRepository();
  if (!remote) return remote.error();
  Result<std::vector<std::string>> tags = Retrying([&] { return (*remote)->Tags(); });
  if (!tags) {
    if (tags.error().kind() == ErrorKind::kNotFound) return JournalStates();  // nothing published yet
    return tags.error();
  }
  std::vector<std::string> writers;
  for (const std::string& tag : *tags)
    if (std::optional<std::string> writer = WriterOfJournalTag(tag)) writers.push_back(*writer);
  std::string own, own_digests[2];
  {
    std::lock_guard lock(journal_mu_);
    own = writer_;
    own_digests[0] = journal_digest_;
    own_digests[1] = pending_digest_;
  }
  std::vector<std::optional<JournalState>> states(writers.size());
  std::mutex mu;
  std::optional<Error> failed;
  detail::ForEachIndex(writers.size(), kReadJobs, [&](std::size_t i) {
    auto fail = [&](const Error& e) {
      std::lock_guard lock(mu);
      if (!failed) failed = e;
    };
    Result<Descriptor> head = Retrying([&] { return (*remote)->Resolve(JournalTag(writers[i])); });
    if (!head) {
      if (head.error().kind() != ErrorKind::kNotFound) fail(head.error());  // not found: gone meanwhile
      return;
    }
    JournalState state;
    state.digest = head->digest;
    if (writers[i] == own && !state.digest.empty() &&
        (state.digest == own_digests[0] || state.digest == own_digests[1])) {
      state.own = true;
      states[i] = std::move(state);
      return;
    }
    auto seen = journals_seen_.find(writers[i]);
    if (seen != journals_seen_.end() && seen->second.digest == state.digest) {
      state.sequence = seen->second.sequence;
      states[i] = std::move(state);
      return;
    }
    Result<ManifestBytes> bytes = Retrying([&] { return (*remote)->GetManifest(state.digest); });
    if (!bytes) return fail(bytes.error());
    // Not a journal (another tool's content at a journal's tag): the names
    // are read in full once, not at every change after.
    if (Result<StoreJournal> journal = StoreJournal::Decode(bytes->bytes)) {
      state.sequence = journal->sequence;
      state.journal = std::move(*journal);
    } else {
      state.unreadable = true;
    }
    states[i] = std::move(state);
  });
  if (failed) return *failed;
  JournalStates out;
  for (std::size_t i = 0; i < writers.size(); ++i)
    if (states[i]) out[writers[i]] = std::move(*states[i]);
  return out;
}

std::optional<std::set<std::string>> RegistryStore::ChangedKeys(const JournalStates& journals) const {
  std::set<std::string> keys;
  std::string own;
  {
    std::lock_guard lock(journal_mu_);
    own = writer_;
  }
  for (const auto& [writer, state] : journals) {
    if (state.own) continue;                    // this instance's changes are in its view already
    if (state.unreadable) return std::nullopt;  // read everything, once
    if (!state.journal) continue;               // unchanged since the last look
    // Another process wrote this instance's journal: its changes cannot be
    // told apart from this one's.
    if (writer == own) return std::nullopt;
    auto seen = journals_seen_.find(writer);
    std::optional<std::set<std::string>> after =
        state.journal->KeysAfter(seen == journals_seen_.end() ? 0 : seen->second.sequence);
    if (!after) return std::nullopt;
    keys.insert(after->begin(), after->end());
  }
  return keys;
}

Result<std::string> RegistryStore::ReadGeneration() {
  Result<std::unique_ptr<RemoteRepository>> remote = OpenGenerationRepository();
  if (!remote) return StoreError(remote.error());
  Result<Descriptor> marker = Retrying([&] { return (*remote)->Resolve(kGenerationTag); });
  if (!marker) {
    if (marker.error().kind() == ErrorKind::kNotFound) return std::string();  // nothing published yet
    return StoreError(marker.error());
  }
  return marker->digest;
}

Status RegistryStore::Sync() {
  std::lock_guard sync(sync_mu_);
  Result<std::string> generation = ReadGeneration();
  if (!generation) return generation.error();
  CatchUp();
  const auto now = std::chrono::steady_clock::now();
  const bool forced = force_full_read_.exchange(false);
  const bool due = now - last_full_read_ >= kFullSyncInterval;
  if (!forced && !due && generation_seen_ == *generation) return {};
  // What this instance knew before reading: a name a publish writes while
  // the registry is read is then not taken for one removed there.
  NameMap seen;
  {
    std::lock_guard lock(mu_);
    seen = known_;
  }
  // The journals before the names: a change written after they were read
  // moves the marker again, and is read at the next look.
  Result<JournalStates> journals = ReadJournals();
  std::optional<std::set<std::string>> scope;  // the names to read; nullopt: all of them
  if (!forced && !due && generation_seen_ && journals) scope = ChangedKeys(*journals);
  Result<NameMap> remote = scope ? ReadNames(*scope) : ReadRegistry();
  if (!remote) {
    if (forced) force_full_read_ = true;
    return remote.error();
  }
  generation_seen_ = *generation;
  if (!scope) last_full_read_ = now;
  ++(scope ? partial_reads_ : full_reads_);
  if (journals) {
    journals_seen_.clear();
    for (const auto& [writer, state] : *journals) journals_seen_[writer] = JournalSeen{state.digest, state.sequence};
  }
  // What changed there since the last look.
  std::vector<std::pair<std::string, std::optional<Descriptor>>> changes;
  for (const auto& [key, manifest] : *remote)
    if (!SameImage(seen, key, manifest)) changes.emplace_back(key, manifest);
  for (const auto& [key, manifest] : seen)
    if (!remote->count(key) && (!scope || scope->count(key))) changes.emplace_back(key, std::nullopt);
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

}  // namespace berth::store
