#include "server/http_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <future>
#include <mutex>
#include <thread>

#include "internal/ascii.h"
#include "server/spool_body.h"
#include "server/tls_context.h"

namespace berth::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;
using tls_stream = asio::ssl::stream<tcp::socket>;
using Clock = std::chrono::steady_clock;

// The socket under a connection's stream: itself, or what TLS runs over.
template <class Socket>
Socket& Lowest(Socket& s) {
  return s;
}
template <class Socket>
Socket& Lowest(asio::ssl::stream<Socket>& s) {
  return s.next_layer();
}
template <class Stream>
constexpr bool kIsTls = false;
template <class Socket>
constexpr bool kIsTls<asio::ssl::stream<Socket>> = true;

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
      return Error(ErrorKind::kInvalidParameter,
                   "invalid unix socket address " + std::string(spec) + ": the path must be absolute");
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
    a.host = host.empty() || host == "localhost" ? "127.0.0.1" : host;
    a.port = static_cast<unsigned short>(std::stoul(port));
    return a;
  }
  return Error(ErrorKind::kInvalidParameter,
               "invalid address " + std::string(spec) + ": use unix:///path or tcp://host:port");
}

namespace {

// An I/O thread and everything only it touches: its io_context (run by it
// alone, so a connection's handlers never need a strand), the connections
// it serves, the sweep that closes those past their deadline (one timer per
// thread, not one per read and write), and the Date header of this second.
struct IoThread {
  IoThread() : io(1), sweep(io) {}
  asio::io_context io;
  asio::steady_timer sweep;
  std::vector<std::weak_ptr<class Connection>> connections;
  std::thread thread;
  std::time_t date_second = 0;
  std::string date;  // "Date: Fri, 27 Nov 2026 16:00:00 GMT\r\n"

  const std::string& DateLine() {
    std::time_t now = std::time(nullptr);
    if (now != date_second) {
      date_second = now;
      std::tm tm{};
      ::gmtime_r(&now, &tm);
      char text[64];
      std::size_t n = std::strftime(text, sizeof text, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
      date.assign(text, n);
    }
    return date;
  }
};

// What the sweep needs of a connection, whatever its socket's protocol.
class Connection {
 public:
  virtual ~Connection() = default;
  // When the connection is closed unless it makes progress; max while a
  // request is with the workers (a registry has its own timeouts).
  Clock::time_point deadline = Clock::time_point::max();
  virtual void Expire() = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(EngineApi& a, ServerOptions o)
      : api(a),
        options(std::move(o)),
        workers(options.worker_threads),
        transfers(std::max(1, options.transfer_threads)) {
    for (int i = 0; i < std::max(1, options.io_threads); ++i) io_threads.push_back(std::make_unique<IoThread>());
  }

  EngineApi& api;
  ServerOptions options;
  // Before the workers: their queued tasks hold connections whose sockets
  // belong to these, so the workers must go first.
  std::vector<std::unique_ptr<IoThread>> io_threads;
  asio::thread_pool workers;
  asio::thread_pool transfers;  // pulls, pushes, saves, loads
  std::vector<std::shared_ptr<tcp::acceptor>> tcp_acceptors;
  // TLS for the TCP listeners, when ServerOptions::tls is set.
  std::optional<asio::ssl::context> tls;
  std::vector<std::shared_ptr<unix_socket::acceptor>> unix_acceptors;
  // The socket files this server made: the only paths Stop removes (a
  // -H naming a regular file, or a start that failed first, leaves the
  // file as it was).
  std::vector<std::string> bound_unix_paths;
  std::size_t next_thread = 0;  // round robin; only the first I/O thread accepts
  std::vector<unsigned short> ports;
  std::atomic<bool> stopping{false};
  std::atomic<bool> io_stopped{false};  // the I/O threads have ended
  std::atomic<int> in_flight{0};
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::once_flag stop_once;

