#include "json/value.h"

#include "json/entry_points.h"
#include "json/writer.h"

namespace berth::json_detail {

template <>
struct Codec<JsonValue> {
  // Deeper documents are refused rather than recursed into (Go allows
  // 10000 levels; no configuration file needs more than a few).
  static constexpr int kMaxDepth = 256;

  static std::string_view GoType() { return "interface {}"; }
  static bool Decode(Decoder& d, JsonValue& v, std::string_view) { return DecodeAt(d, v, 0); }

  static bool DecodeAt(Decoder& d, JsonValue& v, int depth) {
    if (depth > kMaxDepth && (d.Peek() == '{' || d.Peek() == '[')) {
      return d.Fail("exceeded max depth of " + std::to_string(kMaxDepth));
    }
    switch (d.Peek()) {
      case '{': {
        v = JsonValue::Object();
        return d.ForEachMember([&](std::string_view key_view) {
          std::string key(key_view);
          JsonValue member;
          if (!DecodeAt(d, member, depth + 1)) return false;
          v.members.emplace_back(std::move(key), std::move(member));
          return true;
        });
      }
      case '[': {
        v = JsonValue{};
        v.kind = JsonValue::Kind::kArray;
        return d.ForEachElement([&] {
          JsonValue item;
          if (!DecodeAt(d, item, depth + 1)) return false;
          v.items.push_back(std::move(item));
          return true;
        });
      }
      case '"':
        v = JsonValue{};
        v.kind = JsonValue::Kind::kString;
        return d.ReadString(v.text);
      default: {
        std::string_view literal = d.ReadLiteral();
        if (literal.empty()) return false;
        v = JsonValue{};
        if (literal == "null") return true;
        if (literal == "true" || literal == "false") {
          v.kind = JsonValue::Kind::kBool;
          v.boolean = literal == "true";
          return true;
        }
        v.kind = JsonValue::Kind::kNumber;
        v.text = std::string(literal);
        return true;
      }
    }
  }
};

namespace {

// A negative depth writes compactly (json.Marshal), else indented.
void Indent(std::string& out, int depth) {
  if (depth < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(depth), '\t');
}

void Write(std::string& out, const JsonValue& v, int depth) {
  switch (v.kind) {
    case JsonValue::Kind::kNull: out += "null"; return;
    case JsonValue::Kind::kBool: out += v.boolean ? "true" : "false"; return;
    case JsonValue::Kind::kNumber: out += v.text; return;
    case JsonValue::Kind::kString: {
      Writer w(/*escape_html=*/true, v.text.size() + 2);
      w.String(v.text);
      out.append(w.data(), w.size());
      return;
    }
    case JsonValue::Kind::kArray:
      if (v.items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ',';
        Indent(out, depth < 0 ? depth : depth + 1);
        Write(out, v.items[i], depth < 0 ? depth : depth + 1);
      }
      Indent(out, depth);
      out += ']';
      return;
    case JsonValue::Kind::kObject:
      if (v.members.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i > 0) out += ',';
        Indent(out, depth < 0 ? depth : depth + 1);
        Write(out, JsonValue::String(v.members[i].first), depth);
        out += depth < 0 ? ":" : ": ";
        Write(out, v.members[i].second, depth < 0 ? depth : depth + 1);
      }
      Indent(out, depth);
      out += '}';
      return;
  }
}

}  // namespace

JsonValue* JsonValue::Find(std::string_view key) {
  for (auto it = members.rbegin(); it != members.rend(); ++it)
    if (it->first == key) return &it->second;
  return nullptr;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  return const_cast<JsonValue*>(this)->Find(key);
}

void JsonValue::Set(std::string key, JsonValue value) {
  if (JsonValue* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  members.emplace_back(std::move(key), std::move(value));
}

bool JsonValue::Erase(std::string_view key) {
  std::size_t before = members.size();
  std::erase_if(members, [&](const auto& m) { return m.first == key; });
  return members.size() != before;
}

Status ParseJson(std::string_view data, JsonValue& out) {
  return UnmarshalImpl(data, out, /*fresh=*/true);
}

std::string MarshalIndentTabs(const JsonValue& value) {
  std::string out;
  Write(out, value, 0);
  return out;
}

std::string MarshalCompact(const JsonValue& value) {
  std::string out;
  Write(out, value, -1);
  return out;
}

}  // namespace berth::json_detail
