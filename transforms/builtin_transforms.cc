// Registers framekit's own transforms through the same public interface users have.
#include "absl/status/status.h"
#include "framekit/transforms/deflate_transform.h"
#include "framekit/transforms/lz4_transform.h"
#include "framekit/transforms/snappy_transform.h"
#include "framekit/transforms/transform_registry.h"
#include "framekit/transforms/zstd_transform.h"

namespace framekit {

absl::Status RegisterBuiltinTransforms(TransformRegistry& registry) {
  for (TransformKind (*kind)() :
       {DeflateTransformKind, Lz4TransformKind, SnappyTransformKind, ZstdTransformKind}) {
    absl::Status status = registry.Register(kind());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace framekit
