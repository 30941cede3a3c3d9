// Image locations as skopeo spells them, and platforms as --platform does.
#include "berth/transfer.h"

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
  if (parts.size() < 2 || parts.size() > 3 || std::any_of(parts.begin(), parts.end(), bad)) {
    return Error(ErrorKind::kInvalidParameter,
                 "invalid platform \"" + std::string(text) + "\": want os/arch[/variant]");
  }
  Platform p;
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

}  // namespace berth
