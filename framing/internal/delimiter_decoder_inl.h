// framekit/framing/internal/delimiter_decoder_inl.h
//
// Internal to framekit: DelimiterDecoder's inline hot paths, included at the end of
// delimiter_decoder.h so that a caller holding the concrete (final) type pays no call. Not a public
// API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_DELIMITER_DECODER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_DELIMITER_DECODER_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/delimiter_decoder.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

inline Decoder::Result DelimiterDecoder::Next(absl::string_view* frame) {
  // Fast path, for one 1-byte delimiter with no error to keep or clear and nothing to skip. The
  // bytes are compared 64 at a time (NextScan) into a bitmask of delimiter positions kept in
  // stream coordinates -- valid whatever the buffer does meanwhile, since stream bytes never
  // change -- and this inline part pops the next position: short lines cost a few instructions
  // each instead of a memchr call each.
  // (skip_ first: with too_long=fail, the default, skipper_ is never read here.)
  if (one_byte_ && (!skip_ || !skipper_.active()) && status().ok()) {
    const uint64_t base = stream_offset();
    while (hits_ != 0) {
      const uint64_t at = hits_base_ + static_cast<uint64_t>(__builtin_ctzll(hits_));
      if (at < base + scan_) {  // Consumed, or ruled out by a scan elsewhere.
        hits_ &= hits_ - 1;
        continue;
      }
      const uint64_t p = at - base;
      if (p > max_) break;  // Over the max: NextScan reports it.
      hits_ &= hits_ - 1;
      *frame = absl::string_view(buffer().data(), static_cast<size_t>(p));
      Consume(static_cast<size_t>(p) + 1);
      scan_ = 0;
      return kFrame;
    }
    return NextScan(frame);
  }
  return NextGeneral(frame);
}
inline Decoder::Result DelimiterDecoder::NextGeneral(absl::string_view* frame) {
  if (failed()) return kError;
  ClearError();
  for (;;) {
    const char* data = buffer().data();
    const size_t size = buffer().size();
    size_t len;
    if (skipper_.active()) {
      // Drop what is ruled out as we go; keep only an undecided tail (< longest delimiter).
      const size_t p = set_->Find(data, 0, size, size, &len);
      Consume(p + len);
      if (len == 0) return kNeedMore;
      skipper_.End();
      continue;
    }
    // A delimiter may start at most at index max_ (an exactly-max payload); look no further.
    const size_t limit = max_ < size ? static_cast<size_t>(max_) + 1 : size;
    const size_t p = set_->Find(data, scan_, limit, size, &len);
    if (len != 0) {
      *frame = absl::string_view(data, p);
      Consume(p + len);
      scan_ = 0;
      return kFrame;
    }
    scan_ = p;
    if (p > max_) return TooLong();
    return kNeedMore;
  }
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_DELIMITER_DECODER_INL_H_
