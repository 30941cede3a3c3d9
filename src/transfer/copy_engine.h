// The copy engine between two opened locations: what CopyImage does for
// one image once its locations are open, for callers that bring their own
// Location (berthd's image store).
#ifndef BERTH_SRC_TRANSFER_COPY_ENGINE_H_
#define BERTH_SRC_TRANSFER_COPY_ENGINE_H_

#include <string>

#include "berth/transfer.h"
#include "transfer/location.h"

namespace berth::transfer {

// Copies the image source.reference() names to destination.reference()
// (see CopyImage; options.all_tags is not read), then commits the
// destination. The labels name the two sides in errors; with both empty,
// errors are the locations' own.
// `source_ref` ("": the source's reference()) names the image to copy.
Result<CopyResult> CopyBetween(Location& source, Location& destination, const CopyOptions& options,
                               const std::string& source_label, const std::string& destination_label,
                               const std::string& source_ref = "");

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_COPY_ENGINE_H_
