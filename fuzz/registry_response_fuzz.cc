// Everything a registry or token server sends is untrusted: any body under
// any status, content type and challenge header goes through the error
// wording and every document decoder without a crash, and a document the
// decoder accepts is valid JSON by the scanner (a token response: its first
// value, as json.Decoder reads it), and a store journal decoded encodes
// back to itself. The body is also a time for Go's RFC
// 3339 parser; the header line also a Link header and a Content-Type.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "berth/registry_client.h"
#include "internal/go_time.h"
#include "json/scanner.h"
#include "registry/documents.h"
#include "registry/manifest_type.h"
#include "registry/registry_errors.h"
#include "registry/registry_repository.h"
#include "store/store_markers.h"

namespace {

template <class T>
void Decode(std::string_view body, berth::json_detail::ScanMode mode = berth::json_detail::ScanMode::kWhole) {
  T value{};
  if (berth::registry::DecodeDocument(body, value).ok() &&
      berth::json_detail::Scan(body, mode).kind != berth::json_detail::ScanResult::kValue) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static constexpr long kStatuses[] = {200, 400, 401, 403, 404, 429, 500, 503};
  static constexpr const char* kTypes[] = {
      "", "application/json", "application/json; charset=utf-8", "text/plain", ";", "application/vnd.api+json"};
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  // A line of challenge header, then the body.
  std::size_t newline = rest.find('\n');
  std::string_view challenge = newline == std::string_view::npos ? std::string_view() : rest.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? rest : rest.substr(newline + 1);

  berth::http::Response response;
  response.status = kStatuses[data[0] % 8];
  response.status_line = std::to_string(response.status) + " X";
  if (const char* type = kTypes[data[1] % 6]; *type) response.headers.emplace("content-type", type);
  if (!challenge.empty()) response.headers.emplace("www-authenticate", std::string(challenge));
  response.body = std::string(body);
  berth::Error e = berth::registry::ErrorFromResponse(response);
  if (e.message().empty()) std::abort();

  Decode<berth::registry::ManifestDocument>(body);
  Decode<berth::registry::TokenResponse>(body, berth::json_detail::ScanMode::kFirstValue);
  Decode<berth::registry::RegistryErrorsDocument>(body);
  Decode<berth::registry::CatalogDocument>(body);
  Decode<berth::registry::V1PingDocument>(body);
  Decode<berth::registry::TagsDocument>(body);
  Decode<berth::registry::DockerSaveManifest>(body);
  // A registry image store's journal (read from the store registry): what
  // Decode accepts encodes back to itself.
  if (berth::Result<berth::store::StoreJournal> journal = berth::store::StoreJournal::Decode(body)) {
    berth::Result<berth::store::StoreJournal> again = berth::store::StoreJournal::Decode(journal->Encode().bytes);
    if (!again || again->writer != journal->writer || again->sequence != journal->sequence ||
        again->entries != journal->entries) {
      std::abort();
    }
    (void)journal->KeysAfter(static_cast<std::uint64_t>(data[0]));
  }
  // A Link header's next page, and the manifest kind a Content-Type names.
  std::string next = berth::registry::NextLink("https://r.example/v2/a/tags/list", {std::string(challenge)});
  if (!next.empty() && next.find("://") == std::string::npos) std::abort();
  berth::registry::ManifestDocument doc;
  if (berth::registry::DecodeDocument(body, doc).ok()) (void)berth::registry::ManifestType(challenge, doc);
  (void)berth::ParseSearchFilters(body);
  if (auto t = berth::detail::ParseGoRfc3339(body); t.ok() && (t->nanoseconds < 0 || t->nanoseconds > 999999999)) {
    std::abort();
  }
  return 0;
}
