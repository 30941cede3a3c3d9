// Credentials where the docker CLI keeps them: config.json (`auths`), a
// credential store (`credsStore`) or per-registry helpers (`credHelpers`),
// read and written exactly as the CLI does, so `docker login` and
// `berth login` can be used in turn. A helper that is named but missing,
// failing, hung or printing something that is not credentials does not stop
// a read: as the docker CLI does, the read carries on with what config.json
// holds for that registry, and the caller is told once
// (CredentialStoreOptions::on_helper_failure). Writes (Store, Erase) fail.
#ifndef BERTH_CREDENTIALS_H_
#define BERTH_CREDENTIALS_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/types.h"

namespace berth {

struct CredentialStoreOptions {
  // Each call of a docker-credential-* helper; past it the helper is killed.
  std::chrono::milliseconds helper_timeout{30000};
  // Called once per key whose helper could not be read (Get carries on
  // without it), with the key and the helper's error, which holds no
  // secret. Called with the store's lock held: it must not call the store.
  std::function<void(const std::string& key, const Error& error)> on_helper_failure;
};

// The docker CLI's configuration directory: `dir` when given (--config),
// else $DOCKER_CONFIG, else $HOME/.docker.
std::string DockerConfigDir(std::string_view dir = {});

// The CLI's ConvertToHostname: "https://reg:5000/v1/" → "reg:5000".
std::string ConvertToHostname(std::string_view url);

// The docker CLI's default credential store on Linux, taken when
// config.json names no store, no helper and no registry: "pass" when
// `pass` is on PATH (and docker-credential-pass is too, else none),
// otherwise "secretservice" when docker-credential-secretservice is on
// PATH; "" (the file) when the chosen helper is missing.
std::string DefaultCredentialStore();

// The key `login SERVER` stores credentials under: Docker Hub's
// "https://index.docker.io/v1/" for an empty SERVER or any of Hub's
// names, else SERVER's host[:port].
std::string CredentialKey(std::string_view server);

class CredentialStore {
 public:
  // Reads DIR/config.json (a missing file is an empty configuration).
  // Errors name the file; the file is never changed by a failed read.
  static Result<std::unique_ptr<CredentialStore>> Open(const std::string& config_dir,
                                                       CredentialStoreOptions options = {});

  const std::string& config_path() const { return path_; }

  // "file", or the helper (credHelpers[key], else credsStore, else — for a
  // file with no credentials at all — DefaultCredentialStore()) that holds
  // the credentials for `key`. A default store is recorded as credsStore by
  // the first Store, as the CLI records it.
  std::string StoreFor(const std::string& key) const;

  // The CLI's GetAuthConfig(key): the file's entry (an exact key first,
  // then a legacy key whose hostname is `key`; server_address is the key it
  // is stored under), with the username, password, identity token and
  // server address the helper for `key` holds — all four empty when the
  // helper has none. When the helper cannot be read, the file's entry as it
  // is, and on_helper_failure is told. Empty when there is nothing. Errors
  // only for the file itself (unreadable, a bad `auth` value). Results are
  // kept for the store's life (one helper call per key and command). Safe
  // from several threads.
  Result<AuthConfig> Get(const std::string& key);
  // The credentials the CLI would send for images of `index` (Docker Hub's
  // under "https://index.docker.io/v1/", others under the index name).
  Result<AuthConfig> ForIndex(const IndexInfo& index);

  // Stores `auth` under auth.server_address as the CLI does: in the helper
  // (identity tokens under the username "<token>") with only the email left
  // in the file, or in the file. Every other entry is left untouched.
  Status Store(const AuthConfig& auth);
  // Removes the credentials under `key`; whether there were any.
  Result<bool> Erase(const std::string& key);

 private:
  CredentialStore() = default;

  std::string path_;
  CredentialStoreOptions options_;
  std::string creds_store_;
  bool default_store_ = false;  // creds_store_ was detected, not read
  std::map<std::string, std::string> cred_helpers_;
  std::mutex mu_;
  std::map<std::string, Result<AuthConfig>> cache_;
  // Helpers that ran out of time: not asked again for the store's life (a
  // hung keychain costs one timeout per command, not one per key).
  std::mutex hung_mu_;
  std::map<std::string, Error> hung_;
  // The error a hung helper gave, if it hung before.
  std::optional<Error> HungBefore(const std::string& helper);
  // Records `error` when it says the helper ran out of time.
  void NoteIfHung(const std::string& helper, const Error& error);
};

}  // namespace berth

#endif  // BERTH_CREDENTIALS_H_
