// framekit/benchmarks/encoding/pipeline.h
//
// Contract: one codec + framer as the comparison measures it. Encode() turns a dataset into
// frames of `per_frame` values; DecodeStream() decodes a stream fed as recv would deliver it (reads
// of up to 64 KiB sized by Decoder::NextReadSize), Receive() the same from a socket until EOF.
// Both decode every value and report the frames, values and their sum, so a caller checks that
// nothing was lost. The hot loops are instantiated for the framer's concrete (final) types.
//
// The codec spec is a MakeTransformedCodec spec, so a compressed row is one more pipeline:
// "varint|zstd:level=3" compresses each frame's payload after encoding it.
//
// Example:
//   absl::StatusOr<std::unique_ptr<Pipeline>> p =
//       MakePipeline("length:width=varint", "varint", /*per_frame=*/16, false, false);
//   if (!p.ok()) return p.status();
//   std::string wire;
//   absl::Status s = (*p)->Encode(dataset, &wire);
//   DecodeTotals totals;
//   if (s.ok()) s = (*p)->DecodeStream(wire, &totals);
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_PIPELINE_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_PIPELINE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framekit/benchmarks/encoding/value_distributions.h"

namespace framekit {
namespace encoding_bench {

// Reads and writes of the comparison's streams, as a recv/send loop would make them.
constexpr size_t kChunk = 64 * 1024;

struct DecodeTotals {
  uint64_t frames = 0;
  uint64_t values = 0;
  uint64_t sum = 0;  // Of the values, modulo 2^64 (int64 values cast).
};

class Pipeline {
 public:
  virtual ~Pipeline() = default;
  // Appends the frames of `d` (per_frame values each) to `*wire`.
  virtual absl::Status Encode(const Dataset& d, std::string* wire) const = 0;
  // Decodes `wire`, fed in reads of up to 64 KiB as recv would deliver it.
  virtual absl::Status DecodeStream(absl::string_view wire, DecodeTotals* t) const = 0;
  // Reads `fd` to EOF, decoding. `*seconds` from the first read attempt to EOF.
  virtual absl::Status Receive(int fd, DecodeTotals* t, double* seconds) const = 0;
};

// `strip_sep`: the codec's trailing separator is the delimiter the framer writes (see
// encodings.h). InvalidArgument for an unknown spec or a framer kind without a pipeline.
absl::StatusOr<std::unique_ptr<Pipeline>> MakePipeline(const std::string& framer_spec,
                                                       const std::string& codec_spec,
                                                       size_t per_frame, bool strip_sep,
                                                       bool is_signed);

// The sum Decode* reports for `d`.
uint64_t SumOf(const Dataset& d);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_PIPELINE_H_
