#include "transfer/location.h"

namespace berth::transfer {

Status Location::StreamBlob(const Descriptor&, const BlobSink&) {
  return Error(ErrorKind::kInvalidParameter, "this location does not stream blobs");
}

Result<std::unique_ptr<Location::BlobWriter>> Location::BeginBlob(const Descriptor&) {
  return Error(ErrorKind::kInvalidParameter, "this location does not take blob streams");
}

}  // namespace berth::transfer
