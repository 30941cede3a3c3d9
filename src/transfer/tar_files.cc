#include "transfer/tar_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "transfer/files.h"

namespace berth::transfer {
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

Error ArchiveError(const std::string& path, archive* a) {
  // libarchive's text, and the system's reason when there is one.
  if (archive_errno(a) > 0 && archive_errno(a) < 4096) {
    const char* text = archive_error_string(a);
    return Error(ErrorKind::kInvalidParameter,
                 "archive " + path + ": " + (text ? std::string(text) + ": " : "") + std::strerror(archive_errno(a)));
  }
  const char* what = archive_error_string(a);
  return Error(ErrorKind::kInvalidParameter, "archive " + path + ": " + (what ? what : "unreadable"));
}

bool HasDotDot(std::string_view name) {
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    std::string_view part =
        name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

}  // namespace

Status UnpackTar(const std::string& path, const std::string& dir) {
  ArchivePtr in(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(in.get());
  archive_read_support_filter_all(in.get());
  if (archive_read_open_filename(in.get(), path.c_str(), 256 << 10) != ARCHIVE_OK) return ArchiveError(path, in.get());
  ArchivePtr out(archive_write_disk_new(), archive_write_free);
  // Entries are checked below (no absolute path, no ".."), then written
  // under `dir` — an absolute path libarchive must accept; it still
  // refuses ".." and writing through a link.
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  for (;;) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(in.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return ArchiveError(path, in.get());
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    auto refuse = [&](const std::string& why) {
      return Error(ErrorKind::kInvalidParameter, "archive " + path + ": entry \"" + name + "\": " + why);
    };
    if (name.empty() || name.front() == '/') return refuse("absolute or empty path");
    if (HasDotDot(name)) return refuse("path with \"..\"");
    const mode_t type = archive_entry_filetype(entry);
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) return refuse("not a file, directory or link");
    if (archive_entry_hardlink(entry) != nullptr) return refuse("hard links are not allowed");
    if (archive_entry_size(entry) < 0) return refuse("negative size");
    archive_entry_set_pathname(entry, (dir + "/" + name).c_str());
    archive_entry_set_perm(entry, type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_uid(entry, ::getuid());
    archive_entry_set_gid(entry, ::getgid());
    if (archive_write_header(out.get(), entry) != ARCHIVE_OK) return refuse(archive_error_string(out.get()));
    if (type == AE_IFREG) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      for (;;) {
        r = archive_read_data_block(in.get(), &block, &size, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK) return ArchiveError(path, in.get());
        if (archive_write_data_block(out.get(), block, size, offset) != ARCHIVE_OK) {
          return ArchiveError(dir, out.get());
        }
      }
    }
    if (archive_write_finish_entry(out.get()) != ARCHIVE_OK) return ArchiveError(dir, out.get());
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) return ArchiveError(dir, out.get());
  return {};
}

// libarchive hands the tar's bytes here, in its own blocks.
struct TarWriter::Output {
  BlobSink sink;
  std::optional<Error> failed;
  static la_ssize_t Write(archive*, void* self, const void* data, size_t size) {
    Output& o = *static_cast<Output*>(self);
    if (o.failed) return -1;
    if (Status s = o.sink(std::string_view(static_cast<const char*>(data), size)); !s.ok()) {
      o.failed = s.error();
      return -1;
    }
    return static_cast<la_ssize_t>(size);
  }
};

TarWriter::TarWriter(BlobSink sink)
    : output_(std::make_unique<Output>(Output{std::move(sink), std::nullopt})),
      archive_(archive_write_new(), archive_write_free) {}

TarWriter::~TarWriter() = default;

Result<std::unique_ptr<TarWriter>> TarWriter::Open(BlobSink sink) {
  std::unique_ptr<TarWriter> w(new TarWriter(std::move(sink)));
  archive_write_set_format_pax_restricted(w->archive_.get());
  archive_write_set_bytes_in_last_block(w->archive_.get(), 1);
  if (archive_write_open(w->archive_.get(), w->output_.get(), nullptr, &Output::Write, nullptr) != ARCHIVE_OK) {
    return w->Failure();
  }
  return w;
}

Error TarWriter::Failure() {
  if (output_->failed) return *output_->failed;
  const char* what = archive_error_string(archive_.get());
  return Error(ErrorKind::kSystem, std::string("tar: ") + (what ? what : "write failed"));
}

Status TarWriter::Header(const std::string& name, std::int64_t size) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), size);
  archive_entry_set_mtime(entry.get(), 0, 0);
  if (archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK) return Failure();
  return {};
}

