// berthd's image store: the images the daemon keeps (pulled, loaded,
// tagged), as dockerd's graphdriver store keeps them for the Engine API's
// image routes — but without unpacking layers: one OCI image layout under
// the data root, blobs as pulled.
//
// Layout: DIR/oci-layout, DIR/blobs/sha256/<hex>, DIR/index.json. Each name
// is one index.json entry pointing at an image manifest, with the full
// reference as io.containerd.image.name ("docker.io/library/busybox:latest"
// or "…/busybox@sha256:<digest>") and, for tags, the tag as
// org.opencontainers.image.ref.name; an image without names (dangling) is an
// entry without annotations. So docker save's readers, skopeo and
// `berth copy oci:DIR:…` read the store as it is.
//
// An image is identified as dockerd identifies it: by its config's digest
// (the ID), and found by full or short ID, name:tag and name@digest.
//
// Safety: blobs are written to temporary files and renamed into place once
// verified; index.json is replaced whole by rename after every change of
// names, under one mutex; each blob is fetched once however many pulls want
// it at the same moment. Opening removes temporary files and blobs no image
// references (what a daemon killed mid-pull leaves), so a restart always
// finds a consistent store.
#ifndef BERTH_IMAGE_STORE_H_
#define BERTH_IMAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/oci.h"
#include "berth/reference.h"
#include "berth/registry_client.h"
#include "berth/remote_repository.h"

namespace berth {

// One image of the store.
struct StoredImage {
  std::string id;  // "sha256:<hex>": the config's digest
  Descriptor manifest;
  // Full references naming it, tags and digests ("docker.io/library/a:1",
  // "docker.io/library/a@sha256:…"), in the order they were added.
  std::vector<std::string> names;
  std::int64_t size = 0;  // config and layers, as stored (compressed)
};

// A progress line of a pull, push or load, in the Engine's vocabulary
// ("Pulling fs layer", "Downloading", "Pushed", …): `id` is what it is about
// (a layer's 12 hex digits, a tag; "" for none); current/total are bytes
// for the progress lines (-1 otherwise). `aux` is raw JSON for aux lines
// (a push's result).
struct ImageProgress {
  std::string id;
  std::string status;
  std::int64_t current = -1;
  std::int64_t total = -1;
  std::string aux;
};
using ProgressFunc = std::function<void(const ImageProgress&)>;

struct ImagePruneReport {
  std::vector<ImageDeleteItem> deleted;
  std::uint64_t space_reclaimed = 0;  // bytes of blob files removed
};

struct ImagePullOptions {
  // The image for this platform of an index (the daemon's own when unset).
  std::optional<Platform> platform;
  AuthResolver auth;
  ProgressFunc progress;
  // Polled while blobs move: true stops the pull (its client went away).
  std::function<bool()> cancelled;
};

struct ImagePushOptions {
  AuthResolver auth;
  ProgressFunc progress;
  std::function<bool()> cancelled;
};

// What the store has moved since it was opened (berthd's /metrics).
struct ImageStoreStats {
  std::uint64_t pulls = 0, pushes = 0, loads = 0;  // finished without error
  std::uint64_t blobs_fetched = 0;                 // from registries (and archives loaded)
  std::uint64_t bytes_fetched = 0;
  std::uint64_t blobs_pushed = 0;  // uploaded
  std::uint64_t bytes_pushed = 0;
  std::uint64_t blobs_mounted = 0;  // mounted from another repository instead
  std::uint64_t blobs_skipped = 0;  // already there (in the store, or at the registry)
  // A registry image store's reads of its registry (0 for a local store):
  // of every name it holds, and of only the names other instances'
  // journals said they changed.
  std::uint64_t store_full_reads = 0;
  std::uint64_t store_partial_reads = 0;
};

class ImageStore {
 public:
  // Opens (creating when missing) the store in `dir`, cleaning what an
  // earlier process left half done. kSystem with the path on file errors;
  // kSystem "DIR/index.json: …" for an index.json that is not an OCI index.
  static Result<std::unique_ptr<ImageStore>> Open(const std::string& dir, RegistryClient& client);

