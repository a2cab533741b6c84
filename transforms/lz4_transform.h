// framekit/transforms/lz4_transform.h
//
// Lz4Transform: one LZ4 block per payload (liblz4), behind the decompressed size as a LEB128
// varint (coding/varint.h, shortest form):   [varint size][LZ4 block]
// Spec: lz4:level=0,max=64MiB (level 0: LZ4's fast compressor; 3..12: LZ4 HC at that level).
//
// Why the block format and not the LZ4 frame format (lz4frame.h): a frame declares a block size
// of up to 4 MiB, and liblz4's frame decoder allocates buffers of that size whatever the payload
// is, so a 15-byte frame header could make it allocate 8 MiB with max at 64 KiB. The block format
// decodes straight into output sized from the prefix, so nothing but the checked size is ever
// allocated. The cost: it is not the `lz4` command's format, and it has no checksum (a corrupted
// literal byte decodes to a different byte; use zstd or deflate where that matters).
//
// Decompressing: a size over max is ResourceExhausted before anything is allocated; a size LZ4
// cannot expand the block to (more than 255 times the block), a malformed or truncated block, a
// block that ends early or runs past the size, and bytes after the block are InvalidArgument.
//
// Example:
//   absl::StatusOr<std::unique_ptr<Lz4Transform>> t = Lz4Transform::Create({});
//   // (*t)->Spec() == "lz4:level=0,max=64MiB"
#ifndef FRAMEKIT_TRANSFORMS_LZ4_TRANSFORM_H_
#define FRAMEKIT_TRANSFORMS_LZ4_TRANSFORM_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {

struct Lz4TransformOptions {
  // 0: the fast compressor (default); 3..12: LZ4 HC, slower and smaller.
  int level = 0;
  // Largest decompressed payload.
  size_t max_decompressed_size = kDefaultMaxDecompressedSize;
};

class Lz4Transform final : public Transform {
 public:
  // InvalidArgument for a level or max out of range.
  static absl::StatusOr<std::unique_ptr<Lz4Transform>> Create(Lz4TransformOptions options);

  const Lz4TransformOptions& options() const { return options_; }

  absl::string_view name() const override { return "lz4"; }
  std::string Spec() const override;
  size_t max_decompressed_size() const override { return options_.max_decompressed_size; }
  // ResourceExhausted for input over LZ4_MAX_INPUT_SIZE (about 2 GiB), the block format's limit.
  absl::Status Compress(absl::string_view in, std::string* out) const override;
  absl::Status Decompress(absl::string_view in, std::string* out) const override;

 private:
  explicit Lz4Transform(Lz4TransformOptions options) : options_(options) {}

  Lz4TransformOptions options_;
};

TransformKind Lz4TransformKind();

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_LZ4_TRANSFORM_H_
