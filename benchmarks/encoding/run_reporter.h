// framekit/benchmarks/encoding/run_reporter.h
//
// Contract: the Google Benchmark display reporter of the comparison. It writes Google Benchmark's
// usual console lines (the context, one line per benchmark) to `log` -- the full raw log the run
// always keeps in its out dir -- and, with `echo` set (--verbose), to stdout as well. For every
// run it stores the counters in RunResults() (by the benchmark's base name, option suffixes such
// as "/iterations:1/manual_time" stripped), tells `progress` the cell is done, and prints a
// benchmark's error on stderr so a failure is never hidden behind the progress line.
//
// Example:
//   std::ofstream log(out_dir + "/encoding_comparison.log");
//   RunReporter reporter(&log, /*echo=*/verbose, &progress);
//   benchmark::RunSpecifiedBenchmarks(&reporter);
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_RUN_REPORTER_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_RUN_REPORTER_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "framekit/benchmarks/encoding/progress.h"

namespace framekit {
namespace encoding_bench {

class RunReporter : public benchmark::ConsoleReporter {
 public:
  RunReporter(std::ostream* log, bool echo, Progress* progress);
  ~RunReporter() override;

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;

  int errors() const { return errors_; }

 private:
  class TeeBuffer;
  std::unique_ptr<TeeBuffer> tee_buffer_;
  std::unique_ptr<std::ostream> tee_;
  Progress* progress_;
  int errors_ = 0;
};

// "socket/x/iterations:1/manual_time" -> "socket/x".
std::string BaseName(std::string name);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_RUN_REPORTER_H_
