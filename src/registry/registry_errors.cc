#include "registry/registry_errors.h"

#include <array>
#include <cctype>

#include "berth/challenge.h"
#include "internal/ascii.h"
#include "registry/documents.h"

namespace berth::registry {
namespace {

struct CodeInfo {
  std::string_view code;
  std::string_view message;
  ErrorKind kind;
};

// The codes registered in the Engine's binary (errcode and the v2 API).
constexpr std::array<CodeInfo, 21> kCodes{{
    {"UNKNOWN", "unknown error", ErrorKind::kSystem},
    {"UNSUPPORTED", "The operation is unsupported.", ErrorKind::kSystem},
    {"UNAUTHORIZED", "authentication required", ErrorKind::kUnauthorized},
    {"DENIED", "requested access to the resource is denied", ErrorKind::kForbidden},
    {"UNAVAILABLE", "service unavailable", ErrorKind::kUnavailable},
    {"TOOMANYREQUESTS", "too many requests", ErrorKind::kTooManyRequests},
    {"DIGEST_INVALID", "provided digest did not match uploaded content", ErrorKind::kInvalidParameter},
    {"SIZE_INVALID", "provided length did not match content length", ErrorKind::kInvalidParameter},
    {"NAME_INVALID", "invalid repository name", ErrorKind::kInvalidParameter},
    {"TAG_INVALID", "manifest tag did not match URI", ErrorKind::kInvalidParameter},
    {"NAME_UNKNOWN", "repository name not known to registry", ErrorKind::kNotFound},
    {"MANIFEST_UNKNOWN", "manifest unknown", ErrorKind::kNotFound},
    {"MANIFEST_INVALID", "manifest invalid", ErrorKind::kInvalidParameter},
    {"MANIFEST_UNVERIFIED", "manifest failed signature verification", ErrorKind::kInvalidParameter},
    {"MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", ErrorKind::kInvalidParameter},
    {"BLOB_UNKNOWN", "blob unknown to registry", ErrorKind::kNotFound},
    {"BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", ErrorKind::kNotFound},
    {"BLOB_UPLOAD_INVALID", "blob upload invalid", ErrorKind::kNotFound},
    {"PAGINATION_NUMBER_INVALID", "invalid number of results requested", ErrorKind::kInvalidParameter},
    {"RANGE_INVALID", "invalid content range", ErrorKind::kInvalidParameter},
    {"MANIFEST_REFERENCED", "manifest referenced by a manifest list", ErrorKind::kInvalidParameter},
}};

const CodeInfo& Lookup(std::string_view code) {
  for (const CodeInfo& info : kCodes)
    if (info.code == code) return info;
  return kCodes[0];  // errcode.ParseErrorCode: unregistered → UNKNOWN
}

// The code named by status, for bodies that carry no error list.
std::string_view CodeForStatus(long status) {
  switch (status) {
    case 401: return "UNAUTHORIZED";
    case 403: return "DENIED";
    case 429: return "TOOMANYREQUESTS";
    default: return "UNKNOWN";
  }
}

// An error of `code` with exactly `message` (WithMessage: even "").
Error CodeError(std::string_view code, std::string_view message) {
  const CodeInfo& info = Lookup(code);
  return Error(info.kind, RegistryErrorText(info.code, message));
}

// An error of `code` whose message defaults to the code's own.
Error DefaultedCodeError(std::string_view code, std::string_view message) {
  return CodeError(code, message.empty() ? Lookup(code).message : message);
}

// Go's %q of the body, as far as registries' error bodies go: printable
// ASCII as is, the rest escaped, capped so a huge body cannot flood a log.
std::string QuoteBody(std::string_view body) {
  constexpr std::size_t kMax = 512;
  std::string out = "\"";
  for (std::size_t i = 0; i < body.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      detail::AppendHexByte(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (body.size() > kMax) out += "...";
  out += '"';
  return out;
}

Error FromBody(long status, const std::string& content_type, const std::string& body) {
  if (content_type.empty()) return CodeError(CodeForStatus(status), body);
  std::string media = http::MediaTypeOf(content_type);
  if (media.empty() || media.find('/') == std::string::npos) {
    return Error(ErrorKind::kSystem, "failed parsing content-type: mime: no media type");
  }
  if (media != "application/json" && media != "application/vnd.api+json") {
    return CodeError(CodeForStatus(status), body);
  }
  RegistryErrorsDocument doc;
  Status parsed = DecodeDocument(body, doc);
  if (parsed.ok() && !doc.details.empty()) return CodeError(CodeForStatus(status), doc.details);
  if (!parsed.ok() || doc.errors.empty()) {
    if (status == 401) return DefaultedCodeError("UNAUTHORIZED", "");
    std::string why = parsed.ok() ? "no error details found in HTTP response body" : parsed.message();
    return Error(ErrorKind::kSystem,
                 "error parsing HTTP " + std::to_string(status) + " response body: " + why + ": " + QuoteBody(body));
  }
  // errcode.Errors' decoding gives entries without a message their code's.
  if (doc.errors.size() == 1) return DefaultedCodeError(doc.errors[0].code, doc.errors[0].message);
  // Several entries; the class is the first one's.
  std::string text = "errors:\n";
  for (const RegistryErrorEntry& e : doc.errors) text += DefaultedCodeError(e.code, e.message).message() + "\n";
  return Error(Lookup(doc.errors[0].code).kind, std::move(text));
}

}  // namespace

ErrorKind KindOfRegistryCode(std::string_view code) {
  return Lookup(code).kind;
}

std::string RegistryErrorText(std::string_view code, std::string_view message) {
  const CodeInfo& info = Lookup(code);
  std::string out;
  for (char c : info.code) out += c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += ": ";
  out += message;
  return out;
}

Error ErrorFromResponse(const http::Response& response) {
  const long status = response.status;
  if (status >= 400 && status < 500) {
    for (const Challenge& c : ParseChallenges(response.HeaderValues("www-authenticate"))) {
      if (c.scheme != "bearer") continue;
      std::string error = c.Param("error");
      std::string_view code = error == "invalid_token" ? "UNAUTHORIZED" : error == "insufficient_scope" ? "DENIED" : "";
      if (code.empty()) continue;
      // The Engine merges the body's errors after it: a list of two or
      // more, whose first entry decides the class.
      Error first = DefaultedCodeError(code, c.Param("error_description"));
      Error rest = FromBody(status, response.Header("content-type"), response.body);
      std::string_view more = rest.message();
      constexpr std::string_view kList = "errors:\n";
      std::string text = "errors:\n" + first.message() + "\n";
      if (more.substr(0, kList.size()) == kList) {
        text += more.substr(kList.size());
      } else {
        text += std::string(more) + "\n";
      }
      return Error(first.kind(), std::move(text));
    }
    return FromBody(status, response.Header("content-type"), response.body);
  }
  return Error(ErrorKind::kSystem, "received unexpected HTTP status: " + response.status_line);
}

}  // namespace berth::registry
