#include "output.h"

#include <algorithm>
#include <cstdlib>

#include "berth/json.h"

namespace berth::cli {

CommandOutput Failure(const std::string& message) {
  return {"", "berth: " + message, 1};
}

CommandOutput Failure(const std::string& message, const std::vector<std::string>& warnings) {
  CommandOutput out = Failure(message);
  if (!warnings.empty()) out.err = Joined(warnings) + "\n" + out.err;
  return out;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& w : lines) out += (out.empty() ? "" : "\n") + w;
  return out;
}

bool HasCredentials(const AuthConfig& auth) {
  return !auth.username.empty() || !auth.password.empty() || !auth.identity_token.empty() ||
         !auth.registry_token.empty();
}

namespace {

// The store's options: BERTH_CREDENTIAL_HELPER_TIMEOUT, and helper
// failures said in `warnings`.
Result<CredentialStoreOptions> StoreOptions(std::vector<std::string>& warnings) {
  CredentialStoreOptions options;
  if (const char* timeout = std::getenv("BERTH_CREDENTIAL_HELPER_TIMEOUT"); timeout && *timeout) {
    char* end = nullptr;
    double seconds = std::strtod(timeout, &end);
    if (*end != '\0' || !(seconds > 0) || seconds > 86400) {
      return Error(ErrorKind::kInvalidParameter,
                   "BERTH_CREDENTIAL_HELPER_TIMEOUT must be a number of seconds "
                   "above 0 and at most 86400, not \"" +
                       std::string(timeout) + "\"");
    }
    options.helper_timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  options.on_helper_failure = [&warnings](const std::string& key, const Error& error) {
    warnings.push_back("WARNING: " + error.message() + " (going on with what config.json holds for " + key + ")");
  };
  return options;
}

}  // namespace

Result<std::unique_ptr<CredentialStore>> OpenCredentialStore(const std::string& config_dir,
                                                             std::vector<std::string>& warnings) {
  Result<CredentialStoreOptions> options = StoreOptions(warnings);
  if (!options) return options.error();
  return CredentialStore::Open(DockerConfigDir(config_dir), std::move(*options));
}

Result<std::unique_ptr<CredentialStore>> OpenCredentialStoreForReading(const std::string& config_dir,
                                                                       std::vector<std::string>& warnings) {
  Result<CredentialStoreOptions> options = StoreOptions(warnings);
  if (!options) return options.error();
  const std::string dir = DockerConfigDir(config_dir);
  Result<std::unique_ptr<CredentialStore>> store = CredentialStore::Open(dir, std::move(*options));
  if (store) return store;
  const std::string path = dir + "/config.json";
  std::string why = store.error().message();
  if (const std::string prefix = "config file " + path + ": "; why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
  warnings.push_back("WARNING: Error parsing config file (" + path + "): " + why);
  return std::unique_ptr<CredentialStore>();
}

namespace {

// Display columns of one code point, as go-runewidth counts them for the
// CLI's Ellipsis: 2 for East Asian wide and fullwidth forms, 0 for
// combining marks, else 1.
int RuneWidth(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x20D0 && c <= 0x20FF) ||
      (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B)
    return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
      (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

// The code points of UTF-8 text with the byte length of each (an invalid
// byte is U+FFFD of length 1, as Go ranges over strings).
std::vector<std::pair<char32_t, std::size_t>> Runes(const std::string& s) {
  std::vector<std::pair<char32_t, std::size_t>> out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    char32_t c = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
    bool ok = n != 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      unsigned char cont = static_cast<unsigned char>(s[i + k]);
      ok = (cont & 0xC0) == 0x80;
      c = (c << 6) | (cont & 0x3F);
    }
    if (!ok) {
      out.emplace_back(0xFFFD, 1);
      ++i;
      continue;
    }
    out.emplace_back(c, n);
    i += n;
  }
  return out;
}

// Display columns of UTF-8 text (go-runewidth's StringWidth).
std::size_t DisplayWidth(const std::string& s) {
  std::size_t total = 0;
  for (const auto& r : Runes(s)) total += static_cast<std::size_t>(RuneWidth(r.first));
  return total;
}

// The CLI's formatter.Ellipsis: text wider than `width` columns is cut to
// width-1 columns and "…" added.
std::string Ellipsis(const std::string& s, int width) {
  const auto runes = Runes(s);
  if (DisplayWidth(s) <= static_cast<std::size_t>(width)) return s;
  std::string out;
  int used = 0;
  std::size_t at = 0;
  for (const auto& [c, len] : runes) {
    if (used + RuneWidth(c) > width - 1) break;
    used += RuneWidth(c);
    out.append(s, at, len);
    at += len;
  }
  return out + "…";
}

// The docker CLI 28's search table, as its tabwriter (a fork of Go's that
// measures display columns) lays it out: NAME, DESCRIPTION (newlines as
// spaces; cut to 45 columns unless no_trunc), STARS, OFFICIAL ("[OK]");
// each column as wide as its widest cell plus 3, at least 10; the last
// cell unpadded. Results in the order the daemon sent them.
std::string SearchTable(const std::vector<SearchResult>& results, bool no_trunc) {
  std::vector<std::vector<std::string>> rows{{"NAME", "DESCRIPTION", "STARS", "OFFICIAL"}};
  for (const SearchResult& r : results) {
    std::string description = r.description;
    // A tab would split the cell (the CLI's tabwriter would start a new
    // column); shown as a space.
    for (char& c : description)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (!no_trunc) description = Ellipsis(description, 45);
    rows.push_back({r.name, description, std::to_string(r.star_count), r.is_official ? "[OK]" : ""});
  }
  constexpr std::size_t kPadding = 3, kMinWidth = 10;
  std::vector<std::size_t> width(4, kMinWidth);
  for (const auto& row : rows)
    for (std::size_t i = 0; i + 1 < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]) + kPadding);
  std::string out;
  for (const auto& row : rows) {
    if (!out.empty()) out += '\n';
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(width[i] - DisplayWidth(row[i]), ' ');
    }
  }
  return out;
}

}  // namespace

Result<std::string> SearchOutput(const std::vector<SearchResult>& results, const std::string& format, bool no_trunc) {
  if (format == "table") return SearchTable(results, no_trunc);
  if (format != "json") {
    return Error(ErrorKind::kInvalidParameter, "unknown format \"" + format + "\" (one of: table, json)");
  }
  // The route's body: a JSON array (never null), HTML escaping off.
  std::string out = "[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) out += ',';
    MarshalTo(out, results[i], MarshalOptions{.escape_html = false});
  }
  out += ']';
  return out;
}

Result<std::map<std::string, std::set<std::string>>> ParseFilterFlags(const std::vector<std::string>& flags) {
  std::map<std::string, std::set<std::string>> out;
  for (const std::string& f : flags) {
    std::size_t eq = f.find('=');
    if (eq == std::string::npos)
      return Error(ErrorKind::kInvalidParameter, "bad format of filter (expected name=value)");
    out[f.substr(0, eq)].insert(f.substr(eq + 1));
  }
  return out;
}

}  // namespace berth::cli
