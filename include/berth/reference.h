// Image references as the Docker Engine reads them (distribution/reference
// v0.5.0): "ubuntu", "ubuntu:22.04", "localhost:5000/team/app@sha256:…",
// normalized to docker.io/library/… and back to familiar form, with the
// Engine's exact error strings.
#ifndef BERTH_REFERENCE_H_
#define BERTH_REFERENCE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "berth/error.h"

namespace berth {

// The longest repository name (domain included) the grammar accepts.
inline constexpr std::size_t kNameTotalLengthMax = 255;
inline constexpr std::string_view kDefaultDomain = "docker.io";
inline constexpr std::string_view kLegacyDefaultDomain = "index.docker.io";
inline constexpr std::string_view kOfficialRepoPrefix = "library/";

// A parsed reference: a repository name (domain and path) with an optional
// tag and digest; or, from ParseAnyReference, a bare digest (no name).
class Reference {
 public:
  Reference() = default;

  // Whether there is a repository name (false for a bare digest).
  bool named() const { return !path_.empty(); }
  const std::string& domain() const { return domain_; }
  const std::string& path() const { return path_; }
  const std::string& tag() const { return tag_; }        // "" if none
  const std::string& digest() const { return digest_; }  // "" if none
  bool has_tag() const { return !tag_.empty(); }
  bool has_digest() const { return !digest_.empty(); }

  // "domain/path", or "path" without a domain.
  std::string Name() const;
  // Name, then ":tag", then "@digest", as present.
  std::string String() const;
  // Without "docker.io/", and without "library/" for a single-component
  // official image: "ubuntu", "team/app", "localhost:5000/app".
  std::string FamiliarName() const;
  std::string FamiliarString() const;

  friend bool operator==(const Reference&, const Reference&) = default;

 private:
  friend class ReferenceBuilder;
  std::string domain_, path_, tag_, digest_;
};

// Go's reference.Parse: the grammar as is, no normalization. Errors
// (invalid parameter): "invalid reference format", "repository name must
// have at least one component", "repository name must be lowercase",
// "repository name must not be more than 255 characters", and the digest
// errors of ValidateDigest.
Result<Reference> ParseReference(std::string_view s);

// Go's reference.ParseNormalizedNamed: the docker-style parser ("ubuntu" is
// docker.io/library/ubuntu). Refuses 64-hex image IDs.
Result<Reference> ParseNormalizedNamed(std::string_view s);

// Go's reference.ParseAnyReference: a 64-hex image ID or a valid digest is
// a bare digest reference; anything else as ParseNormalizedNamed.
Result<Reference> ParseAnyReference(std::string_view s);

// Go's reference.ParseNamed: ParseNormalizedNamed, and the input must be in
// canonical (fully qualified) form, else "repository name must be canonical".
Result<Reference> ParseNamed(std::string_view s);

// Go's reference.ParseDockerRef: ParseNormalizedNamed, then a tag and a
// digest keep only the digest, and no tag nor digest gets ":latest".
Result<Reference> ParseDockerRef(std::string_view s);

// Go's reference.WithName / WithTag / WithDigest.
Result<Reference> WithName(std::string_view name);
Result<Reference> WithTag(const Reference& name, std::string_view tag);
Result<Reference> WithDigest(const Reference& name, std::string_view digest);

// ":latest" when there is neither tag nor digest (reference.TagNameOnly).
Reference TagNameOnly(const Reference& ref);
// The name alone (reference.TrimNamed).
Reference TrimNamed(const Reference& ref);

// go-digest's Digest.Validate: sha256, sha384 or sha512 with that many
// lowercase hex digits. Errors: "invalid checksum digest format",
// "invalid checksum digest length", "unsupported digest algorithm".
Status ValidateDigest(std::string_view digest);

}  // namespace berth

#endif  // BERTH_REFERENCE_H_
