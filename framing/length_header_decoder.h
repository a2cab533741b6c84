// framekit/framing/length_header_decoder.h
//
// LengthHeaderDecoder splits a byte stream into the frames of a LengthHeaderFramer (whose header,
// length_header_framer.h, states the wire rules: header layout, max, strip, too-long policy). It
// is the concrete type behind that framer's NewDecoder(); MakeDecoder() returns it by value, so a
// hot loop's Next() is a direct, inlined call rather than a virtual one. The Decoder contract
// (decoder.h) holds: views valid until the next Feed()/PrepareWrite(); a header announcing more
// than max fails (or is skipped) before any payload byte is buffered.
//
// Example:
//   absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer = LengthHeaderFramer::Create({});
//   LengthHeaderDecoder decoder = (*framer)->MakeDecoder();
//   absl::Status s = decoder.Feed(absl::string_view("\0\0\0\2hi", 6));
//   absl::string_view frame;
//   while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "hi"
//
// Wire diagrams (Netty style; strip=0 and adjust in docs/choosing-a-framer.md). A 12-byte payload
// "HELLO, WORLD", 2-byte big-endian field:
//
// width=2, strip=all (the default): the header is dropped.
//   BEFORE DECODE (14 bytes)         AFTER DECODE (12 bytes)
//   +--------+----------------+      +----------------+
//   | Length | Actual Content |----->| Actual Content |
//   | 0x000C | "HELLO, WORLD" |      | "HELLO, WORLD" |
//   +--------+----------------+      +----------------+
//
// offset=1, width=2, strip=1: skip a flag byte, keep the length field.
//   BEFORE DECODE (15 bytes)                AFTER DECODE (14 bytes)
//   +------+--------+----------------+      +--------+----------------+
//   | Flag | Length | Actual Content |----->| Length | Actual Content |
//   | 0x01 | 0x000C | "HELLO, WORLD" |      | 0x000C | "HELLO, WORLD" |
//   +------+--------+----------------+      +--------+----------------+
//
// width=varint (protobuf delimited), strip=all. A 300-byte payload:
//   BEFORE DECODE (302 bytes)        AFTER DECODE (300 bytes)
//   +--------+----------------+      +----------------+
//   | Varint | Actual Content |----->| Actual Content |
//   | AC 02  |  (300 bytes)   |      |  (300 bytes)   |
//   +--------+----------------+      +----------------+
#ifndef FRAMEKIT_FRAMING_LENGTH_HEADER_DECODER_H_
#define FRAMEKIT_FRAMING_LENGTH_HEADER_DECODER_H_

#include <cstddef>
#include <cstdint>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/internal/length_header_internal.h"
#include "framekit/framing/internal/next_each_decoder.h"
#include "framekit/framing/internal/too_long_skipper.h"

namespace framekit {

class LengthHeaderFramer;

// Decodes a LengthHeaderFramer's frames. States, as tokio's LengthDelimitedCodec:
//   kHead     waiting for a complete header at the front of the buffer;
//   kData     header accepted; waiting until frame_size() bytes (header + payload) are buffered;
//   kDiscard  skipping a too-long frame (TooLongPolicy::kSkip): pending_length() payload bytes are
//             still to be dropped as they arrive.
class LengthHeaderDecoder final : public framing_internal::NextEachDecoder<LengthHeaderDecoder> {
 public:
  LengthHeaderDecoder(LengthHeaderDecoder&&) noexcept = default;
  enum class State { kHead, kData, kDiscard };

  // Always inlined where the static type is LengthHeaderDecoder (the class is final).
  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
  absl::Status Finish() override;

  State state() const { return state_; }
  // kData: the payload bytes the current header announced. kDiscard: the bytes still to discard.
  // kHead: 0.
  uint64_t pending_length() const {
    return state_ == State::kData ? pending_ : state_ == State::kDiscard ? skip_.left() : 0;
  }
  uint64_t frame_bytes_missing() const override {
    return state_ == State::kData && buffer().size() < frame_size_ ? frame_size_ - buffer().size()
                                                                   : 0;
  }

 private:
  friend class LengthHeaderFramer;
  explicit LengthHeaderDecoder(const length_header_internal::Layout& layout) : layout_(layout) {}

  Result NextSlow(absl::string_view* frame);
  // A field outside [min_field, min_field + field_span]: negative or too long.
  Result RejectField(uint64_t field, size_t header_size);
  // Drops buffered bytes of a skipped frame; back to kHead once it is all gone.
  void DrainDiscard();

  const length_header_internal::Layout layout_;
  State state_ = State::kHead;
  size_t frame_size_ = 0;   // kData: header + payload bytes of the frame being buffered.
  size_t frame_strip_ = 0;  // kData: leading bytes of that frame not delivered.
  uint64_t pending_ = 0;    // kData: the announced payload length.
  framing_internal::TooLongSkipper skip_;  // kDiscard: the frame being dropped.
};

}  // namespace framekit

// Next()'s inline body (internal).
#include "framekit/framing/internal/length_header_decoder_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_LENGTH_HEADER_DECODER_H_
