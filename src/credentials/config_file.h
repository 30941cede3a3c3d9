// The docker CLI's config.json: its `auths` entries (`auth` as
// base64 "user:password", `identitytoken`, `registrytoken`, `email`),
// `credsStore` and `credHelpers` — read as the CLI reads them, rewritten
// keeping every other key and section as it was. Writes are atomic (a
// temporary file renamed over the old one), mode 0600, under an exclusive
// lock so concurrent logins keep each other's entries; a file berth cannot
// parse is never rewritten.
#ifndef BERTH_SRC_CREDENTIALS_CONFIG_FILE_H_
#define BERTH_SRC_CREDENTIALS_CONFIG_FILE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "berth/error.h"
#include "berth/types.h"
#include "json/value.h"

namespace berth::credentials {

class ConfigFile {
 public:
  // A missing file is an empty configuration; anything unreadable or not
  // a JSON object is an error naming the file.
  static Result<ConfigFile> Load(const std::string& path);

  const std::string& path() const { return path_; }
  std::string CredsStore() const;
  std::map<std::string, std::string> CredHelpers() const;
  std::vector<std::string> AuthKeys() const;
  // The CLI's ContainsAuth: a credsStore, a credHelpers entry or an auths
  // entry. Without any, the CLI picks its default store.
  bool ContainsAuth() const;
  void SetCredsStore(const std::string& name);

  // The entry stored under `key`, decoded as the CLI does (Username and
  // Password from `auth`, ServerAddress = key); nullopt when there is none.
  // A bad `auth` is an error naming the file and key.
  Result<std::optional<AuthConfig>> Entry(const std::string& key) const;
  // Stores an entry as the CLI writes one: `auth` from Username/Password
  // (left out when both are empty), email, identitytoken, registrytoken;
  // other members of an existing entry are kept.
  void SetEntry(const std::string& key, const AuthConfig& auth);
  bool EraseEntry(const std::string& key);

  // Writes the file (atomically, 0600); `auths` keys come out sorted, as
  // the CLI writes them.
  Status Save() const;

 private:
  std::string path_;
  json_detail::JsonValue root_ = json_detail::JsonValue::Object();
};

// Loads the file at `path`, applies `change` and saves, all under an
// exclusive lock on the file's directory (created 0700 if missing).
Status UpdateConfigFile(const std::string& path, const std::function<Status(ConfigFile&)>& change);

}  // namespace berth::credentials

#endif  // BERTH_SRC_CREDENTIALS_CONFIG_FILE_H_
