// framekit/framing/internal/length_header_decoder_inl.h
//
// Internal to framekit: LengthHeaderDecoder::Next(), included at the end of
// length_header_decoder.h so that a caller holding the concrete (final) type pays no call.
#ifndef FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_DECODER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_DECODER_INL_H_

#include <cstddef>
#include <cstdint>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/internal/length_header_internal.h"
#include "framekit/framing/length_header_decoder.h"

namespace framekit {

ABSL_ATTRIBUTE_ALWAYS_INLINE inline Decoder::Result LengthHeaderDecoder::Next(
    absl::string_view* frame) {
  using length_header_internal::FieldCodec;
  // Fast path: a fixed-width or short varint header at the front and no error pending (kHead with
  // no fatal error implies status() is OK: a skipped frame's report always leaves kDiscard first).
  if (ABSL_PREDICT_TRUE(state_ == State::kHead && !failed())) {
    const size_t available = buffer().size();
    const char* p = buffer().data();
    size_t header_size;
    uint64_t field;
    if (ABSL_PREDICT_TRUE(layout_.codec != FieldCodec::kVarint)) {
      header_size = layout_.header_size;
      if (ABSL_PREDICT_FALSE(available < header_size)) return kNeedMore;
      field = length_header_internal::LoadField(layout_.codec, p + layout_.offset);
    } else {
      // One- and two-byte varints (lengths below 16 KiB) inline; longer varints, and headers at
      // the very end of the buffer, take NextSlow's incremental parse.
      const size_t off = layout_.offset;
      if (ABSL_PREDICT_FALSE(available < off + 2)) return NextSlow(frame);
      const uint8_t b0 = static_cast<uint8_t>(p[off]);
      const uint8_t b1 = static_cast<uint8_t>(p[off + 1]);
      if (b0 < 0x80) {
        field = b0;
        header_size = off + 1;
      } else if (b1 < 0x80) {
        field = (b0 & 0x7Fu) | (static_cast<uint64_t>(b1) << 7);
        header_size = off + 2;
      } else {
        return NextSlow(frame);
      }
    }
    if (ABSL_PREDICT_FALSE(field - layout_.min_field > layout_.field_span)) {
      return RejectField(field, header_size);
    }
    // In range, so payload <= max <= SIZE_MAX - 32: no overflow.
    const uint64_t payload = field + static_cast<uint64_t>(layout_.adjustment);
    const size_t total = header_size + static_cast<size_t>(payload);
    const size_t strip = layout_.strip_all ? header_size : layout_.strip;
    if (ABSL_PREDICT_TRUE(available >= total)) {
      *frame = absl::string_view(p + strip, total - strip);
      Consume(total);
      return kFrame;
    }
    pending_ = payload;
    frame_size_ = total;
    frame_strip_ = strip;
    state_ = State::kData;
    return kNeedMore;
  }
  return NextSlow(frame);
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_DECODER_INL_H_
