// Fuzz target: DelimiterFramer / DelimiterDecoder, one or several delimiters (1-16 bytes, often
// overlapping: drawn from a 4-byte alphabet), small and huge maxima, fail and skip policies.
// Checks (fuzz_helpers.h, CheckFramer): encode/decode round trip with hostile bytes after it, the
// same frames and error codes whatever the split (whole, cut, byte by byte, zero-copy), no frame
// over max, bounded buffer, Spec() and options() re-create an equal framer, and an encoder refusal
// (InvalidArgument) only for a payload holding a byte that can start a delimiter.
#include <cstddef>
#include <cstdint>
#include <string>

#include "framekit/framing/delimiter_framer.h"
#include "framekit/fuzz/fuzz_helpers.h"

using framekit::fuzz::FuzzInput;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  framekit::DelimiterOptions options;
  options.delimiters.clear();
  const uint8_t shape = in.Byte();
  // Mostly 1-3 delimiters; now and then 0 or up to 9 (refused above 8).
  const size_t count = shape >= 0xF0 ? shape % 10 : 1 + shape % 3;
  static constexpr char kAlphabet[4] = {'\r', '\n', 'a', '\0'};
  for (size_t i = 0; i < count; ++i) {
    const uint8_t d = in.Byte();
    const size_t len = (d & 0xC0) == 0xC0 ? in.Range(0, 17) : 1 + (d & 3);
    std::string delim;
    for (size_t k = 0; k < len; ++k) {
      const uint8_t b = in.Byte();
      delim.push_back((d & 0x20) ? static_cast<char>(b) : kAlphabet[b & 3]);
    }
    options.delimiters.push_back(delim);
  }
  options.max_frame_size =
      (shape & 0x08) ? framekit::kDefaultMaxFrameSize : framekit::fuzz::FuzzMax(in);
  options.on_too_long = in.Bool() ? framekit::TooLongPolicy::kSkip : framekit::TooLongPolicy::kFail;

  auto created = framekit::DelimiterFramer::Create(options);
  const framekit::DelimiterFramer* framer = framekit::fuzz::FramerOrNull(created);
  if (framer == nullptr) return 0;
  framekit::fuzz::CheckOptionsRoundTrip(*framer);

  framekit::fuzz::FramerTraits traits;
  traits.max_frame_bytes = framer->max_payload_size();
  traits.max_overhead = 16;
  traits.expected_frame = [](absl::string_view payload, absl::string_view) {
    return std::string(payload);
  };
  traits.check_refusal = [framer](absl::string_view payload, const absl::Status& status) {
    if (status.code() != absl::StatusCode::kInvalidArgument) return;
    bool can_start = false;
    for (const std::string& d : framer->options().delimiters) {
      can_start = can_start || payload.find(d[0]) != absl::string_view::npos;
    }
    FUZZ_CHECK(can_start,
               "refused a payload no byte of which starts a delimiter: " + status.ToString());
  };
  framekit::fuzz::CheckFramer(*framer, traits, in);
  return 0;
}
