// framekit/framing/internal/fixed_length_inl.h
//
// Internal to framekit: the inline hot paths of fixed_length_framer.h, which includes this file at
// its end so that a caller holding the concrete (final) types pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

ABSL_ATTRIBUTE_ALWAYS_INLINE inline Decoder::Result FixedLengthDecoder::Next(
    absl::string_view* frame) {
  if (buffer().size() < frame_size_) return kNeedMore;  // Never fails: no error to check first.
  *frame = absl::string_view(buffer().data(), frame_size_);
  Consume(frame_size_);
  return kFrame;
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_INL_H_
