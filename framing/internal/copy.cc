#include "framekit/framing/internal/copy.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace framekit {
namespace framing_internal {

void CopyByVectors(char* dst, const char* src, size_t n) {
#if defined(__SSE2__)
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
    const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), a);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), c);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), d);
  }
  std::memcpy(dst + i, src + i, n - i);  // Under 64 bytes: no rep movsb.
#else
  std::memcpy(dst, src, n);
#endif
}

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
  // 2 KiB pieces: glibc's memcpy copies them with vector loops, not `rep movsb`.
  constexpr size_t kPiece = 2048;
  for (size_t i = 0; i < n; i += kPiece) out->append(src + i, std::min(kPiece, n - i));
}

}  // namespace framing_internal
}  // namespace framekit
