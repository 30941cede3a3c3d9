#include "http/http_client.h"

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "berth/version.h"

namespace berth::http {
namespace {

constexpr std::size_t kMaxHeaderBytes = 1u << 20;

struct Sink {
  Response* response;
  std::size_t max_body;
  CURL* curl = nullptr;
  const std::function<Status(long, std::string_view)>* stream = nullptr;
  bool over = false;
  std::size_t header_bytes = 0;
  bool headers_over = false;
  std::optional<Error> stream_error;  // from the body sink or the body reader
  const std::function<Result<std::size_t>(char*, std::size_t)>* reader = nullptr;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::size_t bytes = size * n;
  if (*sink->stream) {
    long status = 0;
    curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      Status written = (*sink->stream)(status, std::string_view(data, bytes));
      if (!written.ok()) {
        sink->stream_error = written.error();
        return 0;
      }
      sink->response->sunk_bytes += bytes;
      return bytes;
    }
  }
  if (sink->response->body.size() + bytes > sink->max_body) {
    sink->over = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  Response* response = sink->response;
  sink->header_bytes += size * n;
  if (sink->header_bytes > kMaxHeaderBytes) {
    sink->headers_over = true;
    return 0;
  }
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a 100 Continue, say): start over.
    response->headers.clear();
    std::size_t sp = line.find(' ');
    response->status_line = sp == std::string::npos ? "" : line.substr(sp + 1);
    return size * n;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t v = colon + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
    response->headers.emplace(std::move(name), line.substr(v));
  }
  return size * n;
}

// libcurl's progress callback: non-zero aborts the transfer.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return (*static_cast<const std::function<bool()>*>(user))() ? 1 : 0;
}

std::size_t OnRead(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  Result<std::size_t> got = (*sink->reader)(buffer, size * n);
  if (!got) {
    sink->stream_error = got.error();
    return CURL_READFUNC_ABORT;
  }
  return *got;
}

// Adds the registry's extra CA certificates to the store curl loaded the
// system's into.
CURLcode OnSslContext(CURL*, void* ssl_ctx, void* user) {
  const auto* pem = static_cast<const std::string*>(user);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
  }
  BIO_free(bio);
  return CURLE_OK;
}

// Go's url.Error prefix: the method with only its first letter upper case.
std::string GoMethod(const std::string& method) {
  std::string out = method;
  for (std::size_t i = 1; i < out.size(); ++i)
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  return out;
}

Error UrlError(const Request& request, ErrorKind kind, const std::string& what) {
  return Error(kind, GoMethod(request.method) + " \"" + request.url + "\": " + what);
}

// Go's ProxyFromEnvironment never proxies loopback; libcurl would, when
// http_proxy is set and no_proxy does not name the host.
bool IsLoopbackUrl(std::string_view url) {
  std::size_t start = url.find("://");
  if (start == std::string_view::npos) return false;
  std::string_view host = url.substr(start + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (std::size_t at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  if (host.rfind("[::1]", 0) == 0) return true;
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

void SetTls(CURL* c, const TlsMaterial* tls) {
  if (tls == nullptr) return;
  if (!tls->verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!tls->extra_ca_pem.empty()) {
    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, OnSslContext);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &tls->extra_ca_pem);
  }
  if (!tls->client_certificates.empty()) {
    const ClientCertificate& cc = tls->client_certificates.front();
    curl_blob cert{const_cast<char*>(cc.cert_pem.data()), cc.cert_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(cc.key_pem.data()), cc.key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
  }
}

// Go's http.StatusText: HTTP/2 sends no reason phrase, and Go's Response
// then says "401 Unauthorized" all the same.
std::string_view StatusText(long code) {
  switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  bool connect_failed = false;
  bool timed_out = false;
  bool cut = false;
};

bool HttpClient::last_failure_was_connect() const {
  return impl_->connect_failed;
}
bool HttpClient::last_failure_was_timeout() const {
  return impl_->timed_out;
}
bool HttpClient::last_failure_was_cut() const {
  return impl_->cut;
}

std::string MediaTypeOf(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string out(t);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> Response::HeaderValues(const std::string& lower_name) const {
  std::vector<std::string> out;
  auto [first, last] = headers.equal_range(lower_name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

std::string Response::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {
  impl_->curl = curl_easy_init();  // one handle: its connection cache gives keep-alive
}

HttpClient::~HttpClient() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

Result<Response> HttpClient::Do(const Request& request) {
  CURL* c = impl_->curl;
  if (c == nullptr) return Error(ErrorKind::kSystem, "cannot initialize libcurl");
  curl_easy_reset(c);  // keeps the connection cache
  Response response;
  Sink sink{&response, request.max_body, c, &request.body_sink};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT,
                   request.user_agent.empty() ? "berth/" BERTH_VERSION : request.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  if (!request.unix_socket.empty()) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  if (request.stall_timeout.count() > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(request.stall_timeout.count() / 1000)));
  } else {
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  }
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  // A declared Content-Length over the cap fails before any byte is read
  // (a HEAD's Content-Length is the size of a body it does not send).
  if (!request.body_sink && request.method != "HEAD")
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body));
  // Blobs move in larger pieces: fewer callbacks and wake-ups per MiB.
  if (request.body_sink) curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L << 10);
  if (request.body_reader) curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 256L << 10);
  if (request.cancelled) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &request.cancelled);
  }
  SetTls(c, request.tls);
  if (IsLoopbackUrl(request.url) || !request.unix_socket.empty()) curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
  // No "Expect: 100-continue" wait before a body: Go's client sends none.
  if (request.method != "GET" && request.method != "HEAD") headers = curl_slist_append(headers, "Expect:");
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.body_reader) {
    sink.reader = &request.body_reader;
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &sink);
    if (request.body_length >= 0)
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_length));
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  CURLcode rc = curl_easy_perform(c);
  impl_->connect_failed = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;
  impl_->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
  impl_->cut = rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
               rc == CURLE_GOT_NOTHING || rc == CURLE_HTTP2_STREAM || rc == CURLE_HTTP2 ||
               (rc == CURLE_OPERATION_TIMEDOUT && request.stall_timeout.count() > 0);
  curl_slist_free_all(headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);  // errbuf ends with this call
  if (sink.stream_error) {
    impl_->cut = false;
    return *sink.stream_error;
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    impl_->cut = false;
    return UrlError(request, ErrorKind::kSystem, "context canceled");
  }
  if (sink.over || rc == CURLE_FILESIZE_EXCEEDED) {
    return UrlError(request, ErrorKind::kSystem,
                    "response body exceeds " + std::to_string(request.max_body) + " bytes");
  }
  if (sink.headers_over) {
    return UrlError(request, ErrorKind::kSystem,
                    "response headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return UrlError(request, ErrorKind::kSystem, errbuf[0] ? errbuf : curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  // "HTTP/2 401" carries no reason phrase.
  std::string_view line = response.status_line;
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  if (line.find(' ') == std::string_view::npos) {
    response.status_line = std::to_string(response.status) + " " + std::string(StatusText(response.status));
  }
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &response.new_connections);
  return response;
}

}  // namespace berth::http
