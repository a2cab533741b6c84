// framekit/framing/internal/copy.h
//
// Internal to framekit (the framers' encoders, ByteBuffer, FramedConnection's sends). CopyBytes is
// memcpy without a libc call for up to 16 bytes (headers, trailers, small payloads: two
// overlapping loads and stores of a power-of-two size cover any length in between); longer copies
// go to CopyLarge, which is memcpy minus one cliff of glibc's `rep movsb` (see CopyLarge). Like
// memcpy the ranges must not overlap; unlike it, n == 0 with null pointers is fine. ZeroSmall is
// memset(dst, 0, n) for n <= 16. AppendToString is std::string::append minus the same cliff.
// Measurements: benchmarks/framing/RESULTS.md.
//
// Example:
//   char* p = buffer;
//   CopyBytes(p, header, header_size);
//   CopyBytes(p + header_size, payload.data(), payload.size());
#ifndef FRAMEKIT_FRAMING_INTERNAL_COPY_H_
#define FRAMEKIT_FRAMING_INTERNAL_COPY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"

namespace framekit {
namespace framing_internal {

// Copies n >= 64 bytes with 16-byte vector loads and stores: CopyLarge's way around memcpy's
// cliff. Out of line (copy.cc, where the SIMD header stays): it is rarely taken.
void CopyByVectors(char* dst, const char* src, size_t n);

// memcpy, except where glibc's memcpy falls off a cliff on this project's machines: over 2 KiB
// (`rep movsb`) with the destination 1-31 bytes past the source modulo 4096. A frame encoder
// copies a caller's payload to wherever the frame lands, so that distance does occur; there a
// vector loop is many times faster, elsewhere slower, so it is used only there.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CopyLarge(char* dst, const char* src, size_t n) {
  const uintptr_t distance =
      (reinterpret_cast<uintptr_t>(dst) - reinterpret_cast<uintptr_t>(src)) % 4096;
  if (ABSL_PREDICT_FALSE(n > 2048 && distance - 1 < 31)) {
    CopyByVectors(dst, src, n);
    return;
  }
  std::memcpy(dst, src, n);
}

// AppendToString's path for more than 2 KiB (copy.cc).
void AppendLargeToString(std::string* out, const char* src, size_t n);

// out->append(src, n), `src` not pointing into `*out`: libstdc++'s append copies with memcpy, so a
// large append whose destination lands 1-31 bytes past `src` modulo 4096 is appended in pieces
// small enough to stay off `rep movsb` (CopyLarge's cliff) instead.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void AppendToString(std::string* out, const char* src,
                                                        size_t n) {
  if (ABSL_PREDICT_FALSE(n > 2048)) {
    AppendLargeToString(out, src, n);
    return;
  }
  out->append(src, n);
}

// memcpy: up to 16 bytes without a call, more through CopyLarge.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n > 0 && n < 4) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  } else if (n > 16) {
    CopyLarge(dst, src, n);
  }
}

// Zeroes dst[0, n) for n <= 16 (a length header's offset bytes) the same way.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void ZeroSmall(char* dst, size_t n) {
  if (n >= 8) {
    const uint64_t zero = 0;
    std::memcpy(dst, &zero, 8);
    std::memcpy(dst + n - 8, &zero, 8);
  } else if (n >= 4) {
    const uint32_t zero = 0;
    std::memcpy(dst, &zero, 4);
    std::memcpy(dst + n - 4, &zero, 4);
  } else if (n > 0) {
    dst[0] = 0;
    dst[n / 2] = 0;
    dst[n - 1] = 0;
  }
}

// Encode() writes a frame whose payload is at most this long in place, after one growth of the
// string (append(n, '\0'): its zero fill is cheap at this size). Longer payloads are appended as
// they are: zeroing them first would double their memory writes. (Chosen by benchmark.)
inline constexpr size_t kEncodeInPlaceMax = 256;

}  // namespace framing_internal
}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_COPY_H_
