// framekit/benchmarks/encoding/progress.cc
#include "framekit/benchmarks/encoding/progress.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace framekit {
namespace encoding_bench {

ProgressStyle ChooseStyle(bool verbose, bool stdout_is_terminal, const char* term) {
  if (verbose) return ProgressStyle::kQuiet;
  if (stdout_is_terminal && term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0) {
    return ProgressStyle::kTerminal;
  }
  return ProgressStyle::kLines;
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const long s = std::lround(seconds);
  if (s < 60) return absl::StrCat(s, "s");
  return absl::StrFormat("%dm%02ds", s / 60, s % 60);
}

Progress::Progress(ProgressStyle style, std::FILE* out, std::vector<PlannedCell> plan,
                   std::function<double()> clock)
    : style_(style), out_(out), plan_(std::move(plan)), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
  cell_done_.assign(plan_.size(), false);
  for (size_t i = 0; i < plan_.size(); ++i) {
    index_.emplace(plan_[i].name, i);
    planned_total_ += plan_[i].planned_seconds;
    if (sections_.empty() || sections_.back().name != plan_[i].section) {
      sections_.push_back(Section{plan_[i].section});
    }
    ++sections_.back().cells;
  }
}

void Progress::Start() {
  start_ = last_event_ = clock_();
  if (!sections_.empty()) sections_[0].started = start_;
  Draw();
}

Progress::Section* Progress::SectionOf(const std::string& name) {
  for (Section& s : sections_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

size_t Progress::CurrentSection() const {
  for (size_t i = 0; i < plan_.size(); ++i) {
    if (cell_done_[i]) continue;
    for (size_t s = 0; s < sections_.size(); ++s) {
      if (sections_[s].name == plan_[i].section) return s;
    }
  }
  return sections_.empty() ? 0 : sections_.size() - 1;
}

double Progress::SecondsLeft() const {
  const double elapsed = last_event_ - start_;
  const double pace = planned_done_ > 0 && elapsed > 0 ? elapsed / planned_done_ : 1.0;
  return (planned_total_ - planned_done_) * pace;
}

void Progress::CellDone(const std::string& name) {
  auto it = index_.find(name);
  if (it == index_.end() || cell_done_[it->second]) return;
  const PlannedCell& cell = plan_[it->second];
  cell_done_[it->second] = true;
  ++done_count_;
  planned_done_ += cell.planned_seconds;
  const double now = clock_();
  Section* section = SectionOf(cell.section);
  // Sections run in order: one reported before this one has ended (its other cells filtered out).
  for (Section& s : sections_) {
    if (&s == section) break;
    if (s.started >= 0 && !s.reported) ReportSection(s, last_event_);
  }
  if (section->started < 0) section->started = last_event_;
  ++section->done;
  last_event_ = now;
  if (section->done == section->cells) ReportSection(*section, now);
  Draw();
}

void Progress::ReportSection(Section& s, double now) {
  s.reported = true;
  if (style_ == ProgressStyle::kQuiet) return;
  size_t number = 1;
  while (&sections_[number - 1] != &s) ++number;
  std::string line = absl::StrFormat("[%d/%d] %s: ", number, sections_.size(), s.name);
  if (s.done == s.cells) {
    absl::StrAppend(&line, s.cells, " cells");
  } else {
    absl::StrAppend(&line, s.done, " of ", s.cells, " cells (the rest filtered out)");
  }
  absl::StrAppend(&line, " in ", FormatDuration(now - s.started));
  if (style_ == ProgressStyle::kTerminal) {
    std::fputs("\r\033[K", out_);
    drawn_width_ = 0;
  }
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void Progress::Draw() {
  if (style_ != ProgressStyle::kTerminal || done_count_ == plan_.size()) return;
  const size_t current = CurrentSection();
  const std::string line = absl::StrFormat(
      "running [%d/%d] %s: %d/%d cells done, %s elapsed, about %s left", current + 1,
      sections_.size(), sections_.empty() ? "" : sections_[current].name, done_count_, plan_.size(),
      FormatDuration(clock_() - start_), FormatDuration(SecondsLeft()));
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
  drawn_width_ = line.size();
}

void Progress::Finish() {
  if (style_ == ProgressStyle::kTerminal && drawn_width_ > 0) {
    std::fputs("\r\033[K", out_);
    drawn_width_ = 0;
  }
  for (Section& s : sections_) {
    if (s.started >= 0 && !s.reported && s.done > 0) ReportSection(s, last_event_);
  }
  std::fflush(out_);
}

}  // namespace encoding_bench
}  // namespace framekit
