// framekit/benchmarks/encoding/results.h
//
// Contract: every figure of one run, by benchmark name ("socket/varint+lenvar/16/zipf") and
// counter ("values/s"). The benchmarks and the reporter write it on the benchmark thread; the
// summary and chart read it after the run, so every figure they show comes from this one run.
// A figure that was not measured reads as NaN.
//
// Example:
//   RunResults().Set("socket/x", "values/s", 1e6);
//   double v = RunResults().Get("socket/x", "values/s");  // 1e6; NaN for an unknown name
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_RESULTS_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_RESULTS_H_

#include <cmath>
#include <map>
#include <string>

namespace framekit {
namespace encoding_bench {

class Results {
 public:
  void Set(const std::string& name, const std::string& counter, double value) {
    figures_[name][counter] = value;
  }
  double Get(const std::string& name, const std::string& counter) const {
    auto it = figures_.find(name);
    if (it == figures_.end()) return NAN;
    auto c = it->second.find(counter);
    return c == it->second.end() ? NAN : c->second;
  }

 private:
  std::map<std::string, std::map<std::string, double>> figures_;
};

// The run's results (one per process).
inline Results& RunResults() {
  static Results* results = new Results();
  return *results;
}

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_RESULTS_H_
