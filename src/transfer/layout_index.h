// An OCI layout's index.json, read and rewritten without losing what berth
// does not own: the index's own annotations, unknown keys, and entries that
// do not decode stay as they were; berth only replaces the entries it names
// and appends its own.
#ifndef BERTH_SRC_TRANSFER_LAYOUT_INDEX_H_
#define BERTH_SRC_TRANSFER_LAYOUT_INDEX_H_

#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"
#include "berth/oci.h"
#include "json/value.h"

namespace berth::transfer {

inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
// containerd's (and docker save's) full image name: "docker.io/library/app:1".
inline constexpr std::string_view kImageNameAnnotation = "io.containerd.image.name";

// A descriptor's annotation, "" when it has none.
std::string AnnotationOf(const Descriptor& d, std::string_view key);

class LayoutIndex {
 public:
  // An empty OCI index.
  LayoutIndex();

  // index.json's text; errors (kSystem) say "LABEL: index.json: …": not
  // JSON, not an object, "manifests" not an array.
  static Result<LayoutIndex> Parse(std::string_view text, const std::string& label);

  // The entries that decode as descriptors, in order.
  const std::vector<Descriptor>& entries() const { return entries_; }

  // Puts `entry` in place of the entries with the same name: the same
  // io.containerd.image.name when `image_name` is given, else the same REF
  // (`tag`), else (untagged) the same digest without a REF.
  void Put(const std::string& tag, const std::string& image_name, const Descriptor& entry);

  // The document to write.
  std::string Serialize() const;

 private:
  json_detail::JsonValue document_;
  std::vector<Descriptor> entries_;
};

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_LAYOUT_INDEX_H_
