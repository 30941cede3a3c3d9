#include "transfer/archives.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "berth/reference.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "transfer/files.h"
#include "transfer/legacy_docker_archive.h"
#include "transfer/oci_layout.h"
#include "transfer/scratch_directory.h"
#include "transfer/tar_files.h"

namespace berth::transfer {
namespace {

std::string TemporaryBase() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

// The familiar and full names of a docker archive's REF ("app:1.0" →
// "app:1.0", "docker.io/library/app:1.0").
struct ArchiveName {
  std::string familiar, full, familiar_repository, tag;
};

Result<ArchiveName> NameOf(const std::string& ref) {
  Result<Reference> parsed = ParseNormalizedNamed(ref);
  if (!parsed)
    return Error(ErrorKind::kInvalidParameter, "docker-archive reference \"" + ref + "\": " + parsed.error().message());
  if (parsed->has_digest()) {
    return Error(ErrorKind::kInvalidParameter,
                 "docker-archive reference \"" + ref + "\": a digest cannot name a saved image");
  }
  Result<Reference> tagged = parsed->has_tag() ? parsed : WithTag(*parsed, "latest");
  if (!tagged) return tagged.error();
  return ArchiveName{tagged->FamiliarString(), tagged->String(), tagged->FamiliarName(), tagged->tag()};
}

std::string BlobMember(const std::string& digest) {
  return "blobs/" + digest.substr(0, digest.find(':')) + "/" + digest.substr(digest.find(':') + 1);
}

class ArchiveLocation final : public Location {
 public:
  ArchiveLocation(std::unique_ptr<ScratchDirectory> scratch, std::unique_ptr<Location> inner, std::string file,
                  bool docker, std::optional<ArchiveName> name)
      : scratch_(std::move(scratch)),
        inner_(std::move(inner)),
        file_(std::move(file)),
        docker_(docker),
        name_(std::move(name)) {}

  const std::string& reference() const override { return inner_->reference(); }
  Result<ManifestBytes> GetManifest(std::string_view ref) override { return inner_->GetManifest(ref); }
  BlobOpener OpenBlob(const Descriptor& blob) override { return inner_->OpenBlob(blob); }
  Result<std::vector<std::string>> Tags() override { return inner_->Tags(); }
  Result<std::vector<Descriptor>> Referrers(std::string_view digest) override { return inner_->Referrers(digest); }
  Result<std::optional<std::string>> TaggedDigest(std::string_view) override {
    return std::optional<std::string>();  // a new archive every time
  }
  Result<bool> HasBlob(const Descriptor& blob) override { return inner_->HasBlob(blob); }
  Status PutBlob(const Descriptor& blob, const BlobOpener& open) override { return inner_->PutBlob(blob, open); }
  bool takes_blob_streams() const override { return inner_->takes_blob_streams(); }
  Result<std::unique_ptr<BlobWriter>> BeginBlob(const Descriptor& blob) override { return inner_->BeginBlob(blob); }

  Status PutManifest(std::string_view tag, const ManifestBytes& manifest, bool top) override {
    if (docker_ && top && registry::IsIndexType(manifest.media_type)) {
      return Error(ErrorKind::kInvalidParameter,
                   "a docker archive holds one image, not an index: choose it with --platform");
    }
    if (Status s = inner_->PutManifest(tag, manifest, top); !s.ok()) return s;
    if (top) top_ = manifest;
    return {};
  }

  Status Commit() override {
    if (Status s = inner_->Commit(); !s.ok()) return s;
    if (docker_ && top_) {
      if (Status s = WriteDockerSaveFiles(*top_); !s.ok()) return s;
    }
    return PackTar(scratch_->path(), file_);
  }

  bool single_image() const override { return docker_; }

 private:
  // manifest.json and repositories, as docker save writes them beside the layout.
  Status WriteDockerSaveFiles(const ManifestBytes& top) {
    registry::ManifestDocument doc;
    if (Status s = registry::DecodeDocument(top.bytes, doc); !s.ok()) return s;
    if (!doc.config) return Error(ErrorKind::kInvalidParameter, "manifest " + top.digest + " has no config");
    std::string manifest = "[{\"Config\":\"" + BlobMember(doc.config->digest) + "\",\"RepoTags\":";
    manifest += name_ ? "[\"" + name_->familiar + "\"]" : "null";
    manifest += ",\"Layers\":[";
    for (std::size_t i = 0; i < doc.layers.size(); ++i) {
      manifest += (i ? ",\"" : "\"") + BlobMember(doc.layers[i].digest) + "\"";
    }
    manifest += "]}]";
    if (Status s = ReplaceFile(scratch_->path() + "/manifest.json", manifest); !s.ok()) return s;
    if (!name_ || doc.layers.empty()) return {};
    const std::string& top_layer = doc.layers[doc.layers.size() - 1].digest;
    return ReplaceFile(scratch_->path() + "/repositories", "{\"" + name_->familiar_repository + "\":{\"" + name_->tag +
                                                               "\":\"" + top_layer.substr(top_layer.find(':') + 1) +
                                                               "\"}}");
  }

