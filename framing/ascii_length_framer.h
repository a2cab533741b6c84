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
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/ascii_length_decoder.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/framing/internal/frame_writer.h"

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
