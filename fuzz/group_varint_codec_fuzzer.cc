// Fuzz target: GroupVarintCodec (tag byte + four 1-4 byte values, optional zigzag) decode and
// encode. Checks (fuzz_helpers.h, CheckCodec): decode(bytes) -> encode gives back exactly bytes
// (truncated groups, nonzero unused lengths in a final group and overlong values are refused),
// encode(values) succeeds iff every value is a uint32 (int32 with zigzag) and decodes back to them,
// signed and unsigned decoding agree, errors are InvalidArgument and leave the output untouched,
// and Spec() rebuilds an equal codec.
#include <cstddef>
#include <cstdint>

#include "framekit/codecs/group_varint_codec.h"
#include "framekit/fuzz/fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  framekit::fuzz::FuzzInput in(data, size);
  framekit::GroupVarintCodecOptions options;
  options.zigzag = in.Bool();
  auto codec = framekit::GroupVarintCodec::Create(options);
  FUZZ_CHECK(codec.ok(), "Create: " + codec.status().ToString());
  framekit::fuzz::CheckCodec(**codec, in);
  return 0;
}
