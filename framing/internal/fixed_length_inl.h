// framekit/framing/internal/fixed_length_inl.h
//
// Internal to framekit: the inline hot paths of fixed_length_framer.h, which includes this file at its
// end so that a caller holding the concrete (final) types pays no call. Not a public API.
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
#include "framekit/framing/internal/copy.h"
#include "framekit/framing/fixed_length_framer.h"

namespace framekit {

inline Decoder::Result FixedLengthDecoder::Next(absl::string_view* frame) {
  if (buffer().size() < frame_size_) return kNeedMore;  // Never fails: no error to check first.
  *frame = absl::string_view(buffer().data(), frame_size_);
  Consume(frame_size_);
  return kFrame;
}

inline absl::Status FixedLengthFramer::Encode(absl::string_view payload, std::string* out) const {
  // A payload of exactly frame_size is the frame: one append. Anything else, out of line, keeping
  // this inline path small.
  if (ABSL_PREDICT_FALSE(payload.size() != frame_size_)) return EncodePadded(payload, out);
  framing_internal::AppendToString(out, payload.data(), payload.size());
  return absl::OkStatus();
}

inline absl::Status FixedLengthFramer::EncodeEnvelope(absl::string_view payload,
                                                      FrameEnvelope* envelope) const {
  envelope->set_header_size(0);
  if (payload.size() != frame_size_) {
    if (payload.size() > frame_size_ || padding_.empty()) return BadPayload(payload.size());
    envelope->set_trailer(absl::string_view(padding_.data(), frame_size_ - payload.size()));
    return absl::OkStatus();
  }
  envelope->set_trailer(absl::string_view());
  return absl::OkStatus();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::Status FixedLengthFramer::Encode(
    absl::string_view payload, ByteBuffer* out) const {
  const size_t size = payload.size();
  if (ABSL_PREDICT_FALSE(size != frame_size_)) {
    if (size > frame_size_ || padding_.empty()) return BadPayload(size);
  }
  char* p = out->Prepare(frame_size_);
  framing_internal::CopyBytes(p, payload.data(), size);
  framing_internal::CopyBytes(p + size, padding_.data(), frame_size_ - size);  // Nothing if exact.
  out->Commit(frame_size_);
  return absl::OkStatus();
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_FIXED_LENGTH_INL_H_
