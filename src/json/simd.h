// Sixteen bytes at a time (SSE2, part of every x86-64 CPU): where the next
// byte is that a string loop must look at. Other targets use the eight-byte
// SWAR tests of swar.h.
#ifndef BERTH_SRC_JSON_SIMD_H_
#define BERTH_SRC_JSON_SIMD_H_

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace berth::json_detail::simd {

#if defined(__SSE2__)
inline constexpr bool kEnabled = true;

inline __m128i Load16(const void* p) {
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}
inline void Store16(void* p, __m128i v) {
  _mm_storeu_si128(static_cast<__m128i*>(p), v);
}
// Bytes below 0x20, and (signed compare) from 0x80 up.
inline __m128i ControlOrHigh(__m128i c) {
  return _mm_cmpgt_epi8(_mm_set1_epi8(0x20), c);
}
// Bytes below 0x20 only.
inline __m128i Control(__m128i c) {
  return _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(0x1f)), c);
}
inline __m128i QuoteOrBackslash(__m128i c) {
  return _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('"')), _mm_cmpeq_epi8(c, _mm_set1_epi8('\\')));
}
inline __m128i Html(__m128i c) {
  return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('<')), _mm_cmpeq_epi8(c, _mm_set1_epi8('>'))),
                      _mm_cmpeq_epi8(c, _mm_set1_epi8('&')));
}
inline unsigned Mask(__m128i m) {
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}

// Bytes a JSON string must escape (quote, backslash, control, and with
// html <, > and &) or that need a UTF-8 check (from 0x80 up).
inline unsigned EscapeMask(__m128i c, bool html) {
  __m128i m = _mm_or_si128(QuoteOrBackslash(c), ControlOrHigh(c));
  if (html) m = _mm_or_si128(m, Html(c));
  return Mask(m);
}
// Bytes that end a run of printable ASCII inside a JSON string.
inline unsigned NotPlainMask(__m128i c) {
  return Mask(_mm_or_si128(QuoteOrBackslash(c), ControlOrHigh(c)));
}
// Bytes that change the scanner's state inside a string.
inline unsigned StringSpecialMask(__m128i c) {
  return Mask(_mm_or_si128(QuoteOrBackslash(c), Control(c)));
}
#else
inline constexpr bool kEnabled = false;
#endif

// The index of the first byte from i that changes the scanner's state inside
// a string (or stops at a point where fewer than 16 bytes remain).
inline std::size_t SkipStringPlain(const unsigned char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  while (i + 16 <= n) {
    unsigned m = StringSpecialMask(Load16(p + i));
    if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(m));
    i += 16;
  }
#endif
  return i;
}

}  // namespace berth::json_detail::simd

#endif  // BERTH_SRC_JSON_SIMD_H_
