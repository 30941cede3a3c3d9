// Go's net.ParseCIDR, net.IP.String and net.IPNet.String, as the Engine's
// registry.NetIPNet uses them. Written out because their corner cases
// (leading zeros, IPv4-mapped addresses, non-prefix masks) show on the wire.
#include "berth/net_ipnet.h"

#include <cstddef>

#include "internal/ascii.h"

namespace berth {
namespace {

constexpr int kBig = 0xFFFFFF;  // Go's net.big: parsers give up past it

// Go's dtoi: decimal digits at the start of s.
bool Dtoi(std::string_view s, int& n, std::size_t& used) {
  n = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    n = n * 10 + (s[i] - '0');
    if (n >= kBig) return false;
  }
  used = i;
  return i > 0;
}

// Go's xtoi: hexadecimal digits at the start of s.
bool Xtoi(std::string_view s, int& n, std::size_t& used) {
  n = 0;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      break;
    n = n * 16 + d;
    if (n >= kBig) return false;
  }
  used = i;
  return i > 0;
}

bool ParseIPv4(std::string_view s, std::uint8_t out[4]) {
  for (int i = 0; i < 4; ++i) {
    if (s.empty()) return false;
    if (i > 0) {
      if (s[0] != '.') return false;
      s.remove_prefix(1);
    }
    int n;
    std::size_t used;
    if (!Dtoi(s, n, used) || n > 0xff) return false;
    if (used > 1 && s[0] == '0') return false;  // no leading zeros
    s.remove_prefix(used);
    out[i] = static_cast<std::uint8_t>(n);
  }
  return s.empty();
}

bool ParseIPv6(std::string_view s, std::uint8_t ip[16]) {
  for (int k = 0; k < 16; ++k) ip[k] = 0;
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) return true;
  }
  int i = 0;
  while (i < 16) {
    int n;
    std::size_t c;
    if (!Xtoi(s, n, c) || n > 0xffff) return false;
    if (c < s.size() && s[c] == '.') {  // trailing IPv4
      if (ellipsis < 0 && i != 12) return false;
      if (i + 4 > 16) return false;
      std::uint8_t v4[4];
      if (!ParseIPv4(s, v4)) return false;
      for (int k = 0; k < 4; ++k) ip[i + k] = v4[k];
      s = {};
      i += 4;
      break;
    }
    ip[i] = static_cast<std::uint8_t>(n >> 8);
    ip[i + 1] = static_cast<std::uint8_t>(n);
    i += 2;
    s.remove_prefix(c);
    if (s.empty()) break;
    if (s[0] != ':' || s.size() == 1) return false;
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; --j) ip[j + n] = ip[j];
    for (int j = ellipsis + n - 1; j >= ellipsis; --j) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return false;  // "::" must stand for at least one group
  }
  return true;
}

bool IsV4Mapped(const std::vector<std::uint8_t>& ip) {
  if (ip.size() != 16) return false;
  for (int i = 0; i < 10; ++i)
    if (ip[i] != 0) return false;
  return ip[10] == 0xff && ip[11] == 0xff;
}

void AppendHex16(std::string& out, unsigned v) {
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (v >> shift) & 0xf;
    if (d != 0 || started || shift == 0) {
      out += detail::kLowerHexDigits[d];
      started = true;
    }
  }
}

// Go's simpleMaskLength: the prefix length, or -1 if the mask is not one.
int PrefixLength(const std::uint8_t* m, std::size_t n) {
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t v = m[i];
    if (v == 0xff) {
      bits += 8;
      continue;
    }
    while (v & 0x80) {
      ++bits;
      v = static_cast<std::uint8_t>(v << 1);
    }
    if (v != 0) return -1;
    for (++i; i < n; ++i)
      if (m[i] != 0) return -1;
    break;
  }
  return bits;
}

}  // namespace

std::vector<std::uint8_t> ParseIP(std::string_view text) {
  std::uint8_t v4[4];
  if (ParseIPv4(text, v4)) return {v4, v4 + 4};
  std::uint8_t v6[16];
  if (ParseIPv6(text, v6)) return {v6, v6 + 16};
  return {};
}

std::string FormatIP(const std::vector<std::uint8_t>& ip) {
  if (ip.empty()) return "<nil>";
  const std::uint8_t* p = ip.data();
  if (ip.size() == 4 || IsV4Mapped(ip)) {
    if (ip.size() == 16) p += 12;
    std::string out;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) out += '.';
      out += std::to_string(p[i]);
    }
    return out;
  }
  if (ip.size() != 16) {
    std::string out = "?";
    for (std::uint8_t b : ip) detail::AppendHexByte(out, b);
    return out;
  }
  // The first longest run of two or more zero groups becomes "::".
  int e0 = -1, e1 = -1;
  for (int i = 0; i < 16; i += 2) {
    int j = i;
    while (j < 16 && p[j] == 0 && p[j + 1] == 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) e0 = e1 = -1;
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    if (i == e0) {
      out += "::";
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      out += ':';
    }
    AppendHex16(out, (unsigned{p[i]} << 8) | p[i + 1]);
  }
  return out;
}

std::string NetIPNet::String() const {
  // Go's networkNumberAndMask.
  std::vector<std::uint8_t> addr;
  if (ip.size() == 4) {
    addr = ip;
  } else if (IsV4Mapped(ip)) {
    addr.assign(ip.begin() + 12, ip.end());
  } else if (ip.size() == 16) {
    addr = ip;
  } else {
    return "<nil>";
  }
  const std::uint8_t* m = mask.data();
  std::size_t mlen = mask.size();
  if (mlen == 4) {
    if (addr.size() != 4) return "<nil>";
  } else if (mlen == 16) {
    if (addr.size() == 4) {
      m += 12;
      mlen = 4;
    }
  } else {
    return "<nil>";
  }
  std::string out = FormatIP(addr);
  out += '/';
  int bits = PrefixLength(m, mlen);
  if (bits >= 0) {
    out += std::to_string(bits);
  } else {
    for (std::size_t i = 0; i < mlen; ++i) detail::AppendHexByte(out, m[i]);
  }
  return out;
}

Result<NetIPNet> ParseCIDR(std::string_view text) {
  auto fail = [&] { return Error(ErrorKind::kInvalidParameter, "invalid CIDR address: " + std::string(text)); };
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fail();
  std::string_view addr = text.substr(0, slash);
  std::string_view prefix = text.substr(slash + 1);
  std::uint8_t buf[16];
  std::size_t len;
  if (ParseIPv4(addr, buf)) {
    len = 4;
  } else if (ParseIPv6(addr, buf)) {
    len = 16;
  } else {
    return fail();
  }
  int bits;
  std::size_t used;
  if (!Dtoi(prefix, bits, used) || used != prefix.size() || bits < 0 || bits > static_cast<int>(8 * len)) return fail();
  NetIPNet net;
  net.mask.assign(len, 0);
  for (std::size_t i = 0; i < len; ++i) {
    int take = bits - static_cast<int>(8 * i);
    if (take >= 8)
      net.mask[i] = 0xff;
    else if (take > 0)
      net.mask[i] = static_cast<std::uint8_t>(0xff << (8 - take));
  }
  net.ip.assign(len, 0);
  for (std::size_t i = 0; i < len; ++i) net.ip[i] = buf[i] & net.mask[i];
  return net;
}

}  // namespace berth
