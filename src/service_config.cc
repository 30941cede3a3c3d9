#include "berth/service_config.h"

#include <algorithm>

#include "berth/reference.h"
#include "internal/ascii.h"
#include "internal/docker_hub.h"
#include "internal/go_net.h"
#include "internal/go_quote.h"
#include "internal/go_url.h"
#include "reference_grammar.h"

namespace berth {

namespace {

Error Invalid(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

// Go's strconv.Atoi: its error text, or the value.
Result<long long> Atoi(std::string_view s) {
  auto syntax = [&] { return Invalid("strconv.Atoi: parsing " + detail::GoQuote(s) + ": invalid syntax"); };
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return syntax();
  unsigned long long v = 0;
  bool overflow = false;
  for (char c : digits) {
    if (c < '0' || c > '9') return syntax();
    if (v > (~0ULL - 9) / 10) overflow = true;
    if (!overflow) v = v * 10 + static_cast<unsigned>(c - '0');
  }
  const unsigned long long limit = negative ? 9223372036854775808ULL : 9223372036854775807ULL;
  if (overflow || v > limit) {
    return Invalid("strconv.Atoi: parsing " + detail::GoQuote(s) + ": value out of range");
  }
  return negative ? static_cast<long long>(0 - v) : static_cast<long long>(v);
}

std::string MaskText(const std::vector<std::uint8_t>& mask) {
  if (mask.empty()) return "<nil>";
  std::string out;
  for (std::uint8_t b : mask) detail::AppendHexByte(out, b);
  return out;
}

IndexInfo OfficialIndex(const List<std::string>& mirrors) {
  IndexInfo hub;
  hub.name = std::string(kDefaultDomain);
  hub.mirrors = mirrors;
  hub.secure = true;
  hub.official = true;
  return hub;
}

}  // namespace

Result<std::string> ValidateIndexName(std::string_view name) {
  std::string val(detail::NormalizeIndexName(name));
  if (!val.empty() && (val.front() == '-' || val.back() == '-')) {
    return Invalid("invalid index name (" + val + "). Cannot begin or end with a hyphen");
  }
  return val;
}

std::string MaskUrlPassword(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  std::size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = url.size();
  std::string_view authority = url.substr(start, end - start);
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start + colon + 1)) + "xxxxx" + std::string(url.substr(start + at));
}

Result<std::string> ValidateMirror(std::string_view mirror) {
  Result<detail::GoUrl> uri = detail::ParseGoUrl(mirror);
  if (!uri) {
    // Go's message quotes the input; the Engine would echo a password here.
    std::string masked = MaskUrlPassword(mirror);
    std::string reason = uri.error().message();
    if (masked != mirror) {
      Result<detail::GoUrl> again = detail::ParseGoUrl(masked);
      // Reparsed with the password masked: the same error, unless the
      // password itself was the problem, which is then not shown.
      reason = again ? "parse " + detail::GoQuote(masked) + ": invalid password in URL" : again.error().message();
    }
    return Invalid("invalid mirror: " + detail::GoQuote(masked) + " is not a valid URI: " + reason);
  }
  if (uri->scheme != "http" && uri->scheme != "https") {
    return Invalid("invalid mirror: unsupported scheme " + detail::GoQuote(uri->scheme) + " in " +
                   detail::GoQuote(uri->String()));
  }
  if (!uri->raw_query.empty() || !uri->fragment.empty()) {
    return Invalid("invalid mirror: query or fragment at end of the URI " + detail::GoQuote(uri->String()));
  }
  if (uri->user) {
    // Never print the password.
    uri->user->password = "xxxxx";
    uri->user->password_set = true;
    return Invalid("invalid mirror: username/password not allowed in URI " + detail::GoQuote(uri->String()));
  }
  std::string out(mirror);
  if (!out.empty() && out.back() == '/') out.pop_back();
  out += '/';
  return out;
}

Status ValidateHostPort(std::string_view s) {
  std::string_view host = s, port;
  if (!detail::GoSplitHostPort(s, host, port)) {
    host = s;
    port = {};
  }
  if (!detail::IsDomainAndPort(s) && ParseIP(host).empty()) {
    return Invalid("invalid host " + detail::GoQuote(host));
  }
  if (!port.empty()) {
    Result<long long> v = Atoi(port);
    if (!v) return v.error();
    if (*v < 0 || *v > 65535) return Invalid("invalid port " + detail::GoQuote(port));
  }
  return {};
}

