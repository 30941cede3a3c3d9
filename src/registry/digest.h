// Content digests ("sha256:…", also sha384/sha512): computing them and
// checking a payload against the one a registry or a reference names.
#ifndef BERTH_SRC_REGISTRY_DIGEST_H_
#define BERTH_SRC_REGISTRY_DIGEST_H_

#include <string>
#include <string_view>

#include "berth/error.h"

namespace berth::registry {

// "sha256:<hex>" of data.
std::string Sha256Digest(std::string_view data);

// The digest of data with the algorithm `expected` names; ok when they are
// equal. kSystem "digest mismatch: …" otherwise, kInvalidParameter for an
// algorithm berth does not know.
Status VerifyDigest(std::string_view expected, std::string_view data);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_DIGEST_H_
