// The reference grammar, written as matchers rather than regular
// expressions: every part of the grammar is anchored and its character
// classes do not overlap where parts meet (":" and "@" appear in names only
// inside a domain, which a "/" always ends), so each split is unique and
// the matchers decide exactly what distribution/reference's regular
// expressions decide.
#include "berth/reference.h"

#include <cstdint>

#include "internal/utf8.h"
#include "reference_grammar.h"

namespace berth {

class ReferenceBuilder {
 public:
  static Reference Make(std::string_view domain, std::string_view path, std::string_view tag, std::string_view digest) {
    Reference r;
    r.domain_ = domain;
    r.path_ = path;
    r.tag_ = tag;
    r.digest_ = digest;
    return r;
  }
};

namespace {

constexpr char kErrInvalidFormat[] = "invalid reference format";
constexpr char kErrTagInvalidFormat[] = "invalid tag format";
constexpr char kErrDigestInvalidFormat[] = "invalid digest format";
constexpr char kErrNameContainsUppercase[] = "repository name must be lowercase";
constexpr char kErrNameEmpty[] = "repository name must have at least one component";
constexpr char kErrNameTooLong[] = "repository name must not be more than 255 characters";
constexpr char kErrNameNotCanonical[] = "repository name must be canonical";
constexpr char kErrChecksumFormat[] = "invalid checksum digest format";
constexpr char kErrChecksumLength[] = "invalid checksum digest length";
constexpr char kErrDigestUnsupported[] = "unsupported digest algorithm";

Error Invalid(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsAlnum(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z');
}
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsLowerHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f');
}

// path-component: [a-z0-9]+ joined by ".", "_", "__" or a run of "-".
bool IsPathComponent(std::string_view s) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  if (n == 0 || !IsLowerAlnum(s[0])) return false;
  for (;;) {
    while (i < n && IsLowerAlnum(s[i])) ++i;
    if (i == n) return true;
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < n && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < n && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (i == n || !IsLowerAlnum(s[i])) return false;
  }
}

// remote-name: path components joined by "/".
bool IsRemoteName(std::string_view s) {
  for (;;) {
    std::size_t slash = s.find('/');
    if (!IsPathComponent(s.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    s.remove_prefix(slash + 1);
  }
}

// domain-name-component: [a-zA-Z0-9] or [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9].
bool IsDomainComponent(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s)
    if (!IsAlnum(c) && c != '-') return false;
  return true;
}

// host: domain components joined by ".", or "[" [a-fA-F0-9:]+ "]".
bool IsHost(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    if (s.size() < 3 || s.back() != ']') return false;
    for (char c : s.substr(1, s.size() - 2))
      if (!IsHex(c) && c != ':') return false;
    return true;
  }
  for (;;) {
    std::size_t dot = s.find('.');
    if (!IsDomainComponent(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

}  // namespace

// domain-and-port: host, then optionally ":" and digits.
bool detail::IsDomainAndPort(std::string_view s) {
  std::size_t host_end;
  if (!s.empty() && s.front() == '[') {
    std::size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    host_end = close + 1;
  } else {
    host_end = s.find(':');
    if (host_end == std::string_view::npos) host_end = s.size();
  }
  if (!IsHost(s.substr(0, host_end))) return false;
  std::string_view port = s.substr(host_end);
  if (port.empty()) return true;
  if (port.size() < 2 || port[0] != ':') return false;
  for (char c : port.substr(1))
    if (!IsDigit(c)) return false;
  return true;
}

namespace {

using detail::IsDomainAndPort;

// The anchored name split: the first component is the domain whenever the
// rest is a remote name with it (the optional group is tried first).
bool SplitName(std::string_view name, std::string_view& domain, std::string_view& path) {
  std::size_t slash = name.find('/');
  if (slash != std::string_view::npos && IsDomainAndPort(name.substr(0, slash)) &&
      IsRemoteName(name.substr(slash + 1))) {
    domain = name.substr(0, slash);
    path = name.substr(slash + 1);
    return true;
  }
  if (IsRemoteName(name)) {
    domain = {};
    path = name;
    return true;
  }
  return false;
}

// tag: [\w][\w.-]{0,127}
bool IsTag(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  auto word = [](char c) { return IsAlnum(c) || c == '_'; };
  if (!word(s[0])) return false;
  for (char c : s.substr(1))
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

// digest: [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,}
bool IsDigestGrammar(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view algorithm = s.substr(0, colon), hex = s.substr(colon + 1);
  if (algorithm.empty() || !IsLetter(algorithm[0])) return false;
  for (std::size_t i = 1; i < algorithm.size(); ++i) {
    char c = algorithm[i];
    if (IsAlnum(c)) continue;
    if (c != '-' && c != '_' && c != '+' && c != '.') return false;
    if (i + 1 >= algorithm.size() || !IsLetter(algorithm[i + 1])) return false;
  }
  if (hex.size() < 32) return false;
  for (char c : hex)
    if (!IsHex(c)) return false;
  return true;
}

// go-digest's DigestRegexp: [a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+
bool IsLooseDigest(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view algorithm = s.substr(0, colon), encoded = s.substr(colon + 1);
  if (algorithm.empty() || !IsLowerAlnum(algorithm.front()) || !IsLowerAlnum(algorithm.back())) return false;
  for (std::size_t i = 0; i < algorithm.size(); ++i) {
    char c = algorithm[i];
    if (IsLowerAlnum(c)) continue;
    if (c != '.' && c != '+' && c != '_' && c != '-') return false;
    if (!IsLowerAlnum(algorithm[i + 1])) return false;  // no two in a row
  }
  if (encoded.empty()) return false;
  for (char c : encoded)
    if (!IsAlnum(c) && c != '=' && c != '_' && c != '-') return false;
  return true;
}

// The parts of a string that matches the whole reference grammar.
struct Parts {
  std::string_view name, domain, path, tag, digest;
};

bool MatchReference(std::string_view s, Parts& parts) {
  std::size_t at = s.find('@');
  std::string_view left = s.substr(0, at);
  parts.digest = {};
  if (at != std::string_view::npos) {
    parts.digest = s.substr(at + 1);
    if (!IsDigestGrammar(parts.digest)) return false;
  }
  std::size_t last_slash = left.rfind('/');
  std::size_t colon = left.find(':', last_slash == std::string_view::npos ? 0 : last_slash + 1);
  parts.tag = {};
  parts.name = left;
  if (colon != std::string_view::npos) {
    parts.name = left.substr(0, colon);
    parts.tag = left.substr(colon + 1);
    if (!IsTag(parts.tag)) return false;
  }
  return SplitName(parts.name, parts.domain, parts.path);
}

// Go's strings.ToLower as far as the grammar can tell: ASCII letters, and
// the two runes whose lower case is ASCII (U+0130 -> i, U+212A -> k);
// every other rune stays non-ASCII, which no part of the grammar matches.
std::string GoLowerForGrammar(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (s.substr(i, 2) == "\xc4\xb0") {
      out += 'i';
      i += 1;
    } else if (s.substr(i, 3) == "\xe2\x84\xaa") {
      out += 'k';
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct LowerRun {
  std::uint32_t first, last, stride;
};
constexpr LowerRun kLowerRuns[] = {
#include "internal/unicode_lower.inc"
};

// Go's strings.ToLower(s) != s: some rune has a lower case of its own, or
// some byte is not valid UTF-8 (Go writes U+FFFD for it).
bool GoLowerChanges(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len;
    long decoded = detail::DecodeRune(p + i, s.size() - i, len);
    if (decoded < 0) return true;
    auto r = static_cast<std::uint32_t>(decoded);
    for (const LowerRun& run : kLowerRuns) {
      if (r < run.first) break;  // runs are sorted
      if (r <= run.last && (r - run.first) % run.stride == 0) return true;
    }
    i += len;
  }
  return false;
}

bool IsIdentifier(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!IsLowerHex(c)) return false;
  return true;
}

}  // namespace

std::string Reference::Name() const {
  if (domain_.empty()) return path_;
  return domain_ + "/" + path_;
}

std::string Reference::String() const {
  std::string s = named() ? Name() : std::string();
  if (has_tag()) s += ":" + tag_;
  if (has_digest()) s += (named() ? "@" : "") + digest_;
  return s;
}

std::string Reference::FamiliarName() const {
  if (domain_ != kDefaultDomain) return Name();
  std::string_view path = path_;
  if (path.substr(0, kOfficialRepoPrefix.size()) == kOfficialRepoPrefix &&
      path.substr(kOfficialRepoPrefix.size()).find('/') == std::string_view::npos)
    path.remove_prefix(kOfficialRepoPrefix.size());
  return std::string(path);
}

std::string Reference::FamiliarString() const {
  if (!named()) return String();
  std::string s = FamiliarName();
  if (has_tag()) s += ":" + tag_;
  if (has_digest()) s += "@" + digest_;
  return s;
}

Status ValidateDigest(std::string_view d) {
  std::size_t colon = d.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == d.size()) return Invalid(kErrChecksumFormat);
  std::string_view algorithm = d.substr(0, colon), encoded = d.substr(colon + 1);
  std::size_t hex_size;
  if (algorithm == "sha256") {
    hex_size = 64;
  } else if (algorithm == "sha384") {
    hex_size = 96;
  } else if (algorithm == "sha512") {
    hex_size = 128;
  } else {
    return Invalid(IsLooseDigest(d) ? kErrDigestUnsupported : kErrChecksumFormat);
  }
  if (encoded.size() != hex_size) return Invalid(kErrChecksumLength);
  for (char c : encoded)
    if (!IsLowerHex(c)) return Invalid(kErrChecksumFormat);
  return {};
}

Result<Reference> ParseReference(std::string_view s) {
  Parts p;
  if (!MatchReference(s, p)) {
    if (s.empty()) return Invalid(kErrNameEmpty);
    Parts lower;
    if (MatchReference(GoLowerForGrammar(s), lower)) return Invalid(kErrNameContainsUppercase);
    return Invalid(kErrInvalidFormat);
  }
  if (p.name.size() > kNameTotalLengthMax) return Invalid(kErrNameTooLong);
  if (!p.digest.empty()) {
    Status st = ValidateDigest(p.digest);
    if (!st) return st.error();
  }
  return ReferenceBuilder::Make(p.domain, p.path, p.tag, p.digest);
}

Result<Reference> ParseNormalizedNamed(std::string_view s) {
  if (IsIdentifier(s)) {
    return Invalid("invalid repository name (" + std::string(s) + "), cannot specify 64-byte hexadecimal strings");
  }
  // splitDockerDomain: the first component is a registry when it has a "."
  // or ":", is "localhost", or has upper case in it.
  std::string_view domain = kDefaultDomain, remainder = s;
  std::size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = s.substr(0, slash);
    bool registry =
        first.find_first_of(".:") != std::string_view::npos || first == "localhost" || GoLowerChanges(first);
    if (registry) {
      domain = first;
      remainder = s.substr(slash + 1);
    }
  }
  if (domain == kLegacyDefaultDomain) domain = kDefaultDomain;
  std::string rest(remainder);
  if (domain == kDefaultDomain && rest.find('/') == std::string::npos) rest = std::string(kOfficialRepoPrefix) + rest;
  std::string remote = rest.substr(0, rest.find(':'));
  if (GoLowerChanges(remote)) {
    return Invalid("invalid reference format: repository name (" + remote + ") must be lowercase");
  }
  Result<Reference> ref = ParseReference(std::string(domain) + "/" + rest);
  if (!ref) return ref;
  if (!ref->named()) return Invalid("reference " + ref->String() + " has no name");
  return ref;
}

Result<Reference> ParseAnyReference(std::string_view s) {
  if (IsIdentifier(s)) return ReferenceBuilder::Make("", "", "", "sha256:" + std::string(s));
  if (ValidateDigest(s).ok()) return ReferenceBuilder::Make("", "", "", s);
  return ParseNormalizedNamed(s);
}

Result<Reference> ParseNamed(std::string_view s) {
  Result<Reference> ref = ParseNormalizedNamed(s);
  if (!ref) return ref;
  if (ref->String() != s) return Invalid(kErrNameNotCanonical);
  return ref;
}

Result<Reference> WithName(std::string_view name) {
  if (name.size() > kNameTotalLengthMax) return Invalid(kErrNameTooLong);
  std::string_view domain, path;
  if (!SplitName(name, domain, path)) return Invalid(kErrInvalidFormat);
  return ReferenceBuilder::Make(domain, path, "", "");
}

Result<Reference> WithTag(const Reference& name, std::string_view tag) {
  if (!IsTag(tag)) return Invalid(kErrTagInvalidFormat);
  return ReferenceBuilder::Make(name.domain(), name.path(), tag, name.digest());
}

Result<Reference> WithDigest(const Reference& name, std::string_view digest) {
  if (!IsDigestGrammar(digest)) return Invalid(kErrDigestInvalidFormat);
  return ReferenceBuilder::Make(name.domain(), name.path(), name.tag(), digest);
}

Reference TagNameOnly(const Reference& ref) {
  if (!ref.named() || ref.has_tag() || ref.has_digest()) return ref;
  return ReferenceBuilder::Make(ref.domain(), ref.path(), "latest", "");
}

Reference TrimNamed(const Reference& ref) {
  return ReferenceBuilder::Make(ref.domain(), ref.path(), "", "");
}

Result<Reference> ParseDockerRef(std::string_view s) {
  Result<Reference> ref = ParseNormalizedNamed(s);
  if (!ref) return ref;
  if (ref->has_tag() && ref->has_digest()) {
    return ReferenceBuilder::Make(ref->domain(), ref->path(), "", ref->digest());
  }
  return TagNameOnly(*ref);
}

}  // namespace berth
