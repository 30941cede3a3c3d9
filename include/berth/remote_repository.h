// One repository of a registry, for moving images: manifests by tag or
// digest, blobs as verified streams, uploads, cross-repository mounts, tags
// and referrers (OCI distribution-spec v1.1). Opened from a RegistryClient,
// whose connections, retries and token cache it shares.
//
// Where requests go: a repository opened for pulling tries the endpoints
// inspect tries (mirrors first, then the registry; https before http only
// for insecure registries) and stays with the first that answers; one opened
// for pushing uses the registry's push endpoints, never a mirror. Mirrors
// never see credentials, and credentials never go to another host: an
// upload Location or a blob redirect (storage backends, presigned URLs) on
// another host is sent no Authorization.
#ifndef BERTH_REMOTE_REPOSITORY_H_
#define BERTH_REMOTE_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/oci.h"

namespace berth {

// A manifest as a registry serves it: the bytes exactly (their digest is
// the manifest's), the media type (Content-Type, else the payload's own
// mediaType) and the digest.
struct ManifestBytes {
  std::string bytes;
  std::string media_type;
  std::string digest;
};

// Receives a blob's bytes in order; an error stops the transfer.
using BlobSink = std::function<Status(std::string_view chunk)>;

// Gives a blob's bytes in order: up to `capacity` bytes into `buffer`, 0 at
// the end.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual Result<std::size_t> Read(char* buffer, std::size_t capacity) = 0;
};
// Opens a blob's bytes from the start; called again for each retry.
using BlobOpener = std::function<Result<std::unique_ptr<BlobReader>>()>;

enum class RepositoryAccess { kPull, kPush };

class RemoteRepository {
 public:
  virtual ~RemoteRepository() = default;

  // The repository's path in its registry ("library/busybox") and the
  // registry's name as the Engine's IndexInfo names it ("docker.io",
  // "127.0.0.1:5000").
  virtual const std::string& path() const = 0;
  virtual const std::string& registry() const = 0;

  // A tag or a digest to the descriptor of its manifest: HEAD with every
  // manifest media type accepted, then GET when the HEAD names no digest.
  // kNotFound "manifest unknown" (the registry's text) when it is not there.
  virtual Result<Descriptor> Resolve(std::string_view tag_or_digest) = 0;

  // GET of a manifest, bytes kept as served, at most
  // RegistryClientOptions::max_manifest_bytes; a digest reference, or the
  // registry's Docker-Content-Digest, is verified against the bytes.
  virtual Result<ManifestBytes> GetManifest(std::string_view tag_or_digest) = 0;

  // HEAD of a blob: its size when the registry has it, nullopt when not.
  virtual Result<std::optional<std::int64_t>> BlobSize(std::string_view digest) = 0;

  // GET of a blob, streamed to `sink` and checked while it flows against the
  // descriptor's digest and size (the chunk that would complete a wrong blob,
  // or overrun its size, is not delivered). A connection that drops is
  // resumed with a Range request from the byte it stopped at (5 times at
  // most); no whole-request timeout, but a stall of
  // RegistryClientOptions::request_timeout fails it.
  virtual Status FetchBlob(const Descriptor& blob, const BlobSink& sink) = 0;

  // POST …/blobs/uploads/?mount=DIGEST&from=REPOSITORY (same registry):
  // true when the registry mounted it (201); false when it started an upload
  // instead (202), which is cancelled.
  virtual Result<bool> MountBlob(std::string_view digest, std::string_view from_repository) = 0;

  // Uploads a blob: POST, then one streamed PUT ?digest= — or, when the
  // registry answers the POST with OCI-Chunk-Min-Length, PATCHes of at least
  // that many bytes with Content-Range, then the PUT. Relative and absolute
  // Locations are followed. A 408, 429, 5xx or a dropped connection starts
  // the upload again from a fresh `open` (RegistryClientOptions::max_retries
  // times, waiting as the retry policy says).
  virtual Status PushBlob(const Descriptor& blob, const BlobOpener& open) = 0;

  // PUT of a manifest with its media type as Content-Type; the registry's
  // Docker-Content-Digest must be the bytes' digest. Returns that digest.
  virtual Result<std::string> PutManifest(std::string_view tag_or_digest, const ManifestBytes& manifest) = 0;

  // DELETE of a manifest by digest (the registry must allow deletes: the
  // CNCF registry's storage.delete.enabled). The registry drops the tags
  // that pointed at it too. kNotFound when it was not there; the
  // registry's error otherwise ("unsupported: …" where deletes are off).
  virtual Status DeleteManifest(std::string_view digest) = 0;

  // Every tag, following Link pagination (at most max_catalog_pages pages).
  virtual Result<std::vector<std::string>> Tags() = 0;

  // What refers to `digest` (signatures, attestations, SBOMs): the OCI 1.1
  // referrers API, or where the registry has none, the index tagged
  // "sha256-<hex>" (the referrers tag schema); empty when neither exists.
  virtual Result<std::vector<Descriptor>> Referrers(std::string_view digest) = 0;

  // From now on, each request to the registry asks `cancelled` about once
  // a second, and as bytes move, whether it is still wanted (the client it
  // serves may have gone): true stops it with kSystem `… context canceled`,
  // instead of at its timeouts. Token requests are not asked. Set it before
  // using the repository from several threads.
  virtual void SetCancelled(std::function<bool()> cancelled) { (void)cancelled; }
};

}  // namespace berth

#endif  // BERTH_REMOTE_REPOSITORY_H_
