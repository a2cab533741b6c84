// Fuzz target: AsciiLengthFramer / AsciiLengthDecoder ("ascii": a fixed number of decimal digits,
// then the payload), digits 0-21 (0 and 21 refused), tiny to huge maxima, fail and skip. Checks
// (fuzz_helpers.h, CheckFramer): round trip with hostile bytes after it, split invariance (whole,
// cut, byte by byte, zero-copy: a header split anywhere gives the same frames and error codes), no
// frame over max_payload_size() (the max clamped to 10^digits - 1), bounded buffer, Spec() and
// options() re-create an equal framer, and the encoder only ever refuses over-max payloads.
#include <cstddef>
#include <cstdint>
#include <string>

#include "framekit/framing/ascii_length_framer.h"
#include "framekit/fuzz/fuzz_helpers.h"

using framekit::fuzz::FuzzInput;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  framekit::AsciiLengthOptions options;
  const uint8_t shape = in.Byte();
  options.digits = (shape & 0x80) ? static_cast<int>(in.Range(0, 21)) : 1 + shape % 6;
  if (shape & 0x40) options.max_frame_size = framekit::fuzz::FuzzMax(in);
  options.on_too_long =
      (shape & 0x20) ? framekit::TooLongPolicy::kSkip : framekit::TooLongPolicy::kFail;

  auto created = framekit::AsciiLengthFramer::Create(options);
  const framekit::AsciiLengthFramer* framer = framekit::fuzz::FramerOrNull(created);
  if (framer == nullptr) return 0;
  framekit::fuzz::CheckOptionsRoundTrip(*framer);

  framekit::fuzz::FramerTraits traits;
  traits.max_frame_bytes = framer->max_payload_size();
  traits.max_overhead = 20;
  traits.expected_frame = [](absl::string_view payload, absl::string_view) {
    return std::string(payload);
  };
  traits.check_refusal = [](absl::string_view, const absl::Status& status) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kResourceExhausted,
               "ascii encoder refused a payload for another reason: " + status.ToString());
  };
  framekit::fuzz::CheckFramer(*framer, traits, in);
  return 0;
}
