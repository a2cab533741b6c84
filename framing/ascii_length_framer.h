// framekit/framing/ascii_length_framer.h
//
// The "ascii" framer: each payload is preceded by its length written as exactly `digits` ASCII
// decimal digits, zero-padded, and followed by nothing. It is the 5-digit header of the Python
// Socket Programming HOWTO (`00005hello`); it is not a netstring (see netstring_framer.h).
//
//   on the wire (digits=5)                           after decode (Next)
//   +---+---+---+---+---+---+---+---+---+---+
//   | 0 | 0 | 0 | 0 | 5 | h | e | l | l | o |        "hello"
//   +---+---+---+---+---+---+---+---+---+---+
//   |<--- length ------>|<--- payload ----->|
//   | 0 | 0 | 0 | 0 | 0 |                             ""  (an empty payload is a bare header)
//
// Contract:
//   * A header byte is '0'..'9' and nothing else: no sign, no space (strtol and SimpleAtoi accept
//     both; a wire length must not). Anything else is InvalidArgument at that byte.
//   * The decoder checks each header byte the moment it arrives. With digits=5 and max=100,
//     "002" is refused at its third byte: whatever follows, the length is at least 200. So a
//     header announcing a huge size fails before any payload is buffered.
//   * Max is the payload size (header excluded). The max in force, max_payload_size(), is the
//     configured one clamped to 10^digits - 1, the largest length the header can say, so the
//     encoder refuses (never truncates) what it cannot express. options() and Spec() keep the
//     configured value: the defaults print "ascii:digits=5,max=1MiB,too_long=fail" and enforce
//     99999.
//   * Errors name the stream offset of the offending byte (framing_errors.h). With
//     TooLongPolicy::kSkip an over-max frame is reported once, its remaining header digits are
//     still validated, and its payload is discarded as it arrives, never buffered nor read as a
//     header. A header whose value cannot fit in 64 bits (digits=20) is malformed, never skipped.
//
// Example:
//   absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> framer = AsciiLengthFramer::Create({});
//   std::string wire;
//   absl::Status s = (*framer)->Encode("hello", &wire);  // wire == "00005hello"
//   AsciiLengthDecoder decoder = (*framer)->MakeDecoder();  // Next() is not a virtual call.
//   s = decoder.Feed(wire);
//   absl::string_view frame;
//   decoder.Next(&frame);                                // kFrame, frame == "hello"
#ifndef FRAMEKIT_FRAMING_ASCII_LENGTH_FRAMER_H_
#define FRAMEKIT_FRAMING_ASCII_LENGTH_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/ascii_digits.h"  // the digit layout its decoder holds
#include "framekit/framing/internal/copy.h"
#include "framekit/framing/internal/frame_writer.h"
#include "framekit/framing/internal/next_each_decoder.h"
#include "framekit/framing/internal/too_long_skipper.h"

namespace framekit {

struct AsciiLengthOptions {
  // Header width in ASCII digits. Default 5 (the HOWTO's); bounds 1..20 (20 digits reach 2^64).
  int digits = 5;
  // Largest payload in bytes, header excluded. Default 1 MiB; at least 1. Enforced clamped to
  // 10^digits - 1 (99999 for digits=5), see max_payload_size().
  uint64_t max_frame_size = kDefaultMaxFrameSize;
  // What the decoder does with a frame over max. Default kFail (fatal ResourceExhausted).
  TooLongPolicy on_too_long = TooLongPolicy::kFail;
};

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

class AsciiLengthFramer final : public framing_internal::FrameWriter<AsciiLengthFramer> {
 public:
  // InvalidArgument for digits outside 1..20, a max of 0 or an unknown policy.
  static absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> Create(AsciiLengthOptions options);

  // The options as given (max_frame_size not clamped; max_payload_size() is).
  const AsciiLengthOptions& options() const { return options_; }

  absl::string_view kind() const override { return "ascii"; }
  // "ascii:digits=5,max=1MiB,too_long=fail": every key, this order, sizes via FormatSize.
  std::string Spec() const override;
  // The configured max clamped to 10^digits - 1: what Encode and the decoder enforce.
  uint64_t max_payload_size() const override { return max_; }

  // Encode, EncodeEnvelope, EncodeBatchInto: FrameWriter's, from the rule below (inline into a
  // caller holding the concrete type).
  std::unique_ptr<Decoder> NewDecoder() const override;
  // The concrete decoder, for hot loops: its Next() is final and inline.
  AsciiLengthDecoder MakeDecoder() const { return AsciiLengthDecoder(*this); }

 private:
  friend class AsciiLengthDecoder;
  explicit AsciiLengthFramer(const AsciiLengthOptions& options);

  absl::Status PayloadTooLarge(size_t size) const;

  // The wire rule FrameWriter encodes with (internal/frame_writer.h): `digits` zero-padded
  // decimal digits, then the payload.
  friend class framing_internal::FrameWriter<AsciiLengthFramer>;
  bool QuickAccept(absl::string_view payload) const { return payload.size() <= max_; }
  absl::Status Check(absl::string_view payload) const {
    return payload.size() <= max_ ? absl::OkStatus() : PayloadTooLarge(payload.size());
  }
  size_t HeaderSize(size_t /*payload_size*/) const { return static_cast<size_t>(options_.digits); }
  ABSL_ATTRIBUTE_ALWAYS_INLINE size_t WriteHeader(size_t payload_size, char* out) const;
  absl::string_view Trailer(size_t /*payload_size*/) const { return absl::string_view(); }
  void WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const;

  AsciiLengthOptions options_;
  uint64_t max_;                       // Clamped.
  uint64_t limit_[kMaxDecimalDigits];  // See AsciiLengthDecoder::limit_.
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/ascii_length_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_ASCII_LENGTH_FRAMER_H_
