// framekit/benchmarks/encoding/measurements.cc
#include "measurements.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "loopback.h"
#include "results.h"

namespace framekit {
namespace encoding_bench {
namespace {

void SetPerValueCounters(benchmark::State& state, const Cell& c) {
  const double values = static_cast<double>(c.data->size());
  state.counters["bytes/value"] = c.bytes_per_value;
  state.counters["values/s"] =
      benchmark::Counter(values, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds per value (printed e.g. "12.3n" = 12.3 ns).
  state.counters["sec/value"] = benchmark::Counter(
      values, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.wire.size()));
}

void BM_Encode(benchmark::State& state, const Cell* c) {
  std::string wire;
  wire.reserve(c->wire.size() + 64);
  for (auto _ : state) {
    wire.clear();
    absl::Status s = c->pipeline->Encode(*c->data, &wire);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(wire.data());
  }
  SetPerValueCounters(state, *c);
}

void BM_Decode(benchmark::State& state, const Cell* c) {
  for (auto _ : state) {
    DecodeTotals t;
    absl::Status s = c->pipeline->DecodeStream(c->wire, &t);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(t.sum);
  }
  SetPerValueCounters(state, *c);
}

void BM_Socket(benchmark::State& state, const Cell* c, double seconds) {
  // The unit the sender repeats: the dataset's frames, repeated to >= 256 KiB.
  const size_t reps = std::max<size_t>(1, (256 * 1024 + c->wire.size() - 1) / c->wire.size());
  std::string unit;
  for (size_t i = 0; i < reps; ++i) unit += c->wire;
  const double unit_values = static_cast<double>(reps * c->data->size());
  // Enough for about three times `seconds` of decoding (the decode section ran first).
  const double decode_s = RunResults().Get(absl::StrCat("decode/", c->Key()), "sec/value");
  uint64_t max_units = ~uint64_t{0};
  if (decode_s > 0) {
    max_units = std::max<uint64_t>(
        2, static_cast<uint64_t>(std::ceil(3 * seconds / (decode_s * unit_values))));
  }
  for (auto _ : state) {
    uint64_t units = 0;
    DecodeTotals t;
    LoopbackRun run = RunLoopback(
        [&](int fd, std::string* error) {
          units = SendRepeated(fd, unit, max_units, seconds, error);
        },
        [&](int fd, double* secs) { return c->pipeline->Receive(fd, &t, secs); });
    const uint64_t expected_values = units * reps * c->data->size();
    if (run.error.empty() && (t.values != expected_values || t.sum != c->sum * units * reps)) {
      run.error = absl::StrFormat("received %d values, sent %d (or the sum differs)", t.values,
                                  expected_values);
    }
    if (!run.error.empty()) {
      state.SkipWithError(run.error.c_str());
      break;
    }
    state.SetIterationTime(run.seconds);
    const std::string name = absl::StrCat("socket/", c->Key());
    const double msgs = static_cast<double>(t.frames) / run.seconds;
    const double values = static_cast<double>(t.values) / run.seconds;
    RunResults().Set(name, "msgs/s", msgs);
    RunResults().Set(name, "values/s", values);
    state.counters["msgs/s"] = msgs;
    state.counters["values/s"] = values;
    state.counters["bytes/value"] = c->bytes_per_value;
    state.SetBytesProcessed(static_cast<int64_t>(units * unit.size()));
  }
}

}  // namespace

std::vector<PlannedCell> RegisterCellBenchmarks(const CellSet& cells, const RunMode& mode) {
  std::vector<PlannedCell> plan;
  // Google Benchmark grows the iteration count until min_time: about 1.5x min_time in all.
  const double timed = 1.5 * mode.min_time + 0.002;
  for (const char* what : {"encode", "decode"}) {
    for (const auto& c : cells.cells) {
      if (!c->na.empty()) continue;
      const std::string name = absl::StrCat(what, "/", c->Key());
      benchmark::RegisterBenchmark(name.c_str(),
                                   std::string(what) == "encode" ? BM_Encode : BM_Decode, c.get());
      plan.push_back({name, what, timed});
    }
  }
  for (const auto& c : cells.cells) {
    if (!c->na.empty()) continue;
    const std::string name = absl::StrCat("socket/", c->Key());
    benchmark::RegisterBenchmark(name.c_str(), BM_Socket, c.get(), mode.socket_seconds)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    plan.push_back({name, "loopback", mode.socket_seconds + 0.03});
  }
  return plan;
}

}  // namespace encoding_bench
}  // namespace framekit