  // A store whose images live in a registry (berthd's --image-store
  // registry://HOST[:PORT]/PREFIX), shared by every berthd given the same
  // URL: each name is a tag of a repository under PREFIX (see
  // src/store/registry_names.h for the mapping), each image its manifest
  // there. `cache_dir` is this instance's local layout: the manifests and
  // configs of the images (read from the registry as they change) and the
  // layers it pulled, loaded or needed for a push or save. Every call
  // first brings the local view up to date with the registry's tags
  // (catalog, tags, a HEAD per tag); a pull, load, tag, removal or prune
  // then writes its changes there (blobs first, each manifest last, so
  // nothing is visible half-written; a removal points the name's tag at a
  // tombstone manifest), and a change the registry refuses is undone
  // locally and returned as the call's error. `auth` gives the
  // store registry's credentials. Errors: the URL's (kInvalidParameter
  // "invalid image store …"), the cache's as Open's. A registry that is down
  // is not an error here; calls report it.
  static Result<std::unique_ptr<ImageStore>> OpenOnRegistry(std::string_view url, const std::string& cache_dir,
                                                            RegistryClient& client, AuthResolver auth);
  virtual ~ImageStore() = default;

  virtual const std::string& dir() const = 0;
  virtual ImageStoreStats Stats() const = 0;

  // Every image (dangling ones too), in index order. A registry store's
  // errors reading the registry (prefixed "image store registry://…: ").
  virtual Result<std::vector<StoredImage>> List() = 0;

  // An image by full or short ID ("sha256:<hex>", "<hex>", a unique hex
  // prefix), "name[:tag]" (latest when untagged) or "name@digest", as
  // dockerd's GetImage finds it. kNotFound "No such image: <text>".
  virtual Result<StoredImage> Find(std::string_view name_or_id) = 0;

  // A blob's bytes (configs and manifests), up to max_bytes.
  virtual Result<std::string> ReadBlob(const std::string& digest, std::size_t max_bytes) = 0;

  // Names the image `source` finds as `target` (a tagged reference; a tag
  // elsewhere moves here). kNotFound for the source.
  virtual Status Tag(std::string_view source, const Reference& target) = 0;

  // dockerd's `rmi`: a name untags (and the image goes with its last tag
  // unless it keeps other names); an ID deletes the image when it has at
  // most one tag, or with `force`. kConflict "conflict: unable to delete
  // <short id> (must be forced) - image is referenced in multiple
  // repositories". Blobs no image uses any more are removed unless
  // `noprune` (then the next prune or start removes them).
  virtual Result<std::vector<ImageDeleteItem>> Remove(std::string_view name_or_id, bool force, bool noprune) = 0;

  // `image prune`: images without tags (dangling_only), or every image
  // that `keep` does not keep; then unused blobs.
  virtual Result<ImagePruneReport> Prune(bool dangling_only, const std::function<bool(const StoredImage&)>& keep) = 0;

  // Pulls `reference` (a tag or digest; latest when neither) into the
  // store: the platform's image of an index, its name and the digest the
  // reference resolved to (its RepoDigest). Progress in dockerd's order.
  // Errors are the registry's, mapped as dockerd maps them (kNotFound
  // "manifest for … not found: manifest unknown: …", "pull access denied
  // for …").
  virtual Status Pull(const Reference& reference, const ImagePullOptions& options) = 0;

  // Pushes the image `reference` names (a tag) to its registry unchanged,
  // so the pushed digest is the pulled one. Progress in dockerd's order,
  // ending with "TAG: digest: sha256:… size: N" and the aux PushResult.
  virtual Status Push(const Reference& reference, const ImagePushOptions& options) = 0;

  // `docker save`: a tar of the images `names` find (v25's form: an OCI
  // layout plus manifest.json and repositories), handed to `sink` as it is
  // made. Every name is found before anything is written (kNotFound "No
  // such image: …").
  virtual Status Save(const std::vector<std::string>& names, const BlobSink& sink) = 0;

  // `docker load` of the tar at `path` (v25's, the legacy docker save form,
  // berth's and skopeo's docker-archives, OCI archives with names): each
  // image stored and named; progress "Loaded image: NAME" /
  // "Loaded image ID: sha256:…" lines. Hostile tars are refused.
  virtual Status Load(const std::string& path, const ProgressFunc& progress) = 0;
};

}  // namespace berth

#endif  // BERTH_IMAGE_STORE_H_
