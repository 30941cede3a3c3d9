// Encoding primitives with Go's encoding/json output rules. The writer fills
// a buffer of its own — on the stack for small documents, then on the heap,
// grown with realloc — so that nothing is zero-filled or copied twice.
#ifndef BERTH_SRC_JSON_WRITER_H_
#define BERTH_SRC_JSON_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace berth::json_detail {

// `,"name":` for a struct field, padded so it is always copied whole with
// one fixed-size move (no length-dependent copy per member).
struct MemberKey {
  static constexpr std::size_t kCopy = 48;
  char text[kCopy + 1] = {};
  std::uint8_t size = 0;  // with the comma

  constexpr explicit MemberKey(std::string_view name) {
    // Field names are short ASCII identifiers; longer ones would not compile.
    if (name.size() + 4 > kCopy) throw "field name too long for MemberKey";
    std::size_t i = 0;
    text[i++] = ',';
    text[i++] = '"';
    for (char c : name) text[i++] = c;
    text[i++] = '"';
    text[i++] = ':';
    size = static_cast<std::uint8_t>(i);
  }
};

class Writer {
 public:
  explicit Writer(bool escape_html) : escape_html_(escape_html) {}
  // Starts with room for about `expected` bytes (avoids regrowing).
  Writer(bool escape_html, std::size_t expected) : escape_html_(escape_html) {
    if (expected > cap_) Grow(expected);
  }
  ~Writer() { std::free(heap_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  std::string_view view() const { return {buf_, pos_}; }
  const char* data() const { return buf_; }
  std::size_t size() const { return pos_; }

  void Raw(std::string_view s) {
    char* p = Reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    pos_ += s.size();
  }
  void Char(char c) {
    *Reserve(1) = c;
    ++pos_;
  }
  // A struct member's key and colon, preceded by a comma unless first.
  void Key(const MemberKey& key, bool first) {
    char* p = Reserve(MemberKey::kCopy);
    const std::size_t skip = first ? 1 : 0;
    const std::size_t size = key.size - skip;
    if (size <= 16) {
      std::memcpy(p, key.text + skip, 16);  // most keys: one sixteen-byte move
    } else {
      std::memcpy(p, key.text + skip, MemberKey::kCopy);
    }
    pos_ += size;
  }
  // A JSON string as Go's encodeState.string writes it.
  void String(std::string_view s);
  // The same with HTML escaping on whatever the writer's setting (what a
  // json.Marshaler that calls json.Marshal produces).
  void HtmlEscapedString(std::string_view s);
  void Int(std::int64_t v);
  void Bool(bool v) {
    static constexpr char kTrue[8] = "true", kFalse[8] = "false";
    std::memcpy(Reserve(8), v ? kTrue : kFalse, 8);
    pos_ += v ? 4 : 5;
  }
  void Null() {
    static constexpr char kNull[8] = "null";
    std::memcpy(Reserve(8), kNull, 8);
    pos_ += 4;
  }
  // A standard-base64 string of the bytes (Go's []byte).
  void Base64String(const std::uint8_t* data, std::size_t n);

 private:
  // Room for n more bytes at pos_.
  char* Reserve(std::size_t n) {
    if (n > cap_ - pos_) Grow(n);
    return buf_ + pos_;
  }
  void Grow(std::size_t n);
  void StringImpl(std::string_view s, bool escape_html);

  bool escape_html_;
  char inline_[1024];
  char* buf_ = inline_;
  std::size_t pos_ = 0;
  std::size_t cap_ = sizeof inline_;
  char* heap_ = nullptr;
};

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_WRITER_H_
