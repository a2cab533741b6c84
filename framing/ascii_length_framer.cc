#include "framekit/framing/ascii_length_framer.h"

#include <algorithm>
#include <cstring>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/spec/spec_values.h"

namespace framekit {
namespace {

constexpr absl::string_view kKind = "ascii";

}  // namespace

// ---- Framer ----

AsciiLengthFramer::AsciiLengthFramer(const AsciiLengthOptions& options)
    : options_(options),
      // The header cannot say more than 10^digits - 1; clamping is what lets the encoder refuse
      // instead of silently dropping leading digits (tokio #5080's truncated length field).
      max_(std::min(options.max_frame_size, MaxValueWithDigits(options.digits))) {
  for (int i = 0; i < kMaxDecimalDigits; ++i) {
    limit_[i] = i < options.digits ? max_ / Pow10(options.digits - 1 - i) : 0;
  }
}

absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> AsciiLengthFramer::Create(
    AsciiLengthOptions options) {
  if (options.digits < 1 || options.digits > kMaxDecimalDigits) {
    return BadOptionError(
        kKind, absl::StrCat("digits must be 1..", kMaxDecimalDigits, ", got ", options.digits));
  }
  if (options.max_frame_size == 0) {
    return BadOptionError(kKind, "max must be at least 1 byte");
  }
  if (options.on_too_long != TooLongPolicy::kFail && options.on_too_long != TooLongPolicy::kSkip) {
    return BadOptionError(kKind, "too_long must be fail or skip");
  }
  return std::unique_ptr<AsciiLengthFramer>(new AsciiLengthFramer(options));
}

std::string AsciiLengthFramer::Spec() const {
  return absl::StrCat(kKind, ":digits=", options_.digits,
                      ",max=", FormatSize(options_.max_frame_size),
                      ",too_long=", options_.on_too_long == TooLongPolicy::kSkip ? "skip" : "fail");
}

std::unique_ptr<Decoder> AsciiLengthFramer::NewDecoder() const {
  return std::make_unique<AsciiLengthDecoder>(MakeDecoder());
}

absl::Status AsciiLengthFramer::PayloadTooLarge(size_t size) const {
  return PayloadTooLargeError(kKind, size, max_);
}

// ---- Decoder ----

AsciiLengthDecoder::AsciiLengthDecoder(const AsciiLengthFramer& framer)
    : digits_(static_cast<size_t>(framer.options_.digits)),
      layout_(LayoutFor(digits_ <= 8 ? digits_ : 8)),
      max_(framer.max_),
      on_too_long_(framer.options_.on_too_long) {
  std::memcpy(limit_, framer.limit_, sizeof(limit_));
}

Decoder::Result AsciiLengthDecoder::ParseHeadExactly(absl::string_view* frame) {
  if (skipping_) return ContinueSkippedHead(frame);
  const char* const p = buffer().data();
  const size_t end = std::min(buffer().size(), digits_);
  for (; scan_ < end; ++scan_) {
    if (AppendDigit(p[scan_], limit_[scan_], &value_) != DigitStatus::kOk) {
      return RefuseHeadByte(frame);
    }
  }
  if (scan_ < digits_) return kNeedMore;
  state_ = State::kData;
  return Next(frame);
}

// The header byte at scan_ failed its check: say why, at its offset.
Decoder::Result AsciiLengthDecoder::RefuseHeadByte(absl::string_view* /*frame*/) {
  const size_t i = scan_;
  const char c = buffer().data()[i];
  const uint64_t offset = stream_offset() + i;
  if (!IsAsciiDigit(c)) {
    return Fail(MalformedFrameError(
        kKind, offset,
        absl::StrCat("byte ", DescribeByte(c), " in a ", digits_,
                     "-digit length header; only '0'-'9' are allowed (no sign, no space)")));
  }
  const size_t remaining = digits_ - 1 - i;  // Header digits still to come after this one.
  // Over 64 bits is malformed rather than too long: no max can admit it and it cannot be skipped.
  uint64_t v = value_;
  if (AppendDigit(c, UINT64_MAX / Pow10(static_cast<int>(remaining)), &v) != DigitStatus::kOk) {
    return Fail(MalformedFrameError(kKind, offset, "length does not fit in 64 bits"));
  }
  // The length is at least v * 10^remaining (exactly v when this was the last digit).
  const uint64_t at_least = v * Pow10(static_cast<int>(remaining));
  absl::Status too_large = remaining == 0 ? FrameTooLargeError(kKind, offset, v, max_)
                                          : FrameTooLargeError(kKind, offset, at_least - 1, max_,
                                                               /*lower_bound=*/true);
  if (on_too_long_ == TooLongPolicy::kFail) return Fail(std::move(too_large));
  value_ = v;
  scan_ = i + 1;
  skipping_ = true;
  return Report(std::move(too_large));
}

// kSkip: the rest of an over-max frame's header still has to be read (to know how much to skip)
// and validated (a non-digit still means the stream is not what we think it is).
Decoder::Result AsciiLengthDecoder::ContinueSkippedHead(absl::string_view* frame) {
  const char* const p = buffer().data();
  const size_t end = std::min(buffer().size(), digits_);
  for (; scan_ < end; ++scan_) {
    const char c = p[scan_];
    const int remaining = static_cast<int>(digits_ - 1 - scan_);
    switch (AppendDigit(c, UINT64_MAX / Pow10(remaining), &value_)) {
      case DigitStatus::kOk:
        break;
      case DigitStatus::kNotDigit:
        return Fail(MalformedFrameError(
            kKind, stream_offset() + scan_,
            absl::StrCat("byte ", DescribeByte(c), " in a ", digits_,
                         "-digit length header; only '0'-'9' are allowed (no sign, no space)")));
      case DigitStatus::kOverLimit:
        return Fail(
            MalformedFrameError(kKind, stream_offset() + scan_, "length does not fit in 64 bits"));
    }
  }
  if (scan_ < digits_) return kNeedMore;
  skip_.Start(stream_offset(), value_);
  Consume(digits_);
  skipping_ = false;
  scan_ = 0;
  value_ = 0;
  state_ = State::kDiscard;
  return Discard(frame);
}

// Drops what has arrived of a skipped payload; buffers none of it. Then goes on with the next
// frame, so the skipped bytes are never read as a header.
Decoder::Result AsciiLengthDecoder::Discard(absl::string_view* frame) {
  Consume(skip_.Take(buffer().size()));
  if (skip_.active()) return kNeedMore;
  state_ = State::kHead;
  return Next(frame);
}

absl::Status AsciiLengthDecoder::Finish() {
  if (failed()) return status();
  const size_t n = buffer().size();
  switch (state_) {
    case State::kHead:
      if (n == 0) return absl::OkStatus();
      return TruncatedError(kKind, n, absl::StrCat("header needs ", digits_, " bytes, has ", n));
    case State::kData:
      return TruncatedError(kKind, n,
                            absl::StrCat("payload needs ", value_, " bytes, has ", n - digits_));
    case State::kDiscard:
      return TruncatedError(
          kKind, skip_.SeenBy(stream_offset() + n),
          absl::StrCat("skipped over-max frame still missing ", skip_.left(), " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace framekit
