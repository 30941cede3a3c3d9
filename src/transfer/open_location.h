// An ImageLocation opened as a copy Location, for reading or writing.
#ifndef BERTH_SRC_TRANSFER_OPEN_LOCATION_H_
#define BERTH_SRC_TRANSFER_OPEN_LOCATION_H_

#include <memory>

#include "berth/transfer.h"
#include "transfer/location.h"

namespace berth::transfer {

enum class Access { kRead, kWrite };

// Registries are reached through `client` with `auth` (anonymous when
// null): mirrors for reading, push endpoints for writing. A registry
// reference without tag or digest names "latest" when `default_latest`.
Result<std::unique_ptr<Location>> OpenLocation(RegistryClient& client, const ImageLocation& location, Access access,
                                               const AuthResolver& auth, bool default_latest);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_OPEN_LOCATION_H_
