#include "framekit/framing/framing_errors.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace framekit {

absl::Status FrameTooLargeError(absl::string_view framer, uint64_t stream_offset,
                                uint64_t payload_size, uint64_t max, bool lower_bound) {
  return absl::ResourceExhaustedError(absl::StrCat(
      framer, ": frame at stream offset ", stream_offset, " has ",
      lower_bound ? "more than " : "a ", payload_size,
      lower_bound ? " payload bytes" : "-byte payload", ", over the maximum of ", max, " bytes"));
}

absl::Status MalformedFrameError(absl::string_view framer, uint64_t stream_offset,
                                 absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(framer, ": malformed frame at stream offset ", stream_offset, ": ", what));
}

absl::Status TruncatedError(absl::string_view framer, uint64_t pending_bytes,
                            absl::string_view what) {
  return absl::DataLossError(absl::StrCat(framer, ": stream ended inside a frame with ",
                                          pending_bytes, " bytes pending (", what, ")"));
}

absl::Status BadOptionError(absl::string_view framer, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(framer, ": bad option: ", what));
}

absl::Status PayloadTooLargeError(absl::string_view framer, uint64_t payload_size, uint64_t max) {
  return absl::ResourceExhaustedError(absl::StrCat(framer, ": cannot encode a ", payload_size,
                                                   "-byte payload, over the maximum of ", max,
                                                   " bytes"));
}

absl::Status BatchPayloadError(const absl::Status& error, size_t index, size_t count) {
  absl::Status status(error.code(),
                      absl::StrCat("payload ", index, " of ", count, ": ", error.message()));
  error.ForEachPayload([&status](absl::string_view type_url, const absl::Cord& payload) {
    status.SetPayload(type_url, payload);
  });
  return status;
}

absl::Status BatchTooLargeError(absl::string_view framer) {
  return absl::ResourceExhaustedError(absl::StrCat(
      framer, ": cannot encode a batch whose frames add up to more than ", SIZE_MAX, " bytes"));
}

}  // namespace framekit
