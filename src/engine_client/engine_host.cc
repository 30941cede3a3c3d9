#include "engine_client/engine_host.h"

#include <cctype>

namespace berth::engine_client {
namespace {

Error Unparsable(std::string_view host) {
  return Error(ErrorKind::kInvalidParameter, "unable to parse docker host `" + std::string(host) + "`");
}

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return std::stoul(std::string(port)) <= 65535 && std::stoul(std::string(port)) > 0;
}

}  // namespace

Result<EngineHost> ParseEngineHost(std::string_view given, bool tls) {
  EngineHost out;
  // "host:port" alone is tcp (the CLI's ParseHost).
  const std::string with_scheme = given.find("://") == std::string_view::npos && !given.empty()
                                      ? "tcp://" + std::string(given)
                                      : std::string(given);
  const std::string_view host = with_scheme;
  std::size_t sep = host.find("://");
  if (sep == std::string_view::npos) return Unparsable(host);
  std::string_view scheme = host.substr(0, sep), rest = host.substr(sep + 3);
  if (scheme == "unix") {
    if (rest.empty() || rest[0] != '/') return Unparsable(host);
    out.unix_socket = std::string(rest);
    out.base_url = "http://api.moby.localhost";
    out.name = std::string(host);
    return out;
  }
  if (scheme != "tcp" && scheme != "http" && scheme != "https") {
    if (scheme == "ssh" || scheme == "npipe" || scheme == "fd") {
      return Error(ErrorKind::kInvalidParameter,
                   "docker host `" + std::string(host) + "`: " + std::string(scheme) + ":// is not supported by berth");
    }
    return Unparsable(host);
  }
  // The address ends at a path (the CLI allows none but "/").
  std::size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (rest.substr(slash) != "/")
      return Error(ErrorKind::kInvalidParameter, "Invalid bind address format: " + std::string(host));
    rest = rest.substr(0, slash);
  }
  out.tls = scheme == "https" || (scheme == "tcp" && tls);
  std::string address(rest);
  std::string port;
  if (!address.empty() && address[0] == '[') {
    std::size_t close = address.find(']');
    if (close == std::string::npos)
      return Error(ErrorKind::kInvalidParameter, "Invalid bind address format: " + std::string(host));
    if (close + 1 < address.size()) {
      if (address[close + 1] != ':')
        return Error(ErrorKind::kInvalidParameter, "Invalid bind address format: " + std::string(host));
      port = address.substr(close + 2);
    }
    address = address.substr(0, close + 1);
  } else if (std::size_t colon = address.rfind(':'); colon != std::string::npos) {
    if (address.find(':') != colon)
      return Error(ErrorKind::kInvalidParameter, "Invalid bind address format: " + std::string(host));
    port = address.substr(colon + 1);
    address = address.substr(0, colon);
  }
  if (address.empty()) address = "localhost";
  if (port.empty()) port = out.tls ? "2376" : "2375";
  if (!ValidPort(port)) return Error(ErrorKind::kInvalidParameter, "Invalid bind address format: " + std::string(host));
  out.base_url = std::string(out.tls ? "https://" : "http://") + address + ":" + port;
  out.name = scheme == "tcp" ? "tcp://" + address + ":" + port : std::string(host);
  return out;
}

}  // namespace berth::engine_client
