// Fuzz target: VarintCodec (LEB128, optional zigzag) decode and encode. Checks (fuzz_helpers.h,
// CheckCodec): decode(bytes) -> encode gives back exactly bytes (overlong forms such as 80 00,
// 11-byte and >64-bit varints, truncated input are refused), encode(values) succeeds iff every
// value is in the domain and decodes back to them, signed and unsigned decoding agree, errors are
// InvalidArgument and leave the output untouched, and Spec() rebuilds an equal codec.
#include <cstddef>
#include <cstdint>

#include "framekit/codecs/varint_codec.h"
#include "framekit/fuzz/fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  framekit::fuzz::FuzzInput in(data, size);
  framekit::VarintCodecOptions options;
  options.zigzag = in.Bool();
  auto codec = framekit::VarintCodec::Create(options);
  FUZZ_CHECK(codec.ok(), "Create: " + codec.status().ToString());
  framekit::fuzz::CheckCodec(**codec, in);
  return 0;
}
