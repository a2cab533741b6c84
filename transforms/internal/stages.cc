#include "framekit/transforms/internal/stages.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {
namespace transforms_internal {

absl::StatusOr<std::vector<absl::string_view>> SplitStages(absl::string_view what,
                                                           absl::string_view spec) {
  std::vector<absl::string_view> stages = absl::StrSplit(spec, '|');
  for (size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " spec '", spec, "': stage ", i + 1, " of ", stages.size(),
                       " is empty (stages are separated by '|'; write a '|' byte as \\x7C)"));
    }
  }
  return stages;
}

absl::Status StageError(size_t index, size_t count, absl::string_view name,
                        const absl::Status& error) {
  return absl::Status(error.code(), absl::StrCat("stage ", index + 1, " of ", count, " (", name,
                                                 "): ", error.message()));
}

absl::StatusOr<std::vector<std::unique_ptr<Transform>>> MakeTransforms(
    const std::vector<absl::string_view>& stages, size_t first) {
  std::vector<std::unique_ptr<Transform>> transforms;
  for (size_t i = first; i < stages.size(); ++i) {
    absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(stages[i]);
    if (!t.ok()) {
      return absl::Status(t.status().code(), absl::StrCat("stage ", i + 1, " of ", stages.size(),
                                                          ": ", t.status().message()));
    }
    transforms.push_back(*std::move(t));
  }
  return transforms;
}

std::string EscapeStage(absl::string_view spec) {
  return absl::StrReplaceAll(spec, {{"|", "\\x7C"}});
}

absl::Status CompressAll(const std::vector<std::unique_ptr<Transform>>& transforms,
                         size_t first_stage, size_t stage_count, absl::string_view in,
                         std::string* out) {
  if (transforms.empty()) {
    out->append(in.data(), in.size());
    return absl::OkStatus();
  }
  std::string a, b;
  absl::string_view current = in;
  for (size_t i = 0; i < transforms.size(); ++i) {
    const bool last = i + 1 == transforms.size();
    std::string* target = last ? out : (i % 2 == 0 ? &a : &b);
    if (!last) target->clear();
    absl::Status s = transforms[i]->Compress(current, target);  // All-or-error itself.
    if (!s.ok()) return StageError(first_stage + i, stage_count, transforms[i]->name(), s);
    current = *target;
  }
  return absl::OkStatus();
}

absl::Status DecompressAll(const std::vector<std::unique_ptr<Transform>>& transforms,
                           size_t first_stage, size_t stage_count, absl::string_view in,
                           std::string* out, std::string* scratch) {
  // Alternate between *out and *scratch so that the last step lands in *out.
  absl::string_view current = in;
  const size_t n = transforms.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = n - 1 - k;  // Last transform first.
    std::string* target = (n - 1 - k) % 2 == 0 ? out : scratch;
    target->clear();
    absl::Status s = transforms[i]->Decompress(current, target);
    if (!s.ok()) return StageError(first_stage + i, stage_count, transforms[i]->name(), s);
    current = *target;
  }
  if (n == 0) out->assign(in.data(), in.size());
  return absl::OkStatus();
}

}  // namespace transforms_internal
}  // namespace framekit
