// Choosing an image of an index by platform, as --platform asks.
#ifndef BERTH_SRC_TRANSFER_PLATFORMS_H_
#define BERTH_SRC_TRANSFER_PLATFORMS_H_

#include <optional>
#include <string>

#include "berth/oci.h"

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

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_PLATFORMS_H_
