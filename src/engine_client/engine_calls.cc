// EngineClient's calls of the registry routes: what each sends, as the
// docker CLI and the Go SDK send it (answers.cc reads what comes back).
#include "berth/auth_header.h"
#include "berth/engine_client.h"
#include "berth/json.h"
#include "berth/reference.h"
#include "berth/registry_service.h"
#include "engine_client/answers.h"
#include "engine_client/client_impl.h"
#include "internal/docker_hub.h"
#include "internal/go_url.h"
#include "json/writer.h"

namespace berth {

namespace {

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
  IndexInfo index;
  index.official = detail::IsHubIndexName(name);
  index.name = std::string(detail::NormalizeIndexName(name));
  return index;
}

}  // namespace

Result<EngineVersion> EngineClient::Version() {
  Result<http::Response> r = impl_->Call("GET", "/version");
  if (!r) return r.error();
  return engine_client::ReadVersion(std::move(r->body));
}

Result<EngineInfo> EngineClient::Info() {
  Result<http::Response> r = impl_->Call("GET", "/info");
  if (!r) return r.error();
  return engine_client::ReadInfo(std::move(r->body));
}

Result<AuthenticateOKBody> EngineClient::RegistryLogin(const AuthConfig& auth) {
  // As the Go SDK encodes bodies (json.Encoder): a newline after the JSON.
  Result<http::Response> r = impl_->Call("POST", "/auth", {{"Content-Type", "application/json"}}, Marshal(auth) + "\n");
  if (!r) return r.error();
  return engine_client::ReadLogin(r->body);
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
  return engine_client::ReadSearchResults(r->body);
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
  return engine_client::ReadDistributionInspect(r->body);
}

}  // namespace

Result<std::vector<SearchResult>> EngineClient::ImageSearch(std::string_view term, int limit,
                                                            const EngineSearchFilters& filters,
                                                            const AuthConfig& auth) {
  return SearchWithHeader(*impl_, term, limit, filters, EncodeAuthConfig(auth));
}

Result<std::vector<SearchResult>> EngineClient::ImageSearch(std::string_view term, int limit,
                                                            const EngineSearchFilters& filters,
                                                            CredentialStore& store) {
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
