// framekit/asio/error.h
//
// framekit's errors as boost::system::error_code, for the Asio adapter (framed_stream.h).
//
// A decoder or encoder failure completes an Asio operation with an error_code in framekit's
// category ("framekit"), whose value says which of the framing failures of framing/decoder.h it
// was; the full absl::Status (framer, limit, stream offset) stays reachable through
// FramedStream::last_status():
//
//   framekit::asio::error::frame_too_long   ResourceExhausted: a frame's payload over the framer's
//                                           maximum (decoders: found from the header, before the
//                                           payload is buffered; encoders: a payload refused)
//   framekit::asio::error::malformed_frame  InvalidArgument: a bad header or trailer (or a payload
//                                           the framer cannot encode, e.g. the wrong fixed size)
//   framekit::asio::error::truncated_frame  DataLoss: the peer ended its stream inside a frame
//   framekit::asio::error::framing_failed   any other status code
//
// The codes compare equal to the generic conditions one would expect
// (message_size, invalid_argument, io_error): `ec == boost::system::errc::message_size` holds.
//
// Example:
//   if (ec == framekit::asio::error::frame_too_long) Log(stream.last_status());
//   boost::system::error_code ec2 = framekit::asio::ErrorCodeFromStatus(status);
#ifndef FRAMEKIT_ASIO_ERROR_H_
#define FRAMEKIT_ASIO_ERROR_H_

#include <type_traits>

#include <boost/system/error_code.hpp>

#include "absl/status/status.h"

namespace framekit {
namespace asio {
namespace error {

enum framing_errors {
  frame_too_long = 1,
  malformed_frame = 2,
  truncated_frame = 3,
  framing_failed = 4,
};

// The "framekit" category. One instance for the whole program.
const boost::system::error_category& framing_category();

inline boost::system::error_code make_error_code(framing_errors e) {
  return boost::system::error_code(static_cast<int>(e), framing_category());
}

}  // namespace error

// The error_code for a non-OK status of a framer or decoder (see the table above); an empty
// error_code for OkStatus.
boost::system::error_code ErrorCodeFromStatus(const absl::Status& status);

}  // namespace asio
}  // namespace framekit

namespace boost {
namespace system {
template <>
struct is_error_code_enum<framekit::asio::error::framing_errors> : std::true_type {};
}  // namespace system
}  // namespace boost

#endif  // FRAMEKIT_ASIO_ERROR_H_
