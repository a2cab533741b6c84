// framekit/benchmarks/encoding/measurements.h
//
// Contract: the measurements of every cell (cells.h), registered with Google Benchmark in three
// sections, in this order:
//
//   encode    "encode/<key>": ns/value, codec Encode into a scratch payload (then the transform,
//             for compressed rows), then the framer's Encode
//   decode    "decode/<key>": ns/value, the wire fed in 64 KiB reads into Decoder::PrepareWrite,
//             Next() until kNeedMore, codec Decode of every frame
//   loopback  "socket/<key>": msgs/s and values/s over loopback TCP: a sender thread writes the
//             pre-encoded wire (64 KiB a call); the receiver ReadSome()s straight into
//             PrepareWrite(), then Next() + Decode; the decoded count and sum are checked
//
// A socket run's sender stops after RunMode::socket_seconds, or earlier once it has sent about
// three times what the receiver can decode in that time (from the cell's decode figure), so a slow
// decoder does not leave seconds of backlog in the socket buffers. Results go to RunResults().
//
// Example:
//   std::vector<PlannedCell> plan = RegisterCellBenchmarks(*cells, mode);
//   benchmark::RunSpecifiedBenchmarks(&reporter);
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_MEASUREMENTS_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_MEASUREMENTS_H_

#include <vector>

#include "cells.h"
#include "framekit/benchmarks/encoding/progress.h"
#include "run_mode.h"

namespace framekit {
namespace encoding_bench {

// Registers the encode, decode and loopback benchmarks of every applicable cell; returns them as
// planned cells, in run order. `cells` must outlive the run.
std::vector<PlannedCell> RegisterCellBenchmarks(const CellSet& cells, const RunMode& mode);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_MEASUREMENTS_H_