  template <class Protocol>
  void Accept(std::shared_ptr<typename Protocol::acceptor> acceptor);
  void Sweep(IoThread& t);
  std::chrono::milliseconds SweepInterval() const {
    // Fine enough for short timeouts (tests use fractions of a second).
    return std::clamp(options.request_timeout / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  }
};

namespace {

void AppendHeaderText(std::string& out, std::string_view text) {
  // Our own handlers write these, but some values come from registries
  // (X-Meta-*): no line breaks may split a header.
  // (Two memchr scans: find_first_of would call memchr once per character.)
  if (text.find('\r') == std::string_view::npos && text.find('\n') == std::string_view::npos) {
    out += text;
    return;
  }
  for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
}

// One connection: read a request, answer it (on this thread when no
// registry is needed, else on the workers), again while the client keeps
// the connection alive. Every handler runs on the connection's I/O thread.
template <class Transport>
class ClientConnection : public Connection, public std::enable_shared_from_this<ClientConnection<Transport>> {
 public:
  ClientConnection(Transport stream, HttpServer::Impl& server, IoThread& thread)
      : stream_(std::move(stream)), server_(server), thread_(thread) {}

  void Start() {
    thread_.connections.push_back(this->shared_from_this());
    if constexpr (kIsTls<Transport>) {
      Handshake();
    } else {
      Read();
    }
  }

  void Expire() override { Close(); }

 private:
  void Read() {
    if (server_.stopping) return Close();
    parser_.emplace();
    // The header alone first: whether the body is spooled into a file is
    // decided from it (Decide), then the body follows in the same pass.
    parser_->eager(false);
    decided_ = false;
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(server_.options.max_header_bytes, 60u << 10)));
    // No limit until the header says which route: Beast checks a
    // Content-Length against the limit as the header ends (Decide).
    parser_->body_limit(boost::none);
    deadline = Clock::now() + server_.options.request_timeout;
    continue_sent_ = false;
    Parse();
  }

