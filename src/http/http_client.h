// The HTTP transport to registries, on libcurl: TLS with per-registry
// material (extra CAs added to the system store, client certificates),
// plain http only when asked, proxies from the environment, keep-alive
// connection reuse, connect/request timeouts, a cap on every response body,
// no automatic redirects (the caller decides where credentials may go).
// Private to the library.
#ifndef BERTH_SRC_HTTP_HTTP_CLIENT_H_
#define BERTH_SRC_HTTP_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "berth/certs.h"
#include "berth/error.h"

namespace berth::http {

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15000};
  std::size_t max_body = 8u << 20;
  // For https URLs: extra CAs, client certificates, verify=false. Null means
  // the system's CAs, verified. Must outlive the call.
  const TlsMaterial* tls = nullptr;
  // Connect to this unix socket instead of the URL's host (which then only
  // names the Host header).
  std::string unix_socket;
  std::chrono::milliseconds connect_timeout{30000};
  std::string user_agent;  // "" is berth's own

  // Streaming, for blobs. When set, a 2xx answer's body is handed to
  // body_sink, with the status, as it arrives instead of kept in
  // Response::body (max_body does not limit it); an error the sink returns
  // stops the transfer and is Do's error. Other answers' bodies are kept as
  // usual.
  std::function<Status(long status, std::string_view chunk)> body_sink;
  // When set, the request body comes from body_reader (0 = the end; an
  // error stops the transfer and is Do's error) instead of `body`:
  // body_length bytes, or chunked when it is -1. Such a request cannot be
  // sent twice: callers retry by making a new one.
  std::function<Result<std::size_t>(char* buffer, std::size_t capacity)> body_reader;
  std::int64_t body_length = -1;
  // When positive, there is no whole-request timeout (a 1 GiB blob takes as
  // long as it takes); the transfer fails when no byte moved for this long.
  std::chrono::milliseconds stall_timeout{0};
  // When set, asked about once a second, and as bytes move, whether the
  // request is still wanted (its client may have gone); true stops it, and
  // Do's error is kSystem `Get "URL": context canceled`, as Go words a
  // request whose context was cancelled.
  std::function<bool()> cancelled;
};

struct Response {
  long status = 0;
  std::string status_line;  // "401 Unauthorized" as the server sent it (reason may be empty)
  // Header names in lower case; repeated headers keep every value in order.
  std::multimap<std::string, std::string> headers;
  std::string body;
  long new_connections = 0;      // 0 when a kept-alive connection served it
  std::uint64_t sunk_bytes = 0;  // body bytes handed to Request::body_sink

  std::vector<std::string> HeaderValues(const std::string& lower_name) const;
  std::string Header(const std::string& lower_name) const;  // the first, or ""
};

// The media type of a Content-Type value, lower-cased, without parameters:
// "application/json; charset=utf-8" → "application/json".
std::string MediaTypeOf(std::string_view content_type);

// One connection cache: use it from one thread at a time.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Errors, worded as Go's url.Error (`Get "URL": what happened`), are all
  // kSystem as in the Engine: connection, TLS and timeout failures, a body
  // or header block over the cap.
  Result<Response> Do(const Request& request);
  // Whether the last failed Do could not connect at all (refused, no such
  // socket, no such host): callers that word that case apart (the docker
  // CLI's "Cannot connect to the Docker daemon") ask here.
  bool last_failure_was_connect() const;
  // Whether the last failed Do ran out of time (connect or whole request).
  bool last_failure_was_timeout() const;
  // Whether the last failed Do lost its connection after the answer began
  // (a reset, an early close, a stall): a blob fetch resumes from there.
  bool last_failure_was_cut() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::http

#endif  // BERTH_SRC_HTTP_HTTP_CLIENT_H_
