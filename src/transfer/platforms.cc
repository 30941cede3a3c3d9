#include "transfer/platforms.h"

#include <sys/utsname.h>

#include <algorithm>

#include "berth/json.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"

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

std::string IndexOf(std::string_view media_type, const std::vector<Descriptor>& entries) {
  std::string out = "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(media_type) + "\",\"manifests\":[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    MarshalTo(out, entries[i]);
  }
  return out + "]}";
}

namespace {

// --platform given for a single image: its config must be for one of them.
Status CheckImagePlatform(Location& source, const ManifestBytes& image, const std::vector<Platform>& wanted,
                          const std::string& name) {
  if (wanted.empty()) return {};
  registry::ManifestDocument doc;
  if (!registry::DecodeDocument(image.bytes, doc).ok() || !doc.config) return {};  // the walk says what is wrong
  Result<std::unique_ptr<BlobReader>> reader = source.OpenBlob(*doc.config)();
  if (!reader) return Error(reader.error().kind(), name + ": " + reader.error().message());
  std::string config;
  char buffer[64 << 10];
  for (;;) {
    Result<std::size_t> n = (*reader)->Read(buffer, sizeof buffer);
    if (!n) return Error(n.error().kind(), name + ": " + n.error().message());
    if (*n == 0) break;
    config.append(buffer, *n);
    if (config.size() > (4u << 20)) return {};
  }
  Platform platform;
  if (!Unmarshal(config, platform).ok() || platform.os.empty()) return {};
  for (const Platform& want : wanted)
    if (PlatformMatches(want, platform)) return {};
  return Error(ErrorKind::kNotFound,
               name + " is an image for " + PlatformText(platform) + ", not " + PlatformText(wanted.front()));
}

}  // namespace

// With --platform: one platform's image manifest in place of the index,
// or an index of the platforms asked for (in the index's order). An image
// manifest must be for one of them.
Status SelectPlatforms(Location& source, bool single_image, std::vector<Platform> wanted, ManifestBytes& top,
                       const std::string& name) {
  if (!registry::IsIndexType(top.media_type)) return CheckImagePlatform(source, top, wanted, name);
  if (wanted.empty() && single_image) wanted.push_back(HostPlatform());
  if (wanted.empty()) return {};
  if (wanted.size() > 1 && single_image) {
    return Error(ErrorKind::kInvalidParameter, "a docker archive holds one image: give one --platform (" +
                                                   std::to_string(wanted.size()) + " were given)");
  }
  registry::ManifestDocument index;
  if (Status s = registry::DecodeDocument(top.bytes, index); !s.ok()) {
    return Error(ErrorKind::kSystem, name + ": manifest " + top.digest + ": " + s.message());
  }
  for (const Platform& want : wanted) {
    if (std::none_of(index.manifests.begin(), index.manifests.end(),
                     [&](const Descriptor& d) { return PlatformMatches(want, d.platform); })) {
      std::string has;
      for (const Descriptor& d : index.manifests) {
        if (!d.platform) continue;
        const std::string text = PlatformText(*d.platform);
        if (has.find(text) == std::string::npos) has += (has.empty() ? "" : ", ") + text;
      }
      return Error(ErrorKind::kNotFound, "no image for platform " + PlatformText(want) + " in " + name + " (it has " +
                                             (has.empty() ? "none" : has) + ")");
    }
  }
  std::vector<Descriptor> chosen;
  for (const Descriptor& d : index.manifests) {
    if (std::any_of(wanted.begin(), wanted.end(),
                    [&](const Platform& want) { return PlatformMatches(want, d.platform); })) {
      chosen.push_back(d);
      if (wanted.size() == 1) break;
    }
  }
  if (chosen.size() == 1) {
    Result<ManifestBytes> image = source.GetManifest(chosen.front().digest);
    if (!image) return image.error();
    top = std::move(*image);
    return {};
  }
  top.bytes = IndexOf(top.media_type, chosen);
  top.digest = registry::Sha256Digest(top.bytes);
  return {};
}

}  // namespace berth::transfer
