// What registries and token servers send, as berth reads it: manifests
// (OCI index, Docker manifest list, OCI and Docker image manifests,
// schema1), token responses, error bodies, the catalog. (An image config's
// platform members are a Platform's: berth::Unmarshal reads them.)
// Decoded with Go's json.Unmarshal semantics, the same decoder as the wire
// types, so error texts match the Engine's ("unable to decode token
// response: invalid character …"). Unknown members are skipped.
#ifndef BERTH_SRC_REGISTRY_DOCUMENTS_H_
#define BERTH_SRC_REGISTRY_DOCUMENTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "berth/error.h"
#include "berth/list.h"
#include "berth/oci.h"
#include "internal/go_time.h"

namespace berth::registry {

// Every manifest kind in one shape: which members are set says which kind.
struct ManifestDocument {
  std::int64_t schema_version = 0;
  std::string media_type;
  std::optional<Descriptor> config;  // image manifests (schema2, OCI)
  List<Descriptor> manifests;        // OCI index, Docker manifest list
  List<Descriptor> layers;
  std::optional<Descriptor> subject;                              // OCI 1.1: what this manifest refers to
  std::string artifact_type;                                      // OCI 1.1
  std::string architecture;                                       // schema1
  std::string name, tag;                                          // schema1
  std::optional<std::map<std::string, std::string>> annotations;  // OCI

  friend bool operator==(const ManifestDocument&, const ManifestDocument&) = default;
};

// A token server's answer (GET and OAuth POST flows alike).
struct TokenResponse {
  std::string token;
  std::string access_token;
  std::int64_t expires_in = 0;
  detail::GoTime issued_at;  // a Go time.Time: only an RFC 3339 string
  std::string refresh_token;
  std::string scope;

  friend bool operator==(const TokenResponse&, const TokenResponse&) = default;
};

// {"errors":[{"code","message","detail"}]}, and Docker Hub's {"details"}.
struct RegistryErrorEntry {
  std::string code;
  std::string message;

  friend bool operator==(const RegistryErrorEntry&, const RegistryErrorEntry&) = default;
};

struct RegistryErrorsDocument {
  List<RegistryErrorEntry> errors;
  std::string details;

  friend bool operator==(const RegistryErrorsDocument&, const RegistryErrorsDocument&) = default;
};

// GET /v2/_catalog
struct CatalogDocument {
  List<std::string> repositories;

  friend bool operator==(const CatalogDocument&, const CatalogDocument&) = default;
};

// GET /v2/<name>/tags/list
struct TagsDocument {
  std::string name;
  List<std::string> tags;

  friend bool operator==(const TagsDocument&, const TagsDocument&) = default;
};

// A `docker save` tar's manifest.json: one entry per image, paths inside
// the tar. (Not a registry document, but read with the same decoder.)
struct DockerSaveEntry {
  std::string config;
  List<std::string> repo_tags;
  List<std::string> layers;

  friend bool operator==(const DockerSaveEntry&, const DockerSaveEntry&) = default;
};
using DockerSaveManifest = List<DockerSaveEntry>;

// GET /v1/_ping's body: {"standalone": bool}, true when absent.
struct V1PingDocument {
  bool standalone = true;

  friend bool operator==(const V1PingDocument&, const V1PingDocument&) = default;
};

// filters.Args as JSON: {"key":{"value":true}}, or the legacy
// {"key":["value"]}. Go's nil maps are nullopt.
using FilterMapDocument = std::optional<std::map<std::string, std::optional<std::map<std::string, bool>>>>;
using LegacyFilterDocument = std::optional<std::map<std::string, List<std::string>>>;

// json.Unmarshal of the whole input (a TokenResponse: json.Decoder's first
// value, as the token client reads it).
Status DecodeDocument(std::string_view data, ManifestDocument& out);
Status DecodeDocument(std::string_view data, TokenResponse& out);
Status DecodeDocument(std::string_view data, RegistryErrorsDocument& out);
Status DecodeDocument(std::string_view data, CatalogDocument& out);
Status DecodeDocument(std::string_view data, TagsDocument& out);
Status DecodeDocument(std::string_view data, DockerSaveManifest& out);
Status DecodeDocument(std::string_view data, V1PingDocument& out);
Status DecodeDocument(std::string_view data, FilterMapDocument& out);
Status DecodeDocument(std::string_view data, LegacyFilterDocument& out);

}  // namespace berth::registry

#endif  // BERTH_SRC_REGISTRY_DOCUMENTS_H_
