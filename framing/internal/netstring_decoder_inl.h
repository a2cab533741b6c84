// framekit/framing/internal/netstring_decoder_inl.h
//
// Internal to framekit: NetstringDecoder::Next(), included at the end of netstring_decoder.h so
// that a caller holding the concrete (final) type pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_NETSTRING_DECODER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_NETSTRING_DECODER_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/framing/netstring_decoder.h"

namespace framekit {

ABSL_ATTRIBUTE_ALWAYS_INLINE inline Decoder::Result NetstringDecoder::Next(
    absl::string_view* frame) {
  if (ABSL_PREDICT_FALSE(failed())) return kError;
  ClearError();
  if (state_ == State::kHead) {
    if (ABSL_PREDICT_FALSE(skipping_)) return ContinueSkippedHead(frame);
    // Fast path: digits from the resume index, at most 19 in all so the value cannot overflow,
    // then one check for max and a leading zero. A bad byte, a value over max or a 20th digit
    // takes the exact path, which pins the error to its byte.
    const char* const p = buffer().data();
    const size_t n = buffer().size();
    constexpr size_t kNoOverflowDigits = kMaxDecimalDigits - 1;
    const size_t end = n < kNoOverflowDigits ? n : kNoOverflowDigits;
    size_t i = scan_;
    uint64_t v = value_;
    for (; i < end; ++i) {
      const uint32_t d = DigitValue(p[i]);
      if (d > 9) break;
      v = v * 10 + d;
    }
    if (ABSL_PREDICT_FALSE(v > max_ || (i > 1 && p[0] == '0'))) return ParseHeadExactly(frame);
    if (i == n) {
      scan_ = i;
      value_ = v;
      return kNeedMore;
    }
    if (ABSL_PREDICT_FALSE(p[i] != ':' || i == 0)) return ParseHeadExactly(frame);
    const size_t header = i + 1;
    if (ABSL_PREDICT_TRUE(n - header > v)) {
      // The whole frame and its comma are here: deliver without storing the header state.
      const size_t size = static_cast<size_t>(v);
      if (ABSL_PREDICT_FALSE(p[header + size] != ',')) return RefuseTrailer(header + size);
      *frame = absl::string_view(p + header, size);
      Consume(header + size + 1);
      scan_ = 0;
      value_ = 0;
      return kFrame;
    }
    header_size_ = header;
    scan_ = header_size_;
    value_ = v;
    state_ = State::kData;
  }
  if (ABSL_PREDICT_TRUE(state_ == State::kData)) {
    // Complete only with its comma: header, value_ payload bytes, ','.
    if (buffer().size() - header_size_ <= value_) return kNeedMore;
    const size_t size = static_cast<size_t>(value_);
    const char* const payload = buffer().data() + header_size_;
    if (ABSL_PREDICT_FALSE(payload[size] != ',')) return RefuseTrailer(header_size_ + size);
    *frame = absl::string_view(payload, size);
    Consume(header_size_ + size + 1);
    state_ = State::kHead;
    scan_ = 0;
    value_ = 0;
    return kFrame;
  }
  return Discard(frame);
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_NETSTRING_DECODER_INL_H_
