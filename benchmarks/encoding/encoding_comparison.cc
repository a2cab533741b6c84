// framekit/benchmarks/encoding/encoding_comparison.cc
//
// Contract: the encoding trade-off benchmark, the README's main command (tools/compare.sh). It
// answers the Socket HOWTO's "Decisions, decisions" (binary in network byte order, or ASCII?) with
// measurements, for real value distributions (value_distributions.h), with and without
// compression, at 1, 16 and 1,000 values per message (encodings.h). For every encoding x regime x
// distribution it reports, in one run: bytes on the wire per value (exact: headers + payload,
// compressed where the row compresses), encode and decode ns per value, and loopback TCP values/s
// (measurements.h); then framekit against Boost.Asio (asio_comparison.h). The HOWTO's own claim is
// checked as a row: 0 as ASCII plus a delimiter is 2 bytes ("0\n"), as a 64-bit binary integer 8.
//
// What it shows while running (progress.h): on a terminal one status line redrawn in place (the
// section running, cells done of total, time left); otherwise one line per section as it ends;
// with --verbose Google Benchmark's raw lines instead. Then the summary (summary.h): the answer in
// one paragraph, computed from this run's figures, then the tables, and where the outputs went.
//
// Outputs, in --out_dir (default out/, relative to the directory `bazel run` was started from):
//   encoding_comparison.json          Google Benchmark's --benchmark_out (passed automatically)
//   encoding_comparison_summary.md    the summary: answer and tables (also printed at the end)
//   encoding_comparison_chart.svg     the chart (comparison_chart.h)
//   encoding_comparison.log           the full raw log of Google Benchmark's console lines
//
// Flags (ours, stripped before Google Benchmark sees argv; all --benchmark_* flags work too):
//   --out_dir=DIR       where the outputs go
//   --quick             tiny datasets and time budgets (the smoke test): seconds
//   --full              larger datasets, longer timings, every transform: several minutes
//   --transforms=LIST   the compressed rows: comma-separated labels of FullMode()'s transforms
//                       (zstd, lz4, snappy, deflate), "all" or "none"; default: the mode's
//   --verbose           print the raw benchmark lines instead of the progress
//   --progress=auto|terminal|lines   force the progress style (auto: terminal iff stdout is one)
//   --pin_cpus=false    leave thread placement to the scheduler (default: receiver and sender
//                       threads pinned to two different CPUs, the same for every receiver)
// Exits 0 when it ran and wrote its outputs (missed targets are reported, not a failure), 1 on
// bad flags or unwritable outputs, 2 when a cell cannot be built or does not round-trip.
//
//   bazel run -c opt //benchmarks/encoding:encoding_comparison -- --out_dir=/tmp/out
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "asio_comparison.h"
#include "benchmark/benchmark.h"
#include "cells.h"
#include "comparison_chart.h"
#include "encodings.h"
#include "framekit/benchmarks/cpu_pinning.h"
#include "framekit/benchmarks/encoding/progress.h"
#include "framekit/benchmarks/encoding/summary.h"
#include "framekit/benchmarks/encoding/value_distributions.h"
#include "measurements.h"
#include "results.h"
#include "run_mode.h"
#include "run_reporter.h"

