// Choosing an image of an index by platform, as --platform asks, and
// writing an index of the images chosen.
#ifndef BERTH_SRC_TRANSFER_PLATFORMS_H_
#define BERTH_SRC_TRANSFER_PLATFORMS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/oci.h"
#include "berth/remote_repository.h"
#include "transfer/location.h"

namespace berth::transfer {

// "os/arch[/variant]".
std::string PlatformText(const Platform& platform);

// Whether an index entry's platform is the one asked for: os and
// architecture equal, and the variant too when one is asked for (arm64's
// unwritten variant is v8).
bool PlatformMatches(const Platform& want, const std::optional<Platform>& have);

// This machine's platform as an image's: linux and the architecture as Go
// names it (amd64, arm64, arm, 386, ppc64le, s390x, riscv64).
Platform HostPlatform();

// An image index of `entries`: {"schemaVersion":2,"mediaType":…,"manifests":[…]}.
std::string IndexOf(std::string_view media_type, const std::vector<Descriptor>& entries);

// With --platform (`wanted`; for a single-image destination, this machine's
// platform when none is given): an index in `top` becomes the one wanted
// platform's image manifest (read from `source`), or an index of the wanted
// platforms' entries in the index's order; a single image's config must be
// for one of them. Errors name `name` and, for a platform an index lacks,
// the platforms it has (kNotFound).
Status SelectPlatforms(Location& source, bool single_image, std::vector<Platform> wanted, ManifestBytes& top,
                       const std::string& name);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_PLATFORMS_H_
