// framekit/transforms/deflate_transform.h
//
// DeflateTransform: DEFLATE in the zlib wrapper (RFC 1950: a 2-byte header, the DEFLATE stream,
// an Adler-32 of the content), through zlib. The wrapper is what HTTP's "deflate" content-coding
// and gRPC's "deflate" encoding carry, and its checksum catches corruption raw DEFLATE would
// decode silently. Spec: deflate:level=6,max=64MiB (level 0..9, 0 = stored).
//
// Decompressing: DEFLATE records no size, so output is produced in bounded chunks
// (internal/transform_support.h, BoundedOutput) and refused with ResourceExhausted as soon as it
// would pass max: a bomb costs at most max bytes of output, plus zlib's 32 KiB window. A preset
// dictionary, a corrupted or truncated stream, a bad checksum and bytes after the end are
// InvalidArgument. zlib allocates through operator new.
//
// Example:
//   absl::StatusOr<std::unique_ptr<DeflateTransform>> t = DeflateTransform::Create({});
//   // (*t)->Spec() == "deflate:level=6,max=64MiB"
#ifndef FRAMEKIT_TRANSFORMS_DEFLATE_TRANSFORM_H_
#define FRAMEKIT_TRANSFORMS_DEFLATE_TRANSFORM_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {

struct DeflateTransformOptions {
  // 0 (stored) .. 9 (smallest). Default 6, zlib's own default.
  int level = 6;
  // Largest decompressed payload.
  size_t max_decompressed_size = kDefaultMaxDecompressedSize;
};

class DeflateTransform final : public Transform {
 public:
  // InvalidArgument for a level or max out of range.
  static absl::StatusOr<std::unique_ptr<DeflateTransform>> Create(DeflateTransformOptions options);

  const DeflateTransformOptions& options() const { return options_; }

  absl::string_view name() const override { return "deflate"; }
  std::string Spec() const override;
  size_t max_decompressed_size() const override { return options_.max_decompressed_size; }
  absl::Status Compress(absl::string_view in, std::string* out) const override;
  absl::Status Decompress(absl::string_view in, std::string* out) const override;

 private:
  explicit DeflateTransform(DeflateTransformOptions options) : options_(options) {}

  DeflateTransformOptions options_;
};

TransformKind DeflateTransformKind();

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_DEFLATE_TRANSFORM_H_
