// framekit/framing/internal/ascii_length_decoder_inl.h
//
// Internal to framekit: AsciiLengthDecoder's inline hot paths, included at the end of
// ascii_length_decoder.h so that a caller holding the concrete (final) type pays no call. Not a
// public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_ASCII_LENGTH_DECODER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_ASCII_LENGTH_DECODER_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/ascii_length_decoder.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

ABSL_ATTRIBUTE_ALWAYS_INLINE inline Decoder::Result AsciiLengthDecoder::Next(
    absl::string_view* frame) {
  if (ABSL_PREDICT_FALSE(failed())) return kError;
  ClearError();
  if (state_ == State::kHead) {
    // Fast path: a whole header, none of it seen before, that parses cleanly within max. Below 20
    // digits the value cannot overflow, so one check at the end suffices. Anything else (a header
    // split across feeds, an error to pin to its byte, 20 digits, kSkip) takes the exact path.
    const char* const p = buffer().data();
    uint64_t v = 0;
    size_t i = 0;
    constexpr size_t kNoOverflowDigits = kMaxDecimalDigits - 1;
    if (ABSL_PREDICT_TRUE(scan_ == 0 && buffer().size() >= 8 && digits_ <= 8 && !skipping_)) {
      // The usual widths (the HOWTO's 5), with 8 bytes to read: all digits in one go. A header
      // equal to the last one parsed (a stream of one frame size) takes its value without the
      // parse: the next frame's address then waits neither for this header's load nor for its
      // multiplies (the comparison is a predicted branch). Sizes that change at random mispredict
      // it; the A/B of both cases (BM_DecodeReady, BM_DecodeReadyMixed) is in
      // benchmarks/RESULTS.md.
      const uint64_t word = LoadDigitWord(p, layout_);
      if (word == last_word_) {
        v = last_value_;
        i = digits_;
      } else if (ParseDigitWord(word, &v)) {
        i = digits_;
        last_word_ = word;
        last_value_ = v;
      }
    } else if (scan_ == 0 && buffer().size() >= digits_ && digits_ <= kNoOverflowDigits &&
               !skipping_) {
      for (; i < digits_; ++i) {
        const uint32_t d = DigitValue(p[i]);
        if (ABSL_PREDICT_FALSE(d > 9)) break;
        v = v * 10 + d;
      }
    }
    if (ABSL_PREDICT_FALSE(i != digits_ || v > max_)) return ParseHeadExactly(frame);
    if (ABSL_PREDICT_TRUE(buffer().size() - digits_ >= v)) {
      // The whole frame is here: deliver without storing the header state.
      const size_t size = static_cast<size_t>(v);
      *frame = absl::string_view(p + digits_, size);
      Consume(digits_ + size);
      return kFrame;
    }
    value_ = v;
    scan_ = digits_;
    state_ = State::kData;
  }
  if (ABSL_PREDICT_TRUE(state_ == State::kData)) {
    if (buffer().size() - digits_ < value_) return kNeedMore;  // size() >= digits_ here.
    const size_t size = static_cast<size_t>(value_);
    *frame = absl::string_view(buffer().data() + digits_, size);
    Consume(digits_ + size);
    state_ = State::kHead;
    scan_ = 0;
    value_ = 0;
    return kFrame;
  }
  return Discard(frame);
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_ASCII_LENGTH_DECODER_INL_H_
