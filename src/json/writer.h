// Encoding primitives with Go's encoding/json output rules.
#ifndef BERTH_SRC_JSON_WRITER_H_
#define BERTH_SRC_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::json_detail {

struct Writer {
  std::string& out;
  bool escape_html;

  void Raw(std::string_view s) { out.append(s); }
  void Char(char c) { out.push_back(c); }
  // A JSON string as Go's encodeState.string writes it.
  void String(std::string_view s);
  void Int(std::int64_t v);
  void Bool(bool v) { out.append(v ? "true" : "false"); }
  void Null() { out.append("null"); }
};

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_WRITER_H_
