// Base64 with Go's encoding/base64 semantics (padded StdEncoding and
// URLEncoding), including where Go's decoder stops and what offset its
// "illegal base64 data at input byte N" names. Hand-written because those
// details are observable on the wire (X-Registry-Auth errors, Descriptor.data)
// and no library reproduces them.
#ifndef BERTH_SRC_INTERNAL_BASE64_H_
#define BERTH_SRC_INTERNAL_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::detail {

enum class Base64Alphabet { kStd, kUrl };

// Writes the padded encoding of [data, data+n): (n + 2) / 3 * 4 chars.
void EncodeBase64(const std::uint8_t* data, std::size_t n, char* out, Base64Alphabet alphabet);

// Appends the padded encoding of [data, data+n).
void AppendBase64(std::string& out, const std::uint8_t* data, std::size_t n, Base64Alphabet alphabet);

inline constexpr std::size_t kNoBase64Error = static_cast<std::size_t>(-1);

struct Base64Decoded {
  std::size_t written = 0;
  // Go's CorruptInputError offset, or kNoBase64Error.
  std::size_t error_at = kNoBase64Error;
};

// Go's Encoding.Decode(dst, src) for a padded encoding: CR and LF are
// skipped; decoding stops at the first bad quantum, and the bytes of the
// quanta before it are kept; a padded quantum followed by more input yields
// its bytes and an error at the first byte after it. `dst` must have room
// for src.size() / 4 * 3 bytes.
Base64Decoded GoBase64Decode(std::string_view src, std::uint8_t* dst, Base64Alphabet alphabet);

// "illegal base64 data at input byte N"
std::string Base64ErrorMessage(std::size_t offset);

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_BASE64_H_
