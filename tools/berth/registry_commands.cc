// `berth login`, `berth search`, `berth inspect`: the registry client's
// operations with the Engine's results and messages.
#include <algorithm>

#include "berth/auth_header.h"
#include "berth/credentials.h"
#include "berth/json.h"
#include "berth/reference.h"
#include "berth/registry_client.h"
#include "commands.h"
#include "output.h"

namespace berth::cli {
namespace {

// Go's strings.TrimSpace for ASCII white space.
std::string TrimSpace(const std::string& s) {
  constexpr const char* kSpace = " \t\n\r\v\f";
  std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

CommandOutput LoginRun(const ConfigRequest& config, const std::string& certs_dir, const LoginArgs& args,
                       const Prompt& prompt) {
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  RegistryClient client(**service);
  return LoginWith(
      args, prompt, [&client](const AuthConfig& auth) { return client.Login(auth); }, std::move(warnings));
}

CommandOutput LoginWith(const LoginArgs& args, const Prompt& prompt, const LoginCall& login,
                        std::vector<std::string> warnings) {
  auto store = OpenCredentialStore(args.config_dir, warnings);
  if (!store) return Failure(store.error().message());
  const std::string key = CredentialKey(args.server);
  const bool hub = key == kIndexServer;

  // Stored credentials first when none were given (the CLI's
  // loginWithCredStoreCreds); a failure there falls back to asking.
  std::optional<AuthenticateOKBody> ok;
  AuthConfig auth;
  auth.server_address = key;
  if (TrimSpace(args.username).empty() && (!args.password || TrimSpace(*args.password).empty())) {
    Result<AuthConfig> stored = (*store)->Get(key);
    if (!stored) return Failure(stored.error().message(), warnings);
    if (!stored->username.empty() && (!stored->password.empty() || !stored->identity_token.empty())) {
      auth = *stored;
      auth.server_address = key;
      if (Result<AuthenticateOKBody> tried = login(auth); tried) {
        ok = *tried;
        warnings.push_back("Authenticating with existing credentials...");
      }
    }
  }
  if (!ok) {
    // The CLI 28's PromptUserForCredentials: what was not given (blank
    // counts as not given; white space around is dropped) is asked for.
    std::string username = TrimSpace(args.username);
    if (username.empty()) {
      std::string question = "Username: ";
      if (!auth.username.empty()) question = "Username (" + auth.username + "): ";
      std::optional<std::string> answer = prompt(question, true);
      if (!answer) return Failure("Cannot perform an interactive login from a non TTY device", warnings);
      username = TrimSpace(*answer).empty() ? auth.username : TrimSpace(*answer);
    }
    if (username.empty()) return Failure("Non-null Username Required", warnings);
    std::string password = args.password ? TrimSpace(*args.password) : std::string();
    if (password.empty()) {
      std::optional<std::string> answer = prompt("Password: ", false);
      if (!answer) return Failure("Cannot perform an interactive login from a non TTY device", warnings);
      password = TrimSpace(*answer);
    }
    if (password.empty()) return Failure("Password Required", warnings);
    auth = AuthConfig{};
    auth.username = username;
    auth.password = password;
    auth.server_address = hub ? std::string(kIndexServer) : key;
    Result<AuthenticateOKBody> tried = login(auth);
    if (!tried) return Failure(tried.error().message(), warnings);
    ok = *tried;
  }
  // A registry that issued a refresh token gets it stored, not the password.
  if (!ok->identity_token.empty()) {
    auth.password.clear();
    auth.identity_token = ok->identity_token;
  }
  auth.server_address = key;
  // The CLI 28's file store leaves the file (and says nothing) when the
  // credentials are the ones it holds; it warns each time it writes them.
  const bool file = (*store)->StoreFor(key) == "file";
  Result<AuthConfig> held = file ? (*store)->Get(key) : Result<AuthConfig>(AuthConfig{});
  const bool unchanged = file && held && held->username == auth.username && held->password == auth.password &&
                         held->identity_token == auth.identity_token && held->email == auth.email;
  if (!unchanged) {
    if (Status stored = (*store)->Store(auth); !stored.ok()) {
      return Failure("Error saving credentials: " + stored.message(), warnings);
    }
    if (file && auth.identity_token.empty()) {  // a password in the file (CLI 28 says nothing for a token)
      warnings.push_back("\nWARNING! Your credentials are stored unencrypted in '" + (*store)->config_path() +
                         "'.\nConfigure a credential helper to remove this warning. See\n"
                         "https://docs.docker.com/go/credential-store/\n");
    }
  }
  CommandOutput done{ok->status, Joined(warnings), 0};
  done.err_first = true;  // the CLI's warnings come before "Login Succeeded"
  return done;
}

CommandOutput LogoutRun(const std::string& config_dir, const std::string& server) {
  std::vector<std::string> unused;  // erasing reads nothing it could go on without
  auto store = OpenCredentialStore(config_dir, unused);
  if (!store) return Failure(store.error().message());
  const std::string key = CredentialKey(server);
  // The CLI's variants: as typed, the host name, and with either scheme.
  std::vector<std::string> keys{key};
  std::string shown = key;
  if (key != kIndexServer) {
    keys.clear();
    for (std::string k : {server, key, "http://" + key, "https://" + key})  // each key once
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  }
  std::string out = "Removing login credentials for " + shown;
  std::vector<std::string> errors;
  bool found = false;
  for (const std::string& k : keys) {
    Result<bool> erased = (*store)->Erase(k);
    if (!erased) {
      errors.push_back(k + ": " + erased.error().message());
    } else {
      found = found || *erased;
    }
  }
  // Nothing removed and something failed: say so (the CLI's map makes it
  // silent; docs/compatibility.md K12).
  if (!errors.empty() && !found) {
    std::string err = "WARNING: could not erase credentials:";
    for (const std::string& e : errors) err += "\n" + e;
    return {out, err, 1};
  }
  if (!found) return {out, "Not logged in to " + shown, 0};
  return {out, "", 0};
}

CommandOutput AuthEncodeFromConfig(const ConfigRequest& config, const std::string& certs_dir,
                                   const std::string& config_dir, const std::string& reference) {
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  Result<Reference> ref = ParseNormalizedNamed(reference);
  if (!ref) return Failure(ref.error().message());
  Result<RepositoryInfo> repo = (*service)->ResolveRepository(*ref);
  if (!repo) return Failure(repo.error().message());
  auto store = OpenCredentialStoreForReading(config_dir, warnings);
  if (!store) return Failure(store.error().message());
  Result<AuthConfig> auth = *store ? (*store)->ForIndex(repo->index) : Result<AuthConfig>(AuthConfig{});
  if (!auth) return Failure(auth.error().message(), warnings);
  return {EncodeAuthConfig(*auth), Joined(warnings), 0};
}

Result<AuthResolver> Resolver(const AuthConfig& given, const std::string& config_dir,
                              std::shared_ptr<CredentialStore>& holder, std::vector<std::string>& warnings) {
  if (HasCredentials(given)) return AuthResolver([given](const IndexInfo&) -> Result<AuthConfig> { return given; });
  auto store = OpenCredentialStoreForReading(config_dir, warnings);
  if (!store) return store.error();
  holder = std::move(*store);
  CredentialStore* raw = holder.get();
  if (raw == nullptr) return AuthResolver([](const IndexInfo&) -> Result<AuthConfig> { return AuthConfig{}; });
  return AuthResolver([raw](const IndexInfo& index) { return raw->ForIndex(index); });
}

CommandOutput SearchRun(const ConfigRequest& config, const std::string& certs_dir, const SearchArgs& args,
                        const AuthConfig& auth, const std::string& config_dir) {
  if (args.format != "table" && args.format != "json") {
    return Failure("unknown format \"" + args.format + "\" (one of: table, json)");
  }
  SearchRequest request;
  request.term = args.term;
  request.limit = args.limit;
  Result<SearchFilters> filters = ParseFilterFlags(args.filters);
  if (!filters) return Failure(filters.error().message());
  request.filters = std::move(*filters);
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  std::shared_ptr<CredentialStore> store;
  Result<AuthResolver> auth_for = Resolver(auth, config_dir, store, warnings);
  if (!auth_for) return Failure(auth_for.error().message());
  RegistryClient client(**service);
  Result<SearchOutcome> outcome = client.SearchWith(request, *auth_for);
  if (!outcome) return Failure(outcome.error().message(), warnings);
  std::string note =
      "berth: answered by " + std::string(SearchMethodName(outcome->method)) + " at " + outcome->endpoint;
  warnings.push_back(note);
  Result<std::string> out = SearchOutput(outcome->results, args.format, args.no_trunc);
  if (!out) return Failure(out.error().message());
  return {*out, Joined(warnings), 0};
}

CommandOutput InspectRun(const ConfigRequest& config, const std::string& certs_dir,
                         const std::vector<std::string>& references, const AuthConfig& auth,
                         const std::string& config_dir) {
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  if (HasCredentials(auth)) {
    // Credentials from the command line belong to one registry.
    std::string registry;
    for (const std::string& name : references) {
      Result<Reference> ref = ParseAnyReference(name);
      if (!ref || !ref->named()) continue;  // Inspect reports it
      if (registry.empty()) registry = ref->domain();
      if (ref->domain() != registry) {
        return Failure("credentials given on the command line are for one registry; " + name + " is on " +
                       ref->domain() + ", not " + registry);
      }
    }
  }
  std::shared_ptr<CredentialStore> store;
  Result<AuthResolver> auth_for = Resolver(auth, config_dir, store, warnings);
  if (!auth_for) return Failure(auth_for.error().message());
  RegistryClient client(**service);
  std::vector<Result<DistributionInspect>> results = client.InspectManyWith(references, *auth_for, 8);
  CommandOutput out;
  out.err = Joined(warnings);
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) {
      out.err += (out.err.empty() ? "" : "\n") + ("berth: " + references[i] + ": " + results[i].error().message());
      out.exit_code = 1;
      continue;
    }
    if (!out.out.empty()) out.out += '\n';
    MarshalTo(out.out, *results[i], MarshalOptions{.escape_html = false});
  }
  return out;
}

}  // namespace berth::cli
