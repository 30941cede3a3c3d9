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

// The credentials of each side: the flag's, else those stored for the
// registry. The store is opened once, and only when a side needs it.
class SideResolvers {
 public:
  SideResolvers(const std::string& config_dir, std::vector<std::string>& warnings, const Prompt& prompt)
      : config_dir_(config_dir), warnings_(warnings), prompt_(prompt) {}

  Result<AuthResolver> For(const std::string& flag, const std::string& name) {
    if (!flag.empty()) {
      Result<AuthConfig> given = CredentialsFlag(flag, name, prompt_);
      if (!given) return given.error();
      return AuthResolver([auth = *given](const IndexInfo&) -> Result<AuthConfig> { return auth; });
    }
    if (!stored_) {
      Result<AuthResolver> stored = Resolver(AuthConfig{}, config_dir_, holder_, warnings_);
      if (!stored) return stored.error();
      stored_ = std::move(*stored);
    }
    return *stored_;
  }

 private:
  std::string config_dir_;
  std::vector<std::string>& warnings_;
  const Prompt& prompt_;
  std::shared_ptr<CredentialStore> holder_;
  std::optional<AuthResolver> stored_;
};

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
  SideResolvers sides(config_dir, warnings, prompt);
  Result<AuthResolver> source_auth = sides.For(args.source_creds, "--src-creds");
  if (!source_auth) return Failure(source_auth.error().message(), warnings);
  Result<AuthResolver> destination_auth = sides.For(args.destination_creds, "--dest-creds");
  if (!destination_auth) return Failure(destination_auth.error().message(), warnings);
  options.source_auth = std::move(*source_auth);
  options.destination_auth = std::move(*destination_auth);
  RegistryClient client(**service);
  Result<CopyResult> copied = CopyImage(client, *source, *destination, options);
  if (!copied) return Failure(copied.error().message(), warnings);
  CommandOutput out;
  out.err = Joined(warnings);
  if (!args.all_tags) {
    out.out = copied->digest;
    return out;
  }
  // A repository: one "TAG DIGEST" line per image.
  for (const CopyResult::Image& image : copied->images)
    out.out += (out.out.empty() ? "" : "\n") + image.tag + " " + image.digest;
  return out;
}

namespace {

// What `tags` and `manifest` share: the location read with a registry
// client, the --creds flag's credentials or the stored ones; `read` gives
// what is printed.
using LocationRead = std::function<Result<std::string>(RegistryClient&, const ImageLocation&, const AuthResolver&)>;
CommandOutput ReadLocation(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                           const std::string& creds, const std::string& config_dir, const Prompt& prompt,
                           const LocationRead& read) {
  Result<ImageLocation> where = LocationOf(location);
  if (!where) return Failure(where.error().message());
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message(), warnings);
  SideResolvers sides(config_dir, warnings, prompt);
  Result<AuthResolver> auth = sides.For(creds, "--creds");
  if (!auth) return Failure(auth.error().message(), warnings);
  RegistryClient client(**service);
  Result<std::string> text = read(client, *where, *auth);
  if (!text) return Failure(text.error().message(), warnings);
  CommandOutput out;
  out.err = Joined(warnings);
  out.out = std::move(*text);
  return out;
}

}  // namespace

CommandOutput TagsRun(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                      const std::string& creds, const std::string& config_dir, const Prompt& prompt) {
  return ReadLocation(
      config, certs_dir, location, creds, config_dir, prompt,
      [](RegistryClient& client, const ImageLocation& where, const AuthResolver& auth) -> Result<std::string> {
        Result<std::vector<std::string>> tags = ListTags(client, where, auth);
        if (!tags) return tags.error();
        std::string lines;
        for (const std::string& tag : *tags) lines += (lines.empty() ? "" : "\n") + tag;
        return lines;
      });
}

CommandOutput ManifestRun(const ConfigRequest& config, const std::string& certs_dir, const std::string& location,
                          const std::string& platform, const std::string& creds, const std::string& config_dir,
                          const Prompt& prompt) {
  std::optional<Platform> wanted;
  if (!platform.empty()) {
    Result<Platform> parsed = ParsePlatform(platform);
    if (!parsed) return Failure(parsed.error().message());
    wanted = std::move(*parsed);
  }
  CommandOutput out = ReadLocation(
      config, certs_dir, location, creds, config_dir, prompt,
      [&](RegistryClient& client, const ImageLocation& where, const AuthResolver& auth) -> Result<std::string> {
        Result<ManifestBytes> manifest = GetImageManifest(client, where, wanted, auth);
        if (!manifest) return manifest.error();
        return std::move(manifest->bytes);
      });
  out.raw = true;
  return out;
}

}  // namespace berth::cli
