// framekit/framing/internal/ascii_digits.h
//
// Strict, incremental ASCII decimal parsing and formatting for lengths on the wire, shared by the
// "ascii" (ascii_length_framer.h) and "netstring" (netstring_framer.h) framers.
//
// Stricter than absl::SimpleAtoi or strtol on purpose: those skip leading spaces and accept a sign,
// so " 5" or "+5" would pass as a length. Here a length byte is '0'..'9' and nothing else. Digits
// are taken one at a time, so a decoder can stop at the end of its input and resume later without
// re-reading what it has validated, and each digit is checked against a bound the moment it is
// appended: a length that can only end up too large is refused at the byte that makes it so. No
// step ever overflows, whatever the bound (20 digits can exceed 2^64).
//
// Example:
//   uint64_t value = 0;
//   for (char c : absl::string_view("1024")) {          // or one byte per read
//     if (AppendDigit(c, /*limit=*/65536, &value) != DigitStatus::kOk) return Refuse(c);
//   }                                                    // value == 1024
//
//   char text[kMaxDecimalDigits];
//   FormatFixedWidth(5, /*width=*/5, text);              // "00005"
//   size_t n = FormatDecimal(1024, text);                // "1024", n == 4
//   int digits = CountDecimalDigits(1024);               // 4: FormatFixedWidth(1024, digits, out)
//                                                        // writes what FormatDecimal does
#ifndef FRAMEKIT_FRAMING_INTERNAL_ASCII_DIGITS_H_
#define FRAMEKIT_FRAMING_INTERNAL_ASCII_DIGITS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/internal/endian.h"

