// How berthd's image names are kept in a registry image store
// (--image-store registry://HOST[:PORT]/PREFIX): each name is a tag of a
// repository under PREFIX, so the registry's own tags API lists them and
// its manifest operations change them.
//
//   docker.io/library/busybox:1.36        → PREFIX/docker.io/library/busybox:1.36
//   127.0.0.1:5000/team/app@sha256:<hex>  → PREFIX/127.0.0.1__5000/team/app:sha256_<hex>
//   an image without names (dangling)     → PREFIX/untagged:sha256_<manifest hex>
//
// The registry's host keeps its port with "__" for ':' (a repository path
// may not hold ':', and a host name never holds '_'). "untagged" cannot be
// a host (it has no '.' or ':' and is not localhost), so it never clashes.
#ifndef BERTH_SRC_STORE_REGISTRY_NAMES_H_
#define BERTH_SRC_STORE_REGISTRY_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

#include "berth/error.h"

namespace berth::store {

// A name of the store, as the local store's index entries key them: a full
// reference ("docker.io/library/a:1", "…/a@sha256:…"), or for an image
// without names kDanglingKey + its manifest digest.
inline constexpr std::string_view kDanglingKey = "<none>@";

// The file in a registry store's cache directory that names the store
// ("registry://…"): a local store refuses to open such a directory, and a
// registry store refuses a directory that holds a local store's images.
inline constexpr std::string_view kCacheOfFile = "berth-image-store";

// Where a name is kept in the store registry.
struct StoreTag {
  std::string repository;  // "HOST[:PORT]/PREFIX/docker.io/library/busybox", as docker names it
  std::string tag;         // "1.36", "sha256_<hex>"
};

class RegistryStoreNaming {
 public:
  // "registry://HOST[:PORT]/PREFIX". HOST must read as a registry host in a
  // docker reference (a '.', a port, or localhost); PREFIX is one or more
  // lowercase repository path components. kInvalidParameter
  // `invalid image store "X": …` otherwise.
  static Result<RegistryStoreNaming> Parse(std::string_view url);

  const std::string& registry() const { return registry_; }  // "HOST[:PORT]"
  const std::string& prefix() const { return prefix_; }      // "PREFIX"
  std::string url() const { return "registry://" + registry_ + "/" + prefix_; }

  // Where `key` is kept. kInvalidParameter for a name the registry cannot
  // hold: a host with capitals or an IPv6 address, a digest other than
  // sha256, a tag that reads as a digest there ("sha256_<64 hex>").
  Result<StoreTag> TagOf(std::string_view key) const;

  // The key a tag of a repository under PREFIX stands for (`repository` as
  // the catalog lists it, without the host); nullopt for repositories and
  // tags berthd did not write.
  std::optional<std::string> KeyOf(std::string_view repository, std::string_view tag) const;

 private:
  std::string registry_, prefix_;
};

}  // namespace berth::store

#endif  // BERTH_SRC_STORE_REGISTRY_NAMES_H_
