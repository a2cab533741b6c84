// framekit/tests/benchmarks/progress_test.cc
//
// The comparison's progress display on a fake clock: one line per section without a terminal, a
// status line redrawn in place on one, a time-left estimate that follows the observed pace, and
// sections whose cells were filtered out still closed.
#include "framekit/benchmarks/encoding/progress.h"

#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace encoding_bench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Collects what Progress writes.
class Output {
 public:
  Output() : file_(std::tmpfile()) {}
  ~Output() { std::fclose(file_); }
  std::FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) s.append(buf, n);
    return s;
  }

 private:
  std::FILE* file_;
};

std::vector<PlannedCell> Plan() {
  return {{"encode/a", "encode", 1.0},
          {"encode/b", "encode", 1.0},
          {"decode/a", "decode", 1.0},
          {"decode/b", "decode", 1.0}};
}

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(ChooseStyle, TerminalOnlyWithAUsableTerm) {
  EXPECT_EQ(ChooseStyle(false, true, "xterm"), ProgressStyle::kTerminal);
  EXPECT_EQ(ChooseStyle(false, true, "dumb"), ProgressStyle::kLines);
  EXPECT_EQ(ChooseStyle(false, true, nullptr), ProgressStyle::kLines);
  EXPECT_EQ(ChooseStyle(false, false, "xterm"), ProgressStyle::kLines);
  EXPECT_EQ(ChooseStyle(true, true, "xterm"), ProgressStyle::kQuiet);
}

TEST(Progress, LinesStylePrintsOneLinePerSectionAndNothingElse) {
  Output out;
  double now = 0;
  Progress p(ProgressStyle::kLines, out.file(), Plan(), [&] { return now; });
  p.Start();
  now = 2;
  p.CellDone("encode/a");
  EXPECT_EQ(out.Text(), "");  // Nothing until a section ends.
  now = 4;
  p.CellDone("encode/b");
  now = 10;
  p.CellDone("decode/a");
  p.CellDone("decode/b");
  p.Finish();
  const std::string text = out.Text();
  EXPECT_EQ(text, "[1/2] encode: 2 cells in 4s\n[2/2] decode: 2 cells in 6s\n");
  EXPECT_THAT(text, Not(HasSubstr("\r")));
  EXPECT_EQ(p.done(), 4u);
}

TEST(Progress, TerminalStyleRedrawsOneStatusLineInPlace) {
  Output out;
  double now = 0;
  Progress p(ProgressStyle::kTerminal, out.file(), Plan(), [&] { return now; });
  p.Start();
  now = 3;
  p.CellDone("encode/a");
  const std::string text = out.Text();
  EXPECT_THAT(text, HasSubstr("\rrunning [1/2] encode: 0/4 cells done"));
  EXPECT_THAT(text, HasSubstr("\rrunning [1/2] encode: 1/4 cells done, 3s elapsed, about 9s left"));
  EXPECT_THAT(text, HasSubstr("\033[K"));
  EXPECT_EQ(CountLines(text), 0);  // Redrawn, never scrolled.
  now = 4;
  p.CellDone("encode/b");
  EXPECT_THAT(out.Text(), HasSubstr("[1/2] encode: 2 cells in 4s\n\rrunning [2/2] decode: 2/4"));
  p.CellDone("decode/a");
  p.CellDone("decode/b");
  p.Finish();
  const std::string all = out.Text();
  EXPECT_EQ(CountLines(all), 2);
  // The status line is erased at the end, so the summary starts on a clean line.
  EXPECT_EQ(all.substr(all.size() - 1), "\n");
}

TEST(Progress, TimeLeftFollowsTheObservedPace) {
  Output out;
  double now = 0;
  Progress p(ProgressStyle::kQuiet, out.file(), Plan(), [&] { return now; });
  p.Start();
  EXPECT_DOUBLE_EQ(p.SecondsLeft(), 4.0);  // The plan, before anything ran.
  now = 4;
  p.CellDone("encode/a");  // Planned 1 s, took 4 s: the rest should too.
  EXPECT_DOUBLE_EQ(p.SecondsLeft(), 12.0);
  now = 5;
  p.CellDone("encode/b");
  EXPECT_DOUBLE_EQ(p.SecondsLeft(), 5.0);
  p.Finish();
  EXPECT_EQ(out.Text(), "");  // Quiet prints nothing.
}

TEST(Progress, FilteredCellsStillCloseTheirSection) {
  Output out;
  double now = 0;
  Progress p(ProgressStyle::kLines, out.file(), Plan(), [&] { return now; });
  p.Start();
  now = 1;
  p.CellDone("encode/a");  // encode/b filtered out.
  now = 3;
  p.CellDone("decode/a");  // decode/b too.
  p.CellDone("not/planned");
  p.Finish();
  EXPECT_EQ(out.Text(),
            "[1/2] encode: 1 of 2 cells (the rest filtered out) in 1s\n"
            "[2/2] decode: 1 of 2 cells (the rest filtered out) in 2s\n");
  EXPECT_EQ(p.done(), 2u);
}

TEST(FormatDuration, MinutesAndSeconds) {
  EXPECT_EQ(FormatDuration(0.4), "0s");
  EXPECT_EQ(FormatDuration(42), "42s");
  EXPECT_EQ(FormatDuration(65), "1m05s");
  EXPECT_EQ(FormatDuration(-1), "0s");
}

}  // namespace
}  // namespace encoding_bench
}  // namespace framekit
