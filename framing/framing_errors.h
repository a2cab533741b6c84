// framekit/framing/framing_errors.h
//
// The one place where decode and option errors are built, so every framer reports the same kind of
// failure with the same status code and the same message shape (see decoder.h for the table):
//
//   FrameTooLargeError   ResourceExhausted  "length: frame at stream offset 12 has a
//                                            4294967296-byte payload, over the maximum of
//                                            1048576 bytes"
//   MalformedFrameError  InvalidArgument    "netstring: malformed header at stream offset 0:
//                                            leading zero in length"
//   TruncatedError       DataLoss           "ascii: stream ended inside a frame with 3 bytes
//                                            pending (header needs 5 bytes)"
//   BadOptionError       InvalidArgument    "length: bad option: width must be 1, 2, 4, 8 or
//                                            varint"
//   PayloadTooLargeError ResourceExhausted  "netstring: cannot encode a 70000-byte payload,
//                                            over the maximum of 65536 bytes" (encoders)
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
// `error` (a payload's refusal, as Encode reports it) with "payload <index> of <count>: " before
// its message; the code and any payloads are kept.
absl::Status BatchPayloadError(const absl::Status& error, size_t index, size_t count);
// The frames of a batch would add up to more than SIZE_MAX bytes.
absl::Status BatchTooLargeError(absl::string_view framer);

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FRAMING_ERRORS_H_
