// The server side of TLS for berthd's TCP listeners, as dockerd sets it up
// (go-connections' tlsconfig.Server): the server's certificate and key, TLS
// 1.2 at least, and with client verification the CA file as the only pool
// client certificates may chain to. Everything is read and checked once, at
// start, so a bad file stops the daemon with its name rather than failing
// each handshake. Plain OpenSSL: no Asio here.
#ifndef BERTH_SRC_SERVER_TLS_CONTEXT_H_
#define BERTH_SRC_SERVER_TLS_CONTEXT_H_

#include <memory>
#include <string>

#include "berth/error.h"

struct ssl_ctx_st;

namespace berth::server {

struct TlsServerOptions {
  std::string cert_file, key_file;  // PEM: the server's chain, its key
  // Clients must present a certificate that chains to ca_file (dockerd's
  // RequireAndVerifyClientCert); without it, none is asked for.
  bool verify_clients = true;
  std::string ca_file;
};

using TlsContextPtr = std::shared_ptr<ssl_ctx_st>;

// An SSL_CTX for a server. Errors (kInvalidParameter) name the file:
// `Could not load X509 key pair (cert: "C", key: "K"): open C: no such
// file or directory`, `Error reading X509 key pair (cert: …, key: …): tls:
// private key does not match public key. Make sure the key is not
// encrypted.`, `could not read CA certificate "F": …`, `failed to append
// certificates from PEM file: "F"`; beyond dockerd, a certificate that has
// expired or is not valid yet (`the TLS certificate "C" expired on DATE`)
// and client verification without a CA file are refused too.
Result<TlsContextPtr> MakeServerTlsContext(const TlsServerOptions& options);

}  // namespace berth::server

#endif  // BERTH_SRC_SERVER_TLS_CONTEXT_H_
