// framekit/transforms/transformed_codec.h
//
// A codec followed by transforms, as one framekit::Codec: integers -> codec bytes -> transform 1
// -> transform 2 ..., and back in reverse. It answers "binary, ASCII -- or compressed?" by spec.
//
// Composition grammar (the same for framers, transformed_framer.h):
//   STAGE[|STAGE]...      the first stage a codec spec (codec_registry.h), then transform specs
//                         (transform_registry.h) in the order they are applied when encoding.
//   varint                              no transform: the codec alone
//   ascii:sep=\x2C|zstd:level=3         ASCII decimal, then zstd
//   binary:width=8|deflate:level=9
// '|' separates stages and nothing else: write a '|' inside a value as \x7C (ascii:sep=\x7C).
// No spaces, no empty stages.
//
// The Codec contract holds (codecs/codec.h): Encode and Decode append and are all-or-error; the
// domain (is_signed, value_bits) is the codec's; Spec() is canonical (each stage's canonical spec,
// joined by '|') and MakeTransformedCodec(Spec()) rebuilds an equal codec. Errors keep the stage's
// code (a decompression bomb stays ResourceExhausted, a corrupt frame InvalidArgument) and say
// which stage failed: "stage 2 of 2 (zstd): zstd: malformed input: ...".
//
// Example:
//   absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint|zstd:level=3");
//   std::string payload;
//   const std::vector<uint64_t> values = {1, 300, 70000};
//   absl::Status s = (*codec)->EncodeUnsigned(values, &payload);  // a zstd frame
//   std::vector<uint64_t> back;
//   if (s.ok()) s = (*codec)->DecodeUnsigned(payload, &back);      // {1, 300, 70000}
#ifndef FRAMEKIT_TRANSFORMS_TRANSFORMED_CODEC_H_
#define FRAMEKIT_TRANSFORMS_TRANSFORMED_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/codecs/codec.h"
#include "framekit/transforms/transform.h"

namespace framekit {

// Builds "codec[|transform]..." from the global codec and transform registries. InvalidArgument
// for an empty stage or a bad stage spec (the stage's own error, prefixed with "stage N: ").
absl::StatusOr<std::unique_ptr<Codec>> MakeTransformedCodec(absl::string_view spec);

class TransformedCodec final : public Codec {
 public:
  // `transforms` may be empty (then this is the codec itself, spelled the same).
  TransformedCodec(std::unique_ptr<Codec> codec,
                   std::vector<std::unique_ptr<Transform>> transforms);

  const Codec& codec() const { return *codec_; }
  const std::vector<std::unique_ptr<Transform>>& transforms() const { return transforms_; }

  absl::string_view name() const override { return codec_->name(); }
  std::string Spec() const override;
  bool is_signed() const override { return codec_->is_signed(); }
  int value_bits() const override { return codec_->value_bits(); }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const override;
  absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const override;
  absl::Status DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const override;
  absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const override;

 private:
  template <typename T>
  absl::Status EncodeImpl(absl::Span<const T> values, std::string* out) const;
  template <typename T>
  absl::Status DecodeImpl(absl::string_view bytes, std::vector<T>* out) const;
  // The codec stage's error, or stage i (1-based, transforms from 2)'s, with the stage named.
  absl::Status StageError(size_t stage, absl::string_view name, const absl::Status& s) const;

  std::unique_ptr<Codec> codec_;
  std::vector<std::unique_ptr<Transform>> transforms_;
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_TRANSFORMED_CODEC_H_
