// framekit/framing/copy_small.h
//
// Internal to framekit (the framers' batch encoders and FramedConnection::SendBatch); not a public
// API. CopySmall is memcpy for the few-byte copies of frame assembly -- headers, trailers, 16-byte
// payloads -- without a libc call for up to 16 bytes: two overlapping loads and stores of a
// power-of-two size cover any length in between. Longer copies go to memcpy. Like memcpy, the
// ranges must not overlap; unlike memcpy, `n == 0` with null pointers is fine. ZeroSmall is the
// memset(dst, 0, n) counterpart for n <= 16. kEncodeInPlaceMax is where the framers' Encode stops
// writing frames in place.
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

#include "absl/base/attributes.h"

namespace framekit {
namespace framing_internal {

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
    std::memcpy(dst, src, n);
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
