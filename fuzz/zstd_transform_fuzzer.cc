// Fuzz target: the zstd transform's decompressor (transforms/zstd_transform.h). Checks
// (transform_fuzz_helpers.h, CheckTransform): output never exceeds the fuzzed max (1 byte to
// 64 KiB), errors are InvalidArgument/ResourceExhausted naming zstd and leave the output untouched,
// what decodes re-encodes and decodes back, Compress round-trips within max and is refused past it.
// Input: [max choice][bytes].
#include <cstddef>
#include <cstdint>

#include "framekit/fuzz/transform_fuzz_helpers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  framekit::fuzz::FuzzInput in(data, size);
  framekit::fuzz::CheckTransform("zstd", in);
  return 0;
}
