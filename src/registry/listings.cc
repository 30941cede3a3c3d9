// Listings of a repository, paged with Link: rel="next" (RFC 8288, as
// distribution sends it: `</v2/name/tags/list?last=x&n=100>; rel="next"`):
// its tags, and what refers to a manifest — the OCI 1.1 referrers API, else
// the referrers tag schema's index tagged "sha256-<hex>".
#include "registry/digest.h"
#include "registry/documents.h"
#include "registry/media_types.h"
#include "registry/registry_errors.h"
#include "registry/registry_repository.h"
#include "registry/urls.h"

namespace berth::registry {

std::string NextLink(const std::string& base, const std::vector<std::string>& link_values) {
  for (const std::string& value : link_values) {
    // One header may carry several comma-separated links.
    std::size_t pos = 0;
    while (pos < value.size()) {
      std::size_t open = value.find('<', pos);
      if (open == std::string::npos) break;
      std::size_t close = value.find('>', open);
      if (close == std::string::npos) break;
      std::size_t end = value.find('<', close);
      std::string params = value.substr(close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
      if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos) {
        return ResolveLocation(base, value.substr(open + 1, close - open - 1));
      }
      pos = close + 1;
    }
  }
  return "";
}

Status RegistryRepository::ForEachPage(const std::string& first_path, const std::string& accept,
                                       const std::function<Status(const http::Response&)>& page) {
  return OnEndpoints([&](EndpointClient& client) -> Status {
    std::string target = first_path;
    for (int pages = 0;; ++pages) {
      if (pages >= state_.options().max_catalog_pages) {
        return Error(ErrorKind::kSystem, "more than " + std::to_string(pages) + " pages of " + first_path);
      }
      http::Request request = client.NewRequest(RequestKind::kListing, target);
      if (!accept.empty()) request.headers.emplace_back("Accept", accept);
      const std::string url = request.url;
      Result<http::Response> response = client.Fetch(std::move(request), scopes_);
      if (!response) return response.error();
      if (Status s = page(*response); !s.ok()) return s;
      if (response->status != 200) return {};
      std::string next = NextLink(url, response->HeaderValues("link"));
      if (next.empty()) return {};
      // Pages stay on the endpoint that served the first.
      if (OriginOf(next) != OriginOf(url)) {
        return Error(ErrorKind::kSystem, "the registry's next page is on another host: " + next);
      }
      target = std::move(next);
    }
  });
}

Result<std::vector<std::string>> RegistryRepository::Tags() {
  std::vector<std::string> tags;
  Status done = ForEachPage(path_ + "/tags/list", "", [&](const http::Response& response) -> Status {
    if (response.status != 200) return ErrorFromResponse(response);
    TagsDocument doc;
    if (Status decoded = DecodeDocument(response.body, doc); !decoded.ok()) {
      return Error(ErrorKind::kSystem, "tags of " + path_ + ": " + decoded.message());
    }
    for (std::string& tag : doc.tags) tags.push_back(std::move(tag));
    return {};
  });
  if (!done.ok()) return done.error();
  return tags;
}

Result<std::vector<Descriptor>> RegistryRepository::Referrers(std::string_view digest) {
  if (!IsValidDigest(digest)) return Error(ErrorKind::kInvalidParameter, "invalid digest: " + std::string(digest));
  std::vector<Descriptor> referrers;
  bool api = true;
  auto collect = [&](std::string_view body) -> Status {
    ManifestDocument doc;
    if (Status decoded = DecodeDocument(body, doc); !decoded.ok()) {
      return Error(ErrorKind::kSystem, "referrers of " + std::string(digest) + ": " + decoded.message());
    }
    for (Descriptor& d : doc.manifests) referrers.push_back(std::move(d));
    return {};
  };
  Status done = ForEachPage(path_ + "/referrers/" + std::string(digest), std::string(kOciIndex),
                            [&](const http::Response& response) -> Status {
                              if (response.status == 404) {
                                api = false;
                                return {};
                              }
                              if (response.status != 200) return ErrorFromResponse(response);
                              // A registry without the API may route the path elsewhere.
                              if (http::MediaTypeOf(response.Header("content-type")) != kOciIndex) {
                                api = false;
                                return {};
                              }
                              return collect(response.body);
                            });
  if (!done.ok()) return done.error();
  if (api) return referrers;
  // The referrers tag schema: "<alg>-<hex>".
  std::string tag(digest);
  tag[tag.find(':')] = '-';
  Result<ManifestBytes> index = GetManifest(tag);
  if (!index) {
    if (index.error().kind() == ErrorKind::kNotFound) return referrers;
    return index.error();
  }
  if (Status s = collect(index->bytes); !s.ok()) return s.error();
  return referrers;
}

}  // namespace berth::registry
