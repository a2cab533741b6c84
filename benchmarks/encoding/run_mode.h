// framekit/benchmarks/encoding/run_mode.h
//
// Contract: how big and how long one run of the encoding comparison is. Three modes: `quick` (the
// smoke tests: seconds), `default` (the README's command: under 3 minutes on 2 cores) and `full`
// (larger datasets, longer timings, every transform: several minutes). A mode says how many values
// each regime's dataset holds, the time budgets, and which compression transforms get rows.
//
// Example:
//   const RunMode mode = QuickMode();
//   size_t values = mode.ValuesFor(16);  // the 16-values-per-message dataset's size
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_RUN_MODE_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_RUN_MODE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace framekit {
namespace encoding_bench {

// A compression transform measured as a row: `spec` for MakeTransformedCodec, `label` for names.
struct TransformDef {
  std::string label;  // "zstd"
  std::string spec;   // "zstd:level=3"
};

struct RunMode {
  std::string name = "default";
  size_t one_values = 16384;      // One value per message (= frames).
  size_t sixteen_values = 16384;  // 16 values per message (1,024 frames).
  size_t batch_values = 64000;    // 1,000 values per message (64 frames).
  // The default keeps the run of ~850 cells under 3 minutes on 2 cores; --full is the precise one.
  double min_time = 0.02;       // --benchmark_min_time unless given (CPU seconds).
  double socket_seconds = 0.1;  // Sender time budget per socket run.
  double asio_seconds = 0.2;    // Sender time budget per Asio comparison run.
  int asio_rounds = 5;          // Alternating framekit/Asio rounds per comparison (odd: a median).
  uint64_t asio_small_max = 50'000'000;  // Message caps, 16 B and 64 KiB.
  uint64_t asio_large_max = 200'000;
  std::vector<TransformDef> transforms = {{"zstd", "zstd:level=3"}};

  size_t ValuesFor(int per_message) const {
    return per_message == 1 ? one_values : per_message == 16 ? sixteen_values : batch_values;
  }
};

inline RunMode DefaultMode() { return RunMode(); }

inline RunMode QuickMode() {
  RunMode m;
  m.name = "quick";
  m.one_values = 1024;
  m.sixteen_values = 1024;
  m.batch_values = 4000;
  m.min_time = 0.002;
  m.socket_seconds = 0.01;
  m.asio_seconds = 0.02;
  m.asio_rounds = 1;
  m.asio_small_max = 20'000;
  m.asio_large_max = 200;
  return m;
}

inline RunMode FullMode() {
  RunMode m;
  m.name = "full";
  m.one_values = 16384;  // As the default: compressing each value alone is slow.
  m.sixteen_values = 65536;
  m.batch_values = 256000;
  m.min_time = 0.1;
  m.socket_seconds = 0.3;
  m.asio_seconds = 0.5;
  m.asio_rounds = 9;
  m.transforms = {{"zstd", "zstd:level=3"},
                  {"lz4", "lz4"},
                  {"snappy", "snappy"},
                  {"deflate", "deflate:level=6"}};
  return m;
}

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_RUN_MODE_H_
