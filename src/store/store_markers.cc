#include "store/store_markers.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <random>
#include <thread>

#include "json/writer.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/media_types.h"
#include "transfer/files.h"

namespace berth::store {
namespace {

constexpr std::string_view kEmptyJson = "{}";
constexpr std::string_view kOciEmptyType = "application/vnd.oci.empty.v1+json";
constexpr std::string_view kWriterAnnotation = "org.berth.store.writer";
constexpr std::string_view kSequenceAnnotation = "org.berth.store.sequence";
// "SEQUENCE KEY" lines, oldest first (keys hold neither spaces nor newlines).
constexpr std::string_view kChangesAnnotation = "org.berth.store.changes";

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

bool IsWriterId(std::string_view id) {
  return id.size() == 16 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::uint64_t> ParseSequence(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Error NotAJournal(std::string_view why) {
  return Error(ErrorKind::kInvalidParameter, "not a store journal: " + std::string(why));
}

}  // namespace

ManifestBytes EmptyManifest(const std::map<std::string, std::string>& annotations) {
  json_detail::Writer w(/*escape_html=*/false);
  w.Raw(R"({"schemaVersion":2,"mediaType":")");
  w.Raw(registry::kOciManifest);
  w.Raw(R"(","config":{"mediaType":")");
  w.Raw(kOciEmptyType);
  w.Raw(R"(","digest":")");
  w.Raw(registry::Sha256Digest(kEmptyJson));
  w.Raw(R"(","size":2},"layers":[],"annotations":{)");
  bool first = true;
  for (const auto& [name, value] : annotations) {
    if (!first) w.Char(',');
    first = false;
    w.String(name);
    w.Char(':');
    w.String(value);
  }
  w.Raw("}}");
  std::string bytes(w.view());
  std::string digest = registry::Sha256Digest(bytes);
  return ManifestBytes{std::move(bytes), std::string(registry::kOciManifest), std::move(digest)};
}

namespace {

Status PutEmptyManifestOnce(RemoteRepository& repository, std::string_view tag, const ManifestBytes& manifest) {
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

Status PutEmptyManifest(RemoteRepository& repository, std::string_view tag, const ManifestBytes& manifest) {
  // Tried again (3 times in all, 50 then 100 ms apart) unless refused for
  // want of rights: while another instance uploads the same empty config
  // to the repository, the CNCF registry answers DIGEST_INVALID or
  // MANIFEST_BLOB_UNKNOWN for a manifest that is valid.
  for (int attempt = 1;; ++attempt) {
    Status s = PutEmptyManifestOnce(repository, tag, manifest);
    const ErrorKind kind = s.ok() ? ErrorKind::kSystem : s.error().kind();
    if (s.ok() || attempt == 3 || kind == ErrorKind::kUnauthorized || kind == ErrorKind::kForbidden) return s;
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

void StoreJournal::Append(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) entries.emplace_back(++sequence, key);
  while (entries.size() > kMaxJournalEntries) entries.pop_front();
}

std::optional<std::set<std::string>> StoreJournal::KeysAfter(std::uint64_t seen) const {
  if (seen > sequence) return std::nullopt;
  std::set<std::string> keys;
  if (seen == sequence) return keys;
  if (entries.empty() || entries.front().first > seen + 1) return std::nullopt;
  for (const auto& [number, key] : entries)
    if (number > seen) keys.insert(key);
  return keys;
}

ManifestBytes StoreJournal::Encode() const {
  std::string changes;
  for (const auto& [number, key] : entries) {
    changes += std::to_string(number);
    changes += ' ';
    changes += key;
    changes += '\n';
  }
  return EmptyManifest({{std::string(kWriterAnnotation), writer},
                        {std::string(kSequenceAnnotation), std::to_string(sequence)},
                        {std::string(kChangesAnnotation), changes}});
}

Result<StoreJournal> StoreJournal::Decode(std::string_view bytes) {
  registry::ManifestDocument doc;
  if (Status s = registry::DecodeDocument(bytes, doc); !s.ok()) return NotAJournal(s.message());
  if (!doc.annotations) return NotAJournal("no annotations");
  auto annotation = [&](std::string_view name) -> const std::string* {
    auto it = doc.annotations->find(std::string(name));
    return it == doc.annotations->end() ? nullptr : &it->second;
  };
  const std::string* writer = annotation(kWriterAnnotation);
  const std::string* sequence = annotation(kSequenceAnnotation);
  const std::string* changes = annotation(kChangesAnnotation);
  if (!writer || !sequence || !changes) return NotAJournal("its annotations are missing");
  if (!IsWriterId(*writer)) return NotAJournal("bad writer id");
  StoreJournal journal;
  journal.writer = *writer;
  std::optional<std::uint64_t> last = ParseSequence(*sequence);
  if (!last) return NotAJournal("bad sequence number");
  journal.sequence = *last;
  std::string_view rest = *changes;
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) return NotAJournal("an unfinished entry");
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space + 1 == line.size()) return NotAJournal("a bad entry");
    std::optional<std::uint64_t> number = ParseSequence(line.substr(0, space));
    if (!number) return NotAJournal("a bad entry");
    if (!journal.entries.empty() && *number != journal.entries.back().first + 1) {
      return NotAJournal("entries out of order");
    }
    journal.entries.emplace_back(*number, std::string(line.substr(space + 1)));
  }
  if (journal.entries.size() > kMaxJournalEntries) return NotAJournal("too many entries");
  const std::uint64_t last_entry = journal.entries.empty() ? 0 : journal.entries.back().first;
  if (last_entry != journal.sequence) {
    return NotAJournal("its sequence number is not its last entry's");
  }
  return journal;
}

std::string JournalTag(std::string_view writer) {
  return "w-" + std::string(writer);
}

std::optional<std::string> WriterOfJournalTag(std::string_view tag) {
  if (!tag.starts_with("w-") || !IsWriterId(tag.substr(2))) return std::nullopt;
  return std::string(tag.substr(2));
}

std::string WriterId(const std::string& dir, bool fresh) {
  const std::string path = dir + "/" + std::string(kWriterFile);
  if (!fresh) {
    if (Result<std::string> kept = transfer::ReadWholeFile(path, 64)) {
      std::string id = *kept;
      while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
      if (IsWriterId(id)) return id;
    }
  }
  std::string id = RandomHex().substr(0, 16);
  (void)transfer::ReplaceFile(path, id + "\n");
  return id;
}

}  // namespace berth::store
