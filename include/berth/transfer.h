// Moving images: one copy engine between any two image locations — a
// registry repository, an OCI image layout, an OCI archive or a docker
// archive (the `docker save` format) — named as skopeo names them. `berth
// copy`, and berthd's pulls, pushes, saves and loads, are all CopyImage.
#ifndef BERTH_TRANSFER_H_
#define BERTH_TRANSFER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/oci.h"
#include "berth/registry_client.h"

namespace berth {

enum class LocationKind {
  kRegistry,       // docker://REFERENCE
  kOciLayout,      // oci:DIR[:REF]
  kOciArchive,     // oci-archive:FILE[:REF]
  kDockerArchive,  // docker-archive:FILE[:REFERENCE]
};

struct ImageLocation {
  LocationKind kind = LocationKind::kRegistry;
  // kRegistry: the image reference as given ("busybox:1.36",
  // "127.0.0.1:5000/team/app@sha256:…"). Others: the directory or file.
  std::string name;
  // kOciLayout/kOciArchive: the org.opencontainers.image.ref.name of the
  // image in the layout ("" when not given). kDockerArchive: the reference
  // the image is tagged with in manifest.json ("" when not given).
  std::string ref;
};

// "docker://busybox:1.36", "oci:/tmp/layout:v1", "oci-archive:img.tar",
// "docker-archive:img.tar:app:1.0". A directory or file may not be empty;
// REF is what follows the first ':' after the path (an OCI REF holds only
// letters, digits, '.', '_' and '-', as skopeo requires). kInvalidParameter
// `invalid image location "X": …` for an unknown transport, a missing part
// or a REF that breaks that rule.
Result<ImageLocation> ParseImageLocation(std::string_view text);
// The location as ParseImageLocation reads it.
std::string FormatImageLocation(const ImageLocation& location);

// A platform as `--platform` spells it, as containerd's platforms.Parse
// reads it: "os/arch[/variant]" ("linux/arm64/v8"), or one part — an OS
// (this machine's architecture) or an architecture (linux); architectures
// by their other names too (x86_64, aarch64, armhf). kInvalidParameter for
// parts that are empty or hold anything but letters, digits, '.', '_', '-',
// and for one part that is neither an OS nor an architecture.
Result<Platform> ParsePlatform(std::string_view text);

// What happened to one blob or manifest, as it happens.
struct CopyEvent {
  enum class Kind {
    kBlobStarted,    // a blob is being copied (bytes: 0)
    kBlobProgress,   // bytes so far
    kBlobCopied,     // done and verified (bytes: its size)
    kBlobSkipped,    // the destination had it
    kBlobMounted,    // mounted from another repository of the same registry (text: that repository)
    kManifestPut,    // a manifest written (text: its tag or digest)
    kImageUpToDate,  // the destination had the image already (text: its tag or digest)
  };
  Kind kind;
  Descriptor descriptor;
  std::int64_t bytes = 0;
  std::string text;
};

struct CopyOptions {
  // Empty: the whole image (every platform of an index, its digest kept).
  // One: that platform's image manifest only (its own digest). Several: an
  // index of those platforms (a new digest).
  std::vector<Platform> platforms;
  // Copy every tag of the source repository (a registry source, or every
  // REF of a layout) to the same tag at the destination.
  bool all_tags = false;
  // Also copy what refers to each manifest copied (signatures,
  // attestations, SBOMs): the referrers API or the referrers tag schema.
  bool referrers = false;
  // Blobs in flight at once; 0: the default (kDefaultCopyJobs).
  int jobs = 0;
  // Credentials for the source and destination registries.
  AuthResolver source_auth;
  AuthResolver destination_auth;
  // Called from the copying threads, one event at a time.
  std::function<void(const CopyEvent&)> on_event;
  // Polled before each blob and as its bytes move: true stops the copy
  // (kSystem "context canceled", as the Engine says it), leaving nothing
  // half-written.
  std::function<bool()> cancelled;
};

// Eight blobs in flight at once. Measured with `JOBS=N bench/copy_compare`
// on two local registries (2 cores): an image of 100 small layers copied
// registry to registry in 1.78 / 1.62 / 1.37 / 1.10 / 1.50 s with 1, 2, 4,
// 8 and 16 jobs; 4 × 16 MiB layers in 0.45–0.57 s whatever the number. Each
// job holds at most 1 MiB of a blob in flight.
inline constexpr int kDefaultCopyJobs = 8;

struct CopyResult {
  std::string digest;      // the destination's manifest (the last tag's, with all_tags)
  std::string media_type;  // of that manifest
  std::uint64_t blobs_copied = 0;
  std::uint64_t blobs_skipped = 0;
  std::uint64_t blobs_mounted = 0;
  std::uint64_t bytes_copied = 0;
  std::uint64_t manifests_put = 0;
  // Each image copied: the tag it went to ("" for a digest or an untagged
  // layout entry) and its digest there; one, or one per tag with all_tags.
  struct Image {
    std::string tag;
    std::string digest;
  };
  std::vector<Image> images;
};

// Copies the image at `source` to `destination`. Every blob and manifest is
// verified against its digest before it becomes visible at the destination;
// blobs the destination has are skipped, blobs in another repository of the
// same registry are mounted, and `jobs` blobs move at once. Registries are
// reached through `client` (mirrors for pulls, never for pushes). Errors
// name what failed: the registry's error, "digest mismatch: …", a file
// system error with its path.
Result<CopyResult> CopyImage(RegistryClient& client, const ImageLocation& source, const ImageLocation& destination,
                             const CopyOptions& options = {});

// The manifest an image location names, bytes as stored (`berth manifest`,
// as `skopeo inspect --raw` and `crane manifest`); with a platform, the
// image manifest an index has for it (kNotFound "no image for platform …").
Result<ManifestBytes> GetImageManifest(RegistryClient& client, const ImageLocation& location,
                                       const std::optional<Platform>& platform = std::nullopt,
                                       const AuthResolver& auth = nullptr);

// The tags of a registry repository (every page), or the REFs of a layout.
Result<std::vector<std::string>> ListTags(RegistryClient& client, const ImageLocation& location,
                                          const AuthResolver& auth = nullptr);

}  // namespace berth

#endif  // BERTH_TRANSFER_H_
