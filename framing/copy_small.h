// framekit/framing/copy_small.h
//
// Internal to framekit (the framers' encoders, ByteBuffer, FramedConnection's sends); not a public
// API. CopySmall is memcpy for the few-byte copies of frame assembly -- headers, trailers, 16-byte
// payloads -- without a libc call for up to 16 bytes: two overlapping loads and stores of a
// power-of-two size cover any length in between. Longer copies go to CopyLarge: memcpy minus one
// measured cliff of glibc's (below). Like memcpy, the ranges must not overlap; unlike memcpy,
// CopySmall takes `n == 0` with null pointers. ZeroSmall is the memset(dst, 0, n) counterpart for
// n <= 16. AppendToString is std::string::append minus the same cliff. kEncodeInPlaceMax is where
// the framers' Encode into a std::string stops writing frames in place.
//
// Example:
//   char* p = buffer;
//   CopySmall(p, header, header_size);
//   p += header_size;
//   CopySmall(p, payload.data(), payload.size());
#ifndef FRAMEKIT_FRAMING_COPY_SMALL_H_
#define FRAMEKIT_FRAMING_COPY_SMALL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace framekit {
namespace framing_internal {

// Copies n >= 64 bytes with 16-byte loads and stores, 64 bytes an iteration; CopyLarge's way
// around memcpy's cliff. Out of line: it is rarely taken.
ABSL_ATTRIBUTE_NOINLINE inline void CopyByVectors(char* dst, const char* src, size_t n) {
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

// memcpy (no overlap), except in the one case where glibc 2.36's memcpy falls off a
// cliff on this project's machines (AMD EPYC): over 2 KiB, where it switches to `rep movsb`, with
// the destination 1-31 bytes past the source modulo 4096, it copies at 2-3 GB/s instead of 40-50
// (measured at distances 1, 3, 8, 16 and 31, sizes 3000 to 64 KiB). There a plain 16-byte vector
// loop runs at 27-47 GB/s; elsewhere it is slower than memcpy, so it is used only there. A frame
// encoder copies a caller's payload to wherever the frame lands, so any distance can occur (at
// random, 31 in 4096 copies).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CopyLarge(char* dst, const char* src, size_t n) {
  const uintptr_t distance =
      (reinterpret_cast<uintptr_t>(dst) - reinterpret_cast<uintptr_t>(src)) % 4096;
  if (ABSL_PREDICT_FALSE(n > 2048 && distance - 1 < 31)) {
    CopyByVectors(dst, src, n);
    return;
  }
  std::memcpy(dst, src, n);
}

// AppendToString's path for more than 2 KiB (copy_small.cc).
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

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CopySmall(char* dst, const char* src, size_t n) {
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
// string (append(n, '\0'): one library call, its zero fill cheap at this size). Longer payloads
// are appended as they are, out of line: zeroing them first would double their memory writes.
// (Measured against 64 and 128: 256 was as fast or faster from 16 to 256 bytes.)
inline constexpr size_t kEncodeInPlaceMax = 256;

}  // namespace framing_internal
}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_COPY_SMALL_H_
