#include "output.h"

#include <algorithm>
#include <cstdlib>

#include "berth/json.h"

namespace berth::cli {

CommandOutput Failure(const std::string& message) { return {"", "berth: " + message, 1}; }

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

Result<std::unique_ptr<CredentialStore>> OpenCredentialStore(const std::string& config_dir,
                                                             std::vector<std::string>& warnings) {
  CredentialStoreOptions options;
  if (const char* timeout = std::getenv("BERTH_CREDENTIAL_HELPER_TIMEOUT"); timeout && *timeout) {
    char* end = nullptr;
    double seconds = std::strtod(timeout, &end);
    if (*end != '\0' || !(seconds > 0) || seconds > 86400) {
      return Error(ErrorKind::kInvalidParameter, "BERTH_CREDENTIAL_HELPER_TIMEOUT must be a number of seconds "
                                                 "between 0 and 86400, not \"" + std::string(timeout) + "\"");
    }
    options.helper_timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  options.on_helper_failure = [&warnings](const std::string& key, const Error& error) {
    warnings.push_back("WARNING: " + error.message() + " (going on with what config.json holds for " + key + ")");
  };
  return CredentialStore::Open(DockerConfigDir(config_dir), std::move(options));
}

namespace {

// The docker CLI's search table: NAME, DESCRIPTION (cut to 45 characters),
// STARS, OFFICIAL and AUTOMATED as "[OK]".
std::string SearchTable(const std::vector<SearchResult>& results) {
  std::vector<std::vector<std::string>> rows{{"NAME", "DESCRIPTION", "STARS", "OFFICIAL", "AUTOMATED"}};
  for (const SearchResult& r : results) {
    std::string description = r.description;
    for (char& c : description)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (description.size() > 45) description = description.substr(0, 44) + "…";
    rows.push_back({r.name, description, std::to_string(r.star_count), r.is_official ? "[OK]" : "",
                    r.is_automated ? "[OK]" : ""});
  }
  std::vector<std::size_t> width(5, 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

}  // namespace

Result<std::string> SearchOutput(const std::vector<SearchResult>& results, const std::string& format) {
  if (format == "table") return SearchTable(results);
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
    if (eq == std::string::npos) return Error(ErrorKind::kInvalidParameter, "bad format of filter (expected name=value)");
    out[f.substr(0, eq)].insert(f.substr(eq + 1));
  }
  return out;
}

}  // namespace berth::cli
