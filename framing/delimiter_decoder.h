// framekit/framing/delimiter_decoder.h
//
// DelimiterDecoder splits a byte stream at a DelimiterFramer's delimiters (the rules, and which of
// two overlapping delimiters wins: delimiter_framer.h). It is the concrete type behind that
// framer's NewDecoder(); MakeDecoder() returns it by value, so a hot loop's Next() and NextBatch()
// are direct calls. The scan resumes where it stopped, so each byte is examined once however the
// stream is fed, and a line is refused (or skipped) as soon as no delimiter can start within its
// first max + 1 bytes, without waiting for its end.
//
// Example:
//   absl::StatusOr<std::unique_ptr<DelimiterFramer>> framer = DelimiterFramer::Create({});
//   DelimiterDecoder decoder = (*framer)->MakeDecoder();
//   absl::Status s = decoder.Feed("a\nb");
//   absl::string_view line;
//   while (s.ok() && decoder.Next(&line) == Decoder::kFrame) Handle(line);  // "a"; "b" waits
#ifndef FRAMEKIT_FRAMING_DELIMITER_DECODER_H_
#define FRAMEKIT_FRAMING_DELIMITER_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/delimiter_internal.h"
#include "framekit/framing/internal/too_long_skipper.h"

namespace framekit {

class DelimiterFramer;

// Decodes a delimited stream; see the file comment. Make one with DelimiterFramer::MakeDecoder()
// (no virtual dispatch when called through this type) or NewDecoder(). Movable; a moved-from
// decoder may only be destroyed.
class DelimiterDecoder final : public Decoder {
 public:
  DelimiterDecoder(DelimiterDecoder&&) noexcept = default;

  Result Next(absl::string_view* frame) override;
  // The same frames as Next(); short lines with a one-byte delimiter are taken a 64-byte window
  // at a time with the scan state in registers (RunWindows), everything else through Next().
  size_t NextBatch(absl::Span<absl::string_view> frames, Result* stop) override;
  absl::Status Finish() override;

  // Bytes of the current frame already ruled out as the start of a delimiter: the scan resumes
  // there, so each byte is examined once however the stream is fed. (For tests and diagnostics.)
  size_t scanned_bytes() const { return scan_; }
  // True while an over-long frame is being discarded (TooLongPolicy::kSkip).
  bool discarding() const { return skipper_.active(); }

 private:
  friend class DelimiterFramer;
  DelimiterDecoder(std::shared_ptr<const delimiter_internal::DelimiterSet> set, uint64_t max,
                   TooLongPolicy policy)
      : set_(std::move(set)),
        max_(max),
        first_(set_->first),
        one_byte_(set_->mode == delimiter_internal::DelimiterSet::kOneByte),
        skip_(policy == TooLongPolicy::kSkip) {}

  Result NextGeneral(absl::string_view* frame);
  Result NextScan(absl::string_view* frame);
  size_t RunWindows(absl::string_view* out, size_t room);
  Result TooLong();

  std::shared_ptr<const delimiter_internal::DelimiterSet> set_;
  uint64_t max_;
  char first_;     // set_->first, and
  bool one_byte_;  // set_->mode == kOneByte, at hand for the fast path.
  bool skip_;
  bool long_lines_ = false;  // The last line had no delimiter in its first window: use memchr.
  size_t scan_ = 0;          // Starts [0, scan_) of the pending bytes hold no delimiter.
  // Fast path: bit i of hits_ set iff stream byte hits_base_ + i is the delimiter; stream bytes
  // [hits_base_, hits_end_) have been compared. Positions below the scan point are stale.
  uint64_t hits_ = 0;
  uint64_t hits_base_ = 0;
  uint64_t hits_end_ = 0;
  // An over-long frame being dropped; next to the scan state, which Next() reads with it.
  framing_internal::TooLongSkipper skipper_;
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/delimiter_decoder_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_DELIMITER_DECODER_H_
