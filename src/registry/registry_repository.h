// RemoteRepository over the registry client's shared state: the endpoints
// a repository is reached at, tried in order, and the distribution-spec
// requests for manifests (manifests.cc), blobs (blob_fetch.cc,
// blob_upload.cc), tags and referrers (listings.cc).
#ifndef BERTH_SRC_REGISTRY_REGISTRY_REPOSITORY_H_
#define BERTH_SRC_REGISTRY_REGISTRY_REPOSITORY_H_

#include <functional>
#include <string>
#include <vector>

#include "berth/registry_service.h"
#include "berth/remote_repository.h"
#include "registry/authorizer.h"
#include "registry/endpoint_client.h"
#include "registry/shared_state.h"

namespace berth::registry {

class RegistryRepository final : public RemoteRepository {
 public:
  // `endpoints` in the order to try; mirrors among them get no credentials.
  RegistryRepository(SharedState& state, std::string path, std::string registry, std::vector<Endpoint> endpoints,
                     Credentials credentials, RepositoryAccess access);

  const std::string& path() const override { return path_; }
  const std::string& registry() const override { return registry_; }

  Result<Descriptor> Resolve(std::string_view tag_or_digest) override;
  Result<ManifestBytes> GetManifest(std::string_view tag_or_digest) override;
  Result<std::optional<std::int64_t>> BlobSize(std::string_view digest) override;
  Status FetchBlob(const Descriptor& blob, const BlobSink& sink) override;
  Result<bool> MountBlob(std::string_view digest, std::string_view from_repository) override;
  Status PushBlob(const Descriptor& blob, const BlobOpener& open) override;
  Result<std::string> PutManifest(std::string_view tag_or_digest, const ManifestBytes& manifest) override;
  Status DeleteManifest(std::string_view digest) override;
  Result<std::vector<std::string>> Tags() override;
  Result<std::vector<Descriptor>> Referrers(std::string_view digest) override;
  void SetCancelled(std::function<bool()> cancelled) override { cancelled_ = std::move(cancelled); }

 private:
  // Runs `op` against the endpoints in order until one succeeds, moving on
  // only from a mirror or from an endpoint that could not be reached (the
  // EndpointFallback rules say which are tried at all); the last error
  // otherwise. Each attempt gets an EndpointClient of its own (they are not
  // shared between threads).
  Status OnEndpoints(const std::function<Status(EndpointClient&)>& op);

  // One upload attempt; `retry` says whether what failed may be tried again.
  Status UploadOnce(const Descriptor& blob, const BlobOpener& open, long* status, std::string* retry_after,
                    bool* retry);
  // The PATCH chunks of a chunked upload, then its PUT.
  Status UploadChunked(EndpointClient& client, std::string location, const Descriptor& blob, BlobReader& reader,
                       std::size_t chunk_bytes, long* status, std::string* retry_after, bool* reader_failed);

  // Pages of a listing (tags, referrers) following Link: rel="next".
  Status ForEachPage(const std::string& first_path, const std::string& accept,
                     const std::function<Status(const http::Response&)>& page);

  SharedState& state_;
  std::string path_, registry_;
  std::vector<Endpoint> endpoints_;
  Credentials credentials_;
  std::vector<std::string> scopes_;
  std::function<bool()> cancelled_;
};

// The URL a Link header's rel="next" entry points at, resolved against
// `base`; "" when there is none.
std::string NextLink(const std::string& base, const std::vector<std::string>& link_values);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_REGISTRY_REPOSITORY_H_
