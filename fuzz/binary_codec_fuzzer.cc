// Fuzz target: BinaryCodec decode and encode, widths 2/4/8 (and an invalid 3), signed and unsigned.
// Checks (fuzz_helpers.h, CheckCodec): decode(bytes) -> encode gives back exactly bytes
// (canonical), encode(values) succeeds iff every value is in the domain and decodes back to them,
// signed and unsigned decoding agree, errors are InvalidArgument and leave the output untouched,
// and Spec() rebuilds an equal codec.
#include <cstddef>
#include <cstdint>

#include "framekit/codecs/binary_codec.h"
#include "framekit/fuzz/fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  framekit::fuzz::FuzzInput in(data, size);
  const uint8_t shape = in.Byte();
  framekit::BinaryCodecOptions options;
  static constexpr int kWidths[4] = {2, 4, 8, 3};
  options.width = kWidths[shape & 3];
  options.is_signed = (shape & 4) != 0;
  auto codec = framekit::BinaryCodec::Create(options);
  if (!codec.ok()) {
    FUZZ_CHECK(codec.status().code() == absl::StatusCode::kInvalidArgument && options.width == 3,
               "Create: " + codec.status().ToString());
    return 0;
  }
  framekit::fuzz::CheckCodec(**codec, in);
  return 0;
}
