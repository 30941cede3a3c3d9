// The syntax pass of the JSON decoder: Go's encoding/json scanner, state for
// state, so that berth rejects exactly what Go rejects and says it in Go's
// words. Decoding into types (decoder.h) runs only on input this pass has
// accepted, as Go's does.
#ifndef BERTH_SRC_JSON_SCANNER_H_
#define BERTH_SRC_JSON_SCANNER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace berth::json_detail {

// The one-character escapes of a JSON string: \" \\ \/ \b \f \n \r \t.
constexpr bool IsSimpleEscape(unsigned char c) {
  return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't';
}

enum class ScanMode {
  // json.Unmarshal: the whole input is one value plus white space.
  kWhole,
  // json.Decoder.Decode: the first value; what follows it is not examined.
  // The input ends with io.EOF, so a number may end with it.
  kFirstValue,
  // The same, but the input ends with a reader error: a value that has not
  // ended before the last byte is incomplete.
  kFirstValueThenError,
};

struct ScanResult {
  enum Kind {
    kValue,        // [begin, end) holds one complete value
    kSyntaxError,  // error holds Go's SyntaxError text
    kIncomplete,   // kFirstValue only: the input ended inside (or before) it
  };
  Kind kind = kValue;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string error;
  // kIncomplete: the input held nothing but white space (Go: io.EOF rather
  // than io.ErrUnexpectedEOF).
  bool only_space = false;
};

ScanResult Scan(std::string_view data, ScanMode mode);

// Go's quoteChar: how a scanner error names the offending byte ('x', '\n',
// '\x01', 'é', '\u0080').
std::string QuoteChar(unsigned char c);

// Go's maximum nesting depth of arrays and objects.
inline constexpr std::size_t kMaxNestingDepth = 10000;

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_SCANNER_H_
