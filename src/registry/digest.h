// Content digests ("sha256:…", also sha384/sha512): computing them and
// checking a payload against the one a registry or a reference names.
#ifndef BERTH_SRC_REGISTRY_DIGEST_H_
#define BERTH_SRC_REGISTRY_DIGEST_H_

#include <cstdint>
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

// "sha256:<hex>" of data given in pieces.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  std::string Finish();  // once

 private:
  void* context_;  // EVP_MD_CTX
};

// Whether `digest` is "sha256:" and 64 lower-case hex digits (or sha384's
// 96, sha512's 128): the only digests berth turns into file names or URL
// paths.
bool IsValidDigest(std::string_view digest);

// A blob checked while it flows: its bytes are counted against the size a
// descriptor gives and hashed with the algorithm its digest names. Update
// refuses the chunk that would make the blob longer than its size, and the
// chunk that completes it when the digest does not match — so whoever
// receives the bytes after a successful Update never holds all of a wrong
// blob. Finish refuses a blob that ended short.
class DigestVerifier {
 public:
  DigestVerifier(std::string digest, std::int64_t size);
  ~DigestVerifier();
  DigestVerifier(const DigestVerifier&) = delete;
  DigestVerifier& operator=(const DigestVerifier&) = delete;

  // kInvalidParameter for an unknown algorithm (from the first Update or
  // Finish); kSystem for a long, short or wrong blob:
  // "blob sha256:… is longer than its descriptor's N bytes",
  // "digest mismatch: got sha256:… for sha256:…".
  Status Update(std::string_view chunk);
  Status Finish();
  std::int64_t received() const { return received_; }

 private:
  Status Check();

  std::string digest_;
  std::int64_t size_;
  std::int64_t received_ = 0;
  void* context_ = nullptr;  // EVP_MD_CTX
  bool checked_ = false;
};

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_DIGEST_H_
