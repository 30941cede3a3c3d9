// What a registry image store writes besides the images themselves: small
// OCI manifests with the empty config and no layers, whose annotations say
// what they are —
//
//   the tombstone         a removed name's tag points at it (one digest for
//                         every instance and repository);
//   the generation marker PREFIX/generation:latest, rewritten (a random
//                         annotation) after every change, so that one HEAD
//                         tells a reader whether anything changed;
//   the journals          PREFIX/generation:w-<writer>, one per instance,
//                         which say which names it changed.
//
// A journal is written only by its own instance (its writer id is kept in
// the instance's cache directory), so no write to it is lost to another
// instance's. After each change the instance appends the names it changed,
// each with the next sequence number, keeps the last kMaxJournalEntries,
// and rewrites its journal, then the generation marker. A reader that last
// saw sequence p of a writer reads only the names after p — or the whole
// store when the journal no longer reaches back to p.
#ifndef BERTH_SRC_STORE_STORE_MARKERS_H_
#define BERTH_SRC_STORE_STORE_MARKERS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/error.h"
#include "berth/remote_repository.h"

namespace berth::store {

inline constexpr std::string_view kGenerationRepository = "generation";  // under PREFIX
inline constexpr std::string_view kGenerationTag = "latest";
// The file in the cache directory that holds this instance's writer id.
inline constexpr std::string_view kWriterFile = "berth-store-writer";
inline constexpr std::size_t kMaxJournalEntries = 1000;

// An OCI image manifest with the empty config ({}), no layers and
// `annotations`; its bytes, media type and digest.
ManifestBytes EmptyManifest(const std::map<std::string, std::string>& annotations);

// Puts `manifest` (an EmptyManifest) at `tag` of `repository`, pushing the
// empty config first when the repository lacks it; tried up to 3 times
// (not after 401 or 403). The registry's last error otherwise.
Status PutEmptyManifest(RemoteRepository& repository, std::string_view tag, const ManifestBytes& manifest);

// 32 random hex digits (std::random_device).
std::string RandomHex();

struct StoreJournal {
  std::string writer;          // 16 hex digits
  std::uint64_t sequence = 0;  // the last entry's (0: none yet)
  // Oldest first; sequence numbers consecutive, the last one `sequence`.
  std::deque<std::pair<std::uint64_t, std::string>> entries;

  // Gives each of `keys` the next sequence number; drops the oldest
  // entries past kMaxJournalEntries.
  void Append(const std::vector<std::string>& keys);

  // The keys changed after sequence `seen`; nullopt when the journal no
  // longer holds all of them (or `seen` is ahead of it: a journal started
  // over), so the reader must read everything.
  std::optional<std::set<std::string>> KeysAfter(std::uint64_t seen) const;

  ManifestBytes Encode() const;
  // kInvalidParameter "not a store journal: …" for anything Encode did not
  // write (a manifest without its annotations, entries out of order).
  static Result<StoreJournal> Decode(std::string_view bytes);
};

// "w-<writer>", and back (nullopt for other tags).
std::string JournalTag(std::string_view writer);
std::optional<std::string> WriterOfJournalTag(std::string_view tag);

// The writer id kept in `dir`/kWriterFile; a new one (written there) when
// the file is missing or unreadable, or when `fresh`. An id that could not
// be written is still returned (the next start makes another).
std::string WriterId(const std::string& dir, bool fresh);

}  // namespace berth::store

#endif  // BERTH_SRC_STORE_STORE_MARKERS_H_
