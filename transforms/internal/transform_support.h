// framekit/transforms/internal/transform_support.h
//
// What the built-in transforms share: the `max` key, the errors (one wording for all), the
// allocator the compression libraries are given, and BoundedOutput, the chunked sink for
// decompressors that do not know their output size in advance.
#ifndef FRAMEKIT_TRANSFORMS_INTERNAL_TRANSFORM_SUPPORT_H_
#define FRAMEKIT_TRANSFORMS_INTERNAL_TRANSFORM_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {
namespace transforms_internal {

// The help text of the `max` key and its parsed value: a size >= 1, default 64MiB, at most 1TiB
// (so sums with it cannot overflow).
inline constexpr absl::string_view kMaxHelp =
    "largest decompressed payload (KiB/MiB/GiB suffixes); default 64MiB, 1 to 1TiB";
absl::StatusOr<size_t> GetMax(const TransformSettings& settings);

// "NAME: <what> N bytes, over max=M": ResourceExhausted.
absl::Status OverMax(absl::string_view name, absl::string_view what, uint64_t size, size_t max);
// "NAME: decompressed output exceeds max=M": ResourceExhausted.
absl::Status OutputOverMax(absl::string_view name, size_t max);
// "NAME: malformed input: WHY": InvalidArgument.
absl::Status Malformed(absl::string_view name, absl::string_view why);

// Raw memory for the compression libraries' own allocations, through the global operator new, so
// that their working memory is bounded by, and visible to, the same accounting as ours (the bomb
// tests count operator new). Returns nullptr on failure, as malloc does.
void* AllocateBytes(size_t n);
void FreeBytes(void* p);

// Output of unknown size, at most `max` bytes, in chunks no larger than kMaxChunk, so nothing is
// allocated for bytes that were never produced and no single allocation passes max (a
// std::string grown towards max may double its capacity past it). Moved into the caller's string
// only once the whole input has decoded (all-or-error).
class BoundedOutput {
 public:
  static constexpr size_t kFirstChunk = 16 << 10;
  static constexpr size_t kMaxChunk = 256 << 10;

  explicit BoundedOutput(size_t max) : max_(max) {}

  // Writable room at the end: empty only when max bytes are held.
  absl::Span<char> Room();
  // Records that `n` bytes of the last Room() were written.
  void Commit(size_t n) {
    used_ += n;
    size_ += n;
  }
  size_t size() const { return size_; }
  bool full() const { return size_ == max_; }
  // Appends every byte held to `out`, reserving once.
  void AppendTo(std::string* out) const;

 private:
  const size_t max_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t last_capacity_ = 0;  // Of chunks_.back().
  size_t used_ = 0;           // Bytes written into chunks_.back().
  size_t size_ = 0;
};

}  // namespace transforms_internal
}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_INTERNAL_TRANSFORM_SUPPORT_H_
