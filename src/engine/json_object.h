// Writing a JSON object member by member in a fixed order, as Go writes a
// struct (HTML escaping off, as the Engine's API responses).
#ifndef BERTH_SRC_ENGINE_JSON_OBJECT_H_
#define BERTH_SRC_ENGINE_JSON_OBJECT_H_

#include <string>
#include <string_view>

#include "json/writer.h"

namespace berth::engine {

class JsonObject {
 public:
  // json.Marshal escapes <, > and & (the JSONMessage stream is written so);
  // the API's other responses are not.
  explicit JsonObject(bool escape_html = false) : escape_html_(escape_html) {}

  JsonObject& Str(std::string_view key, std::string_view value) {
    Key(key);
    Quote(value);
    return *this;
  }
  JsonObject& Int(std::string_view key, long long value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonObject& Bool(std::string_view key, bool value) {
    Key(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  // A value already in JSON (an object, an array, null).
  JsonObject& Raw(std::string_view key, std::string_view json) {
    Key(key);
    out_ += json;
    return *this;
  }
  std::string Done() { return out_ + "}"; }

 private:
  void Key(std::string_view key) {
    out_ += out_.size() > 1 ? "," : "";
    Quote(key);
    out_ += ':';
  }
  void Quote(std::string_view s) {
    json_detail::Writer w(escape_html_, s.size() + 2);
    w.String(s);
    out_.append(w.data(), w.size());
  }
  bool escape_html_;
  std::string out_ = "{";
};

}  // namespace berth::engine

#endif  // BERTH_SRC_ENGINE_JSON_OBJECT_H_
