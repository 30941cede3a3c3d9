// `berth login`, `berth search`, `berth inspect`: the registry client's
// operations with the Engine's results and messages.
#include <algorithm>

#include "berth/json.h"
#include "berth/reference.h"
#include "berth/registry_client.h"
#include "commands.h"

namespace berth::cli {
namespace {

CommandOutput Failure(const std::string& message) { return {"", "berth: " + message, 1}; }

std::string Joined(const std::vector<std::string>& warnings) {
  std::string out;
  for (const std::string& w : warnings) out += (out.empty() ? "" : "\n") + w;
  return out;
}

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

CommandOutput LoginRun(const ConfigRequest& config, const std::string& certs_dir, const AuthConfig& auth) {
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  RegistryClient client(**service);
  Result<AuthenticateOKBody> ok = client.Login(auth);
  if (!ok) return {"", Joined(warnings) + (warnings.empty() ? "" : "\n") + "berth: " + ok.error().message(), 1};
  return {ok->status, Joined(warnings), 0};
}

CommandOutput SearchRun(const ConfigRequest& config, const std::string& certs_dir, const SearchArgs& args,
                        const AuthConfig& auth) {
  if (args.format != "table" && args.format != "json") {
    return Failure("unknown format \"" + args.format + "\" (one of: table, json)");
  }
  SearchRequest request;
  request.term = args.term;
  request.limit = args.limit;
  for (const std::string& f : args.filters) {
    std::size_t eq = f.find('=');
    if (eq == std::string::npos) return Failure("bad format of filter (expected name=value)");
    request.filters[f.substr(0, eq)].insert(f.substr(eq + 1));
  }
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  RegistryClient client(**service);
  Result<SearchOutcome> outcome = client.Search(request, auth);
  if (!outcome) return Failure(outcome.error().message());
  std::string note = "berth: answered by " + std::string(SearchMethodName(outcome->method)) + " at " +
                     outcome->endpoint;
  warnings.push_back(note);
  if (args.format == "table") return {SearchTable(outcome->results), Joined(warnings), 0};
  // The route's body: a JSON array (never null), HTML escaping off.
  std::string out = "[";
  for (std::size_t i = 0; i < outcome->results.size(); ++i) {
    if (i > 0) out += ',';
    MarshalTo(out, outcome->results[i], MarshalOptions{.escape_html = false});
  }
  out += ']';
  return {out, Joined(warnings), 0};
}

CommandOutput InspectRun(const ConfigRequest& config, const std::string& certs_dir,
                         const std::vector<std::string>& references, const AuthConfig& auth) {
  std::vector<std::string> warnings;
  auto service = ServiceFor(config, certs_dir, warnings);
  if (!service) return Failure(service.error().message());
  const bool credentials = !auth.username.empty() || !auth.password.empty() || !auth.identity_token.empty() ||
                           !auth.registry_token.empty();
  if (credentials) {
    // Credentials from the command line belong to one registry.
    std::string registry;
    for (const std::string& name : references) {
      Result<Reference> ref = ParseAnyReference(name);
      if (!ref || !ref->named()) continue;  // Inspect reports it
      if (registry.empty()) registry = ref->domain();
      if (ref->domain() != registry) {
        return Failure("credentials given on the command line are for one registry; " + name +
                       " is on " + ref->domain() + ", not " + registry);
      }
    }
  }
  RegistryClient client(**service);
  std::vector<Result<DistributionInspect>> results = client.InspectMany(references, auth, 8);
  CommandOutput out;
  out.err = Joined(warnings);
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) {
      out.err += (out.err.empty() ? "" : "\n") + ("berth: " + references[i] + ": " + results[i].error().message());
      out.exit_code = 1;
      continue;
    }
    if (!out.out.empty()) out.out += '\n';
    MarshalTo(out.out, *results[i], MarshalOptions{.escape_html = false});
  }
  return out;
}

}  // namespace berth::cli
