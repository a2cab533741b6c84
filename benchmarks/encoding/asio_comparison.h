// framekit/benchmarks/encoding/asio_comparison.h
//
// Contract: framekit against Boost.Asio (asio_peer.h) over loopback TCP, 16 B and 64 KiB payloads,
// delimited ('\n') and length-prefixed (4-byte big-endian) framing, as one section of the run:
//   (a) "asio_a/..."  the same pre-encoded stream from the same sender thread; framekit's receiver
//                     (ReadSome into PrepareWrite, frames taken with NextBatch) vs Asio's
//                     read_until / read(transfer_exactly), and as a ceiling a receiver that only
//                     ReadSome()s and frames nothing ("raw")
//   (b) "asio_b/..."  end to end, each side with its natural API: framekit encodes frames into a
//                     buffer and writes ~64 KiB a call; Asio does one asio::write per message
// Each comparison alternates framekit and Asio runs for RunMode::asio_rounds rounds (taking turns
// to go first) on the same shared, noisy machine. RunResults() gets, per comparison, the median
// over rounds of the paired (same-round) ratio as "<name>"/"paired ratio", and each side's best and
// median round as "<name>/<framekit|asio|raw>"/"msgs/s" and "median msgs/s".
//
// Example:
//   std::vector<PlannedCell> plan = RegisterAsioComparison(mode);
//   benchmark::RunSpecifiedBenchmarks(&reporter);
//   double r = RunResults().Get("asio_a/len4/16B", "paired ratio");
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_ASIO_COMPARISON_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_ASIO_COMPARISON_H_

#include <cstddef>
#include <string>
#include <vector>

#include "framekit/benchmarks/encoding/progress.h"
#include "run_mode.h"

namespace framekit {
namespace encoding_bench {

struct AsioCase {
  bool delimited;
  size_t payload;
};

// The four cases, in report order.
const std::vector<AsioCase>& AsioCases();
// "delim/16B", "len4/64KiB".
std::string AsioCaseName(const AsioCase& c);

// Registers the eight comparisons; returns them as planned cells, in run order.
std::vector<PlannedCell> RegisterAsioComparison(const RunMode& mode);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_ASIO_COMPARISON_H_
