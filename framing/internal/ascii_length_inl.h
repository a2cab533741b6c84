// framekit/framing/internal/ascii_length_inl.h
//
// Internal to framekit: the inline hot paths of ascii_length_framer.h, which includes this file at
// its end so that a caller holding the concrete (final) types pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_ASCII_LENGTH_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_ASCII_LENGTH_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

namespace framing_internal {

// The header: lengths under 100 (small frames, where this shows) as zeros and the last two digits
// from the pair table, with no division.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void WriteAsciiLength(size_t payload_size, size_t digits,
                                                          char* out) {
  if (payload_size < 100 && digits >= 2) {
    static constexpr char kZeros[] = "00000000000000000000";  // kMaxDecimalDigits '0's.
    framing_internal::CopyBytes(out, kZeros, digits);
    std::memcpy(out + digits - 2, kDigitPairs + 2 * payload_size, 2);
  } else {
    FormatFixedWidth(payload_size, static_cast<int>(digits), out);
  }
}

}  // namespace framing_internal

ABSL_ATTRIBUTE_ALWAYS_INLINE inline size_t AsciiLengthFramer::WriteHeader(size_t payload_size,
                                                                          char* out) const {
  const size_t digits = static_cast<size_t>(options_.digits);
  framing_internal::WriteAsciiLength(payload_size, digits, out);
  return digits;
}

// The width in a local: a member would be reloaded after every store through `p`.
inline void AsciiLengthFramer::WriteBatch(absl::Span<const absl::string_view> payloads,
                                          char* p) const {
  const size_t digits = static_cast<size_t>(options_.digits);
  for (const absl::string_view payload : payloads) {
    framing_internal::WriteAsciiLength(payload.size(), digits, p);
    p += digits;
    framing_internal::CopyBytes(p, payload.data(), payload.size());
    p += payload.size();
  }
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_ASCII_LENGTH_INL_H_
