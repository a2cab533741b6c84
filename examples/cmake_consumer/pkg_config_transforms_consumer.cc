// examples/cmake_consumer/pkg_config_transforms_consumer.cc -- compression through an installed
// framekit with nothing but pkg-config:
//
//   g++ -std=c++17 pkg_config_transforms_consumer.cc -o pkg_config_transforms_consumer \
//       $(pkg-config --cflags --libs framekit-transforms)
//
// framekit-transforms.pc requires framekit.pc and the compression libraries; framekit.pc alone
// requires none of them. Frames a zstd-compressed payload with "length:width=4|zstd", decodes it
// back, and checks a 4 GiB claim is refused. Exits 0 and prints "transforms: OK" when all held.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/transforms/transform_registry.h"
#include "framekit/transforms/transformed_framer.h"

int main() {
  absl::StatusOr<std::unique_ptr<framekit::TransformedFramer>> framer =
      framekit::TransformedFramer::Create("length:width=4|zstd:level=3");
  if (!framer.ok()) {
    std::fprintf(stderr, "TransformedFramer::Create: %s\n", framer.status().ToString().c_str());
    return 1;
  }
  const std::string payload(4096, 'a');
  std::string wire;
  if (absl::Status s = (*framer)->Encode(payload, &wire); !s.ok()) {
    std::fprintf(stderr, "Encode: %s\n", s.ToString().c_str());
    return 1;
  }
  if (wire.size() >= payload.size()) {
    std::fprintf(stderr, "a 4096-byte run of 'a' did not shrink (%zu bytes)\n", wire.size());
    return 1;
  }
  std::unique_ptr<framekit::TransformedDecoder> decoder = (*framer)->NewDecoder();
  absl::string_view frame;
  if (absl::Status s = decoder->Feed(wire);
      !s.ok() || decoder->Next(&frame) != framekit::Decoder::kFrame || frame != payload) {
    std::fprintf(stderr, "round trip failed: %s\n", decoder->status().ToString().c_str());
    return 1;
  }
  // snappy's own length prefix claiming 4 GiB (varint 80 80 80 80 10): refused, not allocated.
  absl::StatusOr<std::unique_ptr<framekit::Transform>> snappy =
      framekit::MakeTransform("snappy:max=1MiB");
  std::string out;
  if (!snappy.ok() ||
      (*snappy)->Decompress(absl::string_view("\x80\x80\x80\x80\x10", 5), &out).ok()) {
    std::fprintf(stderr, "a 4 GiB snappy claim was not refused\n");
    return 1;
  }
  std::printf("transforms: OK\n");
  return 0;
}
