#include "internal/base64.h"

#include <gtest/gtest.h>

#include <vector>

namespace berth::detail {
namespace {

std::string Encode(std::string_view s, Base64Alphabet a) {
  std::string out;
  AppendBase64(out, reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), a);
  return out;
}

struct Decoded {
  std::string bytes;
  std::size_t error_at;
};

Decoded Decode(std::string_view s, Base64Alphabet a = Base64Alphabet::kStd) {
  std::vector<std::uint8_t> buf(s.size() / 4 * 3 + 3);
  Base64Decoded d = GoBase64Decode(s, buf.data(), a);
  return {std::string(buf.begin(), buf.begin() + d.written), d.error_at};
}

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(Encode("", Base64Alphabet::kStd), "");
  EXPECT_EQ(Encode("f", Base64Alphabet::kStd), "Zg==");
  EXPECT_EQ(Encode("fo", Base64Alphabet::kStd), "Zm8=");
  EXPECT_EQ(Encode("foo", Base64Alphabet::kStd), "Zm9v");
  EXPECT_EQ(Encode("\xfb\xff", Base64Alphabet::kStd), "+/8=");
  EXPECT_EQ(Encode("\xfb\xff", Base64Alphabet::kUrl), "-_8=");
}

TEST(Base64, DecodesLikeGo) {
  EXPECT_EQ(Decode("Zm9v").bytes, "foo");
  EXPECT_EQ(Decode("Zm9v").error_at, kNoBase64Error);
  EXPECT_EQ(Decode("Zm8=").bytes, "fo");
  EXPECT_EQ(Decode("Zg==").bytes, "f");
  EXPECT_EQ(Decode("Zm\r\n9v").bytes, "foo");
  // Missing padding: error at the start of the short quantum.
  EXPECT_EQ(Decode("Zm9vYm").error_at, 4u);
  EXPECT_EQ(Decode("Zm9vYm").bytes, "foo");
  // Bytes after padding: the padded quantum counts, then an error.
  Decoded d = Decode("Zg==Zg==");
  EXPECT_EQ(d.bytes, "f");
  EXPECT_EQ(d.error_at, 4u);
  EXPECT_EQ(Decode("Z===").error_at, 1u);
  EXPECT_EQ(Decode("Zg=").error_at, 3u);
  EXPECT_EQ(Decode("!!!!").error_at, 0u);
  EXPECT_EQ(Decode("Zm9v+/8=", Base64Alphabet::kUrl).error_at, 4u);
  // Non-zero trailing bits are accepted.
  EXPECT_EQ(Decode("Zh==").bytes, "f");
  EXPECT_EQ(Base64ErrorMessage(7), "illegal base64 data at input byte 7");
}

}  // namespace
}  // namespace berth::detail
