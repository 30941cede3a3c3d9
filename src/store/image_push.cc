// A push from the store, as dockerd reports it: "The push refers to
// repository [...]" first (so a missing image is an error in the stream),
// a line per layer by its DiffID, the copy engine moving the manifest as it
// was pulled (so the digest is the pulled one), then "TAG: digest: … size:
// N" and the aux PushResult.
#include <algorithm>

#include "json/value.h"
#include "registry/documents.h"
#include "store/store.h"
#include "transfer/copy_engine.h"
#include "transfer/open_location.h"

namespace berth::store {
namespace {

// The config's rootfs.diff_ids ("" where it has none).
std::vector<std::string> DiffIds(const std::string& config) {
  json_detail::JsonValue doc;
  std::vector<std::string> ids;
  if (!json_detail::ParseJson(config, doc).ok() || !doc.is_object()) return ids;
  const json_detail::JsonValue* rootfs = doc.Find("rootfs");
  const json_detail::JsonValue* diff_ids = rootfs ? rootfs->Find("diff_ids") : nullptr;
  if (diff_ids == nullptr) return ids;
  for (const json_detail::JsonValue& v : diff_ids->items) ids.push_back(v.is_string() ? v.text : "");
  return ids;
}

}  // namespace

Status Store::Push(const Reference& requested, const ImagePushOptions& options) {
  auto say = [&](const std::string& id, const std::string& status) {
    if (options.progress) options.progress(ImageProgress{id, status});
  };
  say("", "The push refers to repository [" + requested.Name() + "]");
  // The tags to push: the one asked for, or every tag of the repository.
  std::vector<std::pair<Reference, StoredImage>> pushes;
  const std::vector<StoredImage> images = Images();
  for (const StoredImage& image : images) {
    for (const std::string& name : image.names) {
      Result<Reference> ref = ParseNormalizedNamed(name);
      if (!ref || ref->has_digest() || ref->Name() != requested.Name()) continue;
      if (requested.has_tag() && ref->tag() != requested.tag()) continue;
      pushes.emplace_back(*ref, image);
    }
  }
  if (pushes.empty()) {
    bool repository_known = std::any_of(images.begin(), images.end(), [&](const StoredImage& i) {
      return std::any_of(i.names.begin(), i.names.end(), [&](const std::string& n) {
        Result<Reference> ref = ParseNormalizedNamed(n);
        return ref && ref->Name() == requested.Name();
      });
    });
    if (requested.has_tag() && repository_known) {
      return Error(ErrorKind::kNotFound, "tag does not exist: " + requested.FamiliarString());
    }
    return Error(ErrorKind::kNotFound, "An image does not exist locally with the tag: " + requested.FamiliarName());
  }
  for (auto& [ref, image] : pushes) {
    // The manifest this name points at, as pulled (an image may have several).
    if (std::optional<Descriptor> named = Named(ref.String())) image.manifest = *named;
    Result<ImageRecord> record = RecordOf(image.manifest);
    if (!record) return record.error();
    Result<std::string> config = ReadBlob(record->config_digest, kMaxDocumentBytes);
    if (!config) return config.error();
    const std::vector<std::string> diff_ids = DiffIds(*config);
    // Layers by DiffID, as dockerd names them (the blob's digest where the
    // config lacks one).
    std::map<std::string, std::string> id_of;
    for (std::size_t i = 0; i < record->layers.size(); ++i) {
      const std::string& diff = i < diff_ids.size() && !diff_ids[i].empty() ? diff_ids[i] : record->layers[i].digest;
      id_of[record->layers[i].digest] = ShortId(diff);
    }
    for (const Descriptor& l : record->layers) say(id_of[l.digest], "Preparing");

    Result<std::unique_ptr<transfer::Location>> source = OpenForReading(image.manifest.digest);
    if (!source) return source.error();
    Result<std::unique_ptr<transfer::Location>> destination =
        transfer::OpenLocation(client_, ImageLocation{LocationKind::kRegistry, ref.String(), ""},
                               transfer::Access::kWrite, options.auth, true);
    if (!destination) return destination.error();
    CopyOptions copy;
    copy.cancelled = options.cancelled;
    copy.on_event = [&](const CopyEvent& e) {
      auto it = id_of.find(e.descriptor.digest);
      if (!options.progress || it == id_of.end()) return;
      const std::string& id = it->second;
      switch (e.kind) {
        case CopyEvent::Kind::kBlobSkipped: say(id, "Layer already exists"); break;
        case CopyEvent::Kind::kBlobMounted: say(id, "Mounted from " + e.text); break;
        case CopyEvent::Kind::kBlobStarted:
        case CopyEvent::Kind::kBlobProgress:
          options.progress(ImageProgress{id, "Pushing", e.bytes, e.descriptor.size});
          break;
        case CopyEvent::Kind::kBlobCopied: say(id, "Pushed"); break;
        default: break;
      }
    };
    Result<CopyResult> copied = transfer::CopyBetween(**source, **destination, copy, "", "");
    if (!copied) return copied.error();
    Count(*copied, Direction::kOut);
    // An image the registry had: its layers were never looked at.
    if (copied->images.empty() || copied->blobs_skipped + copied->blobs_copied + copied->blobs_mounted == 0) {
      for (const Descriptor& l : record->layers) say(id_of[l.digest], "Layer already exists");
    }
    // The digest pushed is the image's RepoDigest there too, as dockerd records it.
    if (Result<bool> named = Name(ref.Name() + "@" + image.manifest.digest, image.manifest); !named) {
      return named.error();
    }
    const std::string size = std::to_string(image.manifest.size);
    say("", ref.tag() + ": digest: " + image.manifest.digest + " size: " + size);
    if (options.progress) {
      options.progress(ImageProgress{"", "", -1, -1,
                                     "{\"Tag\":" + JsonQuoted(ref.tag()) + ",\"Digest\":" +
                                         JsonQuoted(image.manifest.digest) + ",\"Size\":" + size + "}"});
    }
  }
  CountOperation(&ImageStoreStats::pushes);
  return {};
}

}  // namespace berth::store
