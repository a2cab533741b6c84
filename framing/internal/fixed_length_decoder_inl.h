// framekit/framing/internal/fixed_length_decoder_inl.h
//
// Internal to framekit: FixedLengthDecoder::Next(), included at the end of fixed_length_decoder.h
// so that a caller holding the concrete (final) type pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_DECODER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_DECODER_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/fixed_length_decoder.h"
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

#endif  // FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_DECODER_INL_H_
