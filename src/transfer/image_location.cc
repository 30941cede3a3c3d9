// Image locations as skopeo spells them, and platforms as --platform does.
#include "berth/transfer.h"
#include "transfer/platforms.h"

#include <algorithm>
#include <vector>

namespace berth {
namespace {

struct TransportName {
  std::string_view prefix;
  LocationKind kind;
};
constexpr TransportName kTransports[] = {
    {"docker://", LocationKind::kRegistry},
    {"oci:", LocationKind::kOciLayout},
    {"oci-archive:", LocationKind::kOciArchive},
    {"docker-archive:", LocationKind::kDockerArchive},
};

Error Invalid(std::string_view text, std::string_view why) {
  return Error(ErrorKind::kInvalidParameter,
               "invalid image location \"" + std::string(text) + "\": " + std::string(why));
}

}  // namespace

Result<ImageLocation> ParseImageLocation(std::string_view text) {
  for (const TransportName& t : kTransports) {
    if (text.substr(0, t.prefix.size()) != t.prefix) continue;
    std::string_view rest = text.substr(t.prefix.size());
    ImageLocation out;
    out.kind = t.kind;
    if (t.kind == LocationKind::kRegistry) {
      if (rest.empty()) return Invalid(text, "no image reference after docker://");
      out.name = std::string(rest);
      return out;
    }
    // The path ends at the first ':' (so it cannot hold one, as in skopeo).
    const std::size_t colon = rest.find(':');
    out.name = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) out.ref = std::string(rest.substr(colon + 1));
    if (out.name.empty()) return Invalid(text, "no path");
    if (colon != std::string_view::npos && out.ref.empty()) return Invalid(text, "empty reference after ':'");
    // skopeo's rule for an OCI layout's REF.
    if (t.kind != LocationKind::kDockerArchive &&
        out.ref.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
            std::string::npos) {
      return Invalid(text, "an OCI reference may hold only letters, digits, '.', '_' and '-'");
    }
    return out;
  }
  return Invalid(text, "unknown transport (docker://, oci:, oci-archive:, docker-archive:)");
}

std::string FormatImageLocation(const ImageLocation& location) {
  for (const TransportName& t : kTransports) {
    if (t.kind != location.kind) continue;
    std::string out = std::string(t.prefix) + location.name;
    if (!location.ref.empty()) out += ":" + location.ref;
    return out;
  }
  return location.name;
}

Result<Platform> ParsePlatform(std::string_view text) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  // Each part as Go's GOOS/GOARCH and OCI variants spell them.
  auto bad = [](const std::string& part) {
    return part.empty() ||
           part.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
               std::string::npos;
  };
  if (parts.size() > 3 || std::any_of(parts.begin(), parts.end(), bad)) {
    return Error(ErrorKind::kInvalidParameter,
                 "invalid platform \"" + std::string(text) + "\": want os/arch[/variant]");
  }
  // containerd's platforms.Parse: one part is an OS (this machine's
  // architecture then) or an architecture (this machine's OS: linux).
  static constexpr std::string_view kOses[] = {"aix",     "android", "darwin",  "dragonfly", "freebsd",
                                               "illumos", "ios",     "js",      "linux",     "netbsd",
                                               "openbsd", "plan9",   "solaris", "wasip1",    "windows"};
  Platform p;
  if (parts.size() == 1) {
    if (std::find(std::begin(kOses), std::end(kOses), parts[0]) != std::end(kOses)) {
      p = transfer::HostPlatform();
      p.os = parts[0];
      return p;
    }
    p.os = "linux";
    p.architecture = parts[0];
  } else {
    p.os = parts[0];
    p.architecture = parts[1];
    if (parts.size() == 3) p.variant = parts[2];
  }
  // Architectures by their other names (containerd's NormalizeArch).
  if (p.architecture == "i386") p.architecture = "386";
  if (p.architecture == "x86_64" || p.architecture == "x86-64") p.architecture = "amd64";
  if (p.architecture == "aarch64") p.architecture = "arm64";
  if (p.architecture == "armhf") p.architecture = "arm", p.variant = p.variant.empty() ? "v7" : p.variant;
  if (p.architecture == "armel") p.architecture = "arm", p.variant = p.variant.empty() ? "v6" : p.variant;
  if (!p.variant.empty() && p.variant.find_first_not_of("0123456789") == std::string::npos) p.variant = "v" + p.variant;
  static constexpr std::string_view kArches[] = {"386",    "amd64",    "arm",   "arm64",   "loong64", "mips",  "mipsle",
                                                 "mips64", "mips64le", "ppc64", "ppc64le", "riscv64", "s390x", "wasm"};
  if (parts.size() == 1 && std::find(std::begin(kArches), std::end(kArches), p.architecture) == std::end(kArches)) {
    return Error(ErrorKind::kInvalidParameter,
                 "\"" + std::string(text) + "\": unknown operating system or architecture: invalid argument");
  }
  return p;
}

}  // namespace berth
