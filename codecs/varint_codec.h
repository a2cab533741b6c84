// framekit/codecs/varint_codec.h
//
// `varint`: LEB128 (protobuf's varint), 7 value bits per byte, least significant group first, the
// high bit set on every byte but the last. Small values are small (0-127 in 1 byte, the HOWTO's
// "0" in 1 byte rather than 8), a uint64 takes at most 10. With zigzag=true values are int64,
// mapped 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... first so that small negatives stay small.
//
//   varint of {1, 300}               300 = 0b10_0101100
//   +----+-------+                   byte 0: 1|0101100 = AC  (continuation, low 7 bits)
//   | 01 | AC 02 |                   byte 1: 0|0000010 = 02  (last, next 7 bits)
//   +----+-------+
//   varint:zigzag=true of {-1, 1, INT64_MIN} -> 01 | 02 | FF..FF 01
//
// Decoding is strict so that bytes and values correspond one to one: it refuses a truncated
// varint (input ends on a byte with the continuation bit), one over 10 bytes or with bits past
// 64 (10th byte > 01), and overlong encodings (a last byte of 00 after others, e.g. 80 00 for 0).
//
// Spec keys:  zigzag=true|false (default false: values are uint64)
//
// Example:
//   absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("varint");
//   std::string out;
//   absl::Status s = (*codec)->EncodeUnsigned({300}, &out);  // AC 02
#ifndef FRAMEKIT_CODECS_VARINT_CODEC_H_
#define FRAMEKIT_CODECS_VARINT_CODEC_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"

namespace framekit {

struct VarintCodecOptions {
  // Values are int64, zigzag-mapped before LEB128 (true), or uint64 (false). Default false.
  bool zigzag = false;
};

class VarintCodec final : public Codec {
 public:
  // Longest varint: ceil(64 / 7) bytes.
  static constexpr size_t kMaxVarintSize = 10;

  static absl::StatusOr<std::unique_ptr<VarintCodec>> Create(VarintCodecOptions options);

  const VarintCodecOptions& options() const { return options_; }

  absl::string_view name() const override { return "varint"; }
  std::string Spec() const override;
  bool is_signed() const override { return options_.zigzag; }
  int value_bits() const override { return 64; }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const override;
  absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const override;
  absl::Status DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const override;
  absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const override;
  size_t MaxEncodedSize(size_t n_values) const override;

 private:
  explicit VarintCodec(VarintCodecOptions options) : options_(options) {}

  VarintCodecOptions options_;
};

// The `varint` kind, for registering.
CodecKind VarintCodecKind();

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_VARINT_CODEC_H_
