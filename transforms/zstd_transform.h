// framekit/transforms/zstd_transform.h
//
// ZstdTransform: one Zstandard frame per payload (libzstd), its content size and a checksum of the
// content always recorded.
// Spec: zstd:level=3,max=64MiB (level -7..-1 for the fast levels, or 1..22).
//
// Decompressing, bounded by max before anything is allocated:
//   * exactly one frame (a skippable frame counts as one); bytes after it are InvalidArgument, as
//     are a truncated or corrupted frame (the content checksum is verified when present);
//   * a frame whose content size (ZSTD_getFrameContentSize) is over max is ResourceExhausted at
//     once; otherwise the output is sized exactly and decoded in one call;
//   * a frame without a content size (written by a streaming compressor) is decoded in bounded
//     chunks and refused as soon as its output would pass max; its window is limited so that
//     libzstd's own buffers stay within max too (a larger window is ResourceExhausted).
// libzstd allocates through operator new (internal/transform_support.h). A thread keeps one
// compression and one decompression context, reused across calls and transforms.
//
// Example:
//   absl::StatusOr<std::unique_ptr<ZstdTransform>> t = ZstdTransform::Create({});
//   // (*t)->Spec() == "zstd:level=3,max=64MiB"
#ifndef FRAMEKIT_TRANSFORMS_ZSTD_TRANSFORM_H_
#define FRAMEKIT_TRANSFORMS_ZSTD_TRANSFORM_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {

struct ZstdTransformOptions {
  // Compression level: -7..-1 (faster) or 1..22 (smaller). Default 3, zstd's own default.
  int level = 3;
  // Largest decompressed payload.
  size_t max_decompressed_size = kDefaultMaxDecompressedSize;
};

class ZstdTransform final : public Transform {
 public:
  // InvalidArgument for a level or max out of range.
  static absl::StatusOr<std::unique_ptr<ZstdTransform>> Create(ZstdTransformOptions options);

  const ZstdTransformOptions& options() const { return options_; }

  absl::string_view name() const override { return "zstd"; }
  std::string Spec() const override;
  size_t max_decompressed_size() const override { return options_.max_decompressed_size; }
  absl::Status Compress(absl::string_view in, std::string* out) const override;
  absl::Status Decompress(absl::string_view in, std::string* out) const override;

 private:
  explicit ZstdTransform(ZstdTransformOptions options);

  // Decodes a frame without a content size, in chunks.
  absl::Status DecompressStreaming(absl::string_view frame, std::string* out) const;

  ZstdTransformOptions options_;
  int window_log_max_;  // The largest window whose buffers fit in max.
};

TransformKind ZstdTransformKind();

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_ZSTD_TRANSFORM_H_
