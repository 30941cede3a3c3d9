// A pull into the store, as dockerd's graphdriver pull reports it: the
// manifest resolved (errors worded as dockerd words them), "Pulling from",
// one line per layer, the copy engine moving what is missing (one fetch per
// blob across concurrent pulls), then the names and the RepoDigest.
#include <algorithm>
#include <set>

#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "store/store.h"
#include "transfer/copy_engine.h"
#include "transfer/open_location.h"
#include "transfer/platforms.h"

namespace berth::store {
namespace {

// dockerd's words for what a registry said about a pull (distribution's
// errors.go): not found and denied are 404s naming the image; the rest are
// 500s with the registry's text.
Error PullError(const Error& e, const Reference& ref) {
  const std::string& m = e.message();
  if (m.starts_with("denied:")) {
    return Error(ErrorKind::kNotFound, "pull access denied for " + ref.FamiliarName() +
                                           ", repository does not exist or may require 'docker login': " + m);
  }
  if (m.starts_with("manifest unknown:")) {
    return Error(ErrorKind::kNotFound, "manifest for " + ref.FamiliarString() + " not found: " + m);
  }
  if (m.starts_with("name unknown:")) {
    return Error(ErrorKind::kNotFound, "repository " + ref.Name() + " not found: " + m);
  }
  // A blob that is not what its digest says ("digest mismatch: got X for D").
  if (const std::size_t for_at = m.rfind(" for ");
      m.starts_with("digest mismatch: got ") && for_at != std::string::npos) {
    return Error(ErrorKind::kSystem, "filesystem layer verification failed for digest " + m.substr(for_at + 5));
  }
  if (e.kind() == ErrorKind::kNotFound || e.kind() == ErrorKind::kInvalidParameter) return e;
  return Error(ErrorKind::kSystem, m);
}

bool IsLayer(const Descriptor& d, const std::vector<Descriptor>& layers) {
  return std::any_of(layers.begin(), layers.end(), [&](const Descriptor& l) { return l.digest == d.digest; });
}

}  // namespace

Status Store::Pull(const Reference& requested, const ImagePullOptions& options) {
  const Reference ref = TagNameOnly(requested);
  auto say = [&](const std::string& id, const std::string& status) {
    if (options.progress) options.progress(ImageProgress{id, status});
  };
  Result<std::unique_ptr<transfer::Location>> remote = transfer::OpenLocation(
      client_, ImageLocation{LocationKind::kRegistry, ref.String(), ""}, transfer::Access::kRead, options.auth, true);
  if (!remote) return PullError(remote.error(), ref);
  if (options.cancelled) (*remote)->SetCancelled(options.cancelled);
  Result<ManifestBytes> top = (*remote)->GetManifest((*remote)->reference());
  if (!top) return PullError(top.error(), ref);
  ManifestBytes image = *top;
  const Platform platform = options.platform.value_or(transfer::HostPlatform());
  if (registry::IsIndexType(top->media_type)) {
    registry::ManifestDocument index;
    if (Status s = registry::DecodeDocument(top->bytes, index); !s.ok()) return Error(ErrorKind::kSystem, s.message());
    if (std::none_of(index.manifests.begin(), index.manifests.end(),
                     [&](const Descriptor& d) { return transfer::PlatformMatches(platform, d.platform); })) {
      return Error(ErrorKind::kNotFound,
                   "no matching manifest for " + transfer::PlatformText(platform) + " in the manifest list entries");
    }
    if (Status s = transfer::SelectPlatforms(**remote, false, {platform}, image, ref.FamiliarString()); !s.ok()) {
      return PullError(s.error(), ref);
    }
  }
  registry::ManifestDocument doc;
  if (Status s = registry::DecodeDocument(image.bytes, doc); !s.ok()) {
    return Error(ErrorKind::kSystem, "manifest " + image.digest + ": " + s.message());
  }
  if (!doc.config) {
    return Error(ErrorKind::kInvalidParameter, "manifest " + image.digest + " is not an image (it has no config)");
  }
  const std::vector<Descriptor> layers(doc.layers.begin(), doc.layers.end());
  say(ref.has_digest() ? ref.digest() : ref.tag(), "Pulling from " + ref.path());

  // What the collector must keep until the image is named.
  std::vector<std::string> pinned{image.digest, doc.config->digest};
  for (const Descriptor& l : layers) pinned.push_back(l.digest);
  const BlobClaims::Pins pins(claims_, std::move(pinned));

  std::set<std::string> fetching;
  for (const Descriptor& l : layers) {
    const bool there = HasBlob(l);
    if (!there) fetching.insert(l.digest);
    say(ShortId(l.digest), there ? "Already exists" : "Pulling fs layer");
  }

  Result<std::unique_ptr<transfer::Location>> source =
      transfer::OpenLocation(client_, ImageLocation{LocationKind::kRegistry, ref.Name() + "@" + image.digest, ""},
                             transfer::Access::kRead, options.auth, true);
  if (!source) return PullError(source.error(), ref);
  Result<std::unique_ptr<transfer::Location>> destination = OpenForWriting(options.cancelled);
  if (!destination) return destination.error();
  CopyOptions copy;
  copy.cancelled = options.cancelled;
  copy.on_event = [&](const CopyEvent& e) {
    if (!options.progress || !IsLayer(e.descriptor, layers)) return;
    const std::string id = ShortId(e.descriptor.digest);
    switch (e.kind) {
      case CopyEvent::Kind::kBlobStarted:
      case CopyEvent::Kind::kBlobProgress:
        options.progress(ImageProgress{id, "Downloading", e.bytes, e.descriptor.size});
        break;
      case CopyEvent::Kind::kBlobCopied:
        say(id, "Verifying Checksum");
        say(id, "Download complete");
        break;
      case CopyEvent::Kind::kBlobSkipped:  // another pull fetched it meanwhile
        if (fetching.count(e.descriptor.digest)) say(id, "Download complete");
        break;
      default: break;
    }
  };
  Result<CopyResult> copied = transfer::CopyBetween(**source, **destination, copy, "", "");
  if (!copied) return PullError(copied.error(), ref);
  // A client gone after the last blob: nothing is named.
  if (options.cancelled && options.cancelled()) return Error(ErrorKind::kSystem, "context canceled");
  Result<std::string> config = ReadBlob(doc.config->digest, kMaxDocumentBytes);
  if (!config) return config.error();
  if (Status s = CheckImageConfig(*config, layers.size()); !s.ok()) return s;
  Count(*copied, Direction::kIn);
  for (const Descriptor& l : layers)
    if (fetching.count(l.digest)) say(ShortId(l.digest), "Pull complete");

  const Descriptor manifest{image.media_type, image.digest, static_cast<std::int64_t>(image.bytes.size())};
  // The name asked for, and the digest it resolved to (the RepoDigest).
  bool up_to_date = true;
  if (!ref.has_digest()) {
    Result<bool> same = Name(ref.String(), manifest);
    if (!same) return same.error();
    up_to_date = *same;
  }
  Result<bool> same_digest = Name(ref.Name() + "@" + top->digest, manifest);
  if (!same_digest) return same_digest.error();
  if (ref.has_digest()) up_to_date = *same_digest;
  say("", "Digest: " + top->digest);
  say("", std::string(up_to_date ? "Status: Image is up to date for " : "Status: Downloaded newer image for ") +
              ref.FamiliarString());
  CountOperation(&ImageStoreStats::pulls);
  return {};
}

}  // namespace berth::store
