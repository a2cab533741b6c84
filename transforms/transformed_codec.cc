#include "framekit/transforms/transformed_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/transforms/internal/stages.h"

namespace framekit {

using transforms_internal::CompressAll;
using transforms_internal::DecompressAll;

absl::StatusOr<std::unique_ptr<Codec>> MakeTransformedCodec(absl::string_view spec) {
  absl::StatusOr<std::vector<absl::string_view>> stages =
      transforms_internal::SplitStages("transformed codec", spec);
  if (!stages.ok()) return stages.status();
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec((*stages)[0]);
  if (!codec.ok()) {
    return absl::Status(codec.status().code(), absl::StrCat("stage 1 of ", stages->size(), ": ",
                                                            codec.status().message()));
  }
  absl::StatusOr<std::vector<std::unique_ptr<Transform>>> transforms =
      transforms_internal::MakeTransforms(*stages, 1);
  if (!transforms.ok()) return transforms.status();
  return std::unique_ptr<Codec>(new TransformedCodec(*std::move(codec), *std::move(transforms)));
}

TransformedCodec::TransformedCodec(std::unique_ptr<Codec> codec,
                                   std::vector<std::unique_ptr<Transform>> transforms)
    : codec_(std::move(codec)), transforms_(std::move(transforms)) {}

std::string TransformedCodec::Spec() const {
  std::string spec = transforms_internal::EscapeStage(codec_->Spec());
  for (const auto& t : transforms_) absl::StrAppend(&spec, "|", t->Spec());
  return spec;
}

absl::Status TransformedCodec::StageError(size_t stage, absl::string_view name,
                                          const absl::Status& s) const {
  return transforms_internal::StageError(stage, transforms_.size() + 1, name, s);
}

template <typename T>
absl::Status TransformedCodec::EncodeImpl(absl::Span<const T> values, std::string* out) const {
  if (transforms_.empty()) {
    absl::Status s = codec_->Encode(values, out);
    return s.ok() ? s : StageError(0, codec_->name(), s);
  }
  std::string encoded;
  absl::Status s = codec_->Encode(values, &encoded);
  if (!s.ok()) return StageError(0, codec_->name(), s);
  return CompressAll(transforms_, 1, transforms_.size() + 1, encoded, out);
}

template <typename T>
absl::Status TransformedCodec::DecodeImpl(absl::string_view bytes, std::vector<T>* out) const {
  absl::Status s;
  if (transforms_.empty()) {
    s = codec_->Decode(bytes, out);
  } else {
    std::string plain, scratch;
    absl::Status d = DecompressAll(transforms_, 1, transforms_.size() + 1, bytes, &plain, &scratch);
    if (!d.ok()) return d;
    s = codec_->Decode(plain, out);  // All-or-error itself.
  }
  return s.ok() ? s : StageError(0, codec_->name(), s);
}

absl::Status TransformedCodec::EncodeUnsigned(absl::Span<const uint64_t> values,
                                              std::string* out) const {
  return EncodeImpl(values, out);
}
absl::Status TransformedCodec::EncodeSigned(absl::Span<const int64_t> values,
                                            std::string* out) const {
  return EncodeImpl(values, out);
}
absl::Status TransformedCodec::DecodeUnsigned(absl::string_view bytes,
                                              std::vector<uint64_t>* out) const {
  return DecodeImpl(bytes, out);
}
absl::Status TransformedCodec::DecodeSigned(absl::string_view bytes,
                                            std::vector<int64_t>* out) const {
  return DecodeImpl(bytes, out);
}

}  // namespace framekit
