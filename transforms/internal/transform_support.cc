#include "framekit/transforms/internal/transform_support.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "absl/strings/str_cat.h"
#include "framekit/spec/spec_values.h"

namespace framekit {
namespace transforms_internal {

absl::StatusOr<size_t> GetMax(const TransformSettings& settings) {
  absl::StatusOr<uint64_t> max = settings.GetSize("max", kDefaultMaxDecompressedSize);
  if (!max.ok()) return max.status();
  if (*max < 1 || *max > (uint64_t{1} << 40)) {
    return settings.BadValue("max", "expected a size from 1 to 1TiB");
  }
  return static_cast<size_t>(*max);
}

absl::Status OverMax(absl::string_view name, absl::string_view what, uint64_t size, size_t max) {
  return absl::ResourceExhaustedError(
      absl::StrCat(name, ": ", what, " ", size, " bytes, over max=", FormatSize(max)));
}

absl::Status OutputOverMax(absl::string_view name, size_t max) {
  return absl::ResourceExhaustedError(
      absl::StrCat(name, ": decompressed output exceeds max=", FormatSize(max)));
}

absl::Status Malformed(absl::string_view name, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(name, ": malformed input: ", why));
}

void* AllocateBytes(size_t n) { return ::operator new(n, std::nothrow); }
void FreeBytes(void* p) { ::operator delete(p); }

absl::Span<char> BoundedOutput::Room() {
  if (size_ == max_) return {};
  if (chunks_.empty() || used_ == last_capacity_) {
    const size_t next = chunks_.empty() ? kFirstChunk : std::min(2 * last_capacity_, kMaxChunk);
    last_capacity_ = std::min(next, max_ - size_);
    chunks_.emplace_back(new char[last_capacity_]);
    used_ = 0;
  }
  return absl::Span<char>(chunks_.back().get() + used_, last_capacity_ - used_);
}

void BoundedOutput::AppendTo(std::string* out) const {
  out->reserve(out->size() + size_);
  size_t left = size_;
  size_t capacity = kFirstChunk;  // Every chunk but the last is full; recompute their sizes.
  for (size_t i = 0; i < chunks_.size(); ++i) {
    const size_t n = i + 1 == chunks_.size() ? left : std::min(capacity, left);
    out->append(chunks_[i].get(), n);
    left -= n;
    capacity = std::min(2 * capacity, kMaxChunk);
  }
}

}  // namespace transforms_internal
}  // namespace framekit
