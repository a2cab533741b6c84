// framekit/framing/netstring_decoder.h
//
// NetstringDecoder splits a byte stream into netstrings (the rules: netstring_framer.h). Each
// byte of the length is checked as it arrives, so a malformed length or one over max fails (or is
// skipped) before any payload byte is buffered, and a frame is delivered only once its ',' has
// arrived. It is the concrete type behind NetstringFramer's NewDecoder(); MakeDecoder() returns it
// by value, so a hot loop's Next() is a direct, inlined call.
//
// Example:
//   absl::StatusOr<std::unique_ptr<NetstringFramer>> framer = NetstringFramer::Create({});
//   NetstringDecoder decoder = (*framer)->MakeDecoder();
//   absl::Status s = decoder.Feed("5:hello,0:,2:h");
//   absl::string_view frame;
//   while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "hello", ""
#ifndef FRAMEKIT_FRAMING_NETSTRING_DECODER_H_
#define FRAMEKIT_FRAMING_NETSTRING_DECODER_H_

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

class NetstringFramer;

class NetstringDecoder final : public framing_internal::NextEachDecoder<NetstringDecoder> {
 public:
  NetstringDecoder(NetstringDecoder&&) noexcept = default;

  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
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
  bool skipping_ = false;                  // kHead of a frame already reported as over max (kSkip).
  size_t scan_ = 0;                        // Resume index: length bytes validated so far.
  uint64_t value_ = 0;                     // The length those bytes spell.
  size_t header_size_ = 0;                 // Digits + ':', once seen.
  framing_internal::TooLongSkipper skip_;  // kDiscard, kTrailer: the frame being dropped.
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/netstring_decoder_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_NETSTRING_DECODER_H_
