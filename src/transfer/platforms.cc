#include "transfer/platforms.h"

#include <sys/utsname.h>

namespace berth::transfer {

std::string PlatformText(const Platform& p) {
  return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
}

bool PlatformMatches(const Platform& want, const std::optional<Platform>& have) {
  if (!have || have->os != want.os || have->architecture != want.architecture) return false;
  if (want.variant.empty() || have->variant == want.variant) return true;
  return want.architecture == "arm64" && want.variant == "v8" && have->variant.empty();
}

Platform HostPlatform() {
  struct utsname name {};
  ::uname(&name);
  const std::string machine = name.machine;
  Platform p;
  p.os = "linux";
  p.architecture = machine == "x86_64"                      ? "amd64"
                   : machine == "aarch64"                   ? "arm64"
                   : machine.rfind("armv", 0) == 0          ? "arm"
                   : machine == "i686" || machine == "i386" ? "386"
                   : machine == "ppc64le"                   ? "ppc64le"
                   : machine == "s390x"                     ? "s390x"
                   : machine == "riscv64"                   ? "riscv64"
                                                            : machine;
  return p;
}

}  // namespace berth::transfer
