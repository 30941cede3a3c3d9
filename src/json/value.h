// A JSON document as a tree that keeps everything it was given: members in
// their order, numbers as written, unknown keys. For files berth rewrites
// but does not own (the docker CLI's config.json): what berth does not
// change must come back unchanged.
#ifndef BERTH_SRC_JSON_VALUE_H_
#define BERTH_SRC_JSON_VALUE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/error.h"

namespace berth::json_detail {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number's literal
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in document order

  static JsonValue String(std::string s) {
    JsonValue v;
    v.kind = Kind::kString;
    v.text = std::move(s);
    return v;
  }
  static JsonValue Object() {
    JsonValue v;
    v.kind = Kind::kObject;
    return v;
  }

  bool is_object() const { return kind == Kind::kObject; }
  bool is_string() const { return kind == Kind::kString; }
  // The member `key` (exact match; the last one if repeated), or null.
  JsonValue* Find(std::string_view key);
  const JsonValue* Find(std::string_view key) const;
  // Replaces the member `key` (keeping its place) or appends it.
  void Set(std::string key, JsonValue value);
  // Removes every member `key`; whether there was one.
  bool Erase(std::string_view key);

  friend bool operator==(const JsonValue&, const JsonValue&) = default;
};

// json.Unmarshal into interface{}, keeping order and literals; errors are
// Go's texts.
Status ParseJson(std::string_view data, JsonValue& out);

// json.MarshalIndent(v, "", "\t") — Go's escaping, HTML characters included.
std::string MarshalIndentTabs(const JsonValue& value);
// json.Marshal(v): the same without indentation.
std::string MarshalCompact(const JsonValue& value);

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_VALUE_H_