  // Feeds what is buffered (a pipelined request, say) to the parser, and
  // reads more while it needs more: a plain read_some per arrival, without
  // Beast's composed read operations.
  void Parse() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return OnRead(ec);
      if (parser_->is_done()) return OnRead({});
      if (parser_->is_header_done() && !decided_) {
        if (!Decide()) return OnRead(http::error::body_limit);
        continue;
      }
      if (used == 0) break;
    }
    if (parser_->is_header_done() && !decided_ && !Decide()) return OnRead(http::error::body_limit);
    if (spooling_) deadline = Clock::now() + server_.options.request_timeout;  // a large body: progress is enough
    if (ShouldSendContinue()) {
      // The client waits for this before it sends the body (curl waits a
      // second, others until they time out), as Go's server answers it.
      continue_sent_ = true;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->OnRead(ec);
                          self->Parse();
                        });
      return;
    }
    read_pending_ = true;
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->read_pending_ = false;
                              if (ec) return self->OnRead(ec);
                              self->buffer_.commit(n);
                              self->Parse();
                            });
  }

  static constexpr std::size_t kReadChunk = 16 * 1024;

  // Once the header is read: a route that spools its body gets it in a
  // file, without a limit (an image tar of any size); the others get
  // max_body_bytes — false when the Content-Length is over it already.
  bool Decide() {
    decided_ = true;
    const auto& req = parser_->get();
    spooling_ = !server_.options.spool_dir.empty() &&
                server_.api.SpoolsBody(std::string_view(req.method_string()), std::string_view(req.target()));
    if (spooling_) {
      parser_->get().body().spool_dir = server_.options.spool_dir;
    } else {
      boost::optional<std::uint64_t> length = parser_->content_length();
      if (length && *length > server_.options.max_body_bytes) return false;
      parser_->body_limit(server_.options.max_body_bytes);  // chunked bodies: checked chunk by chunk
    }
    parser_->eager(true);
    return true;
  }

  // A request whose header asked for "Expect: 100-continue" (HTTP/1.1) and
  // whose body is still to come gets one interim 100 answer.
  bool ShouldSendContinue() const {
    if (continue_sent_ || !parser_->is_header_done()) return false;
    const auto& req = parser_->get();
    if (req.version() < 11) return false;
    auto expect = req.find(http::field::expect);
    return expect != req.end() && beast::iequals(expect->value(), "100-continue");
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
      return Close();
    }
    if (ec == http::error::header_limit) return Refuse(431, "Request Header Fields Too Large");
    if (ec == http::error::body_limit) return Refuse(413, "Payload Too Large");
    if (ec) return Refuse(400, "Bad Request");
    http::request<SpoolBody>& req = parser_->get();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_ = req.method() == http::verb::head;
    EngineRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req)
      request.headers.emplace_back(detail::AsciiLower(field.name_string()), std::string(field.value()));
    if (spooling_) {
      request.body_file = req.body().Release();
      spooling_ = false;
    } else {
      request.body = std::move(req.body().text);
    }
    started_ = Clock::now();
    ++server_.in_flight;
    // What needs no registry is answered right here; the rest may block and
    // goes to the workers, never onto an I/O thread.
    if (std::optional<EngineResponse> now = server_.api.HandleWithoutBlocking(request)) {
      if (server_.options.on_request && (server_.options.log_every_request || now->status >= 500)) {
        double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        server_.options.on_request(
            AccessLog{request.method, request.target, now->route, now->status, seconds, now->error});
      }
      return Write(*now);
    }
    deadline = Clock::time_point::max();
    asio::thread_pool& pool =
        server_.api.IsTransfer(request.method, request.target) ? server_.transfers : server_.workers;
    asio::post(pool, [self = this->shared_from_this(), request = std::move(request)]() mutable {
      EngineResponse response = self->server_.api.Handle(request);
      if (response.stream) {
        self->Stream(request, response);
      } else {
        self->Log(request, response);
        asio::post(self->stream_.get_executor(),
                   [self, response = std::move(response)]() mutable { self->Write(response); });
      }
      if (!request.body_file.empty()) ::unlink(request.body_file.c_str());
    });
  }

  void Log(const EngineRequest& request, const EngineResponse& response) {
    const ServerOptions& o = server_.options;
    // A streamed body's error comes after its 200: logged as a failure too.
    const bool failed = response.status >= 500 || (response.stream && !response.error.empty());
    if (o.on_request && (o.log_every_request || failed)) {
      double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
      o.on_request(AccessLog{request.method, request.target, response.route, response.status, seconds, response.error});
    }
  }

  // A streamed body, on a worker thread: the head goes with the first
  // chunk the route writes, each chunk is waited for (so a slow client
  // slows the route), then the last chunk. A client that goes away fails
  // the next Write. A route that writes nothing answers whole.
  class ChunkWriter final : public ResponseStream {
   public:
    // HTTP/1.0 has no chunked encoding: the body goes as it is and ends
    // with the connection, as Go's server sends it.
    ChunkWriter(ClientConnection& c, std::string head) : c_(c), head_(std::move(head)), framed_(c.version_ >= 11) {}
    bool Write(std::string_view bytes) override {
      if (bytes.empty()) return Alive();
      if (!framed_) {
        started_ = true;
        return Send(std::exchange(head_, std::string()) + std::string(bytes));
      }
      char size[20];
      int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
      std::string chunk = std::exchange(head_, std::string());
      chunk.reserve(chunk.size() + bytes.size() + 32);
      chunk.append(size, static_cast<std::size_t>(n));
      chunk.append(bytes);
      chunk += "\r\n";
      started_ = true;
      return Send(std::move(chunk));
    }
    bool Alive() const override { return !failed_ && !c_.peer_gone_ && !c_.server_.io_stopped; }
    bool started() const { return started_; }
    // The end of the body (the head too, when nothing was written).
    void Finish() {
      started_ = true;
      Send(std::exchange(head_, std::string()) + (framed_ ? "0\r\n\r\n" : ""));
    }

   private:
    bool Send(std::string data) {
      if (failed_) return false;
      std::promise<bool> done;
      std::future<bool> written = done.get_future();
      asio::post(c_.stream_.get_executor(), [&c = c_, &data, &done] {
        if (!c.socket().is_open()) return done.set_value(false);
        asio::async_write(c.stream_, asio::buffer(data),
                          [&done](beast::error_code ec, std::size_t) { done.set_value(!ec); });
      });
      // The I/O threads may stop (a shutdown past its grace period) before
      // they write this: then the write never completes, and the route
      // must not wait for it.
      while (written.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (c_.server_.io_stopped) {
          failed_ = true;
          return false;
        }
      }
      if (!written.get()) failed_ = true;
      return !failed_;
    }

    ClientConnection& c_;
    std::string head_;
    const bool framed_;
    bool started_ = false;
    std::atomic<bool> failed_{false};
  };

  void Stream(const EngineRequest& request, EngineResponse& response) {
    ChunkWriter writer(*this, Head(response, /*chunked=*/true));
    peer_gone_ = false;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->WatchPeer(); });
    EngineResponse outcome = response.stream(writer);
    if (!writer.started() && (outcome.status != 200 || !outcome.body.empty())) {
      // Nothing was written: the answer is a whole response.
      outcome.route = response.route;
      Log(request, outcome);
      asio::post(stream_.get_executor(), [self = this->shared_from_this(), outcome = std::move(outcome)]() mutable {
        beast::error_code ignored;
        self->socket().cancel(ignored);  // the watch: the next request is read, not watched for
        self->Write(outcome);
      });
      return;
    }
    if (writer.Alive() && !outcome.cut_stream) writer.Finish();
    if (response.error.empty()) response.error = outcome.error;
    Log(request, response);
    const bool keep_alive = writer.Alive() && !outcome.cut_stream && keep_alive_ && !server_.stopping;
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), keep_alive] {
      beast::error_code ignored;
      self->socket().cancel(ignored);  // the watch
      self->Finished();
      if (!keep_alive) return self->Close();
      self->deadline = Clock::now() + self->server_.options.request_timeout;
      self->Read();
    });
  }

  // While a body streams the client sends nothing: the socket turning
  // readable with nothing to read is the client going away (a pull is
  // then cancelled). A pipelined request ends the watch.
  void WatchPeer() {
    socket().async_wait(asio::socket_base::wait_read, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return;  // cancelled: the response is over
      char c = 0;
      beast::error_code peek;
      std::size_t n = self->socket().receive(asio::buffer(&c, 1), asio::socket_base::message_peek, peek);
      if (peek || n == 0) self->peer_gone_ = true;
    });
  }

  // The whole answer in one buffer and one write: the status line, the
  // handler's headers, Content-Length, Date, and the body (none for HEAD,
  // whose Content-Length is still the body's, as Go's server does).
  void Write(const EngineResponse& response) {
    bool keep_alive = keep_alive_ && !server_.stopping;
    out_ = Head(response, /*chunked=*/false);
    bool bodyless_status = response.status < 200 || response.status == 204 || response.status == 304;
    if (!head_ && !bodyless_status) out_ += response.body;
    deadline = Clock::now() + server_.options.request_timeout;
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->Finished();
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  // The status line and headers; Content-Length from the body, or chunked.
  // (A streamed body to an HTTP/1.0 client ends with the connection.)
  std::string Head(const EngineResponse& response, bool chunked) {
    bool keep_alive = keep_alive_ && !server_.stopping && !(chunked && version_ < 11);
    if (chunked && version_ < 11) keep_alive_ = false;
    StatusLine(response.status, version_);
    bool has_length = false;
    for (const auto& [name, value] : response.headers) {
      if (beast::iequals(name, "Content-Length")) has_length = true;
      AppendHeaderText(out_, name);
      out_ += ": ";
      AppendHeaderText(out_, value);
      out_ += "\r\n";
    }
    bool bodyless_status = response.status < 200 || response.status == 204 || response.status == 304;
    if (chunked) {
      if (version_ >= 11) out_ += "Transfer-Encoding: chunked\r\n";
    } else if (!has_length && !bodyless_status) {
      out_ += "Content-Length: ";
      out_ += std::to_string(response.body.size());
      out_ += "\r\n";
    }
    out_ += DateLine();
    if (!keep_alive) {
      out_ += "Connection: close\r\n";
    } else if (version_ < 11) {
      out_ += "Connection: keep-alive\r\n";
    }
    out_ += "\r\n";
    return std::move(out_);
  }

  // The Date line; the I/O thread's cached one there, else made here.
  std::string DateLine() {
    if (thread_.thread.get_id() == std::this_thread::get_id()) return thread_.DateLine();
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[64];
    std::size_t n = std::strftime(text, sizeof text, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    return std::string(text, n);
  }

  void StatusLine(int status, unsigned version) {
    out_.clear();
    out_ += version < 11 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out_ += std::to_string(status);
    out_ += ' ';
    out_ += http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    out_ += "\r\n";
  }

  // Limits and malformed requests: Go's http server answers these itself,
  // in plain text, and closes the connection.
  void Refuse(int status, const char* reason) {
    ++server_.in_flight;
    StatusLine(status, 11);
    std::string body = std::to_string(status) + " " + reason;
    out_ += "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ";
    out_ += std::to_string(body.size());
    out_ += "\r\n";
    out_ += thread_.DateLine();
    out_ += "\r\n";
    out_ += body;
    deadline = Clock::now() + std::chrono::seconds(5);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->Finished();
                        if (ec) return self->Close();
                        // A lingering close: the client may still be sending what was
                        // refused; closing now would reset the connection before it reads
                        // the answer. Read and drop a bounded amount for a short while.
                        beast::error_code ignored;
                        self->socket().shutdown(asio::socket_base::shutdown_send, ignored);
                        self->drained_ = 0;
                        self->deadline = Clock::now() + std::chrono::seconds(2);
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

  // A TLS connection says so first (close_notify, so a body that ends with
  // the connection is not taken for a cut one), unless a read is pending
  // (an idle connection past its deadline) or the handshake never ended.
  void Close() {
    deadline = Clock::time_point::max();
    if (!socket().is_open()) return;
    if constexpr (kIsTls<Transport>) {
      if (handshake_done_ && !closing_ && !read_pending_) {
        closing_ = true;
        deadline = Clock::now() + std::chrono::seconds(1);  // the client's answer is not waited for longer
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->CloseSocket(); });
        return;
      }
    }
    CloseSocket();
  }

  void CloseSocket() {
    deadline = Clock::time_point::max();
    if (!socket().is_open()) return;
    beast::error_code ignored;
    socket().shutdown(asio::socket_base::shutdown_send, ignored);
    socket().close(ignored);
  }

  // A TLS connection's handshake, within the request timeout. A client that
  // speaks plain HTTP gets Go's plain answer; every refusal is reported
  // (on_connection_error) with the client's address and OpenSSL's reason.
  void Handshake() {
    deadline = Clock::now() + server_.options.request_timeout;
    socket().async_wait(asio::socket_base::wait_read, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->CloseSocket();
      char head[5] = {};
      beast::error_code peek;
      std::size_t n = self->socket().receive(asio::buffer(head), asio::socket_base::message_peek, peek);
      if (peek || n == 0) return self->CloseSocket();
      if (LooksLikeHttp(std::string_view(head, n))) {
        self->Refused("client sent an HTTP request to an HTTPS server");
        static constexpr std::string_view kAnswer =
            "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
        asio::async_write(self->socket(), asio::buffer(kAnswer.data(), kAnswer.size()),
                          [self](beast::error_code, std::size_t) { self->CloseSocket(); });
        return;
      }
      if constexpr (kIsTls<Transport>) {
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code failed) {
          if (failed) {
            self->Refused(failed.message());
            return self->CloseSocket();
          }
          self->handshake_done_ = true;
          self->Read();
        });
      }
    });
  }

  // A TLS record starts with its type (22 for a handshake); an HTTP
  // request with a method in capitals.
  static bool LooksLikeHttp(std::string_view head) { return !head.empty() && head[0] >= 'A' && head[0] <= 'Z'; }

  void Refused(const std::string& why) {
    if (!server_.options.on_connection_error) return;
    beast::error_code ec;
    auto peer = socket().remote_endpoint(ec);
    std::string from = ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port());
    server_.options.on_connection_error("http: TLS handshake error from " + from + ": " + why);
  }

  auto& socket() { return Lowest(stream_); }

  Transport stream_;
  HttpServer::Impl& server_;
  IoThread& thread_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<SpoolBody>> parser_;
  std::string out_;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
  bool keep_alive_ = false, head_ = false;
  bool continue_sent_ = false;
  bool decided_ = false, spooling_ = false;
  bool read_pending_ = false, handshake_done_ = false, closing_ = false;
  std::atomic<bool> peer_gone_{false};  // seen by WatchPeer while a body streams
  unsigned version_ = 11;
  Clock::time_point started_;
};

}  // namespace

