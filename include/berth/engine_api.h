// EngineApi: the Docker Engine API's registry routes — /_ping, /version,
// /info, /auth, /images/search, /distribution/{name}/json — with dockerd's
// version rules, headers, error bodies and status mapping, independent of
// any socket: berthd's HTTP server hands it requests and writes back what
// it returns. Safe to call from many threads.
#ifndef BERTH_ENGINE_API_H_
#define BERTH_ENGINE_API_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "berth/version.h"

namespace berth {

struct EngineRequest {
  std::string method;  // "GET"
  std::string target;  // "/v1.44/images/search?term=x", as sent
  // Header names in lower case, in the order sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Routes that take large bodies (POST /images/load, see
  // EngineApi::SpoolsBody) get theirs in this file instead of `body`; the
  // server removes it after the request.
  std::string body_file;

  std::string Header(std::string_view lower_name) const;
};

// Where a streamed response body goes (pulls, pushes, saves, loads): the
// server sends each Write as one HTTP chunk and waits until it is written,
// so a slow client slows the producer and nothing piles up in memory.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // false once the client has gone: the producer should stop then (a pull
  // is cancelled when its client disconnects, as dockerd's is).
  virtual bool Write(std::string_view bytes) = 0;
  // Whether the client is still there (without writing).
  virtual bool Alive() const = 0;
};

struct EngineResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Which route answered ("/_ping", "/distribution/{name}/json", "unknown"),
  // for metrics and logs.
  std::string route = "unknown";
  // The message of the error the body carries, when the route failed (for
  // logs, as dockerd logs its 5xx errors); "" otherwise. Never a secret.
  std::string error;
  // Set for streamed bodies: the server calls this on a worker thread; the
  // status and headers above go out with the first Write (chunked, no
  // Content-Length), the body ends when it returns. What it returns is
  // the answer when it wrote nothing (an error found before any output is
  // an HTTP error, as dockerd answers it); after output only its `error`
  // is read (for the log: the error was written in the stream).
  std::function<EngineResponse(ResponseStream&)> stream;
  // Set on what `stream` returns after output: the body is cut (no last
  // chunk, the connection closed) so the client sees an incomplete
  // transfer — for bodies with no room for an error (a tar).
  bool cut_stream = false;
};

struct EngineOptions {
  std::string version{kVersion};  // berthd's own
  std::string name;               // the host name /info reports
  std::string id;                 // /info's ID
  std::string kernel_version;
  std::string operating_system;
  std::string architecture = "x86_64";  // uname -m
  std::string go_arch = "amd64";        // GOARCH spelling for /version
  int ncpu = 1;
  long long mem_total = 0;
  bool debug = false;
  // Distribution inspect results by tag are kept this long (0: not at all);
  // by digest they are kept until evicted (they cannot change).
  std::chrono::milliseconds inspect_cache_ttl{0};
  std::size_t inspect_cache_entries = 10000;
  RegistryClientOptions client;
  // What /info reports as DockerRootDir (berthd's --data-root).
  std::string data_root;
  // The API's listeners as dockerd normalizes them ("tcp://localhost:2375",
  // "unix:///run/berth.sock") and their TLS: /info's Warnings name each
  // TCP one served without TLS, or without client verification.
  std::vector<std::string> api_hosts;
  bool api_tls = false, api_tls_verify = false;
};

class ImageStore;

class EngineApi {
 public:
  // `service` must outlive the API; its reloads apply to later requests.
  // The image routes use `images` (made with client()); without one they
  // answer 503.
  EngineApi(const RegistryService& service, EngineOptions options);
  void SetImageStore(ImageStore* images);
  // The registry client the routes use (pulls and pushes too).
  RegistryClient& client();
  ~EngineApi();
  EngineApi(const EngineApi&) = delete;
  EngineApi& operator=(const EngineApi&) = delete;

  EngineResponse Handle(const EngineRequest& request);

  // The answer when it needs no registry and cannot block (/_ping,
  // /version, /info, /metrics, errors found before any request, inspect
  // cache hits); nullopt otherwise — then Handle, on a thread that may
  // block. Lets a server answer these on its I/O threads.
  std::optional<EngineResponse> HandleWithoutBlocking(const EngineRequest& request);

  // Whether the route of this request takes its body spooled into a file
  // (EngineRequest::body_file) without a size limit: POST /images/load.
  bool SpoolsBody(std::string_view method, std::string_view target) const;

  // Whether the request is a transfer (pull, push, save, load), which may
  // run for minutes: a server runs these apart from the other routes, so a
  // stalled registry never delays `docker images`.
  bool IsTransfer(std::string_view method, std::string_view target) const;

  // GET /metrics: Prometheus text (requests by route and status, registry
  // round trips, cache hits, retries, rate limits).
  std::string Metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth

#endif  // BERTH_ENGINE_API_H_
