// How EngineClient reads the Engine's answers: each route's JSON, and the
// error answers as the Go SDK's checkResponseErr words them.
#include "engine_client/answers.h"

#include <charconv>
#include <iterator>

#include "berth/json.h"
#include "internal/api_version.h"
#include "internal/ascii.h"
#include "json/value.h"

namespace berth::engine_client {

using json_detail::JsonValue;

namespace {

Error Unreadable(const std::string& what, const Error& e) {
  return Error(ErrorKind::kSystem, "cannot read the Docker daemon's answer to " + what + ": " + e.message());
}

std::string StringOf(const JsonValue& object, std::string_view key) {
  const JsonValue* v = object.Find(key);
  return v && v->is_string() ? v->text : std::string();
}

std::int64_t IntOf(const JsonValue& object, std::string_view key) {
  const JsonValue* v = object.Find(key);
  std::int64_t out = 0;
  if (v && v->kind == JsonValue::Kind::kNumber) std::from_chars(v->text.data(), v->text.data() + v->text.size(), out);
  return out;
}

bool BoolOf(const JsonValue& object, std::string_view key) {
  const JsonValue* v = object.Find(key);
  return v && v->kind == JsonValue::Kind::kBool && v->boolean;
}

Result<JsonValue> ObjectOf(std::string_view body, const std::string& what) {
  JsonValue doc;
  if (Status s = json_detail::ParseJson(body, doc); !s.ok()) return Unreadable(what, s.error());
  if (!doc.is_object())
    return Error(ErrorKind::kSystem, "cannot read the Docker daemon's answer to " + what + ": not an object");
  return doc;
}

}  // namespace

Status CheckAnswer(const Answer& a) {
  if (a.status >= 200 && a.status < 400) return {};
  const ErrorKind kind = ErrorKindOfHttpStatus(a.status);
  if (a.body.empty()) {
    return Error(kind, "request returned " + std::string(a.reason) + " for API route and version " +
                           std::string(a.url) + ", check if the server supports the requested API version");
  }
  std::string message;
  if (a.content_type == "application/json" &&
      (a.api_version.empty() || detail::CompareApiVersions(a.api_version, "1.23") > 0)) {
    JsonValue doc;
    Status parsed = json_detail::ParseJson(a.body, doc);
    if (!parsed.ok()) return Error(ErrorKind::kSystem, "Error reading JSON: " + parsed.error().message());
    const JsonValue* m = doc.is_object() ? doc.Find("message") : nullptr;
    message = std::string(detail::TrimAsciiSpace(m && m->is_string() ? m->text : ""));
  } else {
    message = std::string(detail::TrimAsciiSpace(a.body));
  }
  return Error(kind, "Error response from daemon: " + message);
}

Result<EngineVersion> ReadVersion(std::string body) {
  Result<JsonValue> doc = ObjectOf(body, "GET /version");
  if (!doc) return doc.error();
  EngineVersion v;
  if (const JsonValue* platform = doc->Find("Platform"); platform && platform->is_object()) {
    v.platform_name = StringOf(*platform, "Name");
  }
  v.version = StringOf(*doc, "Version");
  v.api_version = StringOf(*doc, "ApiVersion");
  v.min_api_version = StringOf(*doc, "MinAPIVersion");
  v.git_commit = StringOf(*doc, "GitCommit");
  v.go_version = StringOf(*doc, "GoVersion");
  v.os = StringOf(*doc, "Os");
  v.arch = StringOf(*doc, "Arch");
  v.kernel_version = StringOf(*doc, "KernelVersion");
  v.experimental = BoolOf(*doc, "Experimental");
  v.build_time = StringOf(*doc, "BuildTime");
  v.json = std::move(body);
  return v;
}

Result<EngineInfo> ReadInfo(std::string body) {
  Result<JsonValue> doc = ObjectOf(body, "GET /info");
  if (!doc) return doc.error();
  EngineInfo info;
  info.id = StringOf(*doc, "ID");
  info.name = StringOf(*doc, "Name");
  info.server_version = StringOf(*doc, "ServerVersion");
  info.operating_system = StringOf(*doc, "OperatingSystem");
  info.os_type = StringOf(*doc, "OSType");
  info.architecture = StringOf(*doc, "Architecture");
  info.kernel_version = StringOf(*doc, "KernelVersion");
  info.ncpu = IntOf(*doc, "NCPU");
  info.mem_total = IntOf(*doc, "MemTotal");
  info.index_server_address = StringOf(*doc, "IndexServerAddress");
  if (const JsonValue* config = doc->Find("RegistryConfig"); config && config->is_object()) {
    if (Status s = Unmarshal(json_detail::MarshalIndentTabs(*config), info.registry_config); !s.ok()) {
      return Unreadable("GET /info (RegistryConfig)", s.error());
    }
  }
  if (const JsonValue* warnings = doc->Find("Warnings"); warnings && warnings->kind == JsonValue::Kind::kArray) {
    for (const JsonValue& w : warnings->items)
      if (w.is_string()) info.warnings.push_back(w.text);
  }
  info.json = std::move(body);
  return info;
}

Result<AuthenticateOKBody> ReadLogin(std::string_view body) {
  AuthenticateOKBody ok;
  if (Status s = DecodeFirstValue(body, ok); !s.ok()) return Unreadable("POST /auth", s.error());
  return ok;
}

Result<std::vector<SearchResult>> ReadSearchResults(std::string_view body) {
  // An array of results: read as the `results` member of v1's answer.
  SearchResults results;
  if (Status s = Unmarshal("{\"results\":" + std::string(body) + "}", results); !s.ok()) {
    return Unreadable("GET /images/search", s.error());
  }
  return std::vector<SearchResult>(std::make_move_iterator(results.results.begin()),
                                   std::make_move_iterator(results.results.end()));
}

Result<DistributionInspect> ReadDistributionInspect(std::string_view body) {
  DistributionInspect inspect;
  if (Status s = DecodeFirstValue(body, inspect); !s.ok()) return Unreadable("GET /distribution", s.error());
  return inspect;
}

}  // namespace berth::engine_client
