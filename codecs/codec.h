// framekit/codecs/codec.h
//
// A Codec turns a sequence of integers into payload bytes and back, strictly. It answers the Socket
// HOWTO's "Decisions, decisions": should integers cross the wire as binary in network byte order
// or as ASCII? framekit ships four answers, chosen by name (codec_registry.h):
//
//   binary       fixed width, big-endian, 2/4/8 bytes     1      -> 00 00 00 01 (width=4)
//   ascii        decimal digits + separator               0      -> 30 0A ("0\n")
//   varint       LEB128, 7 bits a byte (+ zigzag)         300    -> AC 02
//   groupvarint  tag byte + 4 values of 1-4 bytes          1,2,3,4 -> 00 01 02 03 04
//
// The contract every codec keeps:
//   * A codec has a domain: `value_bits()`-bit integers, signed (two's complement, e.g. binary
//     width=2 signed=true is [-32768, 32767]) or unsigned ([0, 65535]). Callers hand values as
//     int64 or uint64 through either entry point; a value is accepted iff it lies in the domain
//     ("-1" is refused by an unsigned codec, UINT64_MAX by a signed one), and a decoded value is
//     delivered iff the caller's type can hold it. Nothing is ever silently truncated or wrapped.
//   * Encode appends to `out`; Decode appends to `out`. Both are all-or-error: on failure `out`
//     is exactly as it was.
//   * Decoding is strict: one byte string decodes to one value sequence and vice versa (the
//     encoding is canonical). Overflow, stray bytes, signs where none are allowed, truncated
//     values and non-canonical forms (leading zeros, overlong varints) are refused.
//   * Errors are InvalidArgument and name the codec and what was wrong: for decoding the byte
//     offset in `bytes` (and the value's index), for encoding the value's index and value.
//       "varint: malformed input at byte offset 3 (value 1): truncated varint: ..."
//       "binary: value at index 2 (70000) is outside the codec's domain, 16-bit unsigned ..."
//   * Codecs are immutable and thread-safe. Two codecs are equal iff their Spec()s are equal, and
//     MakeCodec(c.Spec()) rebuilds an equal codec.
//   * Bulk: one virtual call per span, never per value; implementations run a tight loop.
//
// Example:
//   absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("binary:width=4");
//   std::string payload;
//   const std::vector<uint64_t> values = {1, 2};
//   absl::Status s = (*codec)->EncodeUnsigned(values, &payload);  // 00 00 00 01 00 00 00 02
//   std::vector<uint64_t> back;
//   s = (*codec)->DecodeUnsigned(payload, &back);                 // {1, 2}
#ifndef FRAMEKIT_CODECS_CODEC_H_
#define FRAMEKIT_CODECS_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace framekit {

class Codec {
 public:
  virtual ~Codec() = default;
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // The registered kind name ("binary").
  virtual absl::string_view name() const = 0;
  // The canonical spec, every key spelled out ("binary:width=4,signed=false").
  virtual std::string Spec() const = 0;
  // The domain: signed (two's complement) or unsigned `value_bits()`-bit integers, 2-64 bits.
  virtual bool is_signed() const = 0;
  virtual int value_bits() const = 0;

  // Appends the encoding of `values` to `out`. InvalidArgument naming the first value outside the
  // domain; `out` unchanged then.
  virtual absl::Status EncodeUnsigned(absl::Span<const uint64_t> values,
                                      std::string* out) const = 0;
  virtual absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const = 0;

  // Appends the values `bytes` encode to `out`. InvalidArgument naming the byte offset of the first
  // malformed value, or of a value the caller's type cannot hold; `out` unchanged then.
  virtual absl::Status DecodeUnsigned(absl::string_view bytes,
                                      std::vector<uint64_t>* out) const = 0;
  virtual absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const = 0;

  // An upper bound on the bytes EncodeXxx appends for `n_values` values, for reserving; 0 if the
  // codec knows none. Saturates at SIZE_MAX.
  virtual size_t MaxEncodedSize(size_t /*n_values*/) const { return 0; }

  // Overloads for templated callers.
  absl::Status Encode(absl::Span<const uint64_t> values, std::string* out) const {
    return EncodeUnsigned(values, out);
  }
  absl::Status Encode(absl::Span<const int64_t> values, std::string* out) const {
    return EncodeSigned(values, out);
  }
  absl::Status Decode(absl::string_view bytes, std::vector<uint64_t>* out) const {
    return DecodeUnsigned(bytes, out);
  }
  absl::Status Decode(absl::string_view bytes, std::vector<int64_t>* out) const {
    return DecodeSigned(bytes, out);
  }

 protected:
  Codec() = default;
};

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_CODEC_H_
