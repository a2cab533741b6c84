// Fuzz target: NetstringFramer / NetstringDecoder (`len:payload,`), tiny to huge maxima, fail and
// skip. Checks (fuzz_helpers.h, CheckFramer): round trip with hostile bytes after it, split
// invariance (whole, cut, byte by byte, zero-copy: a length, its ':' or the ',' split anywhere give
// the same frames and error codes), no frame over max, bounded buffer whatever a length claims,
// Spec() and options() re-create an equal framer, and the encoder only refuses over-max payloads.
#include <cstddef>
#include <cstdint>
#include <string>

#include "framekit/framing/netstring_framer.h"
#include "framekit/fuzz/fuzz_helpers.h"

using framekit::fuzz::FuzzInput;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  framekit::NetstringOptions options;
  const uint8_t shape = in.Byte();
  if (shape & 0x40) options.max_frame_size = framekit::fuzz::FuzzMax(in);
  options.on_too_long =
      (shape & 0x20) ? framekit::TooLongPolicy::kSkip : framekit::TooLongPolicy::kFail;

  auto created = framekit::NetstringFramer::Create(options);
  const framekit::NetstringFramer* framer = framekit::fuzz::FramerOrNull(created);
  if (framer == nullptr) return 0;
  framekit::fuzz::CheckOptionsRoundTrip(*framer);

  framekit::fuzz::FramerTraits traits;
  traits.max_frame_bytes = framer->max_payload_size();
  traits.max_overhead = 22;
  traits.expected_frame = [](absl::string_view payload, absl::string_view) {
    return std::string(payload);
  };
  traits.check_refusal = [](absl::string_view, const absl::Status& status) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kResourceExhausted,
               "netstring encoder refused a payload for another reason: " + status.ToString());
  };
  framekit::fuzz::CheckFramer(*framer, traits, in);
  return 0;
}
