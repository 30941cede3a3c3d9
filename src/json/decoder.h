// The typed pass of the JSON decoder: walks input that the scanner has
// accepted and stores it the way Go's decodeState does, including Go's error
// context ("Go struct field AuthConfig.username") and its rule that type
// mismatches are remembered (first one wins) while decoding goes on, whereas
// an error from a custom unmarshaller (NetIPNet) stops it.
#ifndef BERTH_SRC_JSON_DECODER_H_
#define BERTH_SRC_JSON_DECODER_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "berth/error.h"

namespace berth::json_detail {

class Decoder {
 public:
  // `data` must hold a value the scanner accepted, starting at `pos`.
  Decoder(std::string_view data, std::size_t pos) : data_(data), pos_(pos) {}

  // --- reading -----------------------------------------------------------
  void SkipSpace() {
    while (pos_ < data_.size() && IsSpace(data_[pos_])) ++pos_;
  }
  // The next byte (after SkipSpace), or 0 at the end.
  char Peek() const { return pos_ < data_.size() ? data_[pos_] : '\0'; }
  void Advance() { ++pos_; }
  // Reads the string at the cursor with Go's unquoting rules: escapes,
  // surrogate pairs, U+FFFD for lone surrogates and invalid UTF-8.
  void ReadString(std::string& out);
  // The same, returning a view that is valid until the next ReadKey call.
  std::string_view ReadKey();
  // A number, true, false or null, as written.
  std::string_view ReadLiteral();
  // Skips one value of any kind (iteratively: depth is up to 10000).
  void SkipValue();

  // --- Go's error handling -----------------------------------------------
  // "string", "number", "bool", "array" or "object": what the next value is.
  std::string_view NextKind() const;
  // Records an UnmarshalTypeError (kept only if it is the first error).
  void SaveTypeError(std::string_view what, std::string_view go_type);
  // Records another error that Go saves without context (bad base64).
  void SaveError(std::string message);
  // Saves a type error for the next value and skips it. Returns true
  // (decoding goes on), to be returned by the caller.
  bool Mismatch(std::string_view go_type) {
    SaveTypeError(NextKind(), go_type);
    SkipValue();
    return true;
  }
  // Stops decoding with an error that Go returns from an unmarshaller. Type
  // errors get the current context, as Go's addErrorContext does. Returns
  // false, to be returned by the caller.
  bool FailTypeError(std::string_view what, std::string_view go_type);
  bool Fail(std::string message);

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
  static bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
  std::string TypeErrorMessage(std::string_view what,
                               std::string_view go_type) const;
  void SkipString();
  // Appends the unquoted string at the cursor to out.
  template <class Out>
  void Unquote(Out& out);

  std::string_view data_;
  std::size_t pos_;
  std::string key_scratch_;

  std::string_view struct_name_;
  std::size_t depth_ = 0;
  // The wire types nest at most four fields deep; deeper paths cannot
  // occur, and would only shorten the message.
  std::array<std::string_view, 8> fields_{};

  std::optional<std::string> saved_;
  std::optional<std::string> failed_;
};

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_DECODER_H_
