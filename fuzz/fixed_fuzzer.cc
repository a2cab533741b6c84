// Fuzz target: FixedLengthFramer / FixedLengthDecoder, with and without a pad byte, frame sizes
// from 0 (refused) to large, and maxima around them. Checks (fuzz_helpers.h, CheckFramer): encoded
// payloads come back padded to frame_size, split invariance (whole, cut, byte by byte, zero-copy),
// decoding never fails except DataLoss at Finish, no frame longer than frame_size, bounded buffer,
// Spec() and options() re-create an equal framer, and a short payload is refused (InvalidArgument)
// only when no pad is set.
#include <cstddef>
#include <cstdint>
#include <string>

#include "framekit/framing/fixed_length_framer.h"
#include "framekit/fuzz/fuzz_helpers.h"

using framekit::fuzz::FuzzInput;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  framekit::FixedLengthOptions options;
  const uint8_t shape = in.Byte();
  switch (shape % 4) {
    case 0:
      options.frame_size = in.Range(0, 8);
      break;
    case 1:
    case 2:
      options.frame_size = in.Range(1, 300);
      break;
    default:
      options.frame_size = in.Range(0, 70000);
      break;
  }
  if (shape & 0x10) options.pad = in.Byte();
  if (shape & 0x20) options.max_frame_size = framekit::fuzz::FuzzMax(in);

  auto created = framekit::FixedLengthFramer::Create(options);
  const framekit::FixedLengthFramer* framer = framekit::fuzz::FramerOrNull(created);
  if (framer == nullptr) return 0;
  framekit::fuzz::CheckOptionsRoundTrip(*framer);

  framekit::fuzz::FramerTraits traits;
  traits.max_frame_bytes = framer->max_payload_size();
  traits.max_overhead = framer->options().frame_size;  // The padding.
  traits.expected_frame = [](absl::string_view, absl::string_view encoded) {
    return std::string(encoded);  // Padding included: the decoder never strips.
  };
  traits.check_refusal = [framer](absl::string_view payload, const absl::Status& status) {
    if (status.code() != absl::StatusCode::kInvalidArgument) return;
    FUZZ_CHECK(payload.size() < framer->options().frame_size && !framer->options().pad,
               "refused a payload that can be sent: " + status.ToString());
  };
  framekit::fuzz::CheckFramer(*framer, traits, in);
  return 0;
}
