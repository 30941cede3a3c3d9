// What `berth manifest` and `berth tags` ask of a location, without copying.
#include "berth/transfer.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "transfer/open_location.h"
#include "transfer/platforms.h"

namespace berth {

Result<ManifestBytes> GetImageManifest(RegistryClient& client, const ImageLocation& location,
                                       const std::optional<Platform>& platform, const AuthResolver& auth) {
  Result<std::unique_ptr<transfer::Location>> opened =
      transfer::OpenLocation(client, location, transfer::Access::kRead, auth, true);
  if (!opened) return opened.error();
  Result<ManifestBytes> manifest = (*opened)->GetManifest((*opened)->reference());
  if (!manifest || !platform || !registry::IsIndexType(manifest->media_type)) return manifest;
  registry::ManifestDocument index;
  if (Status s = registry::DecodeDocument(manifest->bytes, index); !s.ok()) {
    return Error(ErrorKind::kSystem, "manifest " + manifest->digest + ": " + s.message());
  }
  for (const Descriptor& entry : index.manifests) {
    if (transfer::PlatformMatches(*platform, entry.platform)) return (*opened)->GetManifest(entry.digest);
  }
  return Error(ErrorKind::kNotFound,
               "no image for platform " + transfer::PlatformText(*platform) + " in " + manifest->digest);
}

Result<std::vector<std::string>> ListTags(RegistryClient& client, const ImageLocation& location,
                                          const AuthResolver& auth) {
  Result<std::unique_ptr<transfer::Location>> opened =
      transfer::OpenLocation(client, location, transfer::Access::kRead, auth, false);
  if (!opened) return opened.error();
  return (*opened)->Tags();
}

}  // namespace berth
