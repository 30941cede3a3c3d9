#include "transfer/layout_index.h"

#include <algorithm>

#include "berth/json.h"

namespace berth::transfer {
namespace {

using json_detail::JsonValue;

constexpr std::string_view kIndexMediaType = "application/vnd.oci.image.index.v1+json";

const JsonValue* AnnotationValue(const JsonValue& item, std::string_view key) {
  if (!item.is_object()) return nullptr;
  const JsonValue* annotations = item.Find("annotations");
  if (annotations == nullptr || !annotations->is_object()) return nullptr;
  const JsonValue* value = annotations->Find(key);
  return value && value->is_string() ? value : nullptr;
}

std::string StringMember(const JsonValue& item, std::string_view key) {
  const JsonValue* value = item.is_object() ? item.Find(key) : nullptr;
  return value && value->is_string() ? value->text : "";
}

}  // namespace

std::string AnnotationOf(const Descriptor& d, std::string_view key) {
  if (!d.annotations) return "";
  auto it = d.annotations->find(std::string(key));
  return it == d.annotations->end() ? "" : it->second;
}

LayoutIndex::LayoutIndex() {
  document_ = JsonValue::Object();
  JsonValue version;
  version.kind = JsonValue::Kind::kNumber;
  version.text = "2";
  document_.Set("schemaVersion", version);
  document_.Set("mediaType", JsonValue::String(std::string(kIndexMediaType)));
  JsonValue manifests;
  manifests.kind = JsonValue::Kind::kArray;
  document_.Set("manifests", manifests);
}

Result<LayoutIndex> LayoutIndex::Parse(std::string_view text, const std::string& label) {
  LayoutIndex index;
  if (Status s = json_detail::ParseJson(text, index.document_); !s.ok()) {
    return Error(ErrorKind::kSystem, label + ": index.json: " + s.message());
  }
  if (!index.document_.is_object()) return Error(ErrorKind::kSystem, label + ": index.json: not an image index");
  JsonValue* manifests = index.document_.Find("manifests");
  if (manifests == nullptr) {
    JsonValue empty;
    empty.kind = JsonValue::Kind::kArray;
    index.document_.Set("manifests", empty);
    return index;
  }
  if (manifests->kind != JsonValue::Kind::kArray) {
    return Error(ErrorKind::kSystem, label + ": index.json: \"manifests\" is not an array");
  }
  for (const JsonValue& item : manifests->items) {
    Descriptor d;
    if (item.is_object() && Unmarshal(json_detail::MarshalIndentTabs(item), d).ok()) index.entries_.push_back(d);
  }
  return index;
}

void LayoutIndex::Put(const std::string& tag, const std::string& image_name, const Descriptor& entry) {
  auto same_name = [&](const std::string& ref, const std::string& name, const std::string& digest) {
    if (!image_name.empty()) return name == image_name;
    return tag.empty() ? ref.empty() && digest == entry.digest : ref == tag;
  };
  JsonValue* manifests = document_.Find("manifests");
  std::erase_if(manifests->items, [&](const JsonValue& item) {
    const JsonValue* ref = AnnotationValue(item, kRefNameAnnotation);
    const JsonValue* name = AnnotationValue(item, kImageNameAnnotation);
    return same_name(ref ? ref->text : "", name ? name->text : "", StringMember(item, "digest"));
  });
  std::erase_if(entries_, [&](const Descriptor& d) {
    return same_name(AnnotationOf(d, kRefNameAnnotation), AnnotationOf(d, kImageNameAnnotation), d.digest);
  });
  JsonValue item;
  if (json_detail::ParseJson(Marshal(entry), item).ok()) manifests->items.push_back(std::move(item));
  entries_.push_back(entry);
}

std::string LayoutIndex::Serialize() const {
  return json_detail::MarshalIndentTabs(document_);
}

}  // namespace berth::transfer
