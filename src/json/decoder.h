// The JSON decoder: reads a value into a typed target the way Go's
// decodeState stores it — Go's error context ("Go struct field
// AuthConfig.username"), its rule that type mismatches are remembered (first
// one wins) while decoding goes on, and that an error from a custom
// unmarshaller (NetIPNet) stops it.
//
// It also checks the syntax as it reads, so valid input is decoded in one
// pass. Anything that is not valid JSON makes it stop with bad() set; the
// caller then lets Go's scanner (scanner.h) find and word the syntax error,
// which in Go always wins over decoding errors because Go scans first.
#ifndef BERTH_SRC_JSON_DECODER_H_
#define BERTH_SRC_JSON_DECODER_H_

#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "berth/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace berth::json_detail {

class Decoder {
 public:
  Decoder(std::string_view data, std::size_t pos) : data_(data), pos_(pos) {}

  // --- reading; each returns false (and sets bad()) on invalid JSON -------
  [[gnu::always_inline]] void SkipSpace() {
    // Compact JSON has none: one compare decides.
    while (pos_ < data_.size() && static_cast<unsigned char>(data_[pos_]) <= ' ' && IsSpace(data_[pos_])) ++pos_;
  }
  // The next byte, or 0 at the end.
  [[gnu::always_inline]] char Peek() const { return pos_ < data_.size() ? data_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= data_.size(); }
  // Consumes c or fails.
  [[gnu::always_inline]] bool Consume(char c) {
    if (Peek() != c) return Bad();
    ++pos_;
    return true;
  }
  // If the input at the cursor is exactly `quoted` (a key with its quotes,
  // in a buffer of at least 64 bytes), consumes it and returns true.
  bool MatchQuotedKey(const char* quoted, std::size_t size) {
    if (size > 16 || data_.size() - pos_ < 16) {
      if (data_.size() - pos_ < size || std::memcmp(data_.data() + pos_, quoted, size) != 0) return false;
    } else if (!Match16(data_.data() + pos_, quoted, size)) {
      return false;
    }
    pos_ += size;
    return true;
  }
  // Reads the string at the cursor with Go's unquoting rules: escapes,
  // surrogate pairs, U+FFFD for lone surrogates and invalid UTF-8.
  bool ReadString(std::string& out);
  // The same for a member key; the view lasts until the next ReadKey.
  bool ReadKey(std::string_view& key);
  // A number, true, false or null, checked against JSON's grammar; empty
  // (and bad) if there is none.
  std::string_view ReadLiteral();
  // Skips one value of any kind.
  bool SkipValue();
  // Skips one value and returns its source text, for unmarshallers that Go
  // hands the raw bytes (time.Time); empty (and bad) on invalid JSON.
  std::string_view ReadRaw() {
    const std::size_t start = pos_;
    if (!SkipValue()) return {};
    return data_.substr(start, pos_ - start);
  }
  // Arrays and objects: Go refuses nesting deeper than 10000.
  bool EnterContainer();
  void LeaveContainer() { --nesting_; }

