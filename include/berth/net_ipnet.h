// NetIPNet — the Engine's registry.NetIPNet: an IP network (address bytes and
// mask bytes) whose JSON form is its CIDR text.
#ifndef BERTH_NET_IPNET_H_
#define BERTH_NET_IPNET_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "berth/error.h"

namespace berth {

struct NetIPNet {
  // 4 bytes (IPv4) or 16 bytes (IPv6, or IPv4 mapped into IPv6). Values
  // made by ParseCIDR are masked; String() prints the address as stored.
  std::vector<std::uint8_t> ip;
  // 4 or 16 bytes.
  std::vector<std::uint8_t> mask;

  // The network as Go's net.IPNet.String() prints it: "10.0.0.0/8",
  // "2001:db8::/32", "1.2.3.0/ffff00ff" for a mask that is not a prefix,
  // "<nil>" when address or mask lengths make no sense.
  std::string String() const;

  friend bool operator==(const NetIPNet&, const NetIPNet&) = default;
};

// Parses "ADDR/PREFIX" as Go's net.ParseCIDR does and returns the masked
// network. Error (invalid parameter): "invalid CIDR address: <text>".
Result<NetIPNet> ParseCIDR(std::string_view text);

// Parses an IP address as Go's netip.ParseAddr does (no zone). Returns 4
// bytes for IPv4 and 16 bytes for IPv6; empty on failure.
std::vector<std::uint8_t> ParseIP(std::string_view text);

// Formats 4 or 16 address bytes as Go's net.IP.String() does (IPv4-mapped
// IPv6 addresses print as dotted quads).
std::string FormatIP(const std::vector<std::uint8_t>& ip);

}  // namespace berth

#endif  // BERTH_NET_IPNET_H_
