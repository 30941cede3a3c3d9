// berthd's HTTP/1.1 server (Boost.Beast): unix sockets and TCP listeners,
// keep-alive, limits on headers (431) and bodies (413) before they are read
// whole, a deadline for each request's arrival (slow clients are dropped),
// and a graceful stop that lets requests in flight finish (bounded). The
// Engine API handlers may block on registries: they run on a worker pool,
// never on the I/O threads. Beast stays in this one translation unit.
#ifndef BERTH_SRC_SERVER_HTTP_SERVER_H_
#define BERTH_SRC_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "berth/engine_api.h"
#include "berth/error.h"

struct ssl_ctx_st;

namespace berth::server {

// Where to listen, as dockerd's -H takes it: unix:///run/berth.sock,
// tcp://127.0.0.1:2375 (or [::1]:2375; localhost is 127.0.0.1), fd:// (the
// unix sockets systemd passes, LISTEN_FDS from fd 3).
struct ListenAddress {
  bool unix_socket = true;
  bool systemd = false;
  std::string path;  // unix
  std::string host;  // tcp
  unsigned short port = 0;

  std::string String() const;
};
Result<ListenAddress> ParseListenAddress(std::string_view spec);

struct AccessLog {
  std::string method, target, route;
  int status = 0;
  double seconds = 0;
  std::string error;  // the route's error message, if it failed
};

struct ServerOptions {
  std::vector<ListenAddress> listen;
  int io_threads = 1;
  int worker_threads = 16;
  // Threads for transfers (EngineApi::IsTransfer: pulls, pushes, saves,
  // loads), apart from the workers: each holds one for its whole length.
  int transfer_threads = 64;
  // Go allows 1 MiB; Beast stores each field in at most 64 KiB, so the
  // whole header block is capped below that (431 beyond).
  std::size_t max_header_bytes = 60u << 10;
  std::size_t max_body_bytes = 1u << 20;
  // From the end of one response (or the connection's start) the whole next
  // request must have arrived within this, or the connection is closed:
  // idle keep-alive connections and slow clients alike.
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds shutdown_grace{10000};
  unsigned unix_socket_mode = 0660;
  // Where bodies of the routes that spool them (EngineApi::SpoolsBody: an
  // image tar to load) are written as they arrive, without max_body_bytes;
  // "" keeps them in memory under that limit.
  std::string spool_dir;
  // TLS for every TCP listener (MakeServerTlsContext); unix sockets stay
  // plain, as dockerd's do.
  std::shared_ptr<ssl_ctx_st> tls;
  // Called for each connection refused before its first request: a failed
  // TLS handshake (no certificate, another CA), plain HTTP to a TLS port.
  // Go's words: "http: TLS handshake error from ADDR: WHY".
  std::function<void(const std::string&)> on_connection_error;
  // Called after each response with status >= 500, or after every response
  // when log_every_request is set (building the entry costs on hot routes).
  std::function<void(const AccessLog&)> on_request;
  bool log_every_request = false;
};

class HttpServer {
 public:
  HttpServer(EngineApi& api, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds every address (a stale unix socket file is replaced) and starts
  // serving. Errors name the address.
  Status Start();
  // Stops accepting, lets requests in flight finish within the grace
  // period, then closes everything. Safe to call from a signal-handling
  // thread; idempotent.
  void Stop();
  // Blocks until Stop has finished.
  void Wait();

  // The TCP ports actually bound (for tcp://127.0.0.1:0), in listen order.
  std::vector<unsigned short> BoundPorts() const;

  // Defined in http_server.cc; named here so its connections can use it.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::server

#endif  // BERTH_SRC_SERVER_HTTP_SERVER_H_
