#include "berth/certs.h"

#include <dirent.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace berth {
namespace {

Error Invalid(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

// Go's *PathError text: "open PATH: no such file or directory".
std::string OsError(const char* op, const std::string& path, int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return std::string(op) + " " + path + ": " + text;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(OsError("open", path, errno));
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// Every certificate in a PEM text, re-encoded (unparseable blocks are
// skipped, as Go's AppendCertsFromPEM does).
std::string Certificates(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  for (;;) {
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    PEM_write_bio_X509(out.get(), cert.get());
  }
  ERR_clear_error();
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// Go's tls.X509KeyPair checks, in its order and words.
Status CheckKeyPair(const std::string& cert_pem, const std::string& key_pem) {
  if (cert_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return Invalid("tls: failed to find any PEM data in certificate input");
  if (key_pem.find("PRIVATE KEY-----") == std::string::npos)
    return Invalid("tls: failed to find any PEM data in key input");
  std::unique_ptr<BIO, BioFree> cb(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  std::unique_ptr<BIO, BioFree> kb(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) return Invalid("x509: malformed certificate");
  if (!key) return Invalid("tls: failed to parse private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Invalid("tls: private key does not match public key");
  }
  return {};
}

}  // namespace

Result<TlsMaterial> ReadCertsDirectory(const std::string& dir) {
  TlsMaterial material;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return material;
    return Invalid(OsError("open", dir, errno));
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  auto listed = [&](const std::string& n) { return std::binary_search(names.begin(), names.end(), n); };
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    if (EndsWith(name, ".crt")) {
      Result<std::string> pem = ReadFile(path);
      if (!pem) return pem.error();
      material.extra_ca_pem += Certificates(*pem);
      material.ca_files.push_back(path);
    } else if (EndsWith(name, ".cert")) {
      std::string base = name.substr(0, name.size() - 5);
      std::string key_name = base + ".key";
      if (!listed(key_name)) {
        return Invalid("missing key " + key_name + " for client certificate " + name +
                       ". CA certificates must use the extension .crt");
      }
      Result<std::string> cert = ReadFile(path);
      if (!cert) return cert.error();
      Result<std::string> key = ReadFile(dir + "/" + key_name);
      if (!key) return key.error();
      Status pair = CheckKeyPair(*cert, *key);
      if (!pair) return pair.error();
      material.client_certificates.push_back({path, dir + "/" + key_name, *cert, *key});
    } else if (EndsWith(name, ".key")) {
      std::string base = name.substr(0, name.size() - 4);
      std::string cert_name = base + ".cert";
      if (!listed(cert_name)) {
        return Invalid("missing client certificate " + cert_name + " for key " + name);
      }
    }
  }
  return material;
}

Result<TlsMaterial> LoadTlsMaterial(const std::vector<std::string>& ca_files,
                                    const std::vector<std::pair<std::string, std::string>>& client_pairs) {
  TlsMaterial material;
  for (const std::string& path : ca_files) {
    Result<std::string> pem = ReadFile(path);
    if (!pem) return pem.error();
    material.extra_ca_pem += Certificates(*pem);
    material.ca_files.push_back(path);
  }
  for (const auto& [cert_file, key_file] : client_pairs) {
    Result<std::string> cert = ReadFile(cert_file);
    if (!cert) return cert.error();
    Result<std::string> key = key_file.empty() ? cert : ReadFile(key_file);
    if (!key) return key.error();
    Status pair = CheckKeyPair(*cert, *key);
    if (!pair) return pair.error();
    material.client_certificates.push_back({cert_file, key_file.empty() ? cert_file : key_file, *cert, *key});
  }
  return material;
}

Result<TlsMaterial> TlsMaterialForHost(const std::string& certs_dir, std::string_view host, bool secure) {
  if (!secure) {
    TlsMaterial none;
    none.verify = false;  // insecure registries ignore certs.d entirely
    return none;
  }
  return ReadCertsDirectory(certs_dir + "/" + std::string(host));
}

}  // namespace berth
