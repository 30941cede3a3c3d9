// A Beast body type that keeps a request body in memory, or — for the
// routes that take large bodies (an image tar to load) — writes it to a
// temporary file as it arrives, so no body of any size is held in memory.
// Which of the two is decided after the header is read (`spool_dir` set).
// Only http_server.cc includes this (Beast stays in one translation unit).
#ifndef BERTH_SRC_SERVER_SPOOL_BODY_H_
#define BERTH_SRC_SERVER_SPOOL_BODY_H_

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cerrno>
#include <string>

namespace berth::server {

struct SpoolBody {
  struct value_type {
    std::string text;       // the body, when not spooled
    std::string spool_dir;  // set before the body is read: spool into a file there
    std::string path;       // the file, once made
    int fd = -1;
    int error = 0;  // errno of a failed create or write

    value_type() = default;
    value_type(const value_type&) = delete;
    value_type& operator=(const value_type&) = delete;
    value_type(value_type&& o) noexcept
        : text(std::move(o.text)),
          spool_dir(std::move(o.spool_dir)),
          path(std::move(o.path)),
          fd(o.fd),
          error(o.error) {
      o.fd = -1;
      o.path.clear();
    }
    value_type& operator=(value_type&& o) noexcept {
      if (this != &o) {
        Discard();
        text = std::move(o.text);
        spool_dir = std::move(o.spool_dir);
        path = std::move(o.path);
        fd = o.fd;
        error = o.error;
        o.fd = -1;
        o.path.clear();
      }
      return *this;
    }
    ~value_type() { Discard(); }

    // Hands the file over (closed): whoever takes it removes it.
    std::string Release() {
      if (fd >= 0) ::close(fd);
      fd = -1;
      return std::exchange(path, std::string());
    }
    void Discard() {
      if (fd >= 0) ::close(fd);
      fd = -1;
      if (!path.empty()) ::unlink(path.c_str());
      path.clear();
    }
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      ec = {};
      if (body_.spool_dir.empty()) {
        if (length && *length < (1u << 20)) body_.text.reserve(static_cast<std::size_t>(*length));
        return;
      }
      std::string pattern = body_.spool_dir + "/request-XXXXXX";
      int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
      if (fd < 0) {
        body_.error = errno;
        ec = boost::beast::http::error::bad_transfer_encoding;  // any error: the request is refused
        return;
      }
      body_.fd = fd;
      body_.path = std::move(pattern);
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        boost::asio::const_buffer b = *it;
        const char* p = static_cast<const char*>(b.data());
        std::size_t left = b.size();
        if (body_.fd < 0) {
          body_.text.append(p, left);
        } else {
          while (left > 0) {
            ssize_t w = ::write(body_.fd, p, left);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
              body_.error = errno;
              ec = boost::beast::http::error::bad_transfer_encoding;
              return n;
            }
            p += w;
            left -= static_cast<std::size_t>(w);
          }
        }
        n += b.size();
      }
      return n;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace berth::server

#endif  // BERTH_SRC_SERVER_SPOOL_BODY_H_
