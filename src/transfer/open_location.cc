#include "transfer/open_location.h"

#include "transfer/archives.h"
#include "transfer/oci_layout.h"
#include "transfer/registry_location.h"

namespace berth::transfer {
namespace {

// Manifests and layout indexes are read up to distribution's own limit.
constexpr std::size_t kMaxManifestBytes = 4u << 20;

}  // namespace

Result<std::unique_ptr<Location>> OpenLocation(RegistryClient& client, const ImageLocation& location, Access access,
                                               const AuthResolver& auth, bool default_latest) {
  const bool write = access == Access::kWrite;
  switch (location.kind) {
    case LocationKind::kRegistry: {
      AuthResolver anonymous = [](const IndexInfo&) -> Result<AuthConfig> { return AuthConfig{}; };
      return OpenRegistryLocation(client, location.name, write ? RepositoryAccess::kPush : RepositoryAccess::kPull,
                                  auth ? auth : anonymous, default_latest);
    }
    case LocationKind::kOciLayout: return OpenOciLayout(location.name, location.ref, write, kMaxManifestBytes);
    case LocationKind::kOciArchive: return OpenOciArchive(location.name, location.ref, write, kMaxManifestBytes);
    case LocationKind::kDockerArchive: return OpenDockerArchive(location.name, location.ref, write, kMaxManifestBytes);
  }
  return Error(ErrorKind::kInvalidParameter, "unknown location kind");
}

}  // namespace berth::transfer
