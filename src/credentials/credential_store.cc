#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "berth/credentials.h"
#include "berth/registry_service.h"
#include "credentials/config_file.h"
#include "credentials/helper.h"
#include "internal/docker_hub.h"
#include "internal/go_url.h"

namespace berth {
namespace {

using credentials::ConfigFile;
using credentials::CredentialHelper;
using credentials::HelperCredentials;

// The file's entry for `key`: the exact key, else the first legacy key
// whose hostname is `key` (the CLI's fileStore.Get).
Result<std::optional<AuthConfig>> FileEntry(const ConfigFile& file, const std::string& key) {
  Result<std::optional<AuthConfig>> exact = file.Entry(key);
  if (!exact || *exact) return exact;
  for (const std::string& other : file.AuthKeys()) {
    if (ConvertToHostname(other) == key) return file.Entry(other);
  }
  return std::optional<AuthConfig>();
}

}  // namespace

std::string DockerConfigDir(std::string_view dir) {
  if (!dir.empty()) return std::string(dir);
  if (const char* env = std::getenv("DOCKER_CONFIG"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.docker";
}

std::string ConvertToHostname(std::string_view url) {
  std::string_view stripped = url;
  if (std::size_t scheme = stripped.find("://"); scheme != std::string_view::npos) {
    stripped = stripped.substr(scheme + 3);
  }
  return std::string(stripped.substr(0, stripped.find('/')));
}

std::string DefaultCredentialStore() {
  const std::string store = credentials::OnPath("pass") ? "pass" : "secretservice";
  return credentials::OnPath("docker-credential-" + store) ? store : std::string();
}

std::string CredentialKey(std::string_view server) {
  if (server.empty() || detail::IsHubServerAddress(server)) return std::string(kIndexServer);
  return ConvertToHostname(server);
}

Result<std::unique_ptr<CredentialStore>> CredentialStore::Open(const std::string& config_dir,
                                                               CredentialStoreOptions options) {
  std::unique_ptr<CredentialStore> store(new CredentialStore());
  store->path_ = (std::filesystem::path(config_dir) / "config.json").string();
  store->options_ = options;
  Result<ConfigFile> file = ConfigFile::Load(store->path_);
  if (!file) return file.error();
  store->creds_store_ = file->CredsStore();
  store->cred_helpers_ = file->CredHelpers();
  if (!file->ContainsAuth()) {
    store->creds_store_ = DefaultCredentialStore();
    store->default_store_ = !store->creds_store_.empty();
  }
  return store;
}

std::string CredentialStore::StoreFor(const std::string& key) const {
  if (auto it = cred_helpers_.find(key); it != cred_helpers_.end() && !key.empty()) return it->second;
  return creds_store_.empty() ? "file" : creds_store_;
}

Result<AuthConfig> CredentialStore::Get(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  Result<AuthConfig> result = [&]() -> Result<AuthConfig> {
    Result<ConfigFile> file = ConfigFile::Load(path_);
    if (!file) return file.error();
    // What the file holds for the key is where every answer starts (the
    // CLI's nativeStore.Get begins with fileStore.Get, ignoring its errors:
    // with a helper, a bad entry only leaves nothing to start from).
    Result<std::optional<AuthConfig>> entry = FileEntry(*file, key);
    const std::string store = StoreFor(key);
    if (store == "file" && !entry) return entry.error();
    AuthConfig auth = entry ? entry->value_or(AuthConfig{}) : AuthConfig{};
    if (store == "file") return auth;
    Result<std::optional<HelperCredentials>> got = std::optional<HelperCredentials>();
    if (std::optional<Error> hung = HungBefore(store)) {
      got = *hung;
    } else {
      got = CredentialHelper(store, options_.helper_timeout).Get(key);
      if (!got) NoteIfHung(store, got.error());
    }
    if (!got) {
      // A read carries on with the file's entry, as the docker CLI does;
      // the caller hears why once (the result is cached) — unless the store
      // is the platform's default that nobody named and nothing was ever
      // stored in (an uninitialised pass store on every read is noise).
      if (options_.on_helper_failure && !default_store_) options_.on_helper_failure(key, got.error());
      return auth;
    }
    // The helper's answer replaces the secrets and the address, also when
    // it has none for the key (docker CLI 28).
    auth.username.clear();
    auth.password.clear();
    auth.identity_token.clear();
    auth.server_address.clear();
    if (*got) {
      if ((*got)->username == credentials::kTokenUsername) {
        auth.identity_token = (*got)->secret;
      } else {
        auth.username = (*got)->username;
        auth.password = (*got)->secret;
      }
      auth.server_address = key;
    }
    return auth;
  }();
  cache_.emplace(key, result);
  return result;
}

Result<AuthConfig> CredentialStore::ForIndex(const IndexInfo& index) {
  return Get(AuthConfigKey(index));
}

Status CredentialStore::Store(const AuthConfig& auth) {
  const std::string key = auth.server_address;
  if (key.empty()) return Error(ErrorKind::kInvalidParameter, "no server address to store credentials for");
  const std::string store = StoreFor(key);
  AuthConfig in_file = auth;
  if (store != "file") {
    HelperCredentials credentials{key, auth.username, auth.password};
    if (!auth.identity_token.empty()) {
      credentials.username = std::string(credentials::kTokenUsername);
      credentials.secret = auth.identity_token;
    }
    if (std::optional<Error> hung = HungBefore(store)) return *hung;
    if (Status stored = CredentialHelper(store, options_.helper_timeout).Store(credentials); !stored.ok()) {
      NoteIfHung(store, stored.error());
      return stored;
    }
    in_file = AuthConfig{};
    in_file.email = auth.email;
  }
  Status saved = credentials::UpdateConfigFile(path_, [&](ConfigFile& file) -> Status {
    file.SetEntry(key, in_file);
    if (default_store_ && file.CredsStore().empty()) file.SetCredsStore(creds_store_);
    return {};
  });
  if (saved.ok()) {
    std::lock_guard lock(mu_);
    cache_.erase(key);
    default_store_ = false;  // named in the file from now on
  }
  return saved;
}

Result<bool> CredentialStore::Erase(const std::string& key) {
  const std::string store = StoreFor(key);
  bool found = false;
  // A default store nobody named holds nothing of this file's (the first
  // store through it would have named it).
  if (store != "file" && !default_store_) {
    if (std::optional<Error> hung = HungBefore(store)) return *hung;
    CredentialHelper helper(store, options_.helper_timeout);
    // Nothing to erase where the helper has nothing (some helpers, pass
    // among them, fail an erase of what they do not hold); a helper that
    // cannot say still gets the erase, whose error is the CLI's — unless it
    // ran out of time, when the erase would too.
    Result<std::optional<HelperCredentials>> had = helper.Get(key);
    if (!had && had.error().kind() == ErrorKind::kUnavailable) {
      NoteIfHung(store, had.error());
      return had.error();
    }
    // (Debian's pass helper answers a missing entry with empty credentials.)
    found = had.ok() && had->has_value() && !((*had)->username.empty() && (*had)->secret.empty());
    if (!had || found) {
      if (Status erased = helper.Erase(key); !erased.ok()) return erased.error();
    }
  }
  // The file is rewritten only when it has the entry (a logout of nothing
  // creates no file, as the CLI's does not).
  Result<ConfigFile> current = ConfigFile::Load(path_);
  if (!current) return current.error();
  const std::vector<std::string> keys = current->AuthKeys();
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
    Status saved = credentials::UpdateConfigFile(path_, [&](ConfigFile& file) -> Status {
      found = file.EraseEntry(key) || found;
      return {};
    });
    if (!saved.ok()) return saved.error();
  }
  std::lock_guard lock(mu_);
  cache_.erase(key);
  return found;
}

std::optional<Error> CredentialStore::HungBefore(const std::string& helper) {
  std::lock_guard lock(hung_mu_);
  if (auto it = hung_.find(helper); it != hung_.end()) return it->second;
  return std::nullopt;
}

void CredentialStore::NoteIfHung(const std::string& helper, const Error& error) {
  if (error.kind() != ErrorKind::kUnavailable) return;
  std::lock_guard lock(hung_mu_);
  hung_.emplace(helper, error);
}

}  // namespace berth
