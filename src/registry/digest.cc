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

}  // namespace

std::string Sha256Digest(std::string_view data) {
  return "sha256:" + HexDigest(EVP_sha256(), data);
}

Status VerifyDigest(std::string_view expected, std::string_view data) {
  std::size_t colon = expected.find(':');
  std::string_view algorithm = expected.substr(0, colon);
  const EVP_MD* md = algorithm == "sha256"   ? EVP_sha256()
                     : algorithm == "sha384" ? EVP_sha384()
                     : algorithm == "sha512" ? EVP_sha512()
                                             : nullptr;
  if (md == nullptr || colon == std::string_view::npos) {
    return Error(ErrorKind::kInvalidParameter, "unsupported digest algorithm");
  }
  std::string actual = std::string(algorithm) + ":" + HexDigest(md, data);
  if (actual != expected) {
    return Error(ErrorKind::kSystem,
                 "digest mismatch: the registry sent content with digest " + actual + " for " + std::string(expected));
  }
  return {};
}

}  // namespace berth::registry
