#include "transfer/platforms.h"

namespace berth::transfer {

std::string PlatformText(const Platform& p) {
  return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
}

bool PlatformMatches(const Platform& want, const std::optional<Platform>& have) {
  if (!have || have->os != want.os || have->architecture != want.architecture) return false;
  if (want.variant.empty() || have->variant == want.variant) return true;
  return want.architecture == "arm64" && want.variant == "v8" && have->variant.empty();
}

}  // namespace berth::transfer
