// framekit/benchmarks/encoding/comparison_chart.h
//
// Contract: the comparison's SVG chart, drawn from the same figures as the summary (summary.h)
// with chart.h's renderer. Panels, top to bottom: bytes per value at 1 and 1,000 values per
// message, loopback values/s at both, decode cost at 1,000 (the uncompressed encodings); then, when
// the run has compressed rows, their own panels -- bytes per value at 1, 16 and 1,000 values per
// message, decode cost and loopback values/s at 1,000 -- each compressed row beside one
// uncompressed row per codec as its baseline; last, framekit against Boost.Asio.
//
// Example:
//   WriteFile(out_dir + "/encoding_comparison_chart.svg", BuildComparisonChart(input));
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_COMPARISON_CHART_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_COMPARISON_CHART_H_

#include <string>

#include "framekit/benchmarks/encoding/summary.h"

namespace framekit {
namespace encoding_bench {

std::string BuildComparisonChart(const SummaryInput& in);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_COMPARISON_CHART_H_
