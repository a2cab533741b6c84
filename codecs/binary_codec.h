// framekit/codecs/binary_codec.h
//
// `binary`: every value in a fixed number of bytes, network byte order (big-endian), unsigned or
// two's complement. The HOWTO's "binary" answer: constant cost (a 0 costs as much as a 2^60), no
// parsing, and a value's position is its index times the width.
//
//   binary:width=4 of {1, 258}                    binary:width=2,signed=true of {-2}
//   +-------------+-------------+                  +-------+
//   | 00 00 00 01 | 00 00 01 02 |                  | FF FE |
//   +-------------+-------------+                  +-------+
//
// Encoding refuses a value outside the width's domain (width=2 unsigned: [0, 65535]; signed:
// [-32768, 32767]) naming its index and value. Decoding refuses a byte count that is not a
// multiple of the width (naming the offset of the trailing partial value). Every byte string of
// the right length is a valid, unique encoding.
//
// Spec keys:  width=2|4|8 (default 8)   signed=true|false (default false)
//
// Example:
//   BinaryCodecOptions options;
//   options.width = 4;
//   absl::StatusOr<std::unique_ptr<BinaryCodec>> codec = BinaryCodec::Create(options);
//   std::string out;
//   absl::Status s = (*codec)->EncodeUnsigned({1, 258}, &out);  // 00 00 00 01 00 00 01 02
#ifndef FRAMEKIT_CODECS_BINARY_CODEC_H_
#define FRAMEKIT_CODECS_BINARY_CODEC_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"

namespace framekit {

struct BinaryCodecOptions {
  // Bytes per value: 2, 4 or 8. Default 8.
  int width = 8;
  // Two's complement (true) or unsigned (false). Default false.
  bool is_signed = false;
};

class BinaryCodec final : public Codec {
 public:
  // InvalidArgument for a width other than 2, 4, 8.
  static absl::StatusOr<std::unique_ptr<BinaryCodec>> Create(BinaryCodecOptions options);

  const BinaryCodecOptions& options() const { return options_; }

  absl::string_view name() const override { return "binary"; }
  std::string Spec() const override;
  bool is_signed() const override { return options_.is_signed; }
  int value_bits() const override { return options_.width * 8; }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const override;
  absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const override;
  absl::Status DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const override;
  absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const override;
  size_t MaxEncodedSize(size_t n_values) const override;

 private:
  explicit BinaryCodec(BinaryCodecOptions options) : options_(options) {}

  BinaryCodecOptions options_;
};

// The `binary` kind, for registering.
CodecKind BinaryCodecKind();

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_BINARY_CODEC_H_
