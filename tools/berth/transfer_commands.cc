// `berth copy`, `berth tags`, `berth manifest`: the transfer library with
// skopeo's location names and credentials flags.
#include "berth/registry_client.h"
#include "berth/transfer.h"
#include "commands.h"
#include "output.h"

namespace berth::cli {
namespace {

// A location as given: with a transport prefix as skopeo reads it, else a
// docker reference.
Result<ImageLocation> LocationOf(const std::string& text) {
  if (text.find("://") != std::string::npos || text.rfind("oci:", 0) == 0 || text.rfind("oci-archive:", 0) == 0 ||
      text.rfind("docker-archive:", 0) == 0) {
    return ParseImageLocation(text);
  }
  return ImageLocation{LocationKind::kRegistry, text, ""};
}

// skopeo's --creds USER[:PASS]; the password is asked for when left out.
Result<AuthConfig> CredentialsFlag(const std::string& flag, const std::string& name, const Prompt& prompt) {
  AuthConfig auth;
  const std::size_t colon = flag.find(':');
  auth.username = flag.substr(0, colon);
  if (auth.username.empty()) return Error(ErrorKind::kInvalidParameter, name + ": no user name in USER[:PASS]");
  if (colon != std::string::npos) {
    auth.password = flag.substr(colon + 1);
  } else {
    std::optional<std::string> password = prompt("Password: ", false);
    if (!password) return Error(ErrorKind::kInvalidParameter, name + ": no password given and no terminal to ask on");
    auth.password = *password;
  }
  return auth;
}

// The resolver for one side: the flag's credentials, else the stored ones.
Result<AuthResolver> SideResolver(const std::string& flag, const std::string& name, const std::string& config_dir,
                                  std::shared_ptr<CredentialStore>& holder, std::vector<std::string>& warnings,
                                  const Prompt& prompt) {
  AuthConfig given;
  if (!flag.empty()) {
    Result<AuthConfig> parsed = CredentialsFlag(flag, name, prompt);
    if (!parsed) return parsed.error();
    given = std::move(*parsed);
  }
  return Resolver(given, config_dir, holder, warnings);
}

}  // namespace

CommandOutput CopyRun(const ConfigRequest& config, const std::string& certs_dir, const CopyArgs& args,
                      const std::string& config_dir, const std::function<void(const CopyEvent&)>& on_event,
                      const Prompt& prompt) {
  Result<ImageLocation> source = LocationOf(args.source);
  if (!source) return Failure(source.error().message());
  Result<ImageLocation> destination = LocationOf(args.destination);
  if (!destination) return Failure(destination.error().message());
  CopyOptions options;
  for (const std::string& text : args.platforms) {
    Result<Platform> platform = ParsePlatform(text);
    if (!platform) return Failure(platform.error().message());
    options.platforms.push_back(std::move(*platform));
  }
  if (args.jobs < 0) return Failure("--jobs must be at least 1");
  options.all_tags = args.all_tags;
  options.referrers = args.referrers;
  options.jobs = args.jobs;
  options.on_event = on_event;
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message(), warnings);
  std::shared_ptr<CredentialStore> source_store, destination_store;
  Result<AuthResolver> source_auth =
      SideResolver(args.source_creds, "--src-creds", config_dir, source_store, warnings, prompt);
  if (!source_auth) return Failure(source_auth.error().message(), warnings);
  Result<AuthResolver> destination_auth =
      SideResolver(args.destination_creds, "--dest-creds", config_dir, destination_store, warnings, prompt);
  if (!destination_auth) return Failure(destination_auth.error().message(), warnings);
  options.source_auth = std::move(*source_auth);
  options.destination_auth = std::move(*destination_auth);
  RegistryClient client(**service);
  Result<CopyResult> copied = CopyImage(client, *source, *destination, options);
  if (!copied) return Failure(copied.error().message(), warnings);
  CommandOutput out;
  out.err = Joined(warnings);
  out.out = copied->digest;
  return out;
}

CommandOutput TagsRun(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                      const std::string& creds, const std::string& config_dir, const Prompt& prompt) {
  Result<ImageLocation> where = LocationOf(location);
  if (!where) return Failure(where.error().message());
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message(), warnings);
  std::shared_ptr<CredentialStore> store;
  Result<AuthResolver> auth = SideResolver(creds, "--creds", config_dir, store, warnings, prompt);
  if (!auth) return Failure(auth.error().message(), warnings);
  RegistryClient client(**service);
  Result<std::vector<std::string>> tags = ListTags(client, *where, *auth);
  if (!tags) return Failure(tags.error().message(), warnings);
  CommandOutput out;
  out.err = Joined(warnings);
  for (const std::string& tag : *tags) out.out += (out.out.empty() ? "" : "\n") + tag;
  return out;
}

CommandOutput ManifestRun(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                          const std::string& platform, const std::string& creds, const std::string& config_dir,
                          const Prompt& prompt) {
  Result<ImageLocation> where = LocationOf(location);
  if (!where) return Failure(where.error().message());
  std::optional<Platform> wanted;
  if (!platform.empty()) {
    Result<Platform> parsed = ParsePlatform(platform);
    if (!parsed) return Failure(parsed.error().message());
    wanted = std::move(*parsed);
  }
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message(), warnings);
  std::shared_ptr<CredentialStore> store;
  Result<AuthResolver> auth = SideResolver(creds, "--creds", config_dir, store, warnings, prompt);
  if (!auth) return Failure(auth.error().message(), warnings);
  RegistryClient client(**service);
  Result<ManifestBytes> manifest = GetImageManifest(client, *where, wanted, *auth);
  if (!manifest) return Failure(manifest.error().message(), warnings);
  CommandOutput out;
  out.err = Joined(warnings);
  out.out = std::move(manifest->bytes);
  out.raw = true;
  return out;
}

}  // namespace berth::cli
