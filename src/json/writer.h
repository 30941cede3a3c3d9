// Encoding primitives with Go's encoding/json output rules, writing straight
// into a std::string's storage (grown geometrically, trimmed by Finish).
#ifndef BERTH_SRC_JSON_WRITER_H_
#define BERTH_SRC_JSON_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace berth::json_detail {

class Writer {
 public:
  // Appends to `out`; call Finish() when done.
  Writer(std::string& out, bool escape_html)
      : out_(out), pos_(out.size()), escape_html_(escape_html) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Finish() { out_.resize(pos_); }

  void Raw(std::string_view s) {
    char* p = Reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    pos_ += s.size();
  }
  void Char(char c) {
    *Reserve(1) = c;
    ++pos_;
  }
  // An object member's key and colon, preceded by a comma unless first.
  // The key must need no escaping (struct field names).
  void Key(std::string_view name, bool first) {
    char* p = Reserve(name.size() + 4);
    if (!first) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, name.data(), name.size());
    p += name.size();
    *p++ = '"';
    *p++ = ':';
    pos_ = static_cast<std::size_t>(p - out_.data());
  }
  // A JSON string as Go's encodeState.string writes it.
  void String(std::string_view s);
  // The same with HTML escaping on whatever the writer's setting (what a
  // json.Marshaler that calls json.Marshal produces).
  void HtmlEscapedString(std::string_view s);
  void Int(std::int64_t v);
  void Bool(bool v) { Raw(v ? std::string_view("true") : std::string_view("false")); }
  void Null() { Raw("null"); }
  // A standard-base64 string of the bytes (Go's []byte).
  void Base64String(const std::uint8_t* data, std::size_t n);

 private:
  // Room for n more bytes at pos_.
  char* Reserve(std::size_t n) {
    if (pos_ + n > out_.size()) Grow(n);
    return out_.data() + pos_;
  }
  void Grow(std::size_t n);
  void StringImpl(std::string_view s, bool escape_html);

  std::string& out_;
  std::size_t pos_;
  bool escape_html_;
};

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_WRITER_H_