namespace framekit {

// Digits in UINT64_MAX (18446744073709551615); also the widest length the ascii framers write.
inline constexpr int kMaxDecimalDigits = 20;

// 0..9 for '0'..'9'; a value above 9 for every other byte (the subtraction wraps for bytes below
// '0'), so one comparison classifies a byte.
constexpr uint32_t DigitValue(char c) {
  return static_cast<uint32_t>(static_cast<unsigned char>(c)) - uint32_t{'0'};
}
constexpr bool IsAsciiDigit(char c) { return DigitValue(c) <= 9; }

// 10^n, saturating at UINT64_MAX for n >= 20 (10^20 does not fit).
constexpr uint64_t Pow10(int n) {
  if (n >= kMaxDecimalDigits) return UINT64_MAX;
  uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// The largest value `digits` decimal digits can hold: 10^digits - 1, or UINT64_MAX from 20 up.
constexpr uint64_t MaxValueWithDigits(int digits) {
  return digits >= kMaxDecimalDigits ? UINT64_MAX : Pow10(digits) - 1;
}

// ParseUpTo8Digits's preparation for a count `n` (1..8) fixed in advance (a decoder's header
// width): the shift that moves the n digits to the top bytes and the '0's that fill the bytes
// below.
struct EightDigitLayout {
  unsigned shift = 0;
  uint64_t fill = 0;
};
constexpr EightDigitLayout LayoutFor(size_t n) {
  const unsigned shift = static_cast<unsigned>(8 * (8 - n));
  return EightDigitLayout{shift, shift == 0 ? 0 : 0x3030303030303030u >> (64 - shift)};
}

// The 8 bytes at p[0, 8), which must all be readable, with the n digits of `layout` moved to the
// top n bytes and the bytes below filled with '0' (leading zeros): equal words spell equal
// headers, and ParseDigitWord takes the value. (p[0], the most significant digit, is the lowest
// of the n bytes.)
inline uint64_t LoadDigitWord(const char* p, const EightDigitLayout& layout) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  x = absl::little_endian::ToHost64(x);
  return (x << layout.shift) | layout.fill;
}

// The value of the eight digits of a LoadDigitWord word, all compared and combined at once (SWAR):
// a few multiplies instead of a chain of eight. False, with *value untouched, if any byte is not
// '0'..'9'.
inline bool ParseDigitWord(uint64_t x, uint64_t* value) {
  // Every byte 0x30..0x39, i.e. every byte of x - '0's in 0..9: below 0x80, and still below 0x80
  // after adding 0x76. A byte below '0' borrows from its neighbour, and a byte of x - '0's at
  // 0x8A or more carries into it, but each of those bytes has its own high bit set already, so
  // the check fails on it whatever its neighbours became.
  x -= 0x3030303030303030u;
  if (((x | (x + 0x7676767676767676u)) & 0x8080808080808080u) != 0) return false;
  x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFu;      // pairs of digits
  x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFu;    // groups of four
  x = (x * 10000 + (x >> 32)) & 0x00000000FFFFFFFFu;  // all eight
  *value = x;
  return true;
}

// The value of the digits at p[0, n) for the n of `layout`. Reads p[0, 8), which must all be
// readable; the bytes past n are ignored. False, with *value untouched, if any of the n is not
// '0'..'9'.
inline bool ParseUpTo8Digits(const char* p, const EightDigitLayout& layout, uint64_t* value) {
  return ParseDigitWord(LoadDigitWord(p, layout), value);
}

// The same for a count `n` (1..8) known only now.
inline bool ParseUpTo8Digits(const char* p, size_t n, uint64_t* value) {
  return ParseUpTo8Digits(p, LayoutFor(n), value);
}

enum class DigitStatus {
  kOk,         // `*value` now ends with the digit.
  kNotDigit,   // The byte is not '0'..'9'; `*value` unchanged.
  kOverLimit,  // value * 10 + digit would exceed `limit` (or 2^64 - 1); `*value` unchanged.
};

// Appends the decimal digit `c` to `*value` if it is one and the result stays <= `limit`.
inline DigitStatus AppendDigit(char c, uint64_t limit, uint64_t* value) {
  const uint32_t d = DigitValue(c);
  if (d > 9) return DigitStatus::kNotDigit;
  // v*10 + d <= limit  <=>  d <= limit && v <= (limit - d) / 10, with nothing that can wrap.
  if (d > limit || *value > (limit - d) / 10) return DigitStatus::kOverLimit;
  *value = *value * 10 + d;
  return DigitStatus::kOk;
}

// "00" "01" ... "99": the two digits of n at kDigitPairs + 2 * n.
inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Writes `value` as exactly `width` digits, zero-padded on the left, to out[0, width).
// Requires 1 <= width <= kMaxDecimalDigits and value <= MaxValueWithDigits(width); larger values
// would lose their leading digits, which is why callers clamp their maximum to that bound.
inline void FormatFixedWidth(uint64_t value, int width, char* out) {
  // Two digits per division (a frame header is formatted per frame: this is an encoder hot path).
  int i = width;
  for (; i >= 2; i -= 2) {
    const uint64_t q = value / 100;
    std::memcpy(out + i - 2, kDigitPairs + 2 * (value - q * 100), 2);
    value = q;
  }
  if (i == 1) out[0] = static_cast<char>('0' + value % 10);
}

// The number of digits FormatDecimal writes for `value`: 1 to kMaxDecimalDigits.
inline int CountDecimalDigits(uint64_t value) {
  static constexpr uint64_t kPow10[kMaxDecimalDigits] = {1u,
                                                         10u,
                                                         100u,
                                                         1000u,
                                                         10000u,
                                                         100000u,
                                                         1000000u,
                                                         10000000u,
                                                         100000000u,
                                                         1000000000u,
                                                         10000000000u,
                                                         100000000000u,
                                                         1000000000000u,
                                                         10000000000000u,
                                                         100000000000000u,
                                                         1000000000000000u,
                                                         10000000000000000u,
                                                         100000000000000000u,
                                                         1000000000000000000u,
                                                         10000000000000000000u};
  // Lengths under 100 (small frames, where this cost shows) in two instructions and a branch that
  // stays predicted while they last.
  if (value < 100) return value < 10 ? 1 : 2;
  // No loop: t = floor(bits * log10(2)) (1233 / 4096 ~ log10(2), exact for 1..64 bits) is the
  // digit count or one more than it; one comparison settles which.
  const uint64_t v = value;
  const int bits = 64 - __builtin_clzll(v);
  const int t = (bits * 1233) >> 12;
  return t + 1 - (v < kPow10[t] ? 1 : 0);
}

// Writes `value` in decimal without leading zeros ("0" for zero) to `out`, which must have room
// for kMaxDecimalDigits bytes. Returns the number of digits written.
inline size_t FormatDecimal(uint64_t value, char* out) {
  char digits[kMaxDecimalDigits];
  char* const end = digits + kMaxDecimalDigits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  const size_t n = static_cast<size_t>(end - p);
  std::memcpy(out, p, n);
  return n;
}

// Names a byte refused in a length, for error messages: "'+'", "' '" or "0x0a".
inline std::string DescribeByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string{'\'', c, '\''};
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string{'0', 'x', kHex[u >> 4], kHex[u & 15]};
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_ASCII_DIGITS_H_