  std::unique_ptr<ScratchDirectory> scratch_;  // outlives inner_, which reads from it
  std::unique_ptr<Location> inner_;
  std::string file_;
  bool docker_;
  std::optional<ArchiveName> name_;
  std::optional<ManifestBytes> top_;
};

// A read-only location over an unpacked tar, keeping the directory alive.
class UnpackedLocation final : public ReadOnlyLocation {
 public:
  UnpackedLocation(std::unique_ptr<ScratchDirectory> scratch, std::unique_ptr<Location> inner)
      : scratch_(std::move(scratch)), inner_(std::move(inner)) {}
  const std::string& reference() const override { return inner_->reference(); }
  Result<ManifestBytes> GetManifest(std::string_view ref) override { return inner_->GetManifest(ref); }
  BlobOpener OpenBlob(const Descriptor& blob) override { return inner_->OpenBlob(blob); }
  Result<std::vector<std::string>> Tags() override { return inner_->Tags(); }
  Result<std::vector<Descriptor>> Referrers(std::string_view digest) override { return inner_->Referrers(digest); }

 private:
  std::unique_ptr<ScratchDirectory> scratch_;
  std::unique_ptr<Location> inner_;
};

Result<std::unique_ptr<ScratchDirectory>> Unpacked(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    Error e = FileError("open", file, errno);
    return errno == ENOENT ? Error(ErrorKind::kNotFound, e.message()) : e;
  }
  Result<std::unique_ptr<ScratchDirectory>> scratch = ScratchDirectory::Make(TemporaryBase());
  if (!scratch) return scratch.error();
  if (Status s = UnpackTar(file, (*scratch)->path()); !s.ok()) return s.error();
  return scratch;
}

}  // namespace

// An archive to write: FILE must not be a directory, and its directory must
// exist and take files — said before anything is copied.
Status CheckWritable(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Error(ErrorKind::kInvalidParameter, "write " + file + ": is a directory");
  }
  const std::size_t slash = file.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return FileError("write", file, errno);
  return {};
}

Result<std::unique_ptr<Location>> OpenOciArchive(const std::string& file, const std::string& ref, bool for_writing,
                                                 std::size_t max_manifest_bytes) {
  if (for_writing) {
    if (Status s = CheckWritable(file); !s.ok()) return s.error();
    Result<std::unique_ptr<ScratchDirectory>> scratch = ScratchDirectory::Make(TemporaryBase());
    if (!scratch) return scratch.error();
    Result<std::unique_ptr<Location>> layout =
        OpenOciLayout((*scratch)->path(), ref, true, max_manifest_bytes, {"", "oci-archive:" + file});
    if (!layout) return layout.error();
    return std::unique_ptr<Location>(
        std::make_unique<ArchiveLocation>(std::move(*scratch), std::move(*layout), file, false, std::nullopt));
  }
  Result<std::unique_ptr<ScratchDirectory>> scratch = Unpacked(file);
  if (!scratch) return scratch.error();
  Result<std::unique_ptr<Location>> layout =
      OpenOciLayout((*scratch)->path(), ref, false, max_manifest_bytes, {"", "oci-archive:" + file});
  if (!layout) return Error(layout.error().kind(), "oci-archive " + file + ": " + layout.error().message());
  return std::unique_ptr<Location>(std::make_unique<UnpackedLocation>(std::move(*scratch), std::move(*layout)));
}

Result<std::unique_ptr<Location>> OpenDockerArchive(const std::string& file, const std::string& ref, bool for_writing,
                                                    std::size_t max_manifest_bytes) {
  std::optional<ArchiveName> name;
  if (!ref.empty()) {
    Result<ArchiveName> parsed = NameOf(ref);
    if (!parsed) return parsed.error();
    name = std::move(*parsed);
  }
  if (for_writing) {
    if (Status s = CheckWritable(file); !s.ok()) return s.error();
    Result<std::unique_ptr<ScratchDirectory>> scratch = ScratchDirectory::Make(TemporaryBase());
    if (!scratch) return scratch.error();
    Result<std::unique_ptr<Location>> layout =
        OpenOciLayout((*scratch)->path(), name ? name->tag : "", true, max_manifest_bytes,
                      {name ? name->full : "", "docker-archive:" + file, true});
    if (!layout) return layout.error();
    return std::unique_ptr<Location>(
        std::make_unique<ArchiveLocation>(std::move(*scratch), std::move(*layout), file, true, std::move(name)));
  }
  Result<std::unique_ptr<ScratchDirectory>> scratch = Unpacked(file);
  if (!scratch) return scratch.error();
  const std::string& dir = (*scratch)->path();
  struct stat st {};
  Result<std::unique_ptr<Location>> inner =
      ::stat((dir + "/index.json").c_str(), &st) == 0
          ? OpenOciLayout(dir, name ? name->full : "", false, max_manifest_bytes, {"", "docker-archive:" + file, true})
          : OpenLegacyDockerArchive(dir, name ? name->familiar : "", max_manifest_bytes);
  if (!inner) return Error(inner.error().kind(), "docker-archive " + file + ": " + inner.error().message());
  return std::unique_ptr<Location>(std::make_unique<UnpackedLocation>(std::move(*scratch), std::move(*inner)));
}

}  // namespace berth::transfer
