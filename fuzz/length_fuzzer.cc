// Fuzz target: LengthHeaderFramer / LengthHeaderDecoder over every header shape: widths 1/2/4/8 and
// varint (and invalid ones), both byte orders, offset 0-17, adjustments small and extreme, strip
// from 0 to past the header or all, tiny to huge maxima, fail and skip. Checks (fuzz_helpers.h,
// CheckFramer): encoded payloads come back (with the unstripped header bytes), split invariance
// (whole, cut, byte by byte, zero-copy), no frame over max + unstripped header, bounded buffer
// whatever a header claims, Spec() and options() re-create an equal framer, and a payload refused
// with InvalidArgument only when shorter than a positive adjustment.
#include <cstddef>
#include <cstdint>
#include <string>

#include "framekit/framing/length_header_framer.h"
#include "framekit/fuzz/fuzz_helpers.h"

using framekit::fuzz::FuzzInput;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  framekit::LengthHeaderOptions options;
  const uint8_t shape = in.Byte();
  static constexpr int kWidths[8] = {1, 2, 4, 8, framekit::kVarintWidth, 4, 3, 16};
  options.width = kWidths[shape & 7];
  options.order = (shape & 0x08) ? framekit::ByteOrder::kLittle : framekit::ByteOrder::kBig;
  const uint8_t knobs = in.Byte();
  if (knobs & 0x01) options.length_offset = in.Range(0, 17);
  switch ((knobs >> 1) & 3) {
    case 0:
      break;
    case 1:
      options.length_adjustment = static_cast<int64_t>(in.Range(0, 40)) - 20;
      break;
    case 2:
      options.length_adjustment = -static_cast<int64_t>(in.Range(0, 20));
      break;
    default:
      options.length_adjustment = static_cast<int64_t>(in.U64());
      break;
  }
  if (knobs & 0x08) {
    const size_t width = options.width == framekit::kVarintWidth ? 10 : options.width;
    options.strip = in.Range(0, options.length_offset + width + 1);
  }
  if (knobs & 0x10) options.max_frame_size = framekit::fuzz::FuzzMax(in);
  options.on_too_long =
      (knobs & 0x20) ? framekit::TooLongPolicy::kSkip : framekit::TooLongPolicy::kFail;

  auto created = framekit::LengthHeaderFramer::Create(options);
  const framekit::LengthHeaderFramer* framer = framekit::fuzz::FramerOrNull(created);
  if (framer == nullptr) return 0;
  framekit::fuzz::CheckOptionsRoundTrip(*framer);

  const framekit::LengthHeaderOptions& o = framer->options();
  const bool strip_all = o.strip == framekit::kStripWholeHeader;
  const uint64_t header_max =
      o.length_offset + (o.width == framekit::kVarintWidth ? 10 : static_cast<uint64_t>(o.width));
  framekit::fuzz::FramerTraits traits;
  traits.max_frame_bytes = framer->max_payload_size() + (strip_all ? 0 : header_max - o.strip);
  traits.max_overhead = header_max;
  traits.expected_frame = [strip_all, &o](absl::string_view payload, absl::string_view encoded) {
    return strip_all ? std::string(payload) : std::string(encoded.substr(o.strip));
  };
  traits.check_refusal = [&o](absl::string_view payload, const absl::Status& status) {
    if (status.code() != absl::StatusCode::kInvalidArgument) return;
    FUZZ_CHECK(
        o.length_adjustment > 0 && payload.size() < static_cast<uint64_t>(o.length_adjustment),
        "refused a payload that can be sent: " + status.ToString());
  };
  framekit::fuzz::CheckFramer(*framer, traits, in);
  return 0;
}
