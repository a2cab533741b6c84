// framekit/framing/internal/delimiter_internal.h
//
// Internal to framekit: the helpers of delimiter_framer.h (types its classes hold, inline pieces of
// its hot paths). Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_DELIMITER_INTERNAL_H_
#define FRAMEKIT_FRAMING_INTERNAL_DELIMITER_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/framer.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace framekit {

namespace delimiter_internal {

// The delimiters in the form the scanner wants, shared (immutable) by a framer and its decoders.
struct DelimiterSet {
  // How candidate starts are found: one byte and done; memchr for the one byte every delimiter
  // starts with, then compare; or a table of first bytes.
  enum Mode : uint8_t { kOneByte, kOneFirstByte, kTable };

  // Returned by Decide(): a delimiter might start here but more bytes are needed to know.
  static constexpr size_t kUndecided = ~size_t{0};

  // The length of the delimiter ending a frame at `p` (the longest one that matches there), 0 if
  // none can start at `p`, or kUndecided. `data[0, size)` is the stream from the frame's start.
  size_t Decide(const char* data, size_t p, size_t size) const {
    const size_t avail = size - p;
    for (size_t i = 0; i < count; ++i) {  // Longest first: the first full match is the answer.
      // A byte loop: delimiters are at most 16 bytes, too short to be worth a memcmp call.
      const size_t n = len[i];
      const size_t m = avail < n ? avail : n;
      size_t k = 0;
      while (k < m && data[p + k] == bytes[i][k]) ++k;
      if (k == m) return m < n ? kUndecided : n;
    }
    return 0;
  }

  // The earliest start p in [from, limit) where a delimiter ends the frame: returns p and sets
  // `*len` to its length. Otherwise sets `*len` to 0 and returns the first start not yet ruled out:
  // the first undecided position, or `limit`. Requires from <= limit <= size.
  size_t Find(const char* data, size_t from, size_t limit, size_t size, size_t* len) const {
    *len = 0;
    if (from == limit) return limit;  // Also keeps a null `data` away from memchr.
    switch (mode) {
      case kOneByte: {
        const void* hit = std::memchr(data + from, first, limit - from);
        if (hit == nullptr) break;
        *len = 1;
        return static_cast<size_t>(static_cast<const char*>(hit) - data);
      }
      case kOneFirstByte:
        for (size_t i = from; i < limit;) {
          const void* hit = std::memchr(data + i, first, limit - i);
          if (hit == nullptr) break;
          const size_t p = static_cast<size_t>(static_cast<const char*>(hit) - data);
          const size_t n = Decide(data, p, size);
          if (n != 0) {
            *len = n == kUndecided ? 0 : n;
            return p;
          }
          i = p + 1;
        }
        break;
      case kTable:
        for (size_t p = from; p < limit; ++p) {
          if (!starts[static_cast<unsigned char>(data[p])]) continue;
          const size_t n = Decide(data, p, size);
          if (n != 0) {
            *len = n == kUndecided ? 0 : n;
            return p;
          }
        }
        break;
    }
    return limit;
  }

  static constexpr size_t kMaxCount = 8;
  static constexpr size_t kMaxSize = 16;

  Mode mode = kOneByte;
  char first = '\n';
  bool starts[256] = {};  // starts[b]: some delimiter begins with byte b.
  // The delimiters, longest first.
  size_t count = 0;
  uint8_t len[kMaxCount] = {};
  char bytes[kMaxCount][kMaxSize] = {};
};

// Bit i set iff p[i] == c, for i in [0, 64).
inline uint64_t ByteMask64(const char* p, char c) {
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const uint32_t bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
    mask |= static_cast<uint64_t>(bits) << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) mask |= static_cast<uint64_t>(p[i] == c) << i;
  return mask;
#endif
}

// True if some byte of p[0, n) is `c`, for n <= 16, without a libc call: two overlapping words
// covering the bytes, each tested for a byte equal to `c` at once (the exact "has a zero byte" word
// trick applied to word ^ c-in-every-byte).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ContainsByteSmall(const char* p, size_t n, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHighs = 0x8080808080808080u;
  const uint64_t pattern = kOnes * static_cast<uint8_t>(c);
  auto has_c = [&](uint64_t w) {
    w ^= pattern;
    return ((w - kOnes) & ~w & kHighs) != 0;
  };
  if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    return has_c(a) || has_c(b);
  }
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return has_c(a | (static_cast<uint64_t>(b) << 32));
  }
  return n > 0 && (p[0] == c || p[n / 2] == c || p[n - 1] == c);
}

}  // namespace delimiter_internal

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_DELIMITER_INTERNAL_H_
