// docker save and docker load over the store.
//
// Save writes v25's tar as it is made: blobs/sha256/… (manifests, configs,
// layers as stored), oci-layout, index.json naming each saved tag, and
// manifest.json plus repositories for loaders that read the legacy form.
// Load unpacks a tar (UnpackTar refuses hostile entries) beside the store,
// reads it through index.json when it has one (v25, berth, an OCI archive)
// or manifest.json (older docker, skopeo), copies each image in verified,
// and names it.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "json/value.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "store/store.h"
#include "transfer/copy_engine.h"
#include "transfer/files.h"
#include "transfer/layout_index.h"
#include "transfer/legacy_docker_archive.h"
#include "transfer/oci_layout.h"
#include "transfer/platforms.h"
#include "transfer/scratch_directory.h"
#include "transfer/tar_files.h"

namespace berth::store {
namespace {

std::string Member(const std::string& digest) {
  const std::size_t colon = digest.find(':');
  return "blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

// What one saved image carries: its tags (full references).
struct SavedImage {
  StoredImage image;
  std::vector<Reference> tags;
};

}  // namespace

// dockerd's save: an ID saves the image untagged; a name with a tag or
// digest that image with that tag; a bare name every tag of it.
Status Store::Save(const std::vector<std::string>& names, const BlobSink& sink) {
  std::vector<SavedImage> saved;
  auto add = [&](const StoredImage& image, std::optional<Reference> tag) {
    auto it = std::find_if(saved.begin(), saved.end(),
                           [&](const SavedImage& s) { return s.image.manifest.digest == image.manifest.digest; });
    if (it == saved.end()) {
      saved.push_back({image, {}});
      it = saved.end() - 1;
    }
    if (tag && std::find(it->tags.begin(), it->tags.end(), *tag) == it->tags.end()) it->tags.push_back(*tag);
  };
  const std::vector<StoredImage> all = Images();
  for (const std::string& name : names) {
    Result<Reference> ref = ParseAnyReference(name);
    if (ref && ref->named() && !ref->has_tag() && !ref->has_digest()) {
      bool any = false;
      for (const StoredImage& image : all) {
        for (const std::string& n : image.names) {
          Result<Reference> r = ParseNormalizedNamed(n);
          if (r && r->Name() == ref->Name() && r->has_tag() && !r->has_digest()) {
            StoredImage named = image;
            if (std::optional<Descriptor> m = Named(n)) named.manifest = *m;
            add(named, *r);
            any = true;
          }
        }
      }
      if (any) continue;
    }
    Result<StoredImage> image = Find(name);
    if (!image) return image.error();
    std::optional<Reference> tag;
    if (ref && ref->named() && ref->has_tag()) tag = TagNameOnly(*ref);
    add(*image, tag);
  }

  // Every blob there and whole before the first byte: a damaged image is an
  // error the client sees, not a tar that ends short.
  for (const SavedImage& s : saved) {
    Result<ImageRecord> record = RecordOf(s.image.manifest);
    if (!record) return record.error();
    std::vector<std::pair<std::string, std::int64_t>> blobs{{record->config_digest, record->config_size},
                                                            {s.image.manifest.digest, s.image.manifest.size}};
    for (const Descriptor& l : record->layers) blobs.emplace_back(l.digest, l.size);
    for (const auto& [digest, size] : blobs) {
      struct stat st {};
      if (::stat(BlobPath(digest).c_str(), &st) != 0 || st.st_size != size) {
        return Error(ErrorKind::kSystem, "image " + ShortId(s.image.id) + " is damaged in the store: blob " + digest +
                                             " is missing or not " + std::to_string(size) + " bytes");
      }
    }
  }
  // Blobs stay while they are saved (a prune meanwhile leaves them), and
  // each is checked against its digest as it goes into the tar.
  std::vector<std::string> pinned;
  for (const SavedImage& s : saved) {
    Result<ImageRecord> record = RecordOf(s.image.manifest);
    if (!record) return record.error();
    pinned.push_back(record->config_digest);
    pinned.push_back(s.image.manifest.digest);
    for (const Descriptor& l : record->layers) pinned.push_back(l.digest);
  }
  const BlobClaims::Pins pins(claims_, std::move(pinned));
  Result<std::unique_ptr<transfer::TarWriter>> tar = transfer::TarWriter::Open(sink);
  if (!tar) return tar.error();
  std::set<std::string> written;
  auto blob = [&](const std::string& digest, std::int64_t size) -> Status {
    if (!written.insert(digest).second) return {};
    Result<std::unique_ptr<BlobReader>> reader = transfer::OpenVerifiedFile(BlobPath(digest), {"", digest, size});
    if (!reader) return reader.error();
    return (*tar)->AddReader(Member(digest), size, **reader);
  };
  std::vector<Descriptor> index;
  std::string manifest_json = "[";
  std::string repositories;
  for (const SavedImage& s : saved) {
    Result<ImageRecord> record = RecordOf(s.image.manifest);
    if (!record) return record.error();
    if (Status st = blob(record->config_digest, record->config_size); !st.ok()) return st;
    for (const Descriptor& l : record->layers)
      if (Status st = blob(l.digest, l.size); !st.ok()) return st;
    if (Status st = blob(s.image.manifest.digest, s.image.manifest.size); !st.ok()) return st;
    Descriptor entry{s.image.manifest.media_type, s.image.manifest.digest, s.image.manifest.size};
    if (s.tags.empty()) index.push_back(entry);
    std::string tags = s.tags.empty() ? "null" : "[";
    for (std::size_t i = 0; i < s.tags.size(); ++i) {
      Descriptor named = entry;
      named.annotations.emplace();
      (*named.annotations)[std::string(transfer::kImageNameAnnotation)] = s.tags[i].String();
      (*named.annotations)[std::string(transfer::kRefNameAnnotation)] = s.tags[i].tag();
      index.push_back(std::move(named));
      tags += (i ? "," : "") + JsonQuoted(s.tags[i].FamiliarString());
      if (!record->layers.empty()) {
        const std::string& top = record->layers.back().digest;
        repositories += std::string(repositories.empty() ? "" : ",") + JsonQuoted(s.tags[i].FamiliarName()) + ":{" +
                        JsonQuoted(s.tags[i].tag()) + ":" + JsonQuoted(top.substr(top.find(':') + 1)) + "}";
      }
    }
    if (!s.tags.empty()) tags += "]";
    std::string layers;
    for (const Descriptor& l : record->layers) layers += (layers.empty() ? "" : ",") + JsonQuoted(Member(l.digest));
    manifest_json += std::string(manifest_json.size() > 1 ? "," : "") +
                     "{\"Config\":" + JsonQuoted(Member(record->config_digest)) + ",\"RepoTags\":" + tags +
                     ",\"Layers\":[" + layers + "]}";
  }
  manifest_json += "]";
  if (Status st = (*tar)->AddBytes("index.json", transfer::IndexOf(registry::kOciIndex, index)); !st.ok()) return st;
  if (Status st = (*tar)->AddBytes("manifest.json", manifest_json); !st.ok()) return st;
  if (Status st = (*tar)->AddBytes("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"); !st.ok()) return st;
  if (!repositories.empty()) {
    if (Status st = (*tar)->AddBytes("repositories", "{" + repositories + "}"); !st.ok()) return st;
  }
  return (*tar)->Close();
}

namespace {

// manifest.json's RepoTags, entry by entry.
Result<std::vector<std::vector<std::string>>> LegacyRepoTags(const std::string& dir) {
  Result<std::string> text = transfer::ReadWholeFile(dir + "/manifest.json", kMaxDocumentBytes);
  if (!text) return text.error();
  json_detail::JsonValue doc;
  if (Status s = json_detail::ParseJson(*text, doc); !s.ok() || doc.kind != json_detail::JsonValue::Kind::kArray) {
    return Error(ErrorKind::kInvalidParameter, "manifest.json: not a docker save manifest");
  }
  std::vector<std::vector<std::string>> out;
  for (const json_detail::JsonValue& entry : doc.items) {
    std::vector<std::string> tags;
    if (const json_detail::JsonValue* repo_tags = entry.Find("RepoTags")) {
      for (const json_detail::JsonValue& t : repo_tags->items)
        if (t.is_string()) tags.push_back(t.text);
    }
    out.push_back(std::move(tags));
  }
  return out;
}

}  // namespace

Status Store::Load(const std::string& path, const ProgressFunc& progress) {
  auto stream = [&](const std::string& line) {
    if (progress) progress(ImageProgress{"", line});
  };
  const std::string base = std::filesystem::path(dir_).parent_path().string() + "/tmp";
  if (Status s = transfer::MakeDirectories(base); !s.ok()) return s;
  Result<std::unique_ptr<transfer::ScratchDirectory>> scratch = transfer::ScratchDirectory::Make(base);
  if (!scratch) return scratch.error();
  const std::string& dir = (*scratch)->path();
  if (Status s = transfer::UnpackTar(path, dir); !s.ok()) {
    // The spooled file's name means nothing to the client.
    std::string message = s.message();
    if (const std::string prefix = "archive " + path + ": "; message.starts_with(prefix)) {
      message = message.substr(prefix.size());
    }
    return Error(ErrorKind::kInvalidParameter, "invalid tar archive: " + message);
  }
  // Each image of the archive: a location reading it, and its names.
  struct Loaded {
    std::unique_ptr<transfer::Location> source;
    std::vector<std::string> names;  // as the archive gives them
  };
  std::vector<Loaded> images;
  struct stat st {};
  if (::stat((dir + "/index.json").c_str(), &st) == 0) {
    Result<std::string> text = transfer::ReadWholeFile(dir + "/index.json", kMaxDocumentBytes);
    if (!text) return text.error();
    Result<transfer::LayoutIndex> index = transfer::LayoutIndex::Parse(*text, "archive");
    if (!index) return Error(ErrorKind::kInvalidParameter, index.error().message());
    for (const Descriptor& d : index->entries()) {
      auto it = std::find_if(images.begin(), images.end(),
                             [&](const Loaded& l) { return l.source->reference() == d.digest; });
      if (it == images.end()) {
        Result<std::unique_ptr<transfer::Location>> layout =
            transfer::OpenOciLayout(dir, d.digest, false, kMaxDocumentBytes, {.label = "archive"});
        if (!layout) return Error(ErrorKind::kInvalidParameter, layout.error().message());
        images.push_back({std::move(*layout), {}});
        it = images.end() - 1;
      }
      const std::string name = transfer::AnnotationOf(d, transfer::kImageNameAnnotation);
      if (!name.empty()) it->names.push_back(name);
    }
  } else {
    Result<std::vector<std::vector<std::string>>> entries = LegacyRepoTags(dir);
    if (!entries) return entries.error();
    for (const std::vector<std::string>& tags : *entries) {
      const std::string pick = tags.empty() ? (entries->size() == 1 ? "" : "\x01") : tags.front();
      if (pick == "\x01") continue;  // an untagged entry among several: nothing names it
      Result<std::unique_ptr<transfer::Location>> legacy =
          transfer::OpenLegacyDockerArchive(dir, pick, kMaxDocumentBytes);
      if (!legacy) return Error(ErrorKind::kInvalidParameter, legacy.error().message());
      images.push_back({std::move(*legacy), tags});
    }
  }
  if (images.empty()) return Error(ErrorKind::kInvalidParameter, "no images found in the archive");

  for (Loaded& l : images) {
    Result<ManifestBytes> top = l.source->GetManifest(l.source->reference());
    if (!top) return Error(ErrorKind::kInvalidParameter, top.error().message());
    ManifestBytes image = *top;
    if (registry::IsIndexType(top->media_type)) {
      if (Status s = transfer::SelectPlatforms(*l.source, true, {}, image, "the archive"); !s.ok()) return s;
    }
    Result<std::unique_ptr<transfer::Location>> destination = OpenForWriting(nullptr);
    if (!destination) return destination.error();
    Result<CopyResult> copied = transfer::CopyBetween(*l.source, **destination, CopyOptions{}, "", "", image.digest);
    if (!copied) return copied.error();
    Count(*copied, Direction::kIn);
    const Descriptor manifest{image.media_type, image.digest, static_cast<std::int64_t>(image.bytes.size())};
    Result<ImageRecord> record = RecordOf(manifest);
    if (!record) return record.error();
    Result<std::string> config = ReadBlob(record->config_digest, kMaxDocumentBytes);
    if (!config) return config.error();
    if (Status s = CheckImageConfig(*config, record->layers.size()); !s.ok()) return s;
    if (l.names.empty()) {
      {
        // Kept without a name (dangling), unless the image has names already.
        bool known = false;
        for (const StoredImage& i : Images()) known = known || i.manifest.digest == manifest.digest;
        if (!known) {
          std::lock_guard lock(mu_);
          entries_.push_back(NameEntry{"", manifest});
          if (Status s = WriteIndexLocked(); !s.ok()) return s;
        }
      }
      stream("Loaded image ID: " + record->config_digest);
      continue;
    }
    for (const std::string& name : l.names) {
      Result<Reference> ref = ParseNormalizedNamed(name);
      if (!ref) return Error(ErrorKind::kInvalidParameter, "invalid tag \"" + name + "\": " + ref.error().message());
      if (ref->has_digest()) continue;
      const Reference tagged = TagNameOnly(*ref);
      if (std::optional<Descriptor> before = Named(tagged.String()); before && before->digest != manifest.digest) {
        Result<ImageRecord> old = RecordOf(*before);
        if (old && old->config_digest != record->config_digest) {
          stream("The image " + tagged.FamiliarString() + " already exists, renaming the old one with ID " +
                 old->config_digest + " to empty string");
        }
      }
      Result<bool> named = Name(tagged.String(), manifest);
      if (!named) return named.error();
      stream("Loaded image: " + tagged.FamiliarString());
    }
  }
  CountOperation(&ImageStoreStats::loads);
  return {};
}

}  // namespace berth::store
