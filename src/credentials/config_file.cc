#include "credentials/config_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "internal/base64.h"

namespace berth::credentials {
namespace {

namespace fs = std::filesystem;
using json_detail::JsonValue;

constexpr std::size_t kMaxConfigBytes = 16u << 20;

Error FileError(const std::string& path, const std::string& what) {
  return Error(ErrorKind::kInvalidParameter, "config file " + path + ": " + what);
}

std::string Errno() {
  return std::strerror(errno);
}

Result<std::string> ReadAll(const std::string& path, bool* missing) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      *missing = true;
      return std::string();
    }
    return FileError(path, Errno());
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return FileError(path, Errno());
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > kMaxConfigBytes) {
      ::close(fd);
      return FileError(path, "larger than " + std::to_string(kMaxConfigBytes) + " bytes");
    }
  }
  ::close(fd);
  return data;
}

const JsonValue* Auths(const JsonValue& root) {
  const JsonValue* auths = root.Find("auths");
  return auths && auths->is_object() ? auths : nullptr;
}

std::string StringMember(const JsonValue& object, std::string_view key) {
  const JsonValue* v = object.Find(key);
  return v && v->is_string() ? v->text : std::string();
}

// The CLI's decodeAuth: base64 "user:password", the user not empty.
Status DecodeAuthField(const std::string& field, AuthConfig& out) {
  if (field.empty()) return {};
  std::string decoded(field.size() / 4 * 3 + 3, '\0');
  detail::Base64Decoded d =
      detail::GoBase64Decode(field, reinterpret_cast<std::uint8_t*>(decoded.data()), detail::Base64Alphabet::kStd);
  if (d.error_at != detail::kNoBase64Error) {
    return Error(ErrorKind::kInvalidParameter, detail::Base64ErrorMessage(d.error_at));
  }
  decoded.resize(d.written);
  std::size_t colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0) {
    return Error(ErrorKind::kInvalidParameter, "Invalid auth configuration file");
  }
  out.username = decoded.substr(0, colon);
  std::string password = decoded.substr(colon + 1);
  // strings.Trim(password, "\x00")
  std::size_t first = password.find_first_not_of('\0');
  password = first == std::string::npos ? "" : password.substr(first, password.find_last_not_of('\0') - first + 1);
  out.password = std::move(password);
  return {};
}

// Where the bytes go: through a symbolic link to the file it names, as the
// CLI does, so dotfile managers keep working.
std::string WriteTarget(const std::string& path) {
  std::error_code ec;
  if (fs::is_symlink(path, ec)) {
    fs::path target = fs::read_symlink(path, ec);
    if (!ec) return target.is_absolute() ? target.string() : (fs::path(path).parent_path() / target).string();
  }
  return path;
}

}  // namespace

Result<ConfigFile> ConfigFile::Load(const std::string& path) {
  ConfigFile file;
  file.path_ = path;
  bool missing = false;
  Result<std::string> data = ReadAll(path, &missing);
  if (!data) return data.error();
  if (missing) return file;
  // The CLI treats an empty (or blank) file as an empty configuration.
  if (data->find_first_not_of(" \t\r\n") == std::string::npos) return file;
  JsonValue root;
  if (Status parsed = json_detail::ParseJson(*data, root); !parsed.ok()) {
    return FileError(path, parsed.message());
  }
  if (!root.is_object()) return FileError(path, "not a JSON object");
  if (const JsonValue* auths = root.Find("auths"); auths && auths->kind != JsonValue::Kind::kNull) {
    if (!auths->is_object()) return FileError(path, "\"auths\" is not an object");
  }
  file.root_ = std::move(root);
  return file;
}

std::string ConfigFile::CredsStore() const {
  return StringMember(root_, "credsStore");
}

std::map<std::string, std::string> ConfigFile::CredHelpers() const {
  std::map<std::string, std::string> out;
  const JsonValue* helpers = root_.Find("credHelpers");
  if (helpers && helpers->is_object()) {
    for (const auto& [host, name] : helpers->members)
      if (name.is_string()) out[host] = name.text;
  }
  return out;
}

std::vector<std::string> ConfigFile::AuthKeys() const {
  std::vector<std::string> out;
  if (const JsonValue* auths = Auths(root_))
    for (const auto& [key, entry] : auths->members) out.push_back(key);
  return out;
}

