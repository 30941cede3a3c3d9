// EngineClient's calls of the registry routes: what each sends (as the
// docker CLI and the Go SDK send it) and how each answer is read.
#include <charconv>
#include <iterator>

#include "berth/auth_header.h"
#include "berth/engine_client.h"
#include "berth/json.h"
#include "berth/reference.h"
#include "berth/registry_service.h"
#include "engine_client/client_impl.h"
#include "go_url.h"
#include "json/value.h"
#include "json/writer.h"

namespace berth {

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

Result<JsonValue> ObjectOf(const http::Response& r, const std::string& what) {
  JsonValue doc;
  if (Status s = json_detail::ParseJson(r.body, doc); !s.ok()) return Unreadable(what, s.error());
  if (!doc.is_object()) return Error(ErrorKind::kSystem, "cannot read the Docker daemon's answer to " + what + ": not an object");
  return doc;
}

// filters.ToJSON: {"key":{"value":true}}, keys sorted, HTML escaped as
// json.Marshal does.
std::string FiltersJson(const EngineSearchFilters& filters) {
  json_detail::Writer w(/*escape_html=*/true);
  w.Raw("{");
  bool first_key = true;
  for (const auto& [key, values] : filters) {
    if (!first_key) w.Raw(",");
    first_key = false;
    w.String(key);
    w.Raw(":{");
    bool first = true;
    for (const std::string& v : values) {
      if (!first) w.Raw(",");
      first = false;
      w.String(v);
      w.Raw(":true");
    }
    w.Raw("}");
  }
  w.Raw("}");
  return std::string(w.view());
}

IndexInfo IndexNamed(std::string name) {
  if (name == kLegacyDefaultDomain) name = std::string(kDefaultDomain);
  IndexInfo index;
  index.official = name == kDefaultDomain;
  index.name = std::move(name);
  return index;
}

}  // namespace

Result<EngineVersion> EngineClient::Version() {
  Result<http::Response> r = impl_->Call("GET", "/version");
  if (!r) return r.error();
  Result<JsonValue> doc = ObjectOf(*r, "GET /version");
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
  v.json = std::move(r->body);
  return v;
}

Result<EngineInfo> EngineClient::Info() {
  Result<http::Response> r = impl_->Call("GET", "/info");
  if (!r) return r.error();
  Result<JsonValue> doc = ObjectOf(*r, "GET /info");
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
  info.json = std::move(r->body);
  return info;
}

Result<AuthenticateOKBody> EngineClient::RegistryLogin(const AuthConfig& auth) {
  // As the Go SDK encodes bodies (json.Encoder): a newline after the JSON.
  Result<http::Response> r =
      impl_->Call("POST", "/auth", {{"Content-Type", "application/json"}}, Marshal(auth) + "\n");
  if (!r) return r.error();
  AuthenticateOKBody body;
  if (Status s = DecodeFirstValue(r->body, body); !s.ok()) return Unreadable("POST /auth", s.error());
  return body;
}

namespace {

Result<std::vector<SearchResult>> SearchWithHeader(EngineClient::Impl& impl, std::string_view term, int limit,
                                                   const EngineSearchFilters& filters, const std::string& header) {
  detail::QueryValues query;
  query["term"].emplace_back(term);
  if (limit > 0) query["limit"].push_back(std::to_string(limit));
  if (!filters.empty()) query["filters"].push_back(FiltersJson(filters));
  Result<http::Response> r =
      impl.Call("GET", "/images/search?" + detail::EncodeQuery(query), {{std::string(kAuthHeader), header}});
  if (!r) return r.error();
  // An array of results: read as the `results` member of v1's answer.
  SearchResults results;
  if (Status s = Unmarshal("{\"results\":" + r->body + "}", results); !s.ok()) {
    return Unreadable("GET /images/search", s.error());
  }
  return std::vector<SearchResult>(std::make_move_iterator(results.results.begin()),
                                   std::make_move_iterator(results.results.end()));
}

Result<berth::DistributionInspect> InspectWithHeader(EngineClient::Impl& impl, std::string_view reference,
                                                     const std::string* header) {
  if (reference.empty()) return Error(ErrorKind::kNotFound, "Error: No such distribution: ");
  if (Status s = impl.RequireVersion("1.30", "distribution inspect"); !s.ok()) return s.error();
  EngineClient::Impl::Headers headers;
  if (header) headers.emplace_back(std::string(kAuthHeader), *header);
  // The name goes into the path as it is, escaped only as a URL path must be.
  Result<http::Response> r = impl.Call("GET", "/distribution/" + detail::EscapePath(reference) + "/json", headers);
  if (!r) return r.error();
  berth::DistributionInspect inspect;
  if (Status s = DecodeFirstValue(r->body, inspect); !s.ok()) return Unreadable("GET /distribution", s.error());
  return inspect;
}

}  // namespace

Result<std::vector<SearchResult>> EngineClient::ImageSearch(std::string_view term, int limit,
                                                           const EngineSearchFilters& filters, const AuthConfig& auth) {
  return SearchWithHeader(*impl_, term, limit, filters, EncodeAuthConfig(auth));
}

Result<std::vector<SearchResult>> EngineClient::ImageSearch(std::string_view term, int limit,
                                                           const EngineSearchFilters& filters, CredentialStore& store) {
  Result<std::string> header = AuthHeaderFor(term, store, /*search=*/true);
  if (!header) return header.error();
  return SearchWithHeader(*impl_, term, limit, filters, *header);
}

Result<berth::DistributionInspect> EngineClient::DistributionInspect(std::string_view reference) {
  return InspectWithHeader(*impl_, reference, nullptr);
}

Result<berth::DistributionInspect> EngineClient::DistributionInspect(std::string_view reference,
                                                                     const AuthConfig& auth) {
  std::string header = EncodeAuthConfig(auth);
  return InspectWithHeader(*impl_, reference, &header);
}

Result<berth::DistributionInspect> EngineClient::DistributionInspect(std::string_view reference,
                                                                     CredentialStore& store) {
  Result<std::string> header = AuthHeaderFor(reference, store);
  if (!header) return header.error();
  return InspectWithHeader(*impl_, reference, &*header);
}

Result<std::string> EngineClient::AuthHeaderFor(std::string_view reference, CredentialStore& store, bool search) {
  // The CLI's ResolveAuthConfig on the index of the reference (or of the
  // search term), with the daemon's configuration unknown to it.
  std::string index_name;
  if (search) {
    index_name = SplitSearchTerm(reference).first;
  } else {
    Result<Reference> ref = ParseNormalizedNamed(reference);
    if (!ref) return ref.error();
    index_name = ref->domain();
  }
  Result<AuthConfig> auth = store.ForIndex(IndexNamed(std::move(index_name)));
  if (!auth) return auth.error();
  return EncodeAuthConfig(*auth);
}

}  // namespace berth
