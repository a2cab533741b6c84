// framekit/transforms/internal/stages.h
//
// The composition grammar, written once for codecs and framers: stages separated by '|'.
#ifndef FRAMEKIT_TRANSFORMS_INTERNAL_STAGES_H_
#define FRAMEKIT_TRANSFORMS_INTERNAL_STAGES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/transforms/transform.h"

namespace framekit {
namespace transforms_internal {

// The stages of `spec`, at least one. InvalidArgument naming `what` ("transformed codec") and the
// spec for an empty stage.
absl::StatusOr<std::vector<absl::string_view>> SplitStages(absl::string_view what,
                                                           absl::string_view spec);

// `error` from stage `index` (0-based) of `count`, its code kept: "stage 2 of 3 (zstd): ...".
absl::Status StageError(size_t index, size_t count, absl::string_view name,
                        const absl::Status& error);

// Builds the transforms of stages[first...]; errors name the stage.
absl::StatusOr<std::vector<std::unique_ptr<Transform>>> MakeTransforms(
    const std::vector<absl::string_view>& stages, size_t first);

// A stage's canonical spec as it is written in a composed spec: '|' escaped as \x7C.
std::string EscapeStage(absl::string_view spec);

// Compresses `in` with each transform in order, appending the result to `out` (all-or-error);
// `first_stage` numbers the transforms in errors.
absl::Status CompressAll(const std::vector<std::unique_ptr<Transform>>& transforms,
                         size_t first_stage, size_t stage_count, absl::string_view in,
                         std::string* out);
// The reverse: decompresses with the last transform first. `*out` is replaced, not appended to;
// `scratch` is reused working space.
absl::Status DecompressAll(const std::vector<std::unique_ptr<Transform>>& transforms,
                           size_t first_stage, size_t stage_count, absl::string_view in,
                           std::string* out, std::string* scratch);

}  // namespace transforms_internal
}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_INTERNAL_STAGES_H_
