// hosts.toml with toml++ (Debian's libtomlplusplus-dev).
#include "berth/hosts_toml.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "internal/go_url.h"

namespace berth {
namespace {

Error Invalid(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

const std::vector<std::string> kAllCapabilities = {"pull", "resolve", "push"};

// Reads `key` of one host table into `host`; `where` names it in errors.
class HostReader {
 public:
  HostReader(const std::string& source, const std::string& dir) : source_(source), dir_(dir) {}

  Status Read(const toml::table& t, const std::string& where, RegistryHost& host) {
    host.capabilities = kAllCapabilities;
    if (const toml::node* n = t.get("capabilities")) {
      Result<std::vector<std::string>> caps = Strings(*n, where, "capabilities", false);
      if (!caps) return caps.error();
      for (const std::string& c : *caps) {
        if (c != "pull" && c != "resolve" && c != "push")
          return Fail(where, "capabilities", "unknown capability \"" + c + "\"");
      }
      host.capabilities = *caps;
    }
    if (const toml::node* n = t.get("ca")) {
      Result<std::vector<std::string>> ca = Strings(*n, where, "ca", true);
      if (!ca) return ca.error();
      for (const std::string& path : *ca) host.ca_files.push_back(Resolve(path));
    }
    if (const toml::node* n = t.get("client")) {
      Status st = Client(*n, where, host);
      if (!st) return st;
    }
    if (const toml::node* n = t.get("skip_verify")) {
      if (!n->is_boolean()) return Fail(where, "skip_verify", "expected true or false");
      host.skip_verify = n->as_boolean()->get();
    }
    if (const toml::node* n = t.get("override_path")) {
      if (!n->is_boolean()) return Fail(where, "override_path", "expected true or false");
      host.override_path = n->as_boolean()->get();
    }
    if (const toml::node* n = t.get("header")) {
      if (!n->is_table()) return Fail(where, "header", "expected a table");
      for (const auto& [name, value] : *n->as_table()) {
        Result<std::vector<std::string>> values = Strings(value, where, "header." + std::string(name.str()), true);
        if (!values) return values.error();
        host.headers[std::string(name.str())] = *values;
      }
    }
    return {};
  }

 private:
  Error Fail(const std::string& where, const std::string& key, const std::string& what) {
    return Invalid(source_ + ": " + where + key + ": " + what);
  }

  // A string, or (when `single_ok`) an array of them.
  Result<std::vector<std::string>> Strings(const toml::node& n, const std::string& where, const std::string& key,
                                           bool single_ok) {
    if (single_ok && n.is_string()) return std::vector<std::string>{n.as_string()->get()};
    if (!n.is_array()) {
      return Fail(where, key, single_ok ? "expected a string or an array of strings" : "expected an array of strings");
    }
    std::vector<std::string> out;
    for (const toml::node& e : *n.as_array()) {
      if (!e.is_string()) return Fail(where, key, "expected an array of strings");
      out.push_back(e.as_string()->get());
    }
    return out;
  }

  // client = "cert.pem" | ["cert", "key"] | [["cert", "key"], ...]
  Status Client(const toml::node& n, const std::string& where, RegistryHost& host) {
    auto pair = [&](const toml::array& a) -> Status {
      if (a.size() != 2 || !a[0].is_string() || !a[1].is_string())
        return Fail(where, "client", "expected [certificate, key]");
      std::string key = a[1].as_string()->get();
      host.client_pairs.emplace_back(Resolve(a[0].as_string()->get()), key.empty() ? "" : Resolve(key));
      return {};
    };
    if (n.is_string()) {
      host.client_pairs.emplace_back(Resolve(n.as_string()->get()), "");
      return {};
    }
    if (!n.is_array()) return Fail(where, "client", "expected a path, a pair or a list of pairs");
    const toml::array& a = *n.as_array();
    if (!a.empty() && a[0].is_string()) return pair(a);
    for (const toml::node& e : a) {
      if (!e.is_array()) return Fail(where, "client", "expected a list of [certificate, key] pairs");
      Status st = pair(*e.as_array());
      if (!st) return st;
    }
    return {};
  }

  std::string Resolve(const std::string& path) const {
    if (path.empty() || path[0] == '/') return path;
    return (std::filesystem::path(dir_) / path).string();
  }

  const std::string& source_;
  const std::string& dir_;
};

// "host:5000" -> "https://host:5000"; checks the scheme and the host.
Result<std::string> HostUrl(std::string_view raw, const std::string& source) {
  std::string url(raw);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    if (url.find("://") != std::string::npos) {  // another scheme
      return Invalid(source + ": host \"" + std::string(raw) + "\": not a registry URL");
    }
    url = "https://" + url;
  }
  Result<detail::GoUrl> parsed = detail::ParseGoUrl(url);
  if (!parsed || parsed->host.empty()) {
    return Invalid(source + ": host \"" + std::string(raw) + "\": not a registry URL");
  }
  return url;
}

}  // namespace

bool RegistryHost::Can(std::string_view capability) const {
  return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

Result<HostsConfig> ParseHostsToml(std::string_view text, const std::string& dir, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << source_name << ": " << e.description() << " (line " << e.source().begin.line << ", column "
          << e.source().begin.column << ")";
    return Invalid(where.str());
  }
  HostsConfig config;
  HostReader reader(source_name, dir);
  if (const toml::node* server = root.get("server")) {
    if (!server->is_string()) return Invalid(source_name + ": server: expected a URL string");
    Result<std::string> url = HostUrl(server->as_string()->get(), source_name);
    if (!url) return url.error();
    RegistryHost host;
    host.url = *url;
    Status st = reader.Read(root, "", host);
    if (!st) return st.error();
    config.server = std::move(host);
  }
  if (const toml::node* hosts = root.get("host")) {
    if (!hosts->is_table()) return Invalid(source_name + ": host: expected [host.\"URL\"] tables");
    // The file's order is the order to try them in; tables are keyed, so
    // sort by where each one starts.
    std::vector<std::pair<toml::source_position, std::string>> order;
    for (const auto& [key, value] : *hosts->as_table()) {
      std::string where = "host \"" + std::string(key.str()) + "\" ";
      if (!value.is_table()) return Invalid(source_name + ": " + where + ": expected a table");
      order.emplace_back(value.source().begin, std::string(key.str()));
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.first.line != b.first.line ? a.first.line < b.first.line : a.first.column < b.first.column;
    });
    for (const auto& [position, key] : order) {
      (void)position;
      Result<std::string> url = HostUrl(key, source_name);
      if (!url) return url.error();
      RegistryHost host;
      host.url = *url;
      Status st = reader.Read(*hosts->as_table()->get(key)->as_table(), "host \"" + key + "\" ", host);
      if (!st) return st.error();
      config.hosts.push_back(std::move(host));
    }
  }
  return config;
}

Result<std::optional<HostsConfig>> ReadHostsToml(const std::string& certs_dir, std::string_view host) {
  std::string dir = certs_dir + "/" + std::string(host);
  std::string path = dir + "/hosts.toml";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<HostsConfig>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid("open " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  Result<HostsConfig> parsed = ParseHostsToml(text.str(), dir, path);
  if (!parsed) return parsed.error();
  return std::optional<HostsConfig>(std::move(*parsed));
}

}  // namespace berth
