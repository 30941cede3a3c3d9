#include "transfer/legacy_docker_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "berth/reference.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/media_types.h"
#include "transfer/files.h"
#include "transfer/tar_files.h"

namespace berth::transfer {
namespace {

constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";

// A layer file's media type from its first bytes.
Result<std::string> LayerMediaType(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("open", path, errno);
  unsigned char magic[4] = {0, 0, 0, 0};
  ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    return std::string("application/vnd.docker.image.rootfs.diff.tar.gzip");
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return std::string("application/vnd.oci.image.layer.v1.tar+zstd");
  }
  return std::string("application/vnd.docker.image.rootfs.diff.tar");
}

// sha256 and size of a whole file.
Result<Descriptor> Describe(const std::string& path, std::string media_type) {
  registry::Sha256Stream hasher;
  std::int64_t size = 0;
  Status read = ForEachChunk(path, [&](std::string_view chunk) -> Status {
    hasher.Update(chunk);
    size += static_cast<std::int64_t>(chunk.size());
    return {};
  });
  if (!read.ok()) return read.error();
  return Descriptor{std::move(media_type), hasher.Finish(), size};
}

class LegacyDockerArchive final : public ReadOnlyLocation {
 public:
  LegacyDockerArchive(std::string dir, std::string reference)
      : dir_(std::move(dir)), reference_(std::move(reference)) {}

  Status Load(const registry::DockerSaveEntry& entry, std::size_t max_manifest_bytes) {
    Result<std::string> config_path = InsideDirectory(dir_, dir_ + "/" + entry.config);
    if (!config_path) return config_path.error();
    Result<std::string> config = ReadWholeFile(*config_path, max_manifest_bytes);
    if (!config) return config.error();
    Descriptor config_descriptor{std::string(kDockerConfig), registry::Sha256Digest(*config),
                                 static_cast<std::int64_t>(config->size())};
    files_[config_descriptor.digest] = *config_path;
    std::string manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(registry::kDockerManifest) +
                           "\",\"config\":" + DescriptorJson(config_descriptor) + ",\"layers\":[";
    for (std::size_t i = 0; i < entry.layers.size(); ++i) {
      Result<std::string> path = InsideDirectory(dir_, dir_ + "/" + entry.layers[i]);
      if (!path) return path.error();
      Result<std::string> type = LayerMediaType(*path);
      if (!type) return type.error();
      Result<Descriptor> layer = Describe(*path, std::move(*type));
      if (!layer) return layer.error();
      files_[layer->digest] = *path;
      manifest += (i ? "," : "") + DescriptorJson(*layer);
    }
    manifest += "]}";
    manifest_ = ManifestBytes{manifest, std::string(registry::kDockerManifest), registry::Sha256Digest(manifest)};
    return {};
  }

  const std::string& reference() const override { return reference_; }
  Result<ManifestBytes> GetManifest(std::string_view ref) override {
    if (ref.empty() || ref == reference_ || ref == manifest_.digest) return manifest_;
    return Error(ErrorKind::kNotFound, "no image " + std::string(ref) + " in the archive");
  }
  BlobOpener OpenBlob(const Descriptor& blob) override {
    return [this, blob]() -> Result<std::unique_ptr<BlobReader>> {
      auto it = files_.find(blob.digest);
      if (it == files_.end()) return Error(ErrorKind::kNotFound, "blob " + blob.digest + " is not in the archive");
      return OpenVerifiedFile(it->second, blob);
    };
  }
  Result<std::vector<std::string>> Tags() override {
    return reference_.empty() ? std::vector<std::string>() : std::vector<std::string>{reference_};
  }
  Result<std::vector<Descriptor>> Referrers(std::string_view) override { return std::vector<Descriptor>(); }

 private:
  static std::string DescriptorJson(const Descriptor& d) {
    return "{\"mediaType\":\"" + d.media_type + "\",\"size\":" + std::to_string(d.size) + ",\"digest\":\"" + d.digest +
           "\"}";
  }

  std::string dir_, reference_;
  ManifestBytes manifest_;
  std::map<std::string, std::string> files_;  // digest → path
};

}  // namespace

Result<std::unique_ptr<Location>> OpenLegacyDockerArchive(const std::string& dir, const std::string& familiar_name,
                                                          std::size_t max_manifest_bytes) {
  Result<std::string> text = ReadWholeFile(dir + "/manifest.json", max_manifest_bytes);
  if (!text) {
    if (text.error().kind() == ErrorKind::kNotFound) {
      return Error(ErrorKind::kInvalidParameter, "not a docker save archive: no manifest.json");
    }
    return text.error();
  }
  registry::DockerSaveManifest entries;
  if (Status s = registry::DecodeDocument(*text, entries); !s.ok()) {
    return Error(ErrorKind::kInvalidParameter, "manifest.json: " + s.message());
  }
  const registry::DockerSaveEntry* chosen = nullptr;
  if (familiar_name.empty()) {
    if (entries.size() != 1) {
      return Error(ErrorKind::kInvalidParameter, "the archive holds " + std::to_string(entries.size()) +
                                                     " images: name one as docker-archive:FILE:NAME:TAG");
    }
    chosen = &entries[0];
  } else {
    // RepoTags are familiar ("app:1") or full ("docker.io/library/app:1").
    Result<Reference> wanted = ParseNormalizedNamed(familiar_name);
    for (const registry::DockerSaveEntry& e : entries) {
      for (const std::string& tag : e.repo_tags) {
        Result<Reference> named = ParseNormalizedNamed(tag);
        if (tag == familiar_name || (named && wanted && named->String() == wanted->String())) chosen = &e;
      }
    }
    if (!chosen) return Error(ErrorKind::kNotFound, "no image tagged " + familiar_name + " in the archive");
  }
  auto archive = std::make_unique<LegacyDockerArchive>(dir, familiar_name);
  if (Status s = archive->Load(*chosen, max_manifest_bytes); !s.ok()) return s.error();
  return std::unique_ptr<Location>(std::move(archive));
}

}  // namespace berth::transfer