namespace {

// The Engine's loadAllowNondistributableArtifacts: CIDRs and hostnames, each
// once. Go keeps both lists in maps and prints them in random order; berth
// sorts them (by their text).
Status LoadAllowNondistributableArtifacts(ServiceConfig& config, const List<std::string>& registries) {
  std::vector<NetIPNet> cidrs;
  std::vector<std::string> cidr_keys;
  std::vector<std::string> hostnames;
  for (const std::string& r : registries) {
    Result<std::string> index = ValidateIndexName(r);
    if (!index) return index.error();
    if (r.find("://") != std::string::npos) {
      return Invalid("allow-nondistributable-artifacts registry " + r + " should not contain '://'");
    }
    if (Result<NetIPNet> net = ParseCIDR(r)) {
      std::string key = net->String();
      if (std::find(cidr_keys.begin(), cidr_keys.end(), key) == cidr_keys.end()) {
        cidr_keys.push_back(std::move(key));
        cidrs.push_back(*net);
      }
      continue;
    }
    if (Status host = ValidateHostPort(r); !host) {
      return Invalid("allow-nondistributable-artifacts registry " + r + " is not valid: " + host.message());
    }
    if (std::find(hostnames.begin(), hostnames.end(), r) == hostnames.end()) hostnames.push_back(r);
  }
  std::sort(cidrs.begin(), cidrs.end(), [](const NetIPNet& x, const NetIPNet& y) { return x.String() < y.String(); });
  std::sort(hostnames.begin(), hostnames.end());
  config.allow_nondistributable_artifacts_cidrs = List<std::optional<NetIPNet>>::Empty();
  for (NetIPNet& c : cidrs) config.allow_nondistributable_artifacts_cidrs.push_back(std::move(c));
  config.allow_nondistributable_artifacts_hostnames = List<std::string>(std::move(hostnames));
  return {};
}

// The Engine's loadMirrors: each normalized by ValidateMirror, once, in order.
Status LoadMirrors(ServiceConfig& config, const List<std::string>& mirrors) {
  config.mirrors = List<std::string>::Empty();
  for (const std::string& m : mirrors) {
    Result<std::string> mirror = ValidateMirror(m);
    if (!mirror) return mirror.error();
    const auto& seen = config.mirrors.items();
    if (std::find(seen.begin(), seen.end(), *mirror) == seen.end()) config.mirrors.push_back(*mirror);
  }
  return {};
}

// An insecure registry without the http:// or https:// prefix the Engine
// strips (with a warning); any other scheme is an error.
Result<std::string> StripInsecureScheme(std::string r, std::vector<std::string>* warnings) {
  std::string lower = detail::AsciiLower(r);
  if (lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0) {
    std::string scheme = lower.rfind("http://", 0) == 0 ? "http://" : "https://";
    if (warnings) {
      warnings->push_back("insecure registry " + r + " should not contain '" + scheme + "' and '" + scheme +
                          "' has been removed from the insecure registry config");
    }
    return r.substr(scheme.size());
  }
  if (r.find("://") != std::string::npos) return Invalid("insecure registry " + r + " should not contain '://'");
  return r;
}

// The Engine's loadInsecureRegistries: the list, then 127.0.0.0/8; CIDRs
// (each once) and hosts (an IndexInfo each, not secure). docker.io stays
// secure and official whatever the list says.
Status LoadInsecureRegistries(ServiceConfig& config, const List<std::string>& registries,
                              std::vector<std::string>* warnings) {
  config.insecure_registry_cidrs = List<std::optional<NetIPNet>>::Empty();
  config.index_configs.emplace();
  std::vector<std::string> insecure = registries.items();
  insecure.emplace_back("127.0.0.0/8");
  for (const std::string& given : insecure) {
    Result<std::string> index = ValidateIndexName(given);
    if (!index) return index.error();
    Result<std::string> r = StripInsecureScheme(given, warnings);
    if (!r) return r.error();
    if (Result<NetIPNet> net = ParseCIDR(*r)) {
      bool seen = false;
      for (const auto& existing : config.insecure_registry_cidrs) {
        if (existing && FormatIP(existing->ip) == FormatIP(net->ip) && MaskText(existing->mask) == MaskText(net->mask))
          seen = true;
      }
      if (!seen) config.insecure_registry_cidrs.push_back(*net);
      continue;
    }
    if (Status host = ValidateHostPort(*r); !host) {
      return Invalid("insecure registry " + *r + " is not valid: " + host.message());
    }
    IndexInfo info;
    info.name = *r;
    info.mirrors = List<std::string>::Empty();
    (*config.index_configs)[*r] = info;
  }
  (*config.index_configs)[std::string(kDefaultDomain)] = OfficialIndex(config.mirrors);
  return {};
}

}  // namespace

Result<ServiceConfig> NewServiceConfig(const ServiceOptions& options, std::vector<std::string>* warnings) {
  ServiceConfig config;
  if (Status s = LoadAllowNondistributableArtifacts(config, options.allow_nondistributable_artifacts); !s) {
    return s.error();
  }
  if (Status s = LoadMirrors(config, options.mirrors); !s) return s.error();
  if (Status s = LoadInsecureRegistries(config, options.insecure_registries, warnings); !s) return s.error();
  return config;
}

ServiceConfig ServiceConfigForInfo(const ServiceConfig& config) {
  ServiceConfig copy = config;
  // The Engine appends each list to a nil one: empty lists print as null.
  if (copy.allow_nondistributable_artifacts_cidrs.empty()) copy.allow_nondistributable_artifacts_cidrs.reset();
  if (copy.allow_nondistributable_artifacts_hostnames.empty()) copy.allow_nondistributable_artifacts_hostnames.reset();
  if (copy.insecure_registry_cidrs.empty()) copy.insecure_registry_cidrs.reset();
  if (copy.mirrors.empty()) copy.mirrors.reset();
  if (!copy.index_configs) copy.index_configs.emplace();
  return copy;
}

}  // namespace berth
