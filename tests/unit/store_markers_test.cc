// The registry image store's own manifests (src/store/store_markers.h):
// the journals that tell instances which names changed, and how a reader
// decides between reading those names and reading everything.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "registry/digest.h"
#include "registry/documents.h"
#include "store/store_markers.h"

namespace berth::store {
namespace {

StoreJournal Journal(std::uint64_t keys) {
  StoreJournal j{"0123456789abcdef", 0, {}};
  for (std::uint64_t i = 1; i <= keys; ++i) j.Append({"docker.io/library/a:" + std::to_string(i)});
  return j;
}

TEST(StoreMarkers, EmptyManifestIsAnOciImageManifestWithItsAnnotations) {
  const ManifestBytes m = EmptyManifest({{"b", "two\nlines \"quoted\""}, {"a", "1"}});
  EXPECT_EQ(m.digest, registry::Sha256Digest(m.bytes));
  EXPECT_EQ(m.media_type, "application/vnd.oci.image.manifest.v1+json");
  registry::ManifestDocument doc;
  ASSERT_TRUE(registry::DecodeDocument(m.bytes, doc).ok()) << m.bytes;
  ASSERT_TRUE(doc.config);
  EXPECT_EQ(doc.config->media_type, "application/vnd.oci.empty.v1+json");
  EXPECT_EQ(doc.config->digest, registry::Sha256Digest("{}"));
  EXPECT_TRUE(doc.layers.empty());
  ASSERT_TRUE(doc.annotations);
  EXPECT_EQ(*doc.annotations, (std::map<std::string, std::string>{{"a", "1"}, {"b", "two\nlines \"quoted\""}}));
  // The tombstone is one digest for every instance, and stays what it was.
  EXPECT_EQ(
      EmptyManifest({{"org.berth.store.removed", "true"}}).bytes,
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":)"
      R"("application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c06)"
      R"(0f61caaff8a","size":2},"layers":[],"annotations":{"org.berth.store.removed":"true"}})");
}

TEST(StoreMarkers, JournalRoundTrips) {
  StoreJournal j = Journal(3);
  j.Append({"<none>@sha256:" + std::string(64, 'b'), "127.0.0.1:5000/x/y@sha256:" + std::string(64, 'c')});
  Result<StoreJournal> back = StoreJournal::Decode(j.Encode().bytes);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->writer, j.writer);
  EXPECT_EQ(back->sequence, 5u);
  EXPECT_EQ(back->entries, j.entries);
  StoreJournal empty{"0123456789abcdef", 0, {}};
  Result<StoreJournal> none = StoreJournal::Decode(empty.Encode().bytes);
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_EQ(none->sequence, 0u);
  EXPECT_TRUE(none->entries.empty());
}

TEST(StoreMarkers, KeysAfterWhatAReaderSaw) {
  StoreJournal j = Journal(4);
  EXPECT_EQ(*j.KeysAfter(4), std::set<std::string>{});
  EXPECT_EQ(*j.KeysAfter(2), (std::set<std::string>{"docker.io/library/a:3", "docker.io/library/a:4"}));
  EXPECT_EQ(j.KeysAfter(0)->size(), 4u);
  // A journal started over (the reader saw more than it holds).
  EXPECT_FALSE(j.KeysAfter(5));
}

TEST(StoreMarkers, AJournalCutShortSendsReadersToReadEverything) {
  StoreJournal j = Journal(kMaxJournalEntries + 10);
  EXPECT_EQ(j.entries.size(), kMaxJournalEntries);
  EXPECT_EQ(j.entries.front().first, 11u);
  EXPECT_FALSE(j.KeysAfter(9));  // entry 10 is gone
  EXPECT_TRUE(j.KeysAfter(10));  // everything after 10 is there
  EXPECT_EQ(j.KeysAfter(10)->size(), kMaxJournalEntries);
  Result<StoreJournal> back = StoreJournal::Decode(j.Encode().bytes);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->entries.front().first, 11u);
}

TEST(StoreMarkers, DecodeRefusesWhatIsNotAJournal) {
  const std::string w = "org.berth.store.writer", s = "org.berth.store.sequence", c = "org.berth.store.changes";
  const std::map<std::string, std::string> good{{w, "0123456789abcdef"}, {s, "2"}, {c, "1 a:1\n2 a:2\n"}};
  ASSERT_TRUE(StoreJournal::Decode(EmptyManifest(good).bytes));
  auto with = [&](const std::string& name, const std::string& value) {
    std::map<std::string, std::string> a = good;
    a[name] = value;
    return EmptyManifest(a).bytes;
  };
  auto without = [&](const std::string& name) {
    std::map<std::string, std::string> a = good;
    a.erase(name);
    return EmptyManifest(a).bytes;
  };
  for (const std::string& bad :
       {std::string("{"), std::string("[]"), EmptyManifest({{"org.berth.store.removed", "true"}}).bytes, without(w),
        without(s), without(c), with(w, "ABCDEF0123456789"), with(w, "0123"), with(s, "x"), with(s, "-1"), with(s, "3"),
        with(c, "1 a:1\n3 a:2\n"), with(c, "1 a:1\n2 a:2"), with(c, "1\n2 a:2\n"), with(c, "x a\n"),
        with(c, "1 \n2 a\n")}) {
    Result<StoreJournal> r = StoreJournal::Decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidParameter);
    EXPECT_TRUE(r.error().message().starts_with("not a store journal: ")) << r.error().message();
  }
}

TEST(StoreMarkers, JournalTagsNameTheirWriters) {
  EXPECT_EQ(JournalTag("0123456789abcdef"), "w-0123456789abcdef");
  EXPECT_EQ(WriterOfJournalTag("w-0123456789abcdef"), "0123456789abcdef");
  for (const char* other : {"latest", "w-", "w-0123", "w-0123456789ABCDEF", "x-0123456789abcdef"})
    EXPECT_FALSE(WriterOfJournalTag(other)) << other;
}

TEST(StoreMarkers, TheWriterIdIsKeptInTheCacheDirectory) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("berth-writer-" + RandomHex());
  std::filesystem::create_directories(dir);
  const std::string first = WriterId(dir.string(), false);
  EXPECT_TRUE(WriterOfJournalTag(JournalTag(first))) << first;
  EXPECT_EQ(WriterId(dir.string(), false), first);
  const std::string fresh = WriterId(dir.string(), true);
  EXPECT_NE(fresh, first);
  EXPECT_EQ(WriterId(dir.string(), false), fresh);
  std::ofstream(dir / std::string(kWriterFile)) << "not an id\n";
  const std::string replaced = WriterId(dir.string(), false);
  EXPECT_TRUE(WriterOfJournalTag(JournalTag(replaced)));
  EXPECT_EQ(WriterId(dir.string(), false), replaced);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace berth::store
