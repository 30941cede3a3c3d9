// Uploading a blob (distribution-spec "push"): POST to open an upload
// session, then either one streamed PUT ?digest= with the whole blob
// (monolithic), or — when the registry asks for chunks with
// OCI-Chunk-Min-Length — PATCHes with Content-Range and a closing PUT.
// Each answer's Location (relative or absolute, maybe another host) is where
// the next request goes; credentials only go to the registry's own origin.
// A 408, 429, 5xx or dropped connection starts the upload over from a fresh
// reader, after the retry policy's wait.
#include <algorithm>
#include <ctime>
#include <thread>

#include "registry/digest.h"
#include "registry/registry_errors.h"
#include "registry/registry_repository.h"
#include "registry/retry_policy.h"
#include "registry/urls.h"

namespace berth::registry {
namespace {

// PATCH chunks are this large, or the registry's minimum if larger.
constexpr std::size_t kChunkBytes = 8u << 20;

bool RetriableUploadStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// The next request's URL from an upload answer's Location.
Result<std::string> NextLocation(const std::string& request_url, const http::Response& response) {
  const std::string location = response.Header("location");
  std::string next = location.empty() ? std::string() : ResolveLocation(request_url, location);
  if (OriginOf(next).empty()) {
    return Error(ErrorKind::kSystem, "the registry answered the upload with no usable Location: \"" + location + "\"");
  }
  return next;
}

}  // namespace

Status RegistryRepository::PushBlob(const Descriptor& blob, const BlobOpener& open) {
  if (!IsValidDigest(blob.digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + blob.digest);
  const RegistryClientOptions& options = state_.options();
  for (int attempt = 0;; ++attempt) {
    long status = 0;
    std::string retry_after;
    bool retry = false;
    Status done = UploadOnce(blob, open, &status, &retry_after, &retry);
    if (done.ok() || !retry || attempt >= options.max_retries) return done;
    // The larger of Retry-After and 250 ms doubling, at most max_retry_wait;
    // a registry asking for a longer wait gets its error reported instead.
    std::chrono::milliseconds wait = std::chrono::milliseconds(250) * (1LL << std::min(attempt, 20));
    if (std::optional<std::chrono::milliseconds> asked = ParseRetryAfter(retry_after, std::time(nullptr))) {
      if (*asked > options.max_retry_wait) return done;
      wait = std::max(wait, *asked);
    }
    std::this_thread::sleep_for(std::min(wait, options.max_retry_wait));
  }
}

Status RegistryRepository::UploadOnce(const Descriptor& blob, const BlobOpener& open, long* status,
                                      std::string* retry_after, bool* retry) {
  bool reader_failed = false;
  Status done = OnEndpoints([&](EndpointClient& client) -> Status {
    http::Request start = client.NewRequest(RequestKind::kAuth, path_ + "/blobs/uploads/");
    start.method = "POST";
    start.timeout = state_.options().request_timeout;
    *status = 0;
    Result<http::Response> started = client.Fetch(start, scopes_);
    if (!started) return started.error();
    *status = started->status;
    *retry_after = started->Header("retry-after");
    if (started->status != 202) return ErrorFromResponse(*started);
    Result<std::string> location = NextLocation(start.url, *started);
    if (!location) return location.error();
    Result<std::unique_ptr<BlobReader>> reader = open();
    if (!reader) {
      reader_failed = true;
      return reader.error();
    }
    const std::string min_chunk = started->Header("oci-chunk-min-length");
    if (!min_chunk.empty() && min_chunk.find_first_not_of("0123456789") == std::string::npos && min_chunk.size() < 12) {
      const std::size_t chunk = std::max<std::size_t>(kChunkBytes, std::stoull(min_chunk));
      return UploadChunked(client, std::move(*location), blob, **reader, chunk, status, retry_after, &reader_failed);
    }
    http::Request put =
        client.NewRequest(RequestKind::kBlob, WithQuery(*location, "digest", QueryEscapeDigest(blob.digest)));
    put.method = "PUT";
    put.headers.emplace_back("Content-Type", "application/octet-stream");
    put.body_length = blob.size;
    BlobReader* source = reader->get();
    put.body_reader = [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
      Result<std::size_t> got = source->Read(buffer, capacity);
      reader_failed = !got;
      return got;
    };
    *status = 0;
    Result<http::Response> stored = client.Fetch(std::move(put), scopes_);
    if (!stored) return stored.error();
    *status = stored->status;
    *retry_after = stored->Header("retry-after");
    if (stored->status != 201 && stored->status != 204) return ErrorFromResponse(*stored);
    return {};
  });
  // No answer (status 0: a dropped connection, a timeout) or a passing
  // failure may be tried again; a failing source may not.
  *retry = !done.ok() && !reader_failed && (*status == 0 || RetriableUploadStatus(*status));
  return done;
}

Status RegistryRepository::UploadChunked(EndpointClient& client, std::string location, const Descriptor& blob,
                                         BlobReader& reader, std::size_t chunk_bytes, long* status,
                                         std::string* retry_after, bool* reader_failed) {
  std::string chunk(chunk_bytes, '\0');
  std::int64_t sent = 0;
  for (bool end = false; !end;) {
    std::size_t filled = 0;
    while (filled < chunk.size()) {
      Result<std::size_t> got = reader.Read(chunk.data() + filled, chunk.size() - filled);
      if (!got) {
        *reader_failed = true;
        return got.error();
      }
      if (*got == 0) {
        end = true;
        break;
      }
      filled += *got;
    }
    if (filled == 0) break;
    http::Request patch = client.NewRequest(RequestKind::kBlob, location);
    patch.method = "PATCH";
    patch.headers.emplace_back("Content-Type", "application/octet-stream");
    patch.headers.emplace_back(
        "Content-Range", std::to_string(sent) + "-" + std::to_string(sent + static_cast<std::int64_t>(filled) - 1));
    patch.body.assign(chunk.data(), filled);
    *status = 0;
    Result<http::Response> accepted = client.Fetch(patch, scopes_);
    if (!accepted) return accepted.error();
    *status = accepted->status;
    *retry_after = accepted->Header("retry-after");
    if (accepted->status != 202) return ErrorFromResponse(*accepted);
    Result<std::string> next = NextLocation(patch.url, *accepted);
    if (!next) return next.error();
    location = std::move(*next);
    sent += static_cast<std::int64_t>(filled);
  }
  if (blob.size >= 0 && sent != blob.size) {
    return Error(ErrorKind::kSystem, "blob " + blob.digest + " ended after " + std::to_string(sent) +
                                         " of its descriptor's " + std::to_string(blob.size) + " bytes");
  }
  http::Request put =
      client.NewRequest(RequestKind::kBlob, WithQuery(location, "digest", QueryEscapeDigest(blob.digest)));
  put.method = "PUT";
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  *status = 0;
  Result<http::Response> stored = client.Fetch(std::move(put), scopes_);
  if (!stored) return stored.error();
  *status = stored->status;
  *retry_after = stored->Header("retry-after");
  if (stored->status != 201 && stored->status != 204) return ErrorFromResponse(*stored);
  return {};
}

}  // namespace berth::registry
