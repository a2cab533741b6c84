// framekit/framing/fixed_length_decoder.h
//
// FixedLengthDecoder cuts a byte stream into frames of exactly frame_size bytes (the rules:
// fixed_length_framer.h), padding included. Next() never fails; Finish() does (DataLoss) when the
// stream stopped inside a frame. It is the concrete type behind FixedLengthFramer's NewDecoder();
// MakeDecoder() returns it by value, so a hot loop's Next() is a direct, inlined call.
//
// Example:
//   FixedLengthOptions options;
//   options.frame_size = 4;
//   absl::StatusOr<std::unique_ptr<FixedLengthFramer>> framer = FixedLengthFramer::Create(options);
//   FixedLengthDecoder decoder = (*framer)->MakeDecoder();
//   absl::Status s = decoder.Feed("BUY SELLHO");
//   absl::string_view frame;
//   while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "BUY ", "SELL"
#ifndef FRAMEKIT_FRAMING_FIXED_LENGTH_DECODER_H_
#define FRAMEKIT_FRAMING_FIXED_LENGTH_DECODER_H_

#include <cstddef>
#include <cstdint>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/internal/next_each_decoder.h"

namespace framekit {

class FixedLengthFramer;

// Decodes a fixed-length stream; see the file comment. Make one with
// FixedLengthFramer::MakeDecoder() (no virtual dispatch when called through this type) or
// NewDecoder(). Movable.
class FixedLengthDecoder final : public framing_internal::NextEachDecoder<FixedLengthDecoder> {
 public:
  FixedLengthDecoder(FixedLengthDecoder&&) noexcept = default;

  // Always inlined where the static type is FixedLengthDecoder (NextBatch, hot loops).
  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
  absl::Status Finish() override;
  uint64_t frame_bytes_missing() const override {
    return buffer().size() < frame_size_ ? frame_size_ - buffer().size() : 0;
  }

 private:
  friend class FixedLengthFramer;
  explicit FixedLengthDecoder(size_t frame_size) : frame_size_(frame_size) {}

  size_t frame_size_;
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/fixed_length_decoder_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_FIXED_LENGTH_DECODER_H_
