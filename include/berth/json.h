// JSON for the wire types, byte-identical to Go's encoding/json (as the Docker
// Engine writes it) and decoded with Go's rules (as the Engine reads it).
//
// Encoding: members in declaration order, omitempty as the Engine's struct
// tags say, nil lists and maps as `null`, map keys sorted bytewise, Go's
// string escaping (control characters as \u00XX, U+2028/U+2029 escaped,
// invalid UTF-8 as \ufffd, <>& as \u003c \u003e \u0026 when escape_html).
//
// Decoding: field names matched exactly, then with Go's case folding; unknown
// members ignored; a repeated member decodes again into the same field; null
// leaves strings, numbers and bools as they were and clears lists, maps and
// optionals; invalid UTF-8 and lone surrogates become U+FFFD. Errors carry
// Go's exact text ("json: cannot unmarshal number into Go struct field
// AuthConfig.username of type string", "invalid character 'x' looking for
// beginning of value", "unexpected end of JSON input", ...).
#ifndef BERTH_JSON_H_
#define BERTH_JSON_H_

#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/types.h"

namespace berth {

struct MarshalOptions {
  // Go's json.Marshal escapes <, > and & (the X-Registry-Auth encoder does);
  // the Engine's HTTP responses turn that off.
  bool escape_html = true;
};

// Go's json.Marshal(v) (no trailing newline).
#define BERTH_JSON_DECLARE(Type)                                                           \
  std::string Marshal(const Type& value, const MarshalOptions& options = {});              \
  void MarshalTo(std::string& out, const Type& value, const MarshalOptions& options = {}); \
  Status Unmarshal(std::string_view data, Type& value);                                    \
  Status DecodeFirstValue(std::string_view data, Type& value);

// For each wire type:
//  - Marshal / MarshalTo: Go's json.Marshal (MarshalTo appends).
//  - Unmarshal: Go's json.Unmarshal(data, &value): the whole input must be
//    one JSON value; decodes into `value` as it stands (so pass a fresh one
//    unless merging is what you want).
//  - DecodeFirstValue: Go's json.NewDecoder(reader).Decode(&value) on a
//    reader that holds `data`: the first value is decoded, anything after it
//    is ignored; "EOF" when there is no value, "unexpected EOF" when it is
//    cut short.
// Every error is of kind kInvalidParameter.
BERTH_JSON_DECLARE(AuthConfig)
BERTH_JSON_DECLARE(AuthenticateOKBody)
BERTH_JSON_DECLARE(SearchResult)
BERTH_JSON_DECLARE(SearchResults)
BERTH_JSON_DECLARE(IndexInfo)
BERTH_JSON_DECLARE(ServiceConfig)
BERTH_JSON_DECLARE(DistributionInspect)
BERTH_JSON_DECLARE(Descriptor)
BERTH_JSON_DECLARE(Platform)

#undef BERTH_JSON_DECLARE

}  // namespace berth

#endif  // BERTH_JSON_H_
