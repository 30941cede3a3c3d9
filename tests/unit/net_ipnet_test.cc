#include "berth/net_ipnet.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

std::string Cidr(std::string_view in) {
  Result<NetIPNet> r = ParseCIDR(in);
  return r ? r->String() : r.error().message();
}

TEST(ParseCIDR, SpecVectors) {
  EXPECT_EQ(Cidr("102.10.8.1/24"), "102.10.8.0/24");
  EXPECT_EQ(Cidr("2001:db8::1/64"), "2001:db8::/64");
  EXPECT_EQ(Cidr("::ffff:1.2.3.4/120"), "1.2.3.0/24");
  EXPECT_EQ(Cidr("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(Cidr("1.2.3.4/33"), "invalid CIDR address: 1.2.3.4/33");
  EXPECT_EQ(Cidr("1.2.3.4"), "invalid CIDR address: 1.2.3.4");
  EXPECT_EQ(Cidr("foo"), "invalid CIDR address: foo");
  EXPECT_EQ(Cidr("fe80::1%eth0/64"), "invalid CIDR address: fe80::1%eth0/64");
  EXPECT_EQ(Cidr("01.2.3.4/8"), "invalid CIDR address: 01.2.3.4/8");
  EXPECT_EQ(Cidr("[fe80::]/64"), "invalid CIDR address: [fe80::]/64");
  EXPECT_EQ(Cidr("1.2.3.4/024"), "1.2.3.0/24");
  EXPECT_EQ(Cidr("::/0"), "::/0");
  EXPECT_EQ(Cidr("1:0:0:1:0:0:0:1/128"), "1:0:0:1::1/128");
  EXPECT_EQ(Cidr("1:0:1:0:1:0:1:0/128"), "1:0:1:0:1:0:1:0/128");
  EXPECT_EQ(Cidr("::1.2.3.4/128"), "::102:304/128");
  EXPECT_EQ(Cidr("1:2:3:4:5:6:7:8::/128"), "invalid CIDR address: 1:2:3:4:5:6:7:8::/128");
}

TEST(NetIPNet, StringOfOddValues) {
  EXPECT_EQ(NetIPNet{}.String(), "<nil>");
  NetIPNet n{{1, 2, 3, 0}, {0xff, 0xff, 0x00, 0xff}};
  EXPECT_EQ(n.String(), "1.2.3.0/ffff00ff");
  NetIPNet unmasked{{10, 1, 2, 3}, {0xff, 0, 0, 0}};
  EXPECT_EQ(unmasked.String(), "10.1.2.3/8");
  NetIPNet mismatched{{10, 1, 2, 3}, std::vector<std::uint8_t>(16, 0xff)};
  EXPECT_EQ(mismatched.String(), "10.1.2.3/32");
  NetIPNet v6_with_v4_mask{std::vector<std::uint8_t>(16, 1), {0xff, 0, 0, 0}};
  EXPECT_EQ(v6_with_v4_mask.String(), "<nil>");
}

}  // namespace
}  // namespace berth
