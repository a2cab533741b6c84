#include "framekit/framing/copy_small.h"

#include <algorithm>

namespace framekit {
namespace framing_internal {

void AppendLargeToString(std::string* out, const char* src, size_t n) {
  const size_t old_size = out->size();
  // Grow first (geometrically, as append would), so that where the bytes land is known.
  if (out->capacity() - old_size < n) out->reserve(std::max(old_size + n, 2 * out->capacity()));
  const uintptr_t distance =
      (reinterpret_cast<uintptr_t>(out->data() + old_size) - reinterpret_cast<uintptr_t>(src)) %
      4096;
  if (distance - 1 >= 31) {
    out->append(src, n);
    return;
  }
  // 2 KiB pieces: glibc's memcpy copies them with vector loops (14-16 GB/s measured for a 64 KiB
  // append at these distances, against 2-3 in one piece).
  constexpr size_t kPiece = 2048;
  for (size_t i = 0; i < n; i += kPiece) out->append(src + i, std::min(kPiece, n - i));
}

}  // namespace framing_internal
}  // namespace framekit
