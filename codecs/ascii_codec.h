// framekit/codecs/ascii_codec.h
//
// `ascii`: every value as ASCII decimal followed by a separator byte (default '\n'), exactly the
// HOWTO's "0\n": a 0 costs 2 bytes where binary spends 8, a 2^63 costs 20 digits + 1, and a human
// can read the payload.
//
//   ascii of {0, 300}                    ascii:sep=\x2C,signed=true of {-7}
//   +-------+-------------+              +----------+
//   | 30 0A | 33 30 30 0A |              | 2D 37 2C |
//   | '0\n' | '300\n'     |              | '-7,'    |
//   +-------+-------------+              +----------+
//
// Every value is *terminated* (not separated) by the separator, so the empty payload is the empty
// sequence and concatenated payloads concatenate. Decoding is strict, so that each sequence has
// exactly one encoding: digits only, plus one leading '-' when signed=true; no leading zeros
// ("0" itself only), no "-0", no empty fields, no spaces or '+', no value over the domain
// (uint64, or int64 when signed), and the last value must be terminated.
//
// Spec keys:  sep=BYTE (default \n; not a digit, nor '-' when signed)
//             signed=true|false (default false)
//
// Example:
//   absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("ascii:signed=true");
//   std::string out;
//   absl::Status s = (*codec)->EncodeSigned({-1, 20}, &out);  // "-1\n20\n"
#ifndef FRAMEKIT_CODECS_ASCII_CODEC_H_
#define FRAMEKIT_CODECS_ASCII_CODEC_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"

namespace framekit {

struct AsciiCodecOptions {
  // The byte after every value. Default '\n'. Must not be a digit, nor '-' when signed.
  char separator = '\n';
  // Values are int64 with an optional leading '-' (true) or uint64 (false). Default false.
  bool is_signed = false;
};

class AsciiCodec final : public Codec {
 public:
  // Longest encoding of one value: "-9223372036854775808" or "18446744073709551615", + separator.
  static constexpr size_t kMaxValueSize = 21;

  // InvalidArgument for a separator that could be part of a number.
  static absl::StatusOr<std::unique_ptr<AsciiCodec>> Create(AsciiCodecOptions options);

  const AsciiCodecOptions& options() const { return options_; }

  absl::string_view name() const override { return "ascii"; }
  std::string Spec() const override;
  bool is_signed() const override { return options_.is_signed; }
  int value_bits() const override { return 64; }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const override;
  absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const override;
  absl::Status DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const override;
  absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const override;
  size_t MaxEncodedSize(size_t n_values) const override;

 private:
  explicit AsciiCodec(AsciiCodecOptions options) : options_(options) {}

  AsciiCodecOptions options_;
};

// The `ascii` kind, for registering.
CodecKind AsciiCodecKind();

}  // namespace framekit

#endif  // FRAMEKIT_CODECS_ASCII_CODEC_H_
