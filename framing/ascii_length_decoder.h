// framekit/framing/ascii_length_decoder.h
//
// AsciiLengthDecoder splits a byte stream into the frames of an AsciiLengthFramer (the rules:
// ascii_length_framer.h): exactly `digits` ASCII digits, then the payload. Each header byte is
// checked as it arrives, so a non-digit or a length over max fails (or is skipped) before any
// payload byte is buffered. It is the concrete type behind that framer's NewDecoder();
// MakeDecoder() returns it by value, so a hot loop's Next() is a direct, inlined call.
//
// Example:
//   absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> framer = AsciiLengthFramer::Create({});
//   AsciiLengthDecoder decoder = (*framer)->MakeDecoder();
//   absl::Status s = decoder.Feed("00005hello00002");
//   absl::string_view frame;
//   while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "hello"
#ifndef FRAMEKIT_FRAMING_ASCII_LENGTH_DECODER_H_
#define FRAMEKIT_FRAMING_ASCII_LENGTH_DECODER_H_

#include <cstddef>
#include <cstdint>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/internal/next_each_decoder.h"
#include "framekit/framing/internal/too_long_skipper.h"

namespace framekit {

class AsciiLengthFramer;

class AsciiLengthDecoder final : public framing_internal::NextEachDecoder<AsciiLengthDecoder> {
 public:
  AsciiLengthDecoder(AsciiLengthDecoder&&) noexcept = default;

  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
  absl::Status Finish() override;
  uint64_t frame_bytes_missing() const override {
    if (state_ != State::kData) return 0;
    const uint64_t have = buffer().size() - digits_;  // kData: the header is buffered.
    return value_ > have ? value_ - have : 0;
  }

 private:
  friend class AsciiLengthFramer;
  explicit AsciiLengthDecoder(const AsciiLengthFramer& framer);

  // kHead: reading the `digits_` header bytes (scan_ of them validated, value_ so far).
  // kData: header complete, waiting for value_ payload bytes.
  // kDiscard: a skipped (over-max) frame; skip_ drops its payload.
  // (The ascii format has no trailer, so no kTrailer state.)
  enum class State { kHead, kData, kDiscard };

  // Cold paths, out of line so that Next() stays small.
  // The header byte by byte from the resume index, each digit checked against limit_ as it comes.
  Result ParseHeadExactly(absl::string_view* frame);
  Result RefuseHeadByte(absl::string_view* frame);
  Result ContinueSkippedHead(absl::string_view* frame);
  Result Discard(absl::string_view* frame);

  const size_t digits_;
  const EightDigitLayout layout_;  // For digits_ <= 8: the fast path's shift, computed once.
  const uint64_t max_;
  const TooLongPolicy on_too_long_;
  // limit_[i]: the largest value the first i+1 header digits may spell without the whole length
  // exceeding max_, i.e. max_ / 10^(digits_-1-i). A prefix above it is refused at once.
  uint64_t limit_[kMaxDecimalDigits];

  State state_ = State::kHead;
  bool skipping_ = false;  // kHead of a frame already reported as over max (kSkip).
  size_t scan_ = 0;        // Resume index: header bytes validated so far.
  uint64_t value_ = 0;     // The length those bytes spell.
  // The fast path's last parsed header, as its LoadDigitWord word, and the value it spells; at
  // first the all-'0' header's, so that the pair is always right.
  uint64_t last_word_ = 0x3030303030303030u;
  uint64_t last_value_ = 0;
  framing_internal::TooLongSkipper skip_;  // kDiscard: the frame being dropped.
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/ascii_length_decoder_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_ASCII_LENGTH_DECODER_H_
