// EngineClient's state and transport, shared by its source files: the
// connection (one libcurl handle: keep-alive), the API version in use, and
// requests checked as the Go SDK checks them. Private to the library.
#ifndef BERTH_SRC_ENGINE_CLIENT_CLIENT_IMPL_H_
#define BERTH_SRC_ENGINE_CLIENT_CLIENT_IMPL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "berth/certs.h"
#include "berth/engine_client.h"
#include "engine_client/engine_host.h"
#include "http/http_client.h"

namespace berth {

struct EngineClient::Impl {
  EngineClientOptions options;
  engine_client::EngineHost host;
  std::optional<TlsMaterial> tls;
  http::HttpClient http;
  std::string version;  // pinned, or negotiated; "" before negotiation
  std::uint64_t connections = 0;

  using Headers = std::vector<std::pair<std::string, std::string>>;

  // A request whose answer (2xx) streams to body_sink, and whose body may
  // come from body_reader (chunked when body_length is -1): no whole-call
  // timeout, but never silent longer than options.timeout.
  struct Streaming {
    std::function<Status(long status, std::string_view chunk)> body_sink;
    std::function<Result<std::size_t>(char* buffer, std::size_t capacity)> body_reader;
    std::int64_t body_length = -1;
  };

  // One request to the Engine as is (`path` with its query); transport
  // failures worded as the docker CLI words them.
  Result<http::Response> Send(const std::string& method, const std::string& path, const Headers& headers = {},
                              const std::string& body = {}, const Streaming* streaming = nullptr);
  // Negotiates first (unless pinned), then sends to /vVERSION/path; a
  // status of 400 and above becomes the Engine's error.
  Result<http::Response> Call(const std::string& method, const std::string& path, const Headers& headers = {},
                              const std::string& body = {}, const Streaming* streaming = nullptr);
  // The version to use: the pinned one, else negotiated on the first call.
  Status Negotiate();
  Result<EnginePing> Ping();
  // The Go SDK's checkResponseErr: nothing for 2xx/3xx, else
  // "Error response from daemon: <message>" with the status's kind.
  Status Check(const http::Response& response, const std::string& url) const;
  // The Go SDK's NewVersionError: `"FEATURE" requires API version V, but
  // the Docker daemon API version is X`.
  Status RequireVersion(std::string_view required, std::string_view feature);
};

}  // namespace berth

#endif  // BERTH_SRC_ENGINE_CLIENT_CLIENT_IMPL_H_
