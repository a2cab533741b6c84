// framekit/codecs/codec_support.h
//
// Building blocks for codec implementations, built-in and user-written alike, so that every codec
// checks ranges the same way and reports errors with the same status code and message shape:
//
//   DomainCheck<T>        one subtract-and-compare per value: does a T lie in the codec's domain
//                         (`bits`-bit, signed or unsigned)? Used both ways: encoding (value ->
//                         domain) and decoding (decoded value -> caller's T).
//   EncodeRangeError      "binary: value at index 2 (70000) is outside the codec's domain, 16-bit
//                          unsigned [0, 65535]"
//   MalformedInputError   "varint: malformed input at byte offset 3 (value 1): truncated varint"
//   DecodeRangeError      "varint: value at byte offset 0 (value 0) is -1, which does not fit
//                          uint64; decode into int64"
//
// All errors are InvalidArgument.
//
// Example (a loop in a user codec's EncodeSigned):
//   const DomainCheck<int64_t> check(/*codec_signed=*/false, /*bits=*/32);
//   for (size_t i = 0; i < values.size(); ++i) {
//     if (!check.Fits(values[i])) return EncodeRangeError(name(), i, values[i], false, 32);
//     ...
//   }
#ifndef FRAMEKIT_CODECS_CODEC_SUPPORT_H_
#define FRAMEKIT_CODECS_CODEC_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace framekit {

// Whether a T (int64_t or uint64_t) lies in the intersection of T's range and a codec's domain of
// `bits`-bit (2-64) signed or unsigned integers. The intersection is an interval [lo, hi] of T;
// mapped to uint64 by two's complement, `v - lo <= hi - lo` (mod 2^64) tests it in one compare.
template <typename T>
class DomainCheck {
  static_assert(std::is_same<T, int64_t>::value || std::is_same<T, uint64_t>::value,
                "DomainCheck is for int64_t and uint64_t");

 public:
  constexpr DomainCheck(bool codec_signed, int bits)
      : lo_(Lo(codec_signed, bits)), span_(Hi(codec_signed, bits) - lo_) {}

  constexpr bool Fits(T value) const { return static_cast<uint64_t>(value) - lo_ <= span_; }
  // True if every T fits (no check needed).
  constexpr bool all() const { return span_ == ~uint64_t{0}; }

 private:
  // The interval's ends as two's complement bit patterns.
  static constexpr uint64_t Lo(bool codec_signed, int bits) {
    if (!codec_signed || std::is_unsigned<T>::value) return 0;
    return ~uint64_t{0} << (bits - 1);  // -2^(bits-1)
  }
  static constexpr uint64_t Hi(bool codec_signed, int bits) {
    const uint64_t domain_max = codec_signed ? ~uint64_t{0} >> (65 - bits)   // 2^(bits-1) - 1
                                             : ~uint64_t{0} >> (64 - bits);  // 2^bits - 1
    const uint64_t type_max = static_cast<uint64_t>(std::numeric_limits<T>::max());
    return domain_max < type_max ? domain_max : type_max;
  }

  uint64_t lo_;
  uint64_t span_;
};

// `value` (at `index` in the caller's span) is outside the domain.
absl::Status EncodeRangeError(absl::string_view codec, size_t index, int64_t value,
                              bool codec_signed, int bits);
absl::Status EncodeRangeError(absl::string_view codec, size_t index, uint64_t value,
                              bool codec_signed, int bits);

// The value starting at byte `offset` (the `index`-th value) is malformed; `what` says how.
absl::Status MalformedInputError(absl::string_view codec, size_t offset, size_t index,
                                 absl::string_view what);

// A well-formed decoded value (`bits`, a two's complement pattern when `codec_signed`) does not fit
// the caller's type: a negative value into uint64, or one over INT64_MAX into int64.
absl::Status DecodeRangeError(absl::string_view codec, size_t offset, size_t index, uint64_t bits,
                              bool codec_signed, bool target_signed);

// a * b, or SIZE_MAX if that overflows (for MaxEncodedSize).
inline size_t SaturatingMul(size_t a, size_t b) {
  if (b != 0 && a > std::numeric_limits<size_t>::max() / b) {
    return std::numeric_limits<size_t>::max();
  }
  return a * b;
}

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_CODEC_SUPPORT_H_