  // Opens an array or object at the cursor ('[' / '{'). kEmpty when it
  // closes at once (already consumed and left), kBad on bad input.
  enum class Open { kMembers, kEmpty, kBad };
  Open OpenContainer(char open, char close) {
    if (!EnterContainer() || !Consume(open)) return Open::kBad;
    SkipSpace();
    if (Peek() != close) return Open::kMembers;
    ++pos_;
    LeaveContainer();
    return Open::kEmpty;
  }
  // After a member: a comma (kMore, with space skipped) or the closing
  // bracket (kDone, consumed and the container left), else kBad.
  enum class Next { kMore, kDone, kBad };
  Next AfterMember(char close) {
    SkipSpace();
    if (Peek() == close) {
      ++pos_;
      LeaveContainer();
      return Next::kDone;
    }
    if (!Consume(',')) return Next::kBad;
    SkipSpace();
    return Next::kMore;
  }
  // Walks the object at the cursor: `member(key)` is called with the cursor
  // on each member's value and must decode (or skip) it, returning false
  // on failure. The key view lasts only until the value is decoded (a
  // nested object reads keys of its own): copy it first if it is kept.
  template <class OnMember>
  bool ForEachMember(OnMember&& member) {
    if (Open open = OpenContainer('{', '}'); open != Open::kMembers) return open == Open::kEmpty;
    for (;;) {
      std::string_view key;
      if (!ReadKey(key)) return false;
      SkipSpace();
      if (!Consume(':')) return false;
      SkipSpace();
      if (!member(key)) return false;
      Next next = AfterMember('}');
      if (next == Next::kBad) return false;
      if (next == Next::kDone) return true;
    }
  }
  // Walks the array at the cursor: `element()` decodes the value at the
  // cursor, returning false on failure.
  template <class OnElement>
  bool ForEachElement(OnElement&& element) {
    if (Open open = OpenContainer('[', ']'); open != Open::kMembers) return open == Open::kEmpty;
    for (;;) {
      if (!element()) return false;
      Next next = AfterMember(']');
      if (next == Next::kBad) return false;
      if (next == Next::kDone) return true;
    }
  }

  bool bad() const { return bad_; }
  bool Bad() {
    bad_ = true;
    return false;
  }

  // --- Go's error handling -----------------------------------------------
  // "string", "number", "bool", "array" or "object": what the next value is.
  std::string_view NextKind() const;
  // Records an UnmarshalTypeError (kept only if it is the first error).
  void SaveTypeError(std::string_view what, std::string_view go_type);
  // Records another error that Go saves without context (bad base64).
  void SaveError(std::string message);
  // Saves a type error for the next value and skips it. Returns false only
  // if the value is not valid JSON.
  bool Mismatch(std::string_view go_type) {
    SaveTypeError(NextKind(), go_type);
    return SkipValue();
  }
  // Stops decoding with an error that Go returns from an unmarshaller. Type
  // errors get the current context, as Go's addErrorContext does. Returns
  // false, to be returned by the caller.
  bool FailTypeError(std::string_view what, std::string_view go_type);
  bool Fail(std::string message);
  // Decoding stopped on an unmarshaller's error (not on bad input).
  bool stopped() const { return failed_.has_value(); }

  // The result once decoding has finished (or stopped).
  Status status() const;

  // --- context: which struct field is being decoded ---------------------
  struct Mark {
    std::string_view struct_name;
    std::size_t depth;
  };
  Mark mark() const { return {struct_name_, depth_}; }
  void EnterField(std::string_view struct_name, std::string_view field) {
    if (depth_ < fields_.size()) fields_[depth_] = field;
    ++depth_;
    struct_name_ = struct_name;
  }
  void Restore(const Mark& m) {
    struct_name_ = m.struct_name;
    depth_ = m.depth;
  }

 private:
  // The first `size` (at most 16) bytes of a and b are equal; both have 16
  // readable bytes.
  static bool Match16(const char* a, const char* b, std::size_t size) {
#if defined(__SSE2__)
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
    __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    unsigned eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
    unsigned want = (1u << size) - 1;
    return (eq & want) == want;
#else
    return std::memcmp(a, b, size) == 0;
#endif
  }
  static bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
  std::string TypeErrorMessage(std::string_view what, std::string_view go_type) const;
  bool SkipString();
  // Appends the unquoted string at the cursor to out.
  template <class Out>
  bool Unquote(Out& out);

  std::string_view data_;
  std::size_t pos_;
  std::size_t nesting_ = 0;
  bool bad_ = false;
  std::string key_scratch_;

  std::string_view struct_name_;
  std::size_t depth_ = 0;
  // The wire types nest at most four fields deep; deeper paths cannot
  // occur, and would only shorten the message.
  // Only the first depth_ entries are ever read.
  std::array<std::string_view, 8> fields_;

  std::optional<std::string> saved_;
  std::optional<std::string> failed_;
};

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_DECODER_H_
