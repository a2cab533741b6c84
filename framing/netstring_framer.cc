#include "framekit/framing/netstring_framer.h"

#include <algorithm>
#include <cstring>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/spec/spec_values.h"

namespace framekit {
namespace {

constexpr absl::string_view kKind = "netstring";

absl::Status BadLengthByte(uint64_t offset, char c) {
  return MalformedFrameError(
      kKind, offset,
      absl::StrCat("byte ", DescribeByte(c),
                   " in length; only '0'-'9' then ':' are allowed (no sign, no space)"));
}

absl::Status LengthOverflow(uint64_t offset) {
  return MalformedFrameError(kKind, offset, "length does not fit in 64 bits");
}

}  // namespace

// ---- Framer ----

absl::StatusOr<std::unique_ptr<NetstringFramer>> NetstringFramer::Create(NetstringOptions options) {
  if (options.max_frame_size == 0) {
    return BadOptionError(kKind, "max must be at least 1 byte");
  }
  if (options.on_too_long != TooLongPolicy::kFail && options.on_too_long != TooLongPolicy::kSkip) {
    return BadOptionError(kKind, "too_long must be fail or skip");
  }
  return std::unique_ptr<NetstringFramer>(new NetstringFramer(options));
}

std::string NetstringFramer::Spec() const {
  return absl::StrCat(kKind, ":max=", FormatSize(options_.max_frame_size),
                      ",too_long=", options_.on_too_long == TooLongPolicy::kSkip ? "skip" : "fail");
}

std::unique_ptr<Decoder> NetstringFramer::NewDecoder() const {
  return std::make_unique<NetstringDecoder>(MakeDecoder());
}

absl::Status NetstringFramer::PayloadTooLarge(size_t size) const {
  return PayloadTooLargeError(kKind, size, options_.max_frame_size);
}

// ---- Decoder ----

NetstringDecoder::NetstringDecoder(const NetstringFramer& framer)
    : max_(framer.options().max_frame_size), on_too_long_(framer.options().on_too_long) {}

Decoder::Result NetstringDecoder::ParseHeadExactly(absl::string_view* frame) {
  const char* const p = buffer().data();
  const size_t n = buffer().size();
  for (; scan_ < n; ++scan_) {
    const char c = p[scan_];
    if (c == ':' && scan_ != 0) break;
    // value_ 0 after a digit means the length began with '0': the next byte may only be ':'.
    if ((value_ == 0 && scan_ != 0) || AppendDigit(c, max_, &value_) != DigitStatus::kOk) {
      return RefuseHeadByte(frame);
    }
  }
  if (scan_ == n) return kNeedMore;
  header_size_ = scan_ + 1;
  scan_ = header_size_;
  state_ = State::kData;
  return Next(frame);
}

// The length byte at scan_ failed its check: say why, at its offset.
Decoder::Result NetstringDecoder::RefuseHeadByte(absl::string_view* /*frame*/) {
  const size_t i = scan_;
  const char c = buffer().data()[i];
  const uint64_t offset = stream_offset() + i;
  if (c == ':') {  // Only reaches here as the first byte.
    return Fail(MalformedFrameError(kKind, offset, "empty length (':' before any digit)"));
  }
  if (!IsAsciiDigit(c)) return Fail(BadLengthByte(offset, c));
  if (i > 0 && value_ == 0) {  // A digit after a leading '0'.
    return Fail(MalformedFrameError(
        kKind, offset, "leading zero in length (only the length 0 itself may start with '0')"));
  }
  uint64_t v = value_;
  if (AppendDigit(c, UINT64_MAX, &v) != DigitStatus::kOk) return Fail(LengthOverflow(offset));
  // More digits can only make it larger (no leading zeros), so the length is at least v.
  absl::Status too_large = FrameTooLargeError(kKind, offset, v - 1, max_, /*lower_bound=*/true);
  if (on_too_long_ == TooLongPolicy::kFail) return Fail(std::move(too_large));
  value_ = v;
  scan_ = i + 1;
  skipping_ = true;
  return Report(std::move(too_large));
}

// kSkip: the rest of an over-max frame's length still has to be read (to know how much to skip)
// and validated (a bad byte still means the stream is not what we think it is).
Decoder::Result NetstringDecoder::ContinueSkippedHead(absl::string_view* frame) {
  const char* const p = buffer().data();
  const size_t n = buffer().size();
  for (; scan_ < n; ++scan_) {
    const char c = p[scan_];
    if (c == ':') break;  // scan_ > 0: the frame already has a digit over max.
    switch (AppendDigit(c, UINT64_MAX, &value_)) {
      case DigitStatus::kOk:
        break;
      case DigitStatus::kNotDigit:
        return Fail(BadLengthByte(stream_offset() + scan_, c));
      case DigitStatus::kOverLimit:
        return Fail(LengthOverflow(stream_offset() + scan_));
    }
  }
  if (scan_ == n) return kNeedMore;
  skip_.Start(stream_offset(), value_);
  Consume(scan_ + 1);
  skipping_ = false;
  scan_ = 0;
  value_ = 0;
  state_ = State::kDiscard;
  return Discard(frame);
}

// The byte at `index`, where a frame's ',' belongs, is something else.
Decoder::Result NetstringDecoder::RefuseTrailer(size_t index) {
  const char c = buffer().data()[index];
  return Fail(MalformedFrameError(
      kKind, stream_offset() + index,
      absl::StrCat("missing ',' after the payload (found ", DescribeByte(c), ")")));
}

// Drops what has arrived of a skipped payload, buffering none of it, then requires its ','.
// Then goes on with the next frame, so the skipped bytes are never read as a header.
Decoder::Result NetstringDecoder::Discard(absl::string_view* frame) {
  if (state_ == State::kDiscard) {
    Consume(skip_.Take(buffer().size()));
    if (skip_.active()) return kNeedMore;
    state_ = State::kTrailer;
  }
  if (buffer().empty()) return kNeedMore;
  if (buffer().data()[0] != ',') return RefuseTrailer(0);
  Consume(1);
  state_ = State::kHead;
  return Next(frame);
}

absl::Status NetstringDecoder::Finish() {
  if (failed()) return status();
  const size_t n = buffer().size();
  switch (state_) {
    case State::kHead:
      if (n == 0) return absl::OkStatus();
      return TruncatedError(kKind, n, absl::StrCat("length has ", n, " digits, no ':' yet"));
    case State::kData: {
      const size_t have = n - header_size_;
      if (have == value_) return TruncatedError(kKind, n, "missing the final ','");
      return TruncatedError(kKind, n, absl::StrCat("payload needs ", value_, " bytes, has ", have));
    }
    case State::kDiscard:
      return TruncatedError(
          kKind, skip_.SeenBy(stream_offset() + n),
          absl::StrCat("skipped over-max frame still missing ", skip_.left(), " bytes and ','"));
    case State::kTrailer:
      return TruncatedError(kKind, skip_.SeenBy(stream_offset() + n),
                            "skipped over-max frame missing its final ','");
  }
  return absl::OkStatus();
}

}  // namespace framekit
