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
#include "absl/base/optimization.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/too_long_skipper.h"
#include "framekit/framing/internal/ascii_digits.h"  // the digit layout its decoder holds

namespace framekit {

struct NetstringOptions {
  // Largest payload in bytes (length digits, ':' and ',' excluded). Default 1 MiB; bounds
  // 1..2^64-1.
  uint64_t max_frame_size = kDefaultMaxFrameSize;
  // What the decoder does with a frame over max. Default kFail (fatal ResourceExhausted).
  TooLongPolicy on_too_long = TooLongPolicy::kFail;
};

class NetstringFramer;

class NetstringDecoder final : public Decoder {
 public:
  NetstringDecoder(NetstringDecoder&&) noexcept = default;

  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
  size_t NextBatch(absl::Span<absl::string_view> frames, Result* stop) override {
    return NextEach(*this, frames, stop);
  }
  absl::Status Finish() override;
  uint64_t frame_bytes_missing() const override {
    if (state_ != State::kData) return 0;
    const uint64_t have = buffer().size() - header_size_;  // kData: the header is buffered.
    return have > value_ ? 0 : value_ - have + 1;          // + 1: the trailing ','.
  }

 private:
  friend class NetstringFramer;
  explicit NetstringDecoder(const NetstringFramer& framer);

  // kHead: reading length digits up to ':' (scan_ bytes validated, value_ so far).
  // kData: header (header_size_ bytes, ':' included) read; waiting for value_ bytes and ','.
  // kDiscard: a skipped (over-max) frame; skip_ drops its payload.
  // kTrailer: a skipped frame's payload is gone; its ',' is still due.
  enum class State { kHead, kData, kTrailer, kDiscard };

  // Cold paths, out of line so that Next() stays small.
  // The length byte by byte from the resume index, each digit checked against max as it comes.
  Result ParseHeadExactly(absl::string_view* frame);
  Result RefuseHeadByte(absl::string_view* frame);
  Result ContinueSkippedHead(absl::string_view* frame);
  Result RefuseTrailer(size_t index);
  Result Discard(absl::string_view* frame);

  const uint64_t max_;
  const TooLongPolicy on_too_long_;

  State state_ = State::kHead;
  bool skipping_ = false;  // kHead of a frame already reported as over max (kSkip).
  size_t scan_ = 0;        // Resume index: length bytes validated so far.
  uint64_t value_ = 0;     // The length those bytes spell.
  size_t header_size_ = 0;  // Digits + ':', once seen.
  framing_internal::TooLongSkipper skip_;  // kDiscard, kTrailer: the frame being dropped.
};

class NetstringFramer final : public Framer {
 public:
  // InvalidArgument for a max of 0 or an unknown policy.
  static absl::StatusOr<std::unique_ptr<NetstringFramer>> Create(NetstringOptions options);

  const NetstringOptions& options() const { return options_; }

  absl::string_view kind() const override { return "netstring"; }
  // "netstring:max=1MiB,too_long=fail": every key, this order, sizes via FormatSize.
  std::string Spec() const override;
  uint64_t max_payload_size() const override { return options_.max_frame_size; }

  // Both outputs inline into a caller holding the concrete type: no call per frame (only the
  // std::string's own growth calls into libstdc++).
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   std::string* out) const override;
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   ByteBuffer* out) const override;
  absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* envelope) const override;
  // Checks every size, then writes each "<length>:<payload>," into the buffer.
  absl::StatusOr<size_t> EncodeBatchInto(absl::Span<const absl::string_view> payloads,
                                         absl::FunctionRef<char*(size_t)> get_buffer,
                                         size_t* refused_index) const override;
  std::unique_ptr<Decoder> NewDecoder() const override;
  // The concrete decoder, for hot loops: its Next() is final and inline.
  NetstringDecoder MakeDecoder() const { return NetstringDecoder(*this); }

 private:
  explicit NetstringFramer(const NetstringOptions& options) : options_(options) {}

  absl::Status PayloadTooLarge(size_t size) const;
  // Encode's path for an accepted payload over kEncodeInPlaceMax bytes: appended as it is, with
  // its header and trailer. Out of line, keeping the inline Encode small.
  void AppendLargeFrame(absl::string_view payload, std::string* out) const;
  // EncodeBatchInto's error: the first payload refused (or whose frame takes the total past
  // SIZE_MAX), its index stored in `*refused_index`.
  absl::Status BatchRefusal(absl::Span<const absl::string_view> payloads,
                            size_t* refused_index) const;

  NetstringOptions options_;
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/netstring_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_NETSTRING_FRAMER_H_