template <class Protocol>
void HttpServer::Impl::Accept(std::shared_ptr<typename Protocol::acceptor> acceptor) {
  IoThread& t = *io_threads[next_thread++ % io_threads.size()];
  acceptor->async_accept(t.io, [this, acceptor, &t](beast::error_code ec, typename Protocol::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (!ec) {
      if constexpr (std::is_same_v<Protocol, tcp>) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
      }
      if constexpr (std::is_same_v<Protocol, tcp>) {
        if (tls) {
          auto connection =
              std::make_shared<ClientConnection<tls_stream>>(tls_stream(std::move(socket), *tls), *this, t);
          asio::post(t.io, [connection] { connection->Start(); });
          return Accept<Protocol>(acceptor);
        }
      }
      auto connection = std::make_shared<ClientConnection<typename Protocol::socket>>(std::move(socket), *this, t);
      asio::post(t.io, [connection] { connection->Start(); });
    }
    Accept<Protocol>(acceptor);
  });
}

void HttpServer::Impl::Sweep(IoThread& t) {
  t.sweep.expires_after(SweepInterval());
  t.sweep.async_wait([this, &t](beast::error_code ec) {
    if (ec) return;
    Clock::time_point now = Clock::now();
    // Ended connections are dropped from the list as it is walked.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < t.connections.size(); ++i) {
      std::shared_ptr<Connection> c = t.connections[i].lock();
      if (!c) continue;
      if (c->deadline <= now) c->Expire();
      if (kept != i) t.connections[kept] = std::move(t.connections[i]);  // never onto itself: that empties it
      ++kept;
    }
    t.connections.resize(kept);
    Sweep(t);
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
  if (s.options.tls) {
    // The context holds its own reference; asio's frees it.
    SSL_CTX_up_ref(s.options.tls.get());
    s.tls.emplace(s.options.tls.get());
  }
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
        auto acceptor = std::make_shared<unix_socket::acceptor>(s.io_threads[0]->io);
        acceptor->assign(unix_socket(), fd, ec);
        if (ec) return Error(ErrorKind::kSystem, "fd://: socket " + std::to_string(fd) + ": " + ec.message());
        s.unix_acceptors.push_back(acceptor);
      }
      continue;
    }
    if (a.unix_socket) {
      struct stat st {};
      if (::lstat(a.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(a.path.c_str());
      auto acceptor = std::make_shared<unix_socket::acceptor>(s.io_threads[0]->io);
      acceptor->open(unix_socket(), ec);
      if (!ec) acceptor->bind(unix_socket::endpoint(a.path), ec);
      if (!ec) s.bound_unix_paths.push_back(a.path);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Error(ErrorKind::kSystem, "cannot listen on " + a.String() + ": " + ec.message());
      ::chmod(a.path.c_str(), s.options.unix_socket_mode);
      s.unix_acceptors.push_back(acceptor);
    } else {
      auto address = asio::ip::make_address(a.host, ec);
      if (ec) return Error(ErrorKind::kInvalidParameter, "cannot listen on " + a.String() + ": " + ec.message());
      auto acceptor = std::make_shared<tcp::acceptor>(s.io_threads[0]->io);
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
  for (auto& t : s.io_threads) {
    s.Sweep(*t);
    t->thread = std::thread([&io = t->io] {
      // An exception out of one connection's handler must not end the
      // server: that connection is dropped, the others go on.
      for (;;) {
        try {
          io.run();
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
    asio::post(s.io_threads[0]->io, [&s] {
      beast::error_code ignored;
      for (auto& a : s.tcp_acceptors) a->close(ignored);
      for (auto& a : s.unix_acceptors) a->close(ignored);
    });
    {
      // Requests in flight finish, within the grace period.
      std::unique_lock lock(s.mu);
      s.cv.wait_for(lock, s.options.shutdown_grace, [&s] { return s.in_flight == 0; });
    }
    for (auto& t : s.io_threads) t->io.stop();
    for (auto& t : s.io_threads)
      if (t->thread.joinable()) t->thread.join();
    s.io_stopped = true;
    s.workers.stop();
    s.transfers.stop();
    s.workers.join();
    s.transfers.join();
    for (const std::string& path : s.bound_unix_paths) {
      struct stat st {};
      if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path.c_str());
    }
    std::lock_guard lock(s.mu);
    s.stopped = true;
    s.cv.notify_all();
  });
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped; });
}

std::vector<unsigned short> HttpServer::BoundPorts() const {
  return impl_->ports;
}

}  // namespace berth::server
