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
#include <map>
#include <memory>
#include <string>
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
};

struct Response {
  long status = 0;
  std::string status_line;  // "401 Unauthorized" as the server sent it (reason may be empty)
  // Header names in lower case; repeated headers keep every value in order.
  std::multimap<std::string, std::string> headers;
  std::string body;

  std::vector<std::string> HeaderValues(const std::string& lower_name) const;
  std::string Header(const std::string& lower_name) const;  // the first, or ""
};

class HttpClient {
 public:
  // `tls` applies to https URLs; verify=false turns verification off.
  explicit HttpClient(TlsMaterial tls);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Errors: kUnavailable for connection and timeout failures (curl's
  // message), kSystem for a body over the cap.
  Result<Response> Do(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::http

#endif  // BERTH_SRC_HTTP_HTTP_CLIENT_H_
