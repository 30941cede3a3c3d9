#include "berth/auth_header.h"

#include <cstring>

#include "berth/json.h"
#include "internal/base64.h"
#include "json/codec.h"
#include "json/schemas.h"
#include "json/stream.h"

namespace berth {
namespace {

constexpr std::string_view kHeaderErrorPrefix = "invalid X-Registry-Auth header: ";

// json.Decoder first asks for 512 bytes; base64's decoder turns that into a
// read of 512 / 3 * 4 symbols.
constexpr std::size_t kFirstWindow = 680;

// A byte buffer that stays on the stack for the usual header (a few hundred
// bytes) and moves to the heap only for large ones.
class ByteBuffer {
 public:
  std::uint8_t* Reserve(std::size_t extra) {
    if (size_ + extra > capacity_) Grow(size_ + extra);
    return data_ + size_;
  }
  void Commit(std::size_t n) { size_ += n; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  void Grow(std::size_t need) {
    std::size_t cap = capacity_ * 2;
    if (cap < need) cap = need;
    std::string bigger(cap, '\0');
    std::memcpy(bigger.data(), data_, size_);
    heap_.swap(bigger);
    data_ = reinterpret_cast<std::uint8_t*>(heap_.data());
    capacity_ = cap;
  }

  std::uint8_t inline_[2048];
  std::uint8_t* data_ = inline_;
  std::size_t size_ = 0;
  std::size_t capacity_ = sizeof inline_;
  std::string heap_;
};

// What Go's json.Decoder receives when it reads the Engine's decoder chain
// base64.NewDecoder(URLEncoding, strings.NewReader(header)): the bytes, in
// the chunks Go's buffer sizes make, up to the first error.
//
// The chunking is observable: base64's stream decoder works on windows of
// at most 1024 filtered characters (680 for the first read, since
// json.Decoder first asks for 512 bytes), reports an illegal byte's offset
// within its window, and treats padding at the end of a window as the end
// of that window only. So the reads are replayed with Go's sizes.
class GoHeaderStream {
 public:
  explicit GoHeaderStream(std::string_view header) : in_(header) {}

  // Fills `out` with every byte delivered and returns how the stream ended.
  json_detail::StreamEnd Drain(ByteBuffer& out) {
    std::size_t json_len = 0, json_cap = 0;  // json.Decoder's buffer
    for (;;) {
      // json.Decoder.refill: grow when less than 512 bytes are free.
      if (json_cap - json_len < 512) json_cap = 2 * json_cap + 512;
      const std::size_t want = json_cap - json_len;
      // base64 decoder.Read(p[:want]).
      while (nbuf_ < 4 && !read_eof_) {
        std::size_t nn = want / 3 * 4;
        if (nn < 4) nn = 4;
        if (nn > sizeof buf_) nn = sizeof buf_;
        nbuf_ += FilteredRead(buf_ + nbuf_, nn - nbuf_);
      }
      if (nbuf_ < 4) {
        json_detail::StreamEnd end;
        if (nbuf_ > 0) {
          end.eof = false;
          end.error = "unexpected EOF";
        }
        return end;
      }
      const std::size_t nr = nbuf_ / 4 * 4;
      // Each window decodes to at most 768 bytes, never more than `want`.
      detail::Base64Decoded d =
          detail::GoBase64Decode(std::string_view(buf_, nr), out.Reserve(nr / 4 * 3), detail::Base64Alphabet::kUrl);
      out.Commit(d.written);
      json_len += d.written;
      nbuf_ -= nr;
      std::memmove(buf_, buf_ + nr, nbuf_);
      if (d.error_at != detail::kNoBase64Error) {
        json_detail::StreamEnd end;
        end.eof = false;
        end.error = detail::Base64ErrorMessage(d.error_at);
        return end;
      }
    }
  }

 private:
  // base64's newlineFilteringReader over strings.Reader: up to `n` input
  // bytes with CR and LF removed; reads again when a read held only those.
  // Returns 0 at the end of input (and remembers it).
  std::size_t FilteredRead(char* dst, std::size_t n) {
    for (;;) {
      if (pos_ >= in_.size()) {
        read_eof_ = true;
        return 0;
      }
      std::size_t take = std::min(n, in_.size() - pos_);
      const char* src = in_.data() + pos_;
      pos_ += take;
      if (!std::memchr(src, '\n', take) && !std::memchr(src, '\r', take)) {
        std::memcpy(dst, src, take);  // the usual case: nothing to drop
        return take;
      }
      std::size_t kept = 0;
      for (std::size_t i = 0; i < take; ++i) {
        char c = src[i];
        if (c != '\r' && c != '\n') dst[kept++] = c;
      }
      if (kept > 0) return kept;
    }
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool read_eof_ = false;
  char buf_[1024];
  std::size_t nbuf_ = 0;
};

AuthConfigDecoding Failed(const Status& status) {
  std::string message(kHeaderErrorPrefix);
  message += status.message();
  return {AuthConfig{}, Error(ErrorKind::kInvalidParameter, std::move(message))};
}

}  // namespace

std::string EncodeAuthConfig(const AuthConfig& config) {
  // json.Marshal (HTML escaping on) into the writer's stack buffer, then
  // base64url straight into the result: one allocation.
  json_detail::Writer json(true);
  json_detail::Codec<AuthConfig>::Encode(json, config);
  std::string out((json.size() + 2) / 3 * 4, '\0');
  detail::EncodeBase64(reinterpret_cast<const std::uint8_t*>(json.data()), json.size(), out.data(),
                       detail::Base64Alphabet::kUrl);
  return out;
}

AuthConfigDecoding DecodeAuthConfig(std::string_view header_value) {
  if (header_value.empty()) return {};
  if (header_value.size() > kMaxAuthHeaderBytes) {
    return {AuthConfig{},
            Error(ErrorKind::kInvalidParameter,
                  std::string(kHeaderErrorPrefix) + "header value of " + std::to_string(header_value.size()) +
                      " bytes exceeds the limit of " + std::to_string(kMaxAuthHeaderBytes) + " bytes")};
  }
  ByteBuffer delivered;
  json_detail::StreamEnd end;
  if (header_value.size() <= kFirstWindow && !std::memchr(header_value.data(), '\n', header_value.size()) &&
      !std::memchr(header_value.data(), '\r', header_value.size())) {
    // The usual header fits Go's first base64 window whole: one decode of
    // its complete quanta, then EOF, or unexpected EOF for a partial one.
    std::size_t nr = header_value.size() / 4 * 4;
    detail::Base64Decoded d =
        detail::GoBase64Decode(header_value.substr(0, nr), delivered.Reserve(nr / 4 * 3), detail::Base64Alphabet::kUrl);
    delivered.Commit(d.written);
    if (d.error_at != detail::kNoBase64Error) {
      end.eof = false;
      end.error = detail::Base64ErrorMessage(d.error_at);
    } else if (nr != header_value.size()) {
      end.eof = false;
      end.error = "unexpected EOF";
    }
  } else {
    end = GoHeaderStream(header_value).Drain(delivered);
  }
  AuthConfigDecoding result;
  Status status = json_detail::DecodeFirstValueFromStream(delivered.view(), end, result.config);
  if (!status) return Failed(status);
  return result;
}

AuthConfigDecoding DecodeAuthConfigBody(std::string_view body) {
  AuthConfigDecoding result;
  Status status = DecodeFirstValue(body, result.config);
  if (!status) return Failed(status);
  return result;
}

}  // namespace berth
