// framekit/framing/internal/too_long_skipper.h
//
// Internal to framekit. TooLongSkipper is TooLongPolicy::kSkip's state, written once for every
// decoder that skips: a too-long frame is reported once, then its bytes are dropped as they arrive
// (never buffered, never read as a header: cassandra-java-driver #748), then decoding goes on
// with the next frame. A length-prefixed frame is skipped by count; a delimited one until its
// delimiter (the decoder finds it; the skipper only remembers that it is skipping and where the
// frame began, for the DataLoss of a stream that ends inside it).
//
// Example (a decoder's discard state):
//   skip_.Start(stream_offset(), payload_size);     // after Report(ResourceExhausted ...)
//   Consume(skip_.Take(buffer().size()));
//   if (skip_.active()) return kNeedMore;           // more of it to come
#ifndef FRAMEKIT_FRAMING_INTERNAL_TOO_LONG_SKIPPER_H_
#define FRAMEKIT_FRAMING_INTERNAL_TOO_LONG_SKIPPER_H_

#include <cstddef>
#include <cstdint>

namespace framekit {
namespace framing_internal {

class TooLongSkipper {
 public:
  // The count of a frame that ends at a delimiter rather than after a length.
  static constexpr uint64_t kUntilDelimiter = UINT64_MAX;

  bool active() const { return left_ != 0; }
  // Bytes still to drop (kUntilDelimiter for a delimited frame); 0 when not skipping.
  uint64_t left() const { return left_; }

  // Starts skipping the frame that began at stream offset `frame_start`, of which `bytes` (>= 1:
  // a too-long frame has more than its max) are still to come.
  void Start(uint64_t frame_start, uint64_t bytes) {
    frame_start_ = frame_start;
    left_ = bytes;
  }

  // How many of the `buffered` bytes at the front belong to the skipped frame: the caller
  // consumes them. Ends the skip once its last byte has passed (never for kUntilDelimiter).
  size_t Take(size_t buffered) {
    if (left_ == kUntilDelimiter) return buffered;
    const uint64_t n = buffered < left_ ? buffered : left_;
    left_ -= n;
    return static_cast<size_t>(n);
  }

  // Ends the skip (a delimited frame's delimiter was found).
  void End() { left_ = 0; }

  // The bytes of the skipped frame a stream ending at offset `stream_end` delivered, for the
  // DataLoss message (they were dropped as they came, so count from the frame's start).
  uint64_t SeenBy(uint64_t stream_end) const { return stream_end - frame_start_; }

 private:
  // Two words, no flag: active while bytes are left, so a decoder's hot path tests one word.
  uint64_t frame_start_ = 0;
  uint64_t left_ = 0;
};

}  // namespace framing_internal
}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_TOO_LONG_SKIPPER_H_
