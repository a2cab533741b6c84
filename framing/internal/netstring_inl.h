// framekit/framing/internal/netstring_inl.h
//
// Internal to framekit: the inline hot paths of netstring_framer.h, which includes this file at its
// end so that a caller holding the concrete (final) types pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_NETSTRING_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_NETSTRING_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/netstring_framer.h"

namespace framekit {

ABSL_ATTRIBUTE_ALWAYS_INLINE inline Decoder::Result NetstringDecoder::Next(absl::string_view* frame) {
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

inline absl::Status NetstringFramer::EncodeEnvelope(absl::string_view payload,
                                                    FrameEnvelope* envelope) const {
  if (ABSL_PREDICT_FALSE(payload.size() > options_.max_frame_size)) {
    return PayloadTooLarge(payload.size());
  }
  char* const header = envelope->mutable_header();
  const size_t digits = FormatDecimal(payload.size(), header);
  header[digits] = ':';
  envelope->set_header_size(digits + 1);
  envelope->set_trailer(",");  // A literal: static storage, outlives any framer.
  return absl::OkStatus();
}

inline absl::Status NetstringFramer::Encode(absl::string_view payload, std::string* out) const {
  const size_t size = payload.size();
  if (ABSL_PREDICT_FALSE(size > options_.max_frame_size)) return PayloadTooLarge(size);
  if (ABSL_PREDICT_FALSE(size > framing_internal::kEncodeInPlaceMax)) {
    AppendLargeFrame(payload, out);
    return absl::OkStatus();
  }
  const int digits = CountDecimalDigits(size);
  // A small frame: one growth of `out` (geometric, as any append), then written in place.
  const size_t old_size = out->size();
  out->append(static_cast<size_t>(digits) + size + 2, '\0');
  char* p = &(*out)[0] + old_size;
  FormatFixedWidth(size, digits, p);
  p += digits;
  *p++ = ':';
  framing_internal::CopyBytes(p, payload.data(), size);
  p[size] = ',';
  return absl::OkStatus();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::Status NetstringFramer::Encode(absl::string_view payload,
                                                                         ByteBuffer* out) const {
  const size_t size = payload.size();
  if (ABSL_PREDICT_FALSE(size > options_.max_frame_size)) return PayloadTooLarge(size);
  const size_t digits = static_cast<size_t>(CountDecimalDigits(size));
  char* const frame = out->Prepare(digits + size + 2);
  char* p = frame;
  FormatFixedWidth(size, static_cast<int>(digits), p);
  p += digits;
  *p++ = ':';
  framing_internal::CopyBytes(p, payload.data(), size);
  p[size] = ',';
  out->Commit(digits + size + 2);
  return absl::OkStatus();
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_NETSTRING_INL_H_
