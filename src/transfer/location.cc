#include "transfer/location.h"

namespace berth::transfer {

Status Location::StreamBlob(const Descriptor&, const BlobSink&) {
  return Error(ErrorKind::kInvalidParameter, "this location does not stream blobs");
}

Result<std::unique_ptr<Location::BlobWriter>> Location::BeginBlob(const Descriptor&) {
  return Error(ErrorKind::kInvalidParameter, "this location does not take blob streams");
}

namespace {

Error ReadOnly() {
  return Error(ErrorKind::kInvalidParameter, "an archive being read cannot be written");
}

}  // namespace

Result<std::optional<std::string>> ReadOnlyLocation::TaggedDigest(std::string_view) {
  return ReadOnly();
}
Result<bool> ReadOnlyLocation::HasBlob(const Descriptor&) {
  return ReadOnly();
}
Status ReadOnlyLocation::PutBlob(const Descriptor&, const BlobOpener&) {
  return ReadOnly();
}
Status ReadOnlyLocation::PutManifest(std::string_view, const ManifestBytes&, bool) {
  return ReadOnly();
}

}  // namespace berth::transfer
