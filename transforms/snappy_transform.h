// framekit/transforms/snappy_transform.h
//
// SnappyTransform: Snappy's raw format (libsnappy), which starts with the decompressed size as a
// varint32. Spec: snappy:max=64MiB (Snappy has no levels).
//
// Decompressing: the size from snappy::GetUncompressedLength over max is ResourceExhausted before
// anything is allocated; otherwise the output is sized exactly and snappy::RawUncompress must fill
// it exactly. A malformed size, a corrupted or truncated body and bytes after the end are
// InvalidArgument. Raw Snappy has no checksum: a corrupted literal byte decodes to a different
// byte (use zstd or deflate where that matters).
//
// Example:
//   absl::StatusOr<std::unique_ptr<SnappyTransform>> t = SnappyTransform::Create({});
//   // (*t)->Spec() == "snappy:max=64MiB"
#ifndef FRAMEKIT_TRANSFORMS_SNAPPY_TRANSFORM_H_
#define FRAMEKIT_TRANSFORMS_SNAPPY_TRANSFORM_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {

struct SnappyTransformOptions {
  // Largest decompressed payload.
  size_t max_decompressed_size = kDefaultMaxDecompressedSize;
};

class SnappyTransform final : public Transform {
 public:
  // InvalidArgument for a max out of range.
  static absl::StatusOr<std::unique_ptr<SnappyTransform>> Create(SnappyTransformOptions options);

  const SnappyTransformOptions& options() const { return options_; }

  absl::string_view name() const override { return "snappy"; }
  std::string Spec() const override;
  size_t max_decompressed_size() const override { return options_.max_decompressed_size; }
  // ResourceExhausted for input of 4 GiB or more (the format's varint32 size).
  absl::Status Compress(absl::string_view in, std::string* out) const override;
  absl::Status Decompress(absl::string_view in, std::string* out) const override;

 private:
  explicit SnappyTransform(SnappyTransformOptions options) : options_(options) {}

  SnappyTransformOptions options_;
};

TransformKind SnappyTransformKind();

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_SNAPPY_TRANSFORM_H_
