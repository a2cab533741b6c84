// framekit/framing/framing_errors.h
//
// The one place where decode and option errors are built, so every framer reports the same kind of
// failure with the same status code and the same message shape (see decoder.h for the table):
//
//   FrameTooLargeError   ResourceExhausted  "length: frame at stream offset 12 has a 4294967296-byte
//                                            payload, over the maximum of 1048576 bytes"
//   MalformedFrameError  InvalidArgument    "netstring: malformed header at stream offset 0: leading
//                                            zero in length"
//   TruncatedError       DataLoss           "ascii: stream ended inside a frame with 3 bytes pending
//                                            (header needs 5 bytes)"
//   BadOptionError       InvalidArgument    "length: bad option: width must be 1, 2, 4, 8 or varint"
//   PayloadTooLargeError ResourceExhausted  "netstring: cannot encode a 70000-byte payload, over the
//                                            maximum of 65536 bytes" (encoders)
//   BatchPayloadError    (the payload's)    "payload 3 of 10: netstring: cannot encode a ..." (a
//                                            refusal inside Framer::EncodeBatch)
//   BatchTooLargeError   ResourceExhausted  "length: cannot encode a batch whose frames add up to
//                                            more than 18446744073709551615 bytes"
#ifndef FRAMEKIT_FRAMING_FRAMING_ERRORS_H_
#define FRAMEKIT_FRAMING_FRAMING_ERRORS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace framekit {

// `payload_size` is the announced size, or for a delimiter scan a lower bound ("more than").
absl::Status FrameTooLargeError(absl::string_view framer, uint64_t stream_offset,
                                uint64_t payload_size, uint64_t max, bool lower_bound = false);
absl::Status MalformedFrameError(absl::string_view framer, uint64_t stream_offset,
                                 absl::string_view what);
absl::Status TruncatedError(absl::string_view framer, uint64_t pending_bytes,
                            absl::string_view what);
absl::Status BadOptionError(absl::string_view framer, absl::string_view what);
absl::Status PayloadTooLargeError(absl::string_view framer, uint64_t payload_size, uint64_t max);
// `error` (a payload's refusal, as Encode reports it) with "payload <index> of <count>: " before its
// message; the code and any payloads are kept.
absl::Status BatchPayloadError(const absl::Status& error, size_t index, size_t count);
// The frames of a batch would add up to more than SIZE_MAX bytes.
absl::Status BatchTooLargeError(absl::string_view framer);
// EncodeBatchInto found a refusal somewhere in the batch but not which one (the checks ran in bulk).
absl::Status BatchChecksDisagreeError(absl::string_view framer);

namespace framing_internal {

// The error path of a built-in framer's EncodeBatchInto, once its bulk check has failed: walks the
// batch in order and returns the first payload's refusal (`refuse(size)`: the status Encode would
// give, OK if accepted) or BatchTooLargeError when that payload's frame (`frame_size(size)`, which
// must not overflow on its own) takes the running total past SIZE_MAX. Sets `*refused_index` to
// that payload's index.
template <typename Refuse, typename FrameSize>
absl::Status FirstRefusal(absl::string_view framer, absl::Span<const absl::string_view> payloads,
                          size_t* refused_index, Refuse refuse, FrameSize frame_size) {
  size_t total = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const size_t size = payloads[i].size();
    *refused_index = i;
    absl::Status refused = refuse(size);
    if (!refused.ok()) return refused;
    if (__builtin_add_overflow(total, frame_size(size), &total)) return BatchTooLargeError(framer);
  }
  return BatchChecksDisagreeError(framer);
}

}  // namespace framing_internal

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FRAMING_ERRORS_H_