bool ConfigFile::ContainsAuth() const {
  return !CredsStore().empty() || !CredHelpers().empty() || !AuthKeys().empty();
}

void ConfigFile::SetCredsStore(const std::string& name) {
  root_.Set("credsStore", JsonValue::String(name));
}

Result<std::optional<AuthConfig>> ConfigFile::Entry(const std::string& key) const {
  const JsonValue* auths = Auths(root_);
  const JsonValue* entry = auths ? auths->Find(key) : nullptr;
  if (!entry) return std::optional<AuthConfig>();
  if (!entry->is_object()) return FileError(path_, "auths[\"" + key + "\"] is not an object");
  AuthConfig out;
  if (Status s = DecodeAuthField(StringMember(*entry, "auth"), out); !s.ok()) {
    return FileError(path_, "auths[\"" + key + "\"].auth: " + s.message());
  }
  // Plain username/password members, as very old files have them.
  if (out.username.empty()) out.username = StringMember(*entry, "username");
  if (out.password.empty()) out.password = StringMember(*entry, "password");
  out.email = StringMember(*entry, "email");
  out.identity_token = StringMember(*entry, "identitytoken");
  out.registry_token = StringMember(*entry, "registrytoken");
  out.server_address = key;
  return std::optional<AuthConfig>(std::move(out));
}

void ConfigFile::SetEntry(const std::string& key, const AuthConfig& auth) {
  JsonValue* auths = root_.Find("auths");
  if (!auths || !auths->is_object()) {
    root_.Set("auths", JsonValue::Object());
    auths = root_.Find("auths");
  }
  JsonValue entry = JsonValue::Object();
  if (const JsonValue* old = auths->Find(key); old && old->is_object()) entry = *old;
  // The CLI keeps secrets only in `auth`.
  for (const char* plain : {"username", "password", "serveraddress"}) entry.Erase(plain);
  auto set_or_erase = [&](const char* name, const std::string& value) {
    if (value.empty()) {
      entry.Erase(name);
    } else {
      entry.Set(name, JsonValue::String(value));
    }
  };
  std::string encoded;
  if (!auth.username.empty() || !auth.password.empty()) {
    std::string pair = auth.username + ":" + auth.password;
    detail::AppendBase64(encoded, reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size(),
                         detail::Base64Alphabet::kStd);
  }
  set_or_erase("auth", encoded);
  set_or_erase("email", auth.email);
  set_or_erase("identitytoken", auth.identity_token);
  set_or_erase("registrytoken", auth.registry_token);
  auths->Set(key, std::move(entry));
}

bool ConfigFile::EraseEntry(const std::string& key) {
  JsonValue* auths = root_.Find("auths");
  return auths && auths->is_object() && auths->Erase(key);
}

Status ConfigFile::Save() const {
  JsonValue root = root_;
  if (JsonValue* auths = root.Find("auths"); auths && auths->is_object()) {
    std::stable_sort(auths->members.begin(), auths->members.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  const std::string data = json_detail::MarshalIndentTabs(root);
  const std::string target = WriteTarget(path_);
  const std::string dir = fs::path(target).parent_path().string();
  std::string temp = (dir.empty() ? std::string(".") : dir) + "/." + fs::path(target).filename().string() + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return FileError(path_, "cannot create a temporary file: " + Errno());
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t written = 0; ok && written < data.size();) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  std::string why = ok ? "" : Errno();
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(temp.c_str(), target.c_str()) != 0) {
    ok = false;
    why = Errno();
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return FileError(path_, "cannot write: " + why);
  }
  return {};
}

Status UpdateConfigFile(const std::string& path, const std::function<Status(ConfigFile&)>& change) {
  const std::string dir = fs::path(WriteTarget(path)).parent_path().string();
  std::error_code ec;
  if (!dir.empty() && !fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return FileError(path, "cannot create " + dir + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  int lock = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock < 0) return FileError(path, "cannot open its directory: " + Errno());
  while (::flock(lock, LOCK_EX) != 0 && errno == EINTR) {
  }
  Status result;
  Result<ConfigFile> file = ConfigFile::Load(path);
  if (!file) {
    result = Error(file.error().kind(), file.error().message() + " (left as it is)");
  } else if (Status changed = change(*file); !changed.ok()) {
    result = changed;
  } else {
    result = file->Save();
  }
  ::close(lock);  // releases the lock
  return result;
}

}  // namespace berth::credentials
