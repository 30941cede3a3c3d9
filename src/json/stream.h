// Decoding the first JSON value of a byte stream that ends with an error,
// the way Go's json.Decoder reads from an io.Reader: the X-Registry-Auth
// decoder feeds it the bytes its base64 stage delivered and the error that
// stage ended with.
#ifndef BERTH_SRC_JSON_STREAM_H_
#define BERTH_SRC_JSON_STREAM_H_

#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/types.h"

namespace berth::json_detail {

struct StreamEnd {
  // io.EOF: the value may still end here (a number at the very end), and
  // "EOF" / "unexpected EOF" tell an empty stream from a cut one.
  bool eof = true;
  // Otherwise the reader's own error, returned as is.
  std::string error;
};

// The common case, in one pass: if `delivered` starts with a complete JSON
// object whose keys and values are all strings of printable ASCII without
// escapes, decodes it into `value` (which must be fresh) and returns true;
// such input is valid JSON and decodes the same way on the general path.
// Returns false, deciding nothing, for anything else.
bool DecodePlainStringObject(std::string_view delivered, AuthConfig& value);

Status DecodeFirstValueFromStream(std::string_view delivered,
                                  const StreamEnd& end, AuthConfig& value);

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_STREAM_H_
