#include "framekit/transforms/snappy_transform.h"

#include <snappy.h>

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/spec/spec_values.h"
#include "framekit/transforms/internal/transform_support.h"

namespace framekit {

absl::StatusOr<std::unique_ptr<SnappyTransform>> SnappyTransform::Create(
    SnappyTransformOptions options) {
  if (options.max_decompressed_size < 1 || options.max_decompressed_size > (size_t{1} << 40)) {
    return absl::InvalidArgumentError(absl::StrCat("snappy: max ", options.max_decompressed_size,
                                                   " is out of range: expected 1 to 1TiB"));
  }
  return std::unique_ptr<SnappyTransform>(new SnappyTransform(options));
}

std::string SnappyTransform::Spec() const {
  return absl::StrCat("snappy:max=", FormatSize(options_.max_decompressed_size));
}

absl::Status SnappyTransform::Compress(absl::string_view in, std::string* out) const {
  if (in.size() > UINT32_MAX) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "snappy: input of ", in.size(), " bytes is over the format's limit of ", UINT32_MAX));
  }
  const size_t old_size = out->size();
  out->resize(old_size + snappy::MaxCompressedLength(in.size()));
  size_t n = 0;
  snappy::RawCompress(in.data(), in.size(), &(*out)[old_size], &n);
  out->resize(old_size + n);
  return absl::OkStatus();
}

absl::Status SnappyTransform::Decompress(absl::string_view in, std::string* out) const {
  const size_t max = options_.max_decompressed_size;
  size_t size = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &size)) {
    return transforms_internal::Malformed(
        "snappy", in.empty() ? "empty input (the size comes first)" : "bad or truncated size");
  }
  if (size > max) return transforms_internal::OverMax("snappy", "the input claims", size, max);
  const size_t old_size = out->size();
  out->resize(old_size + size);
  // RawUncompress fails unless the body produces exactly `size` bytes and ends with the input.
  if (!snappy::RawUncompress(in.data(), in.size(), &(*out)[old_size])) {
    out->resize(old_size);
    return transforms_internal::Malformed(
        "snappy", absl::StrCat("corrupted or truncated body, or bytes after its end (the size "
                               "says ",
                               size, ")"));
  }
  return absl::OkStatus();
}

TransformKind SnappyTransformKind() {
  TransformKind kind;
  kind.name = "snappy";
  kind.summary = "Snappy raw format (decompressed size first)";
  kind.keys = {{"max", std::string(transforms_internal::kMaxHelp)}};
  kind.factory =
      [](const TransformSettings& settings) -> absl::StatusOr<std::unique_ptr<Transform>> {
    SnappyTransformOptions options;
    absl::StatusOr<size_t> max = transforms_internal::GetMax(settings);
    if (!max.ok()) return max.status();
    options.max_decompressed_size = *max;
    absl::StatusOr<std::unique_ptr<SnappyTransform>> t = SnappyTransform::Create(options);
    if (!t.ok()) return t.status();
    return std::unique_ptr<Transform>(*std::move(t));
  };
  return kind;
}

}  // namespace framekit
