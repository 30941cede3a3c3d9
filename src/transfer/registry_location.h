// A registry repository as a copy location (docker://REFERENCE).
#ifndef BERTH_SRC_TRANSFER_REGISTRY_LOCATION_H_
#define BERTH_SRC_TRANSFER_REGISTRY_LOCATION_H_

#include <memory>
#include <string>

#include "berth/registry_client.h"
#include "transfer/location.h"

namespace berth::transfer {

// `reference` as docker names images; its tag or digest (or "latest" when
// it has neither and `default_latest`) is the location's reference().
Result<std::unique_ptr<Location>> OpenRegistryLocation(RegistryClient& client, std::string_view reference,
                                                       RepositoryAccess access, const AuthResolver& auth_for,
                                                       bool default_latest);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_REGISTRY_LOCATION_H_