Status TarWriter::AddBytes(const std::string& name, std::string_view data) {
  if (Status s = Header(name, static_cast<std::int64_t>(data.size())); !s.ok()) return s;
  if (!data.empty() &&
      archive_write_data(archive_.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size())) {
    return Failure();
  }
  return {};
}

Status TarWriter::AddFile(const std::string& name, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FileError("stat", path, errno);
  if (Status s = Header(name, st.st_size); !s.ok()) return s;
  std::int64_t left = st.st_size;
  Status copied = ForEachChunk(path, [&](std::string_view chunk) -> Status {
    // Never more than the header said, should the file grow meanwhile.
    chunk = chunk.substr(0, static_cast<std::size_t>(std::min<std::int64_t>(left, chunk.size())));
    left -= static_cast<std::int64_t>(chunk.size());
    if (!chunk.empty() &&
        archive_write_data(archive_.get(), chunk.data(), chunk.size()) != static_cast<la_ssize_t>(chunk.size())) {
      return Failure();
    }
    return {};
  });
  if (!copied.ok()) return copied;
  if (left != 0) return Error(ErrorKind::kSystem, "read " + path + ": the file shrank while it was packed");
  return {};
}

Status TarWriter::AddReader(const std::string& name, std::int64_t size, BlobReader& reader) {
  if (Status s = Header(name, size); !s.ok()) return s;
  std::vector<char> buffer(256 << 10);
  std::int64_t left = size;
  for (;;) {
    Result<std::size_t> n = reader.Read(buffer.data(), buffer.size());
    if (!n) return n.error();
    if (*n == 0) break;
    if (static_cast<std::int64_t>(*n) > left)
      return Error(ErrorKind::kSystem, name + ": longer than " + std::to_string(size) + " bytes");
    left -= static_cast<std::int64_t>(*n);
    if (archive_write_data(archive_.get(), buffer.data(), *n) != static_cast<la_ssize_t>(*n)) return Failure();
  }
  if (left != 0) return Error(ErrorKind::kSystem, name + ": shorter than " + std::to_string(size) + " bytes");
  return {};
}

Status TarWriter::Close() {
  if (archive_write_close(archive_.get()) != ARCHIVE_OK) return Failure();
  return {};
}

Status PackTar(const std::string& dir, const std::string& path) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename().string().rfind(".tmp-", 0) != 0) files.push_back(it->path());
  }
  if (ec) return Error(ErrorKind::kSystem, "read " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path);
  if (!file) return file.error();
  Result<std::unique_ptr<TarWriter>> tar =
      TarWriter::Open([&](std::string_view chunk) { return (*file)->Write(chunk); });
  if (!tar) return tar.error();
  for (const std::filesystem::path& f : files) {
    if (Status s = (*tar)->AddFile(std::filesystem::relative(f, dir).string(), f.string()); !s.ok()) return s;
  }
  if (Status s = (*tar)->Close(); !s.ok()) return s;
  return (*file)->Commit();
}

Result<std::string> InsideDirectory(const std::string& dir, const std::string& path) {
  char real_dir[PATH_MAX], real_path[PATH_MAX];
  if (::realpath(dir.c_str(), real_dir) == nullptr) return FileError("realpath", dir, errno);
  if (::realpath(path.c_str(), real_path) == nullptr) {
    Error e = FileError("open", path, errno);
    return errno == ENOENT ? Error(ErrorKind::kNotFound, e.message()) : e;
  }
  const std::string base = std::string(real_dir) + "/";
  if (std::string(real_path).rfind(base, 0) != 0) {
    return Error(ErrorKind::kInvalidParameter, path + " leads outside the archive");
  }
  return std::string(real_path);
}

}  // namespace berth::transfer
