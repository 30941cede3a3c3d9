#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace berth::server {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Go's os error text: "open PATH: no such file or directory".
std::string OpenError(const std::string& path, int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return "open " + path + ": " + text;
}

// OpenSSL's queued reason, emptied ("" when none).
std::string TakeOpenSslError() {
  unsigned long code = 0, last = 0;
  while ((code = ERR_get_error()) != 0) last = code;
  if (last == 0) return "";
  const char* reason = ERR_reason_error_string(last);
  return reason ? reason : "unknown error";
}

Result<File> Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error(ErrorKind::kInvalidParameter, OpenError(path, errno));
  return File(f);
}

// Every certificate of a PEM file, in order.
std::vector<X509Ptr> ReadCertificates(std::FILE* f) {
  std::vector<X509Ptr> out;
  while (X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr)) out.emplace_back(x);
  ERR_clear_error();  // the end of the file reads as an error
  return out;
}

// "Jan  2 15:04:05 2026 GMT", as OpenSSL prints an ASN.1 time.
std::string TimeText(const ASN1_TIME* t) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return "?";
  ASN1_TIME_print(bio, t);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(n > 0 ? n : 0));
  BIO_free(bio);
  return text;
}

}  // namespace

Result<TlsContextPtr> MakeServerTlsContext(const TlsServerOptions& options) {
  const std::string pair = "(cert: \"" + options.cert_file + "\", key: \"" + options.key_file + "\")";
  auto pair_error = [&](const std::string& why, bool missing) {
    return Error(ErrorKind::kInvalidParameter, missing ? "Could not load X509 key pair " + pair + ": " + why
                                                       : "Error reading X509 key pair " + pair + ": " + why +
                                                             ". Make sure the key is not encrypted.");
  };
  if (options.cert_file.empty() || options.key_file.empty()) {
    const std::string& missing = options.cert_file.empty() ? options.cert_file : options.key_file;
    return pair_error(OpenError(missing, ENOENT), true);
  }
  TlsContextPtr ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return Error(ErrorKind::kSystem, "cannot make a TLS context: " + TakeOpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);

  // The certificate chain: the first is the server's, the others its
  // intermediates.
  Result<File> cert_file = Open(options.cert_file);
  if (!cert_file) return pair_error(cert_file.error().message(), true);
  std::vector<X509Ptr> chain = ReadCertificates(cert_file->get());
  if (chain.empty()) return pair_error("tls: failed to find any PEM data in certificate input", false);
  if (X509_cmp_current_time(X509_get0_notAfter(chain[0].get())) < 0) {
    return Error(ErrorKind::kInvalidParameter, "the TLS certificate \"" + options.cert_file + "\" expired on " +
                                                   TimeText(X509_get0_notAfter(chain[0].get())));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(chain[0].get())) > 0) {
    return Error(ErrorKind::kInvalidParameter, "the TLS certificate \"" + options.cert_file +
                                                   "\" is not valid before " +
                                                   TimeText(X509_get0_notBefore(chain[0].get())));
  }
  if (SSL_CTX_use_certificate(ctx.get(), chain[0].get()) != 1) return pair_error("tls: " + TakeOpenSslError(), false);
  for (std::size_t i = 1; i < chain.size(); ++i) {
    // add1: the context takes its own reference.
    if (SSL_CTX_add1_chain_cert(ctx.get(), chain[i].get()) != 1) {
      return pair_error("tls: " + TakeOpenSslError(), false);
    }
  }

  Result<File> key_file = Open(options.key_file);
  if (!key_file) return pair_error(key_file.error().message(), true);
  // No passphrase callback: an encrypted key fails here, as in Go.
  EVP_PKEY* key = PEM_read_PrivateKey(
      key_file->get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
  if (!key) {
    ERR_clear_error();
    return pair_error("tls: failed to find any PEM data in key input", false);
  }
  const int used = SSL_CTX_use_PrivateKey(ctx.get(), key);
  EVP_PKEY_free(key);
  if (used != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    ERR_clear_error();
    return pair_error("tls: private key does not match public key", false);
  }

  if (options.verify_clients) {
    if (options.ca_file.empty()) {
      return Error(ErrorKind::kInvalidParameter,
                   "client verification (--tlsverify) needs a CA certificate (--tlscacert): none was given or found");
    }
    Result<File> ca_file = Open(options.ca_file);
    if (!ca_file) {
      return Error(ErrorKind::kInvalidParameter,
                   "could not read CA certificate \"" + options.ca_file + "\": " + ca_file.error().message());
    }
    std::vector<X509Ptr> cas = ReadCertificates(ca_file->get());
    if (cas.empty()) {
      return Error(ErrorKind::kInvalidParameter,
                   "failed to append certificates from PEM file: \"" + options.ca_file + "\"");
    }
    // Only these CAs: the system's are not trusted for clients (dockerd's
    // ExclusiveRootPools).
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    for (const X509Ptr& ca : cas) {
      X509_STORE_add_cert(store, ca.get());
      if (names) sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca.get())));
    }
    ERR_clear_error();  // a CA listed twice
    if (names) SSL_CTX_set_client_CA_list(ctx.get(), names);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  // Clients resume sessions (docker-py opens a connection per call).
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER);
  static constexpr unsigned char kSessionContext[] = "berthd";
  SSL_CTX_set_session_id_context(ctx.get(), kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

}  // namespace berth::server
