// GET /distribution/{name}/json: resolve a name to the descriptor of its
// manifest and the platforms it serves. One GET of the manifest by tag or
// digest (the Engine HEADs, then GETs by digest: the same bytes), its
// digest verified; for an image manifest, one more GET of its config blob.
#include <optional>

#include "berth/json.h"
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/endpoint_fallback.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "registry/operations.h"
#include "registry/registry_errors.h"

namespace berth::registry {
namespace {

Platform PlatformOf(const Descriptor& entry) {
  if (!entry.platform) return Platform{};
  Platform p = *entry.platform;
  return p;
}

// The config blob's platform; nullopt on any failure, as in the Engine.
std::optional<Platform> ConfigPlatform(EndpointClient& endpoint, const std::string& repository,
                                       const Descriptor& config, const std::vector<std::string>& scopes) {
  if (config.digest.empty()) return std::nullopt;
  Result<http::Response> response =
      endpoint.Fetch(endpoint.NewRequest(RequestKind::kConfigBlob, repository + "/blobs/" + config.digest), scopes);
  if (!response || response->status != 200) return std::nullopt;
  if (!VerifyDigest(config.digest, response->body).ok()) return std::nullopt;
  // The config's top-level architecture, os, os.version, os.features and
  // variant are a Platform's members; the rest is skipped.
  Platform platform;
  if (!Unmarshal(response->body, platform).ok()) return std::nullopt;
  if (platform.os.empty() && platform.architecture.empty()) return std::nullopt;
  return platform;
}

Result<DistributionInspect> FetchFromEndpoint(EndpointClient& endpoint, const std::string& repository,
                                              const Reference& ref) {
  const std::vector<std::string> scopes{"repository:" + repository + ":pull"};
  const std::string target = ref.has_digest() ? ref.digest() : (ref.has_tag() ? ref.tag() : "latest");
  http::Request request = endpoint.NewRequest(RequestKind::kManifest, repository + "/manifests/" + target);
  request.headers.emplace_back("Accept", std::string(kManifestAccept));
  Result<http::Response> response = endpoint.Fetch(request, scopes);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) return ErrorFromResponse(*response);
  const std::string& payload = response->body;

  ManifestDocument doc;
  if (Status decoded = DecodeDocument(payload, doc); !decoded.ok()) {
    return Error(ErrorKind::kSystem, decoded.message());
  }
  Result<std::string> type = ManifestType(response->Header("content-type"), doc);
  if (!type) return type.error();

  // The digest the reference pins, else the one the registry names; the
  // payload must match it. (A signed schema1 manifest's digest is over its
  // payload without signatures, which this does not rebuild.)
  std::string digest = ref.has_digest() ? ref.digest() : response->Header("docker-content-digest");
  const bool schema1 = *type == kSchema1Signed || *type == kSchema1;
  if (digest.empty()) {
    digest = Sha256Digest(payload);
  } else if (!schema1) {
    if (Status verified = VerifyDigest(digest, payload); !verified.ok()) {
      return Error(ErrorKind::kSystem,
                   "manifest " + endpoint.api_root() + repository + "/manifests/" + target + ": " + verified.message());
    }
  }

  DistributionInspect out;
  out.descriptor.media_type = *type;
  out.descriptor.digest = digest;
  out.descriptor.size = static_cast<std::int64_t>(payload.size());
  if (*type == kOciIndex || *type == kDockerManifestList) {
    for (const Descriptor& entry : doc.manifests) out.platforms.push_back(PlatformOf(entry));
  } else if (*type == kDockerManifest || *type == kOciManifest) {
    // The Engine reads the config only for Docker schema2; berth does for
    // OCI image manifests too (docs/compatibility.md).
    if (doc.config) {
      if (std::optional<Platform> p = ConfigPlatform(endpoint, repository, *doc.config, scopes))
        out.platforms.push_back(std::move(*p));
    }
  } else {
    out.platforms.push_back(Platform{doc.architecture, "linux"});
  }
  return out;
}

}  // namespace

Result<DistributionInspect> Inspect(const RegistryService& service, SharedState& state, std::string_view name,
                                    const AuthResolver& auth_for) {
  Result<Reference> ref = ParseAnyReference(name);
  if (!ref) return ref.error();
  if (!ref->named()) return Error(ErrorKind::kSystem, "no manifest found for full image ID");
  Result<RepositoryInfo> repo = service.ResolveRepository(*ref);
  if (!repo) return repo.error();
  if (repo->name.FamiliarName() == "scratch") {
    return Error(ErrorKind::kForbidden, "'scratch' is a reserved name");
  }
  Result<AuthConfig> auth = auth_for(repo->index);
  if (!auth) return auth.error();
  Result<std::vector<Endpoint>> endpoints = service.PullEndpoints(repo->index.name);
  if (!endpoints) return endpoints.error();
  if (endpoints->empty()) return Error(ErrorKind::kSystem, "no endpoints for " + repo->index.name);
  std::optional<Error> last;
  EndpointFallback fallback(state);
  for (std::size_t i = 0; i < endpoints->size(); ++i) {
    Endpoint& endpoint = (*endpoints)[i];
    // Mirrors never see the registry's credentials.
    Credentials credentials = endpoint.mirror ? Credentials{} : CredentialsFrom(*auth);
    EndpointClient client(state, std::move(endpoint), std::move(credentials));
    if (fallback.Skip(client, i + 1 < endpoints->size())) continue;
    Result<DistributionInspect> result = FetchFromEndpoint(client, repo->name.path(), *ref);
    fallback.Note(client);
    if (result) return result;
    last = result.error();
  }
  if (!last) return Error(ErrorKind::kSystem, "no endpoint answered for " + repo->index.name);
  return *last;
}

}  // namespace berth::registry
