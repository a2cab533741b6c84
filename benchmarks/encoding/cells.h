// framekit/benchmarks/encoding/cells.h
//
// Contract: the comparison's dataset building. A Cell is one encoding x regime (values per message)
// x value distribution: its dataset, its pipeline, the dataset's wire bytes (every frame, encoded
// once up front) and the exact bytes on the wire per value. BuildCells() makes every cell of a run
// and round-trips each one (decoded values and their sum must match) before anything is timed. A
// codec that cannot represent a distribution (32-bit codecs on 64-bit values) makes the cell N/A
// with the codec's reason: values are never truncated.
//
// Example:
//   const RunMode mode = DefaultMode();
//   absl::StatusOr<std::unique_ptr<CellSet>> cells = BuildCells(mode, Encodings(mode.transforms));
//   if (!cells.ok()) return cells.status();
//   for (const auto& c : (*cells)->cells) {
//     if (c->na.empty()) std::printf("%s: %.2f B/value\n", c->Key().c_str(), c->bytes_per_value);
//   }
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_CELLS_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_CELLS_H_

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "encodings.h"
#include "framekit/benchmarks/encoding/value_distributions.h"
#include "pipeline.h"
#include "run_mode.h"

namespace framekit {
namespace encoding_bench {

struct Cell {
  const Encoding* enc = nullptr;
  int per_message = 1;
  const Dataset* data = nullptr;
  std::unique_ptr<Pipeline> pipeline;
  std::string wire;  // The dataset's frames.
  std::string na;    // Non-empty: not applicable, and why.
  uint64_t sum = 0;  // Of the dataset's values.
  double bytes_per_value = NAN;
  // "varint+lenvar/16/zipf": the benchmarks' names are "<measure>/<key>".
  std::string Key() const;
};

struct CellSet {
  std::vector<Encoding> encodings;
  std::vector<std::unique_ptr<Dataset>> datasets;
  std::vector<std::unique_ptr<Cell>> cells;  // Encoding-major, then regime, then distribution.
  const Cell* Find(const std::string& encoding, int per_message, const std::string& dist) const;
};

// Internal (a bad spec) when a pipeline cannot be made, DataLoss when a round trip fails.
absl::StatusOr<std::unique_ptr<CellSet>> BuildCells(const RunMode& mode,
                                                    std::vector<Encoding> encodings);

// The wire size of one frame carrying the value 0, one value per message (the HOWTO's claim); 0
// when the encoding is unknown.
size_t WireOfZero(const std::vector<Encoding>& encodings, const std::string& name);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_CELLS_H_
