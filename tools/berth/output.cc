#include "output.h"

#include <algorithm>

#include "berth/credentials.h"
#include "berth/json.h"

namespace berth::cli {

CommandOutput Failure(const std::string& message) { return {"", "berth: " + message, 1}; }

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
