// framekit/framing/netstring_framer.h
//
// The "netstring" framer: D. J. Bernstein's netstrings, `[len]":"[payload]","`, exactly as the
// spec (cr.yp.to/proto/netstrings.txt) says: len is the payload size in non-empty ASCII decimal,
// with no leading zeros except for the length 0 itself, and the comma is required.
//
//   on the wire                                      after decode (Next)
//   +---+---+---+---+---+---+---+---+
//   | 5 | : | h | e | l | l | o | , |                 "hello"
//   +---+---+---+---+---+---+---+---+
//   |len|   |<--- payload --->|   |
//   | 0 | : | , |                                     ""
//   | 1 | 2 | : | h e l l o   w o r l d ! | , |       "hello world!"
//
// Contract:
//   * Refused with InvalidArgument at the offending byte, the moment it arrives: an empty length
//     (`:,`), a leading zero (`05:hello,`, `00:,`), a byte other than a digit or ':' in the length
//     (sign, space, letter), a length that cannot fit in 64 bits, anything but ',' after the
//     payload. A frame is delivered only once its comma has arrived and been checked.
//   * Max is the payload size (length digits, ':' and ',' excluded); a length is refused with
//     ResourceExhausted at the digit that takes it over max ("1234567" with max=64KiB fails at
//     its 6th digit), so there is no separate digit-count limit and nothing is buffered for it.
//   * With TooLongPolicy::kSkip an over-max frame is reported once; the rest of its length is still
//     validated; its payload is discarded as it arrives, never buffered nor read as a header; and
//     the byte after it must still be ',' — a skipped netstring without its comma is as fatal
//     (InvalidArgument) as any other, since the stream can no longer be trusted to be in step.
//
// Example:
//   absl::StatusOr<std::unique_ptr<NetstringFramer>> framer = NetstringFramer::Create({});
//   std::string wire;
//   absl::Status s = (*framer)->Encode("hello", &wire);  // wire == "5:hello,"
//   NetstringDecoder decoder = (*framer)->MakeDecoder();  // Next() is not a virtual call.
//   s = decoder.Feed(wire);
//   absl::string_view frame;
//   decoder.Next(&frame);                                // kFrame, frame == "hello"
#ifndef FRAMEKIT_FRAMING_NETSTRING_FRAMER_H_
#define FRAMEKIT_FRAMING_NETSTRING_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/internal/frame_writer.h"
#include "framekit/framing/netstring_decoder.h"

namespace framekit {

struct NetstringOptions {
  // Largest payload in bytes (length digits, ':' and ',' excluded). Default 1 MiB; bounds
  // 1..2^64-1.
  uint64_t max_frame_size = kDefaultMaxFrameSize;
  // What the decoder does with a frame over max. Default kFail (fatal ResourceExhausted).
  TooLongPolicy on_too_long = TooLongPolicy::kFail;
};

class NetstringFramer final : public framing_internal::FrameWriter<NetstringFramer> {
 public:
  // InvalidArgument for a max of 0 or an unknown policy.
  static absl::StatusOr<std::unique_ptr<NetstringFramer>> Create(NetstringOptions options);

  const NetstringOptions& options() const { return options_; }

  absl::string_view kind() const override { return "netstring"; }
  // "netstring:max=1MiB,too_long=fail": every key, this order, sizes via FormatSize.
  std::string Spec() const override;
  uint64_t max_payload_size() const override { return options_.max_frame_size; }

  // Encode, EncodeEnvelope, EncodeBatchInto: FrameWriter's, from the rule below (inline into a
  // caller holding the concrete type).
  std::unique_ptr<Decoder> NewDecoder() const override;
  // The concrete decoder, for hot loops: its Next() is final and inline.
  NetstringDecoder MakeDecoder() const { return NetstringDecoder(*this); }

 private:
  explicit NetstringFramer(const NetstringOptions& options) : options_(options) {}

  absl::Status PayloadTooLarge(size_t size) const;

  // The wire rule FrameWriter encodes with (internal/frame_writer.h): "<length>:<payload>,".
  friend class framing_internal::FrameWriter<NetstringFramer>;
  bool QuickAccept(absl::string_view payload) const {
    return payload.size() <= options_.max_frame_size;
  }
  absl::Status Check(absl::string_view payload) const {
    return QuickAccept(payload) ? absl::OkStatus() : PayloadTooLarge(payload.size());
  }
  size_t HeaderSize(size_t payload_size) const {
    return static_cast<size_t>(CountDecimalDigits(payload_size)) + 1;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE size_t WriteHeader(size_t payload_size, char* out) const {
    size_t digits;
    if (payload_size < 10) {  // Lengths under 100 (small frames, where this shows): no division.
      *out = static_cast<char>('0' + payload_size);
      digits = 1;
    } else if (payload_size < 100) {
      std::memcpy(out, kDigitPairs + 2 * payload_size, 2);
      digits = 2;
    } else {
      digits = static_cast<size_t>(CountDecimalDigits(payload_size));
      FormatFixedWidth(payload_size, static_cast<int>(digits), out);
    }
    out[digits] = ':';
    return digits + 1;
  }
  // A literal: static storage, outlives any framer.
  absl::string_view Trailer(size_t /*payload_size*/) const { return ","; }

  NetstringOptions options_;
};

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_NETSTRING_FRAMER_H_
