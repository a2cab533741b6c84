// framekit/benchmarks/encoding/progress.h
//
// Contract: what the comparison shows while it runs. The run is a plan of cells (one benchmark
// each), grouped into sections run one after another ("encode", "decode", ...). Three styles:
//
//   kTerminal  one status line redrawn in place ("\r", erase to end of line): the section running,
//              cells done of total, elapsed and an estimate of the time left
//   kLines     one line per section as it ends (CI logs, pipes): its name, cells, seconds
//   kQuiet     nothing (--verbose: the raw benchmark lines are shown instead)
//
// The time left is the planned cost of the cells still to run (RunMode's time budgets) scaled by
// how the cells done so far compared with their plan, so a slow machine corrects the estimate
// within the first section. Cells are matched by name; a cell that is not reported (filtered out
// by --benchmark_filter) is simply never done, so Finish() closes every section that was started.
// Not thread-safe: call from the benchmark thread.
//
// Example:
//   Progress progress(ChooseStyle(verbose, isatty(1), getenv("TERM")), stdout, plan);
//   progress.Start();
//   progress.CellDone("encode/ascii+delim/1/zeros");  // from the reporter, per benchmark
//   progress.Finish();
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_PROGRESS_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_PROGRESS_H_

#include <cstddef>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace framekit {
namespace encoding_bench {

struct PlannedCell {
  std::string name;     // The benchmark's name, as the reporter sees it (no option suffixes).
  std::string section;  // "encode"
  double planned_seconds = 0;
};

enum class ProgressStyle { kTerminal, kLines, kQuiet };

// kQuiet when verbose; kTerminal when stdout is a terminal whose TERM is set and not "dumb";
// otherwise kLines.
ProgressStyle ChooseStyle(bool verbose, bool stdout_is_terminal, const char* term);

class Progress {
 public:
  // `clock` returns seconds since some fixed point (default: the steady clock).
  Progress(ProgressStyle style, std::FILE* out, std::vector<PlannedCell> plan,
           std::function<double()> clock = nullptr);

  // The first section's status (kTerminal) or nothing.
  void Start();
  // Marks `name` done (unknown names are ignored) and redraws / prints finished sections.
  void CellDone(const std::string& name);
  // Ends the status line (kTerminal) and reports every section started but not yet reported.
  void Finish();

  size_t total() const { return plan_.size(); }
  size_t done() const { return done_count_; }
  // Seconds the rest of the plan should take, from the plan and the pace so far.
  double SecondsLeft() const;

 private:
  struct Section {
    std::string name;
    size_t cells = 0;
    size_t done = 0;
    double started = -1;  // Clock reading when its first cell began; -1: not begun.
    bool reported = false;
  };
  void Draw();
  void ReportSection(Section& s, double now);
  Section* SectionOf(const std::string& name);
  size_t CurrentSection() const;

  ProgressStyle style_;
  std::FILE* out_;
  std::vector<PlannedCell> plan_;
  std::vector<bool> cell_done_;
  std::map<std::string, size_t> index_;  // Cell name -> plan index.
  std::vector<Section> sections_;
  std::function<double()> clock_;
  double start_ = 0;
  double last_event_ = 0;
  double planned_done_ = 0;  // Planned seconds of the cells done.
  double planned_total_ = 0;
  size_t done_count_ = 0;
  size_t drawn_width_ = 0;
};

// "1m05s", "42s".
std::string FormatDuration(double seconds);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_PROGRESS_H_
