#include "transfer/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>
#include <vector>

#include "registry/digest.h"

namespace berth::transfer {
namespace {

constexpr std::size_t kIoBytes = 256u << 10;

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, const std::string& path, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("write", path, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

class VerifiedFileReader final : public BlobReader {
 public:
  VerifiedFileReader(int fd, std::string path, const Descriptor& blob)
      : fd_(fd), path_(std::move(path)), verifier_(blob.digest, blob.size) {}
  ~VerifiedFileReader() override { ::close(fd_); }

  Result<std::size_t> Read(char* buffer, std::size_t capacity) override {
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return FileError("read", path_, errno);
      if (n == 0) {
        if (Status done = verifier_.Finish(); !done.ok()) return done.error();
        return std::size_t{0};
      }
      if (Status ok = verifier_.Update(std::string_view(buffer, static_cast<std::size_t>(n))); !ok.ok()) {
        return ok.error();
      }
      return static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  std::string path_;
  registry::DigestVerifier verifier_;
};

}  // namespace

Error FileError(std::string_view op, const std::string& path, int error_number) {
  return Error(ErrorKind::kSystem, std::string(op) + " " + path + ": " + std::strerror(error_number));
}

Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Error e = FileError("open", path, errno);
    return errno == ENOENT ? Error(ErrorKind::kNotFound, e.message()) : e;
  }
  FdCloser closer(fd);
  std::string out;
  char buffer[64 << 10];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError("read", path, errno);
    if (n == 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Error(ErrorKind::kSystem, path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string TemporaryNameFor(const std::string& path) {
  unsigned long long nonce = 0;
  if (::getrandom(&nonce, sizeof nonce, 0) != sizeof nonce) nonce = static_cast<unsigned long long>(::clock());
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "/.tmp-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(nonce);
}

void RemoveStaleTemporaries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name.rfind(".tmp-", 0) != 0) continue;
    // ".tmp-NAME-PID-N": the PID is the second field from the end.
    std::size_t last = name.rfind('-');
    if (last == std::string::npos || last == 0) continue;
    std::size_t before = name.rfind('-', last - 1);
    if (before == std::string::npos) continue;
    const std::string pid_text = name.substr(before + 1, last - before - 1);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) stale.push_back(dir + "/" + name);
  }
  ::closedir(d);
  for (const std::string& path : stale) ::unlink(path.c_str());
}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path) {
  std::string temporary = TemporaryNameFor(path);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("open", temporary, errno);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temporary), fd));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (fd_ >= 0) ::close(fd_);
  ::unlink(temporary_.c_str());
}

Status AtomicFile::Write(std::string_view data) {
  return WriteAll(fd_, temporary_, data.data(), data.size());
}

Status AtomicFile::Commit() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return FileError("close", temporary_, errno);
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) return FileError("rename", path_, errno);
  committed_ = true;
  return {};
}

Status ReplaceFile(const std::string& path, std::string_view data) {
  Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path);
  if (!file) return file.error();
  if (Status s = (*file)->Write(data); !s.ok()) return s;
  return (*file)->Commit();
}

Status WriteFileFrom(const std::string& path, BlobReader& reader) {
  Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path);
  if (!file) return file.error();
  std::vector<char> buffer(kIoBytes);
  for (;;) {
    Result<std::size_t> n = reader.Read(buffer.data(), buffer.size());
    if (!n) return n.error();
    if (*n == 0) return (*file)->Commit();
    if (Status s = (*file)->Write(std::string_view(buffer.data(), *n)); !s.ok()) return s;
  }
}

Status ForEachChunk(const std::string& path, const std::function<Status(std::string_view)>& chunk) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("open", path, errno);
  FdCloser closer(fd);
  std::vector<char> buffer(kIoBytes);
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError("read", path, errno);
    if (n == 0) return {};
    if (Status s = chunk(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !s.ok()) return s;
  }
}

Status MakeDirectories(const std::string& path) {
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) return FileError("mkdir", partial, errno);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FileError("stat", path, errno);
  if (!S_ISDIR(st.st_mode)) return Error(ErrorKind::kInvalidParameter, "mkdir " + path + ": not a directory");
  return {};
}

Result<std::unique_ptr<BlobReader>> OpenVerifiedFile(const std::string& path, const Descriptor& blob) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Error e = FileError("open", path, errno);
    return errno == ENOENT ? Error(ErrorKind::kNotFound, e.message()) : e;
  }
  return std::unique_ptr<BlobReader>(std::make_unique<VerifiedFileReader>(fd, path, blob));
}

}  // namespace berth::transfer
