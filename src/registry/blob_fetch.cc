// GET of a blob as a stream: checked while it flows (DigestVerifier), and
// resumed with a Range request where a connection dropped — on the same
// endpoint, or on the next one when that one fails.
#include <algorithm>
#include <optional>

#include "registry/digest.h"
#include "registry/registry_errors.h"
#include "registry/registry_repository.h"

namespace berth::registry {
namespace {

constexpr int kMaxResumes = 5;

}  // namespace

Status RegistryRepository::FetchBlob(const Descriptor& blob, const BlobSink& sink) {
  if (!IsValidDigest(blob.digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + blob.digest);
  DigestVerifier verifier(blob.digest, blob.size);
  int resumes = 0;
  // A wrong blob, or a sink that failed, is not a reason to try a mirror.
  std::optional<Error> fatal;
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    if (fatal) return *fatal;
    for (;;) {
      const std::int64_t offset = verifier.received();
      http::Request request = client.NewRequest(RequestKind::kBlob, path_ + "/blobs/" + blob.digest);
      if (offset > 0) request.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
      // A server that ignores Range sends the whole blob again: skip what
      // was delivered before.
      std::int64_t skip = -1;
      bool sink_failed = false;
      request.body_sink = [&](long status, std::string_view chunk) -> Status {
        if (skip < 0) skip = status == 206 ? 0 : offset;
        if (skip > 0) {
          const std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(skip, chunk.size()));
          chunk.remove_prefix(n);
          skip -= static_cast<std::int64_t>(n);
          if (chunk.empty()) return {};
        }
        Status s = verifier.Update(chunk);
        if (s.ok()) s = sink(chunk);
        sink_failed = !s.ok();
        return s;
      };
      Result<http::Response> response = client.Fetch(std::move(request), scopes_);
      if (!response) {
        if (sink_failed) {
          fatal = response.error();
          return *fatal;
        }
        // The connection dropped (or never came up): go on from the last
        // byte delivered, while that makes progress.
        if (resumes < kMaxResumes && (verifier.received() > offset || resumes == 0)) {
          ++resumes;
          continue;
        }
        return response.error();
      }
      if (response->status != 200 && response->status != 206) return ErrorFromResponse(*response);
      Status finished = verifier.Finish();
      if (!finished.ok()) fatal = finished.error();
      return finished;
    }
  });
  return done;
}

}  // namespace berth::registry
