#include "store/registry_names.h"

#include <algorithm>

#include "berth/reference.h"

namespace berth::store {
namespace {

constexpr std::string_view kScheme = "registry://";
constexpr std::string_view kDigestTag = "sha256_";
constexpr std::string_view kUntagged = "untagged";

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "sha256_<64 hex>" → "sha256:<hex>"; nullopt for other tags.
std::optional<std::string> DigestOfTag(std::string_view tag) {
  if (!tag.starts_with(kDigestTag)) return std::nullopt;
  std::string_view hex = tag.substr(kDigestTag.size());
  if (hex.size() != 64 || !IsLowerHex(hex)) return std::nullopt;
  return "sha256:" + std::string(hex);
}

Result<std::string> TagOfDigest(std::string_view digest) {
  if (!digest.starts_with("sha256:")) {
    return Error(ErrorKind::kInvalidParameter,
                 "a registry image store keeps sha256 digests only, not " + std::string(digest));
  }
  return std::string(kDigestTag) + std::string(digest.substr(7));
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace

Result<RegistryStoreNaming> RegistryStoreNaming::Parse(std::string_view url) {
  auto invalid = [&](const std::string& why) {
    return Error(ErrorKind::kInvalidParameter, "invalid image store \"" + std::string(url) + "\": " + why);
  };
  if (!url.starts_with(kScheme)) return invalid("it must read registry://HOST[:PORT]/PREFIX");
  std::string_view rest = url.substr(kScheme.size());
  while (rest.ends_with('/')) rest.remove_suffix(1);
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) {
    return invalid("it must name a host and a repository prefix (registry://HOST[:PORT]/PREFIX)");
  }
  RegistryStoreNaming naming;
  naming.registry_ = std::string(rest.substr(0, slash));
  naming.prefix_ = std::string(rest.substr(slash + 1));
  // Checked as docker reads a repository name.
  Result<Reference> probe = ParseNormalizedNamed(naming.registry_ + "/" + naming.prefix_);
  if (!probe) return invalid(probe.error().message());
  if (probe->domain() != naming.registry_) {
    return invalid("\"" + naming.registry_ + "\" does not read as a registry host (give it a port or a '.')");
  }
  if (const std::size_t colon = naming.registry_.rfind(':');
      colon != std::string::npos && naming.registry_.find(']', colon) == std::string::npos) {
    const std::string port = naming.registry_.substr(colon + 1);
    if (port.empty() || port.size() > 5 || std::stoul(port) > 65535 || std::stoul(port) == 0) {
      return invalid("port " + port + " is out of range");
    }
  }
  return naming;
}

Result<StoreTag> RegistryStoreNaming::TagOf(std::string_view key) const {
  const std::string root = registry_ + "/" + prefix_ + "/";
  if (key.starts_with(kDanglingKey)) {
    Result<std::string> tag = TagOfDigest(key.substr(kDanglingKey.size()));
    if (!tag) return tag.error();
    return StoreTag{root + std::string(kUntagged), *tag};
  }
  Result<Reference> ref = ParseNormalizedNamed(key);
  if (!ref) return ref.error();
  const std::string& domain = ref->domain();
  if (std::any_of(domain.begin(), domain.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '['; })) {
    return Error(ErrorKind::kInvalidParameter, "a registry image store cannot keep " + ref->FamiliarString() +
                                                   ": its registry's name has capitals or is an IPv6 address");
  }
  StoreTag out{root + Replace(domain, ":", "__") + "/" + ref->path(), ""};
  // distribution's limit, which PREFIX and the host eat into.
  if (const std::size_t length = out.repository.size() - registry_.size() - 1; length > 255) {
    return Error(ErrorKind::kInvalidParameter, "a registry image store cannot keep " + ref->FamiliarString() +
                                                   ": under " + prefix_ + "/ its repository name would be " +
                                                   std::to_string(length) + " characters, more than 255");
  }
  if (ref->has_digest()) {
    Result<std::string> tag = TagOfDigest(ref->digest());
    if (!tag) return tag.error();
    out.tag = *tag;
  } else {
    out.tag = ref->has_tag() ? ref->tag() : "latest";
    if (DigestOfTag(out.tag)) {
      return Error(ErrorKind::kInvalidParameter,
                   "a registry image store cannot keep the tag " + out.tag + ": tags of that form name digests there");
    }
  }
  return out;
}

std::optional<std::string> RegistryStoreNaming::KeyOf(std::string_view repository, std::string_view tag) const {
  if (!repository.starts_with(prefix_ + "/")) return std::nullopt;
  std::string_view rest = repository.substr(prefix_.size() + 1);
  std::optional<std::string> digest = DigestOfTag(tag);
  if (rest == kUntagged) {
    if (!digest) return std::nullopt;
    return std::string(kDanglingKey) + *digest;
  }
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string name = Replace(std::string(rest.substr(0, slash)), "__", ":") + std::string(rest.substr(slash));
  const std::string key = digest ? name + "@" + *digest : name + ":" + std::string(tag);
  // Only what TagOf would have written: anything else in the registry is
  // left alone.
  Result<StoreTag> back = TagOf(key);
  if (!back || back->tag != tag || back->repository != registry_ + "/" + std::string(repository)) return std::nullopt;
  Result<Reference> ref = ParseNormalizedNamed(key);
  if (!ref || ref->String() != key) return std::nullopt;
  return key;
}

}  // namespace berth::store
