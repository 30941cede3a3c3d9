#include "server/http_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace berth::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string ListenAddress::String() const {
  if (systemd) return "fd://";
  if (unix_socket) return "unix://" + path;
  bool v6 = host.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> ParseListenAddress(std::string_view spec) {
  ListenAddress a;
  if (spec == "fd://") {
    a.systemd = true;
    return a;
  }
  if (spec.rfind("unix://", 0) == 0) {
    a.path = std::string(spec.substr(7));
    if (a.path.empty() || a.path[0] != '/') {
      return Error(ErrorKind::kInvalidParameter, "invalid unix socket address " + std::string(spec) +
                                                     ": the path must be absolute");
    }
    return a;
  }
  if (spec.rfind("tcp://", 0) == 0) {
    std::string_view rest = spec.substr(6);
    std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      return Error(ErrorKind::kInvalidParameter, "invalid tcp address " + std::string(spec) + ": no port");
    }
    std::string host(rest.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::string port(rest.substr(colon + 1));
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535) {
      return Error(ErrorKind::kInvalidParameter, "invalid tcp address " + std::string(spec) + ": bad port");
    }
    a.unix_socket = false;
    a.host = host.empty() ? "127.0.0.1" : host;
    a.port = static_cast<unsigned short>(std::stoul(port));
    return a;
  }
  return Error(ErrorKind::kInvalidParameter,
               "invalid address " + std::string(spec) + ": use unix:///path or tcp://host:port");
}

struct HttpServer::Impl {
  Impl(EngineApi& a, ServerOptions o)
      : api(a), options(std::move(o)), io(options.io_threads), workers(options.worker_threads) {}

  EngineApi& api;
  ServerOptions options;
  asio::io_context io;
  asio::thread_pool workers;
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<tcp::acceptor>> tcp_acceptors;
  std::vector<std::shared_ptr<unix_socket::acceptor>> unix_acceptors;
  std::vector<unsigned short> ports;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::once_flag stop_once;

  template <class Protocol>
  void Accept(std::shared_ptr<typename Protocol::acceptor> acceptor);
};

namespace {

// One connection: read a request, hand it to the workers, write the
// answer, again while the client keeps the connection alive.
template <class Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Stream = beast::basic_stream<Protocol, asio::any_io_executor, beast::unlimited_rate_policy>;

  Session(typename Protocol::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {}

  void Start() { Read(); }

 private:
  void Read() {
    if (server_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(server_.options.max_header_bytes, 60u << 10)));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == http::error::header_limit) return Refuse(431, "Request Header Fields Too Large");
    if (ec == http::error::body_limit) return Refuse(413, "Payload Too Large");
    if (ec) return Refuse(400, "Bad Request");
    http::request<http::string_body>& req = parser_->get();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_ = req.method() == http::verb::head;
    EngineRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) request.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
    request.body = std::move(req.body());
    started_ = Clock::now();
    ++server_.in_flight;
    // What needs no registry is answered right here; the rest may block and
    // goes to the workers, never onto an I/O thread.
    if (std::optional<EngineResponse> now = server_.api.HandleWithoutBlocking(request)) {
      if (server_.options.on_request && (server_.options.log_every_request || now->status >= 500)) {
        double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        server_.options.on_request(AccessLog{request.method, request.target, now->route, now->status, seconds});
      }
      return Write(std::move(*now));
    }
    asio::post(server_.workers, [self = this->shared_from_this(), request = std::move(request)]() mutable {
      EngineResponse response = self->server_.api.Handle(request);
      const ServerOptions& o = self->server_.options;
      if (o.on_request && (o.log_every_request || response.status >= 500)) {
        double seconds = std::chrono::duration<double>(Clock::now() - self->started_).count();
        self->server_.options.on_request(
            AccessLog{request.method, request.target, response.route, response.status, seconds});
      }
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response)]() mutable { self->Write(std::move(response)); });
    });
  }

  void Write(EngineResponse response) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) response_.insert(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive_ && !server_.stopping);
    response_.prepare_payload();
    stream_.expires_after(server_.options.request_timeout);
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->Finished();
      if (ec || !self->response_.keep_alive()) return self->Close();
      self->Read();
    });
  }

  // Limits and malformed requests: Go's http server answers these itself,
  // in plain text, and closes the connection.
  void Refuse(unsigned status, const char* reason) {
    ++server_.in_flight;
    response_ = {};
    response_.version(11);
    response_.result(status);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    response_.set(http::field::connection, "close");
    response_.body() = std::to_string(status) + " " + reason;
    response_.keep_alive(false);
    response_.prepare_payload();
    stream_.expires_after(std::chrono::seconds(5));
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->Finished();
      if (ec) return self->Close();
      // A lingering close: the client may still be sending what was
      // refused; closing now would reset the connection before it reads
      // the answer. Read and drop a bounded amount for a short while.
      beast::error_code ignored;
      self->stream_.socket().shutdown(Protocol::socket::shutdown_send, ignored);
      self->drained_ = 0;
      self->stream_.expires_after(std::chrono::seconds(2));
      self->Drain();
    });
  }

  void Drain() {
    drain_buffer_.resize(64 * 1024);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (16u << 20)) return self->Close();
                              self->Drain();
                            });
  }

  void Finished() {
    if (--server_.in_flight == 0 && server_.stopping) {
      std::lock_guard lock(server_.mu);
      server_.cv.notify_all();
    }
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  Stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
  bool keep_alive_ = false, head_ = false;
  unsigned version_ = 11;
  Clock::time_point started_;
};

}  // namespace

