// framekit/benchmarks/encoding/encodings.h
//
// Contract: what the encoding comparison compares. An Encoding is a codec plus a framer (and,
// for the compression rows, a transform between them); a regime is how many values one message
// carries (1, 16 or 1,000). CodecSpec() and FramerSpec() give the specs one encoding uses in one
// regime for signed or unsigned values: the codec spec is a MakeTransformedCodec spec ("varint" or
// "varint:zigzag=true|zstd:level=3"), the framer spec a MakeFramer spec.
//
// The rows: ascii with a '\n' delimiter, the HOWTO's 5-digit ASCII length or a netstring; binary
// 8 or 4 bytes in fixed frames or behind a 4-byte length; varint behind a varint or 4-byte length;
// group varint behind a 4-byte length. Then, per transform of the run, each codec (ascii, binary
// 8, varint, group varint) compressed and framed with a varint length ("varint+zstd+lenvar").
//
// One value per message, `ascii+delim` lets the codec's trailing '\n' be the frame's delimiter
// (the wire is the HOWTO's "0\n"); with more values per message the payload is "v1,v2,...,"
// ended by the delimiter.
//
// Example:
//   for (const Encoding& e : Encodings({{"zstd", "zstd:level=3"}})) {
//     std::string codec = CodecSpec(e, 16, /*is_signed=*/false);  // e.g. "ascii:sep=\x2C|zstd..."
//     std::string framer = FramerSpec(e, 16);                      // e.g. "length:width=varint"
//   }
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_ENCODINGS_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_ENCODINGS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "run_mode.h"

namespace framekit {
namespace encoding_bench {

struct Encoding {
  std::string name;          // "ascii+delim", "varint+zstd+lenvar"
  std::string codec_family;  // "ascii", "binary", "varint", "groupvarint"
  std::string codec_one;     // Codec spec, one value per message.
  std::string codec_many;    // Codec spec, 16 and 1,000 values per message.
  std::string signed_param;  // Added to the codec spec for signed values ("zigzag=true").
  std::string framer;        // Framer spec; unused when fixed_width > 0.
  size_t fixed_width = 0;    // > 0: "fixed:size=<fixed_width x values per message>".
  bool delimiter_is_separator = false;  // One value per message: see the contract above.
  std::string transform;                // "" (none) or a transform spec ("zstd:level=3").
  std::string transform_label;          // "" or "zstd".
};

// The regimes, in report order: values per message.
inline const std::vector<int>& Regimes() {
  static const std::vector<int> regimes = {1, 16, 1000};
  return regimes;
}

// Every row: the uncompressed encodings, then one compressed row per codec and transform.
std::vector<Encoding> Encodings(absl::Span<const TransformDef> transforms);

std::string CodecSpec(const Encoding& e, int per_message, bool is_signed);
std::string FramerSpec(const Encoding& e, int per_message);
// True when the codec's trailing separator is the frame's delimiter in this regime.
bool StripsSeparator(const Encoding& e, int per_message);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_ENCODINGS_H_
