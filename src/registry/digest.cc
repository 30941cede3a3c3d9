#include "registry/digest.h"

#include <openssl/evp.h>

#include "internal/ascii.h"

namespace berth::registry {
namespace {

std::string Hex(const unsigned char* p, unsigned n) {
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; ++i) detail::AppendHexByte(out, p[i]);
  return out;
}

std::string HexDigest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return Hex(out, n);
}

// The hash a "algorithm:hex" digest names; null for one berth does not know.
const EVP_MD* DigestAlgorithm(std::string_view digest) {
  std::size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return nullptr;
  std::string_view algorithm = digest.substr(0, colon);
  return algorithm == "sha256"   ? EVP_sha256()
         : algorithm == "sha384" ? EVP_sha384()
         : algorithm == "sha512" ? EVP_sha512()
                                 : nullptr;
}

}  // namespace

std::string Sha256Digest(std::string_view data) {
  return "sha256:" + HexDigest(EVP_sha256(), data);
}

Status VerifyDigest(std::string_view expected, std::string_view data) {
  std::size_t colon = expected.find(':');
  std::string_view algorithm = expected.substr(0, colon);
  const EVP_MD* md = DigestAlgorithm(expected);
  if (md == nullptr) {
    return Error(ErrorKind::kInvalidParameter, "unsupported digest algorithm");
  }
  std::string actual = std::string(algorithm) + ":" + HexDigest(md, data);
  if (actual != expected) {
    return Error(ErrorKind::kSystem,
                 "digest mismatch: the registry sent content with digest " + actual + " for " + std::string(expected));
  }
  return {};
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr);
}

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_));
}

void Sha256Stream::Update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data.data(), data.size());
}

std::string Sha256Stream::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), out, &n);
  return "sha256:" + Hex(out, n);
}

bool IsValidDigest(std::string_view digest) {
  std::size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view algorithm = digest.substr(0, colon), hex = digest.substr(colon + 1);
  std::size_t want = algorithm == "sha256" ? 64 : algorithm == "sha384" ? 96 : algorithm == "sha512" ? 128 : 0;
  if (want == 0 || hex.size() != want) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

DigestVerifier::DigestVerifier(std::string digest, std::int64_t size) : digest_(std::move(digest)), size_(size) {
  if (const EVP_MD* md = DigestAlgorithm(digest_)) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, md, nullptr);
    context_ = ctx;
  }
}

DigestVerifier::~DigestVerifier() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_));
}

Status DigestVerifier::Update(std::string_view chunk) {
  if (context_ == nullptr) return Error(ErrorKind::kInvalidParameter, "unsupported digest algorithm: " + digest_);
  if (size_ >= 0 && received_ + static_cast<std::int64_t>(chunk.size()) > size_) {
    return Error(ErrorKind::kSystem,
                 "blob " + digest_ + " is longer than its descriptor's " + std::to_string(size_) + " bytes");
  }
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), chunk.data(), chunk.size());
  received_ += static_cast<std::int64_t>(chunk.size());
  if (received_ == size_) return Check();
  return {};
}

Status DigestVerifier::Finish() {
  if (context_ == nullptr) return Error(ErrorKind::kInvalidParameter, "unsupported digest algorithm: " + digest_);
  if (size_ >= 0 && received_ != size_) {
    return Error(ErrorKind::kSystem, "blob " + digest_ + " ended after " + std::to_string(received_) +
                                         " of its descriptor's " + std::to_string(size_) + " bytes");
  }
  return Check();
}

Status DigestVerifier::Check() {
  if (checked_) return {};
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), out, &n);
  checked_ = true;
  std::string actual = digest_.substr(0, digest_.find(':')) + ":" + Hex(out, n);
  if (actual != digest_) return Error(ErrorKind::kSystem, "digest mismatch: got " + actual + " for " + digest_);
  return {};
}

}  // namespace berth::registry
