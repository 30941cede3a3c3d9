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

Status DecodeFirstValueFromStream(std::string_view delivered, const StreamEnd& end, AuthConfig& value);

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_STREAM_H_
