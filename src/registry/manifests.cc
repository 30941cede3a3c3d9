// Manifests of a repository: resolve (HEAD, then GET), fetch with the
// bytes kept as served, and put with the registry's digest checked.
#include "registry/digest.h"
#include "registry/manifest_type.h"
#include "registry/media_types.h"
#include "registry/registry_errors.h"
#include "registry/registry_repository.h"

namespace berth::registry {
namespace {

bool IsDigest(std::string_view reference) {
  return reference.find(':') != std::string_view::npos;
}

Status CheckReference(std::string_view tag_or_digest) {
  if (IsDigest(tag_or_digest) ? IsValidDigest(tag_or_digest) : !tag_or_digest.empty()) {
    if (tag_or_digest.find_first_of("/?#% ") == std::string_view::npos) return {};
  }
  return Error(ErrorKind::kInvalidParameter, "invalid tag or digest: \"" + std::string(tag_or_digest) + "\"");
}

}  // namespace

Result<ManifestBytes> RegistryRepository::GetManifest(std::string_view tag_or_digest) {
  if (Status valid = CheckReference(tag_or_digest); !valid.ok()) return valid.error();
  ManifestBytes out;
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request request =
        client.NewRequest(RequestKind::kManifest, path_ + "/manifests/" + std::string(tag_or_digest));
    request.headers.emplace_back("Accept", std::string(kManifestAccept));
    Result<http::Response> response = client.Fetch(std::move(request), scopes_);
    if (!response) return response.error();
    if (response->status != 200) return ErrorFromResponse(*response);
    ManifestDocument doc;
    if (Status decoded = DecodeDocument(response->body, doc); !decoded.ok()) {
      return Error(ErrorKind::kSystem, "manifest " + std::string(tag_or_digest) + ": " + decoded.message());
    }
    Result<std::string> type = ManifestType(response->Header("content-type"), doc);
    if (!type) return type.error();
    std::string digest =
        IsDigest(tag_or_digest) ? std::string(tag_or_digest) : response->Header("docker-content-digest");
    if (digest.empty()) digest = Sha256Digest(response->body);
    const bool schema1 = *type == kSchema1Signed || *type == kSchema1;
    // A signed schema1 manifest's digest is over its payload without the
    // signatures; the registry's word is taken for it.
    if (!schema1 || IsDigest(tag_or_digest)) {
      if (Status verified = VerifyDigest(digest, response->body); !verified.ok()) {
        return Error(ErrorKind::kSystem, "manifest " + client.api_root() + path_ + "/manifests/" +
                                             std::string(tag_or_digest) + ": " + verified.message());
      }
    }
    out = ManifestBytes{std::move(response->body), std::move(*type), std::move(digest)};
    return {};
  });
  if (!done.ok()) return done.error();
  return out;
}

Result<Descriptor> RegistryRepository::Resolve(std::string_view tag_or_digest) {
  if (Status valid = CheckReference(tag_or_digest); !valid.ok()) return valid.error();
  std::optional<Descriptor> found;
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request request =
        client.NewRequest(RequestKind::kManifest, path_ + "/manifests/" + std::string(tag_or_digest));
    request.method = "HEAD";
    request.headers.emplace_back("Accept", std::string(kManifestAccept));
    Result<http::Response> response = client.Fetch(std::move(request), scopes_);
    if (!response) return response.error();
    const std::string digest = response->Header("docker-content-digest");
    const std::string type = http::MediaTypeOf(response->Header("content-type"));
    const std::string length = response->Header("content-length");
    if (response->status == 200 && IsValidDigest(digest) && IsKnownManifestType(type) && !length.empty() &&
        length.find_first_not_of("0123456789") == std::string::npos && length.size() < 16) {
      if (IsDigest(tag_or_digest) && digest != tag_or_digest) {
        return Error(ErrorKind::kSystem,
                     "manifest " + std::string(tag_or_digest) + ": the registry named digest " + digest);
      }
      found = Descriptor{type, digest, std::stoll(length)};
      return {};
    }
    // A HEAD has no body to say what went wrong, and some registries name
    // no digest: the GET says (a 404 answer is the registry's own error).
    return Error(ErrorKind::kNotFound, "");
  });
  if (done.ok() && found) return *found;
  Result<ManifestBytes> manifest = GetManifest(tag_or_digest);
  if (!manifest) return manifest.error();
  return Descriptor{manifest->media_type, manifest->digest, static_cast<std::int64_t>(manifest->bytes.size())};
}

Result<std::string> RegistryRepository::PutManifest(std::string_view tag_or_digest, const ManifestBytes& manifest) {
  if (Status valid = CheckReference(tag_or_digest); !valid.ok()) return valid.error();
  const std::string digest = manifest.digest.empty() ? Sha256Digest(manifest.bytes) : manifest.digest;
  if (Status verified = VerifyDigest(digest, manifest.bytes); !verified.ok()) return verified.error();
  if (IsDigest(tag_or_digest) && tag_or_digest != digest) {
    return Error(ErrorKind::kInvalidParameter,
                 "manifest " + digest + " cannot be put as " + std::string(tag_or_digest));
  }
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request request =
        client.NewRequest(RequestKind::kManifest, path_ + "/manifests/" + std::string(tag_or_digest));
    request.method = "PUT";
    request.headers.emplace_back("Content-Type", manifest.media_type);
    request.body = manifest.bytes;
    Result<http::Response> response = client.Fetch(std::move(request), scopes_);
    if (!response) return response.error();
    if (response->status < 200 || response->status >= 300) return ErrorFromResponse(*response);
    const std::string named = response->Header("docker-content-digest");
    if (!named.empty() && named != digest) {
      return Error(ErrorKind::kSystem,
                   "the registry stored manifest " + std::string(tag_or_digest) + " as " + named + ", not " + digest);
    }
    return {};
  });
  if (!done.ok()) return done.error();
  return digest;
}

Status RegistryRepository::DeleteManifest(std::string_view digest) {
  if (!IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + std::string(digest));
  return OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request request = client.NewRequest(RequestKind::kManifest, path_ + "/manifests/" + std::string(digest));
    request.method = "DELETE";
    // Token servers grant deletes as their own action.
    Result<http::Response> response = client.Fetch(std::move(request), {"repository:" + path_ + ":delete"});
    if (!response) return response.error();
    if (response->status < 200 || response->status >= 300) return ErrorFromResponse(*response);
    return {};
  });
}

}  // namespace berth::registry
