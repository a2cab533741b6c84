#include "framekit/asio/error.h"

#include <string>

namespace framekit {
namespace asio {
namespace {

class FramingCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "framekit"; }

  std::string message(int value) const override {
    switch (value) {
      case error::frame_too_long:
        return "frame too long: payload over the framer's maximum";
      case error::malformed_frame:
        return "malformed frame: bad header or trailer";
      case error::truncated_frame:
        return "truncated frame: the stream ended inside a frame";
      case error::framing_failed:
        return "framing failed";
      default:
        return "unknown framekit error";
    }
  }

  boost::system::error_condition default_error_condition(int value) const noexcept override {
    switch (value) {
      case error::frame_too_long:
        return boost::system::errc::make_error_condition(boost::system::errc::message_size);
      case error::malformed_frame:
        return boost::system::errc::make_error_condition(boost::system::errc::invalid_argument);
      case error::truncated_frame:
      case error::framing_failed:
        return boost::system::errc::make_error_condition(boost::system::errc::io_error);
      default:
        return boost::system::error_condition(value, *this);
    }
  }
};

}  // namespace

namespace error {
const boost::system::error_category& framing_category() {
  static const FramingCategory* const category = new FramingCategory();
  return *category;
}
}  // namespace error

boost::system::error_code ErrorCodeFromStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return {};
    case absl::StatusCode::kResourceExhausted:
      return error::frame_too_long;
    case absl::StatusCode::kInvalidArgument:
      return error::malformed_frame;
    case absl::StatusCode::kDataLoss:
      return error::truncated_frame;
    default:
      return error::framing_failed;
  }
}

}  // namespace asio
}  // namespace framekit
