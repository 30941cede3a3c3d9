// TLS material per registry from a certs directory, as the Engine reads
// /etc/docker/certs.d/HOST/: *.crt are CA certificates added to the system
// pool, *.cert/*.key are client certificate pairs. Insecure registries get
// none (the Engine ignores certs.d for them).
#ifndef BERTH_CERTS_H_
#define BERTH_CERTS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/error.h"

namespace berth {

inline constexpr std::string_view kDefaultCertsDir = "/etc/docker/certs.d";

struct ClientCertificate {
  std::string cert_file, key_file;
  std::string cert_pem, key_pem;  // the key is a secret: never logged
};

struct TlsMaterial {
  // PEM text of the extra CA certificates (every certificate of every *.crt
  // file, in file-name order); empty when only the system pool is used.
  std::string extra_ca_pem;
  std::vector<std::string> ca_files;
  std::vector<ClientCertificate> client_certificates;
  // False for a registry configured insecure: no verification.
  bool verify = true;
};

// The Engine's ReadCertsDirectory on DIR: a missing directory is no
// material; entries in sorted name order; the Engine's errors
// ("missing key X.key for client certificate X.cert. CA certificates must
// use the extension .crt", "missing client certificate X.cert for key
// X.key", Go's tls.LoadX509KeyPair texts for pairs that do not load).
Result<TlsMaterial> ReadCertsDirectory(const std::string& dir);

// Material from named files (hosts.toml's ca and client): every
// certificate of each CA file, and each client pair (key "" when the key is
// in the certificate's file). Read and pair errors as ReadCertsDirectory's.
Result<TlsMaterial> LoadTlsMaterial(const std::vector<std::string>& ca_files,
                                    const std::vector<std::pair<std::string, std::string>>& client_pairs);

// The material for host[:port]: CERTS_DIR/HOST when the registry is
// secure; nothing (and verify = false) when it is not.
Result<TlsMaterial> TlsMaterialForHost(const std::string& certs_dir, std::string_view host, bool secure);

}  // namespace berth

#endif  // BERTH_CERTS_H_