namespace framekit {
namespace encoding_bench {
namespace {

struct Flags {
  RunMode mode;
  std::string out_dir = "out";
  bool verbose = false;
  std::string progress = "auto";
  std::string transforms;  // Empty: the mode's.
  bool has_out = false, has_min_time = false, has_format = false;
  std::vector<char*> benchmark_args;
};

// Sets mode->transforms from "all", "none" or labels ("zstd,lz4"). False (with a message) on an
// unknown label.
bool SelectTransforms(absl::string_view list, RunMode* mode) {
  const std::vector<TransformDef> known = FullMode().transforms;
  mode->transforms.clear();
  if (list == "none") return true;
  if (list == "all") {
    mode->transforms = known;
    return true;
  }
  for (absl::string_view label : absl::StrSplit(list, ',')) {
    bool found = false;
    for (const TransformDef& t : known) {
      if (t.label == label) {
        mode->transforms.push_back(t);
        found = true;
      }
    }
    if (!found) {
      std::string labels;
      for (const TransformDef& t : known)
        absl::StrAppend(&labels, labels.empty() ? "" : ", ", t.label);
      std::fprintf(stderr, "--transforms: unknown transform '%s' (known: %s, all, none)\n",
                   std::string(label).c_str(), labels.c_str());
      return false;
    }
  }
  return true;
}

// Our flags out, Google Benchmark's kept. False (with a message) on a bad value of ours.
bool ParseFlags(int argc, char** argv, Flags* f) {
  f->benchmark_args.push_back(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const absl::string_view a = argv[i];
    if (absl::StartsWith(a, "--out_dir=")) {
      f->out_dir = std::string(a.substr(10));
    } else if (a == "--quick") {
      f->mode = QuickMode();
    } else if (a == "--full") {
      f->mode = FullMode();
    } else if (absl::StartsWith(a, "--transforms=")) {
      f->transforms = std::string(a.substr(13));
    } else if (a == "--verbose") {
      f->verbose = true;
    } else if (absl::StartsWith(a, "--progress=")) {
      f->progress = std::string(a.substr(11));
      if (f->progress != "auto" && f->progress != "terminal" && f->progress != "lines") {
        std::fprintf(stderr, "--progress=%s: expected auto, terminal or lines\n",
                     f->progress.c_str());
        return false;
      }
    } else if (a == "--pin_cpus=false" || a == "--nopin_cpus") {
      benchmarks::SetCpuPinning(false);
    } else if (a == "--pin_cpus" || a == "--pin_cpus=true") {
      // The default.
    } else {
      f->has_out |= absl::StartsWith(a, "--benchmark_out=");
      f->has_format |= absl::StartsWith(a, "--benchmark_out_format=");
      f->has_min_time |= absl::StartsWith(a, "--benchmark_min_time=");
      f->benchmark_args.push_back(argv[i]);
    }
  }
  if (!f->transforms.empty()) return SelectTransforms(f->transforms, &f->mode);
  return true;
}

// The planned cells Google Benchmark will run under --benchmark_filter (its syntax: an extended
// regular expression, "-" in front to exclude; empty or "all" for everything), so the progress
// counts only those. The names carry no option suffixes here, which a filter rarely mentions.
std::vector<PlannedCell> Filtered(std::vector<PlannedCell> plan, std::string filter) {
  if (filter.empty() || filter == "all") return plan;
  const bool exclude = filter[0] == '-';
  if (exclude) filter.erase(0, 1);
  regex_t re;
  if (::regcomp(&re, filter.c_str(), REG_EXTENDED | REG_NOSUB) != 0) return plan;
  std::vector<PlannedCell> out;
  for (PlannedCell& c : plan) {
    const bool match = ::regexec(&re, c.name.c_str(), 0, nullptr, 0) == 0;
    if (match != exclude) out.push_back(std::move(c));
  }
  ::regfree(&re);
  return out;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  return static_cast<bool>(f);
}

void MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') ::mkdir(path.substr(0, i).c_str(), 0755);
  }
}

double Ns(const std::string& name) { return RunResults().Get(name, "sec/value") * 1e9; }

// Everything the summary and the chart show, from the cells and this run's results.
SummaryInput CollectSummaryInput(const CellSet& cells, const RunMode& mode, double seconds) {
  SummaryInput in;
  in.mode_name = mode.name;
  in.seconds = seconds;
  std::string transforms;
  for (const TransformDef& t : mode.transforms) {
    absl::StrAppend(&transforms, transforms.empty() ? "" : ", ", t.label, " (`", t.spec, "`)");
  }
  in.setup = absl::StrCat(
      "Datasets: ", mode.one_values, " values one per message; ", mode.sixteen_values,
      " in messages of 16; ", mode.batch_values,
      " in messages of 1,000. bytes/value = all wire bytes / values. encode/decode: ns per value "
      "(codec + transform + framer). loopback: TCP over 127.0.0.1, the receiver decodes every "
      "value. N/A: the codec cannot represent the distribution (never truncated). Compressed rows "
      "(`codec+transform+lenvar`): each message's payload compressed on its own, framed with a "
      "varint length; transforms in this run: ",
      transforms.empty() ? "none" : transforms,
      ". Socket threads: ", benchmarks::CpuPinningDescription(),
      ". One run: the timed figures are single measurements on a shared machine, so differences "
      "of a few percent (ratios near 1.00x) are noise.");
  for (const std::string& d : DistributionNames()) {
    in.distributions.emplace_back(d, MakeDataset(d, 0).description);
  }
  for (const Encoding& e : cells.encodings) in.encodings.push_back(e.name);
  in.regimes = Regimes();
  for (const auto& c : cells.cells) {
    SummaryRow r;
    r.encoding = c->enc->name;
    r.codec_family = c->enc->codec_family;
    r.transform = c->enc->transform_label;
    r.per_message = c->per_message;
    r.distribution = c->data->name;
    r.applicable = c->na.empty();
    r.bytes_per_value = c->bytes_per_value;
    r.encode_ns = Ns("encode/" + c->Key());
    r.decode_ns = Ns("decode/" + c->Key());
    r.values_per_second = RunResults().Get("socket/" + c->Key(), "values/s");
    r.messages_per_second = RunResults().Get("socket/" + c->Key(), "msgs/s");
    in.rows.push_back(r);
  }
  in.ascii_zero_wire = WireOfZero(cells.encodings, "ascii+delim");
  in.binary_zero_wire = WireOfZero(cells.encodings, "bin8+fixed");
  in.varint_zero_wire = WireOfZero(cells.encodings, "varint+lenvar");
  for (bool end_to_end : {false, true}) {
    for (const AsioCase& c : AsioCases()) {
      const std::string base = absl::StrCat(end_to_end ? "asio_b/" : "asio_a/", AsioCaseName(c));
      AsioRow a;
      a.end_to_end = end_to_end;
      a.delimited = c.delimited;
      a.payload = c.payload;
      a.framekit_best = RunResults().Get(base + "/framekit", "msgs/s");
      a.framekit_median = RunResults().Get(base + "/framekit", "median msgs/s");
      a.asio_best = RunResults().Get(base + "/asio", "msgs/s");
      a.asio_median = RunResults().Get(base + "/asio", "median msgs/s");
      a.raw_best = RunResults().Get(base + "/raw", "msgs/s");
      a.paired_ratio = RunResults().Get(base, "paired ratio");
      if (!end_to_end) a.target = c.payload == 16 ? 3 : 1;
      if (end_to_end && c.payload == 16) a.target = 50;
      in.asio.push_back(a);
    }
  }
  in.asio_rounds = mode.asio_rounds;
  in.asio_seconds = mode.asio_seconds;
  return in;
}

int Main(int argc, char** argv) {
  const auto t0 = std::chrono::steady_clock::now();
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) return 1;
  std::string out_dir = flags.out_dir;
  // Relative paths are relative to where the user ran `bazel run` from, not the runfiles tree.
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (!out_dir.empty() && out_dir[0] != '/' && cwd != nullptr) {
    out_dir = absl::StrCat(cwd, "/", out_dir);
  }
  MakeDirs(out_dir);
  const std::string json_path = out_dir + "/encoding_comparison.json";
  std::vector<std::string> injected;
  if (!flags.has_out) injected.push_back("--benchmark_out=" + json_path);
  if (!flags.has_format) injected.push_back("--benchmark_out_format=json");
  if (!flags.has_min_time) {
    injected.push_back(absl::StrFormat("--benchmark_min_time=%g", flags.mode.min_time));
  }
  std::vector<char*> args = flags.benchmark_args;
  for (std::string& s : injected) args.push_back(s.data());
  args.push_back(nullptr);
  int bargc = static_cast<int>(args.size()) - 1;
  benchmark::Initialize(&bargc, args.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, args.data())) return 1;

  const std::string log_path = out_dir + "/encoding_comparison.log";
  std::ofstream log(log_path, std::ios::trunc);
  if (!log) {
    std::fprintf(stderr, "could not write %s\n", log_path.c_str());
    return 1;
  }

  // Socket runs receive on this thread and send from another: pinned apart, every receiver
  // (framekit's and Asio's) meets its sender with the same placement (benchmarks/cpu_pinning.h).
  benchmarks::PinThisThread(benchmarks::CpuRole::kReceiver);
  absl::StatusOr<std::unique_ptr<CellSet>> cells =
      BuildCells(flags.mode, Encodings(flags.mode.transforms));
  if (!cells.ok()) {
    std::fprintf(stderr, "encoding_comparison: %s\n", cells.status().ToString().c_str());
    return 2;
  }
  std::vector<PlannedCell> plan = RegisterCellBenchmarks(**cells, flags.mode);
  for (PlannedCell& c : RegisterAsioComparison(flags.mode)) plan.push_back(std::move(c));

  plan = Filtered(std::move(plan), benchmark::GetBenchmarkFilter());
  ProgressStyle style =
      ChooseStyle(flags.verbose, ::isatty(STDOUT_FILENO) == 1, std::getenv("TERM"));
  if (!flags.verbose && flags.progress == "terminal") style = ProgressStyle::kTerminal;
  if (!flags.verbose && flags.progress == "lines") style = ProgressStyle::kLines;
  double planned = 0;
  for (const PlannedCell& c : plan) planned += c.planned_seconds;
  std::printf("encoding_comparison: %s run, %zu cells planned (about %s), outputs in %s\n",
              flags.mode.name.c_str(), plan.size(), FormatDuration(planned).c_str(),
              out_dir.c_str());
  std::fflush(stdout);
  Progress progress(style, stdout, std::move(plan));
  RunReporter reporter(&log, flags.verbose, &progress);
  progress.Start();
  benchmark::RunSpecifiedBenchmarks(&reporter);
  progress.Finish();
  benchmark::Shutdown();
  log.flush();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const SummaryInput input = CollectSummaryInput(**cells, flags.mode, seconds);
  const Summary summary = BuildSummary(input);
  const std::string md_path = out_dir + "/encoding_comparison_summary.md";
  const std::string svg_path = out_dir + "/encoding_comparison_chart.svg";
  std::printf("\n%s\n", summary.markdown.c_str());
  bool ok = WriteFile(md_path, summary.markdown);
  ok &= WriteFile(svg_path, BuildComparisonChart(input));
  std::printf("summary: %s\nchart:   %s\njson:    %s\nlog:     %s\n", md_path.c_str(),
              svg_path.c_str(), flags.has_out ? "(as given by --benchmark_out)" : json_path.c_str(),
              log_path.c_str());
  std::printf("targets: %s\n", summary.targets_met ? "all met" : "NOT all met (see FAIL above)");
  if (reporter.errors() > 0) {
    std::printf("errors:  %d benchmark(s) failed (see above and the log)\n", reporter.errors());
  }
  std::fflush(stdout);
  if (!ok) {
    std::fprintf(stderr, "could not write the outputs to %s\n", out_dir.c_str());
    return 1;
  }
  return 0;  // Missed targets are reported, not an error: the numbers are the product.
}

}  // namespace
}  // namespace encoding_bench
}  // namespace framekit

int main(int argc, char** argv) { return framekit::encoding_bench::Main(argc, argv); }