template <class Protocol>
void HttpServer::Impl::Accept(std::shared_ptr<typename Protocol::acceptor> acceptor) {
  acceptor->async_accept(asio::make_strand(io), [this, acceptor](beast::error_code ec,
                                                                 typename Protocol::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (!ec) std::make_shared<Session<Protocol>>(std::move(socket), *this)->Start();
    Accept<Protocol>(acceptor);
  });
}

HttpServer::HttpServer(EngineApi& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

HttpServer::~HttpServer() {
  Stop();
  Wait();
}

Status HttpServer::Start() {
  Impl& s = *impl_;
  for (const ListenAddress& a : s.options.listen) {
    beast::error_code ec;
    if (a.systemd) {
      // sd_listen_fds(3): LISTEN_PID must be us; the sockets start at fd 3.
      const char* pid = std::getenv("LISTEN_PID");
      const char* fds = std::getenv("LISTEN_FDS");
      int n = fds ? std::atoi(fds) : 0;
      if (!pid || std::atol(pid) != static_cast<long>(::getpid()) || n <= 0) {
        return Error(ErrorKind::kSystem, "fd://: no sockets passed by systemd (LISTEN_FDS)");
      }
      for (int fd = 3; fd < 3 + n; ++fd) {
        auto acceptor = std::make_shared<unix_socket::acceptor>(s.io);
        acceptor->assign(unix_socket(), fd, ec);
        if (ec) return Error(ErrorKind::kSystem, "fd://: socket " + std::to_string(fd) + ": " + ec.message());
        s.unix_acceptors.push_back(acceptor);
      }
      continue;
    }
    if (a.unix_socket) {
      struct stat st {};
      if (::lstat(a.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(a.path.c_str());
      auto acceptor = std::make_shared<unix_socket::acceptor>(s.io);
      acceptor->open(unix_socket(), ec);
      if (!ec) acceptor->bind(unix_socket::endpoint(a.path), ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Error(ErrorKind::kSystem, "cannot listen on " + a.String() + ": " + ec.message());
      ::chmod(a.path.c_str(), s.options.unix_socket_mode);
      s.unix_acceptors.push_back(acceptor);
    } else {
      auto address = asio::ip::make_address(a.host, ec);
      if (ec) return Error(ErrorKind::kInvalidParameter, "cannot listen on " + a.String() + ": " + ec.message());
      auto acceptor = std::make_shared<tcp::acceptor>(s.io);
      tcp::endpoint endpoint(address, a.port);
      acceptor->open(endpoint.protocol(), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor->bind(endpoint, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Error(ErrorKind::kSystem, "cannot listen on " + a.String() + ": " + ec.message());
      s.ports.push_back(acceptor->local_endpoint().port());
      s.tcp_acceptors.push_back(acceptor);
    }
  }
  for (auto& a : s.unix_acceptors) s.Accept<unix_socket>(a);
  for (auto& a : s.tcp_acceptors) s.Accept<tcp>(a);
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.threads.emplace_back([&s] {
      // An exception out of one connection's handler must not end the
      // server: that connection is dropped, the others go on.
      for (;;) {
        try {
          s.io.run();
          return;
        } catch (const std::exception&) {
        }
      }
    });
  }
  return {};
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  std::call_once(s.stop_once, [&s] {
    s.stopping = true;
    asio::post(s.io, [&s] {
      beast::error_code ignored;
      for (auto& a : s.tcp_acceptors) a->close(ignored);
      for (auto& a : s.unix_acceptors) a->close(ignored);
    });
    {
      // Requests in flight finish, within the grace period.
      std::unique_lock lock(s.mu);
      s.cv.wait_for(lock, s.options.shutdown_grace, [&s] { return s.in_flight == 0; });
    }
    s.io.stop();
    for (std::thread& t : s.threads)
      if (t.joinable()) t.join();
    s.workers.stop();
    s.workers.join();
    for (const ListenAddress& a : s.options.listen)
      if (a.unix_socket && !a.systemd) ::unlink(a.path.c_str());
    std::lock_guard lock(s.mu);
    s.stopped = true;
    s.cv.notify_all();
  });
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped; });
}

std::vector<unsigned short> HttpServer::BoundPorts() const { return impl_->ports; }

}  // namespace berth::server
