// framekit/benchmarks/encoding/run_reporter.cc
#include "run_reporter.h"

#include <cstdio>
#include <iostream>
#include <streambuf>

#include "results.h"

namespace framekit {
namespace encoding_bench {

// Writes every character to the log and, when echoing, to stdout.
class RunReporter::TeeBuffer : public std::streambuf {
 public:
  TeeBuffer(std::streambuf* log, std::streambuf* echo) : log_(log), echo_(echo) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    log_->sputc(traits_type::to_char_type(c));
    if (echo_ != nullptr) echo_->sputc(traits_type::to_char_type(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    log_->sputn(s, n);
    if (echo_ != nullptr) echo_->sputn(s, n);
    return n;
  }
  int sync() override {
    const int a = log_->pubsync();
    const int b = echo_ != nullptr ? echo_->pubsync() : 0;
    return a == 0 && b == 0 ? 0 : -1;
  }

 private:
  std::streambuf* log_;
  std::streambuf* echo_;
};

std::string BaseName(std::string name) {
  for (const char* suffix : {"/iterations:", "/min_time:", "/manual_time", "/real_time"}) {
    const size_t p = name.find(suffix);
    if (p != std::string::npos) name.resize(p);
  }
  return name;
}

RunReporter::RunReporter(std::ostream* log, bool echo, Progress* progress)
    : benchmark::ConsoleReporter(benchmark::ConsoleReporter::OO_Tabular),
      tee_buffer_(std::make_unique<TeeBuffer>(log->rdbuf(), echo ? std::cout.rdbuf() : nullptr)),
      tee_(std::make_unique<std::ostream>(tee_buffer_.get())),
      progress_(progress) {
  SetOutputStream(tee_.get());
  SetErrorStream(tee_.get());
}

RunReporter::~RunReporter() { tee_->flush(); }

bool RunReporter::ReportContext(const Context& context) {
  const bool ok = benchmark::ConsoleReporter::ReportContext(context);
  tee_->flush();
  return ok;
}

void RunReporter::ReportRuns(const std::vector<Run>& runs) {
  benchmark::ConsoleReporter::ReportRuns(runs);
  tee_->flush();
  for (const Run& run : runs) {
    const std::string name = BaseName(run.benchmark_name());
    if (run.error_occurred) {
      ++errors_;
      std::fflush(stdout);
      std::fprintf(stderr, "\nerror: %s: %s\n", name.c_str(), run.error_message.c_str());
    } else if (run.run_type == Run::RT_Iteration) {
      for (const auto& [key, counter] : run.counters) RunResults().Set(name, key, counter.value);
    }
    if (progress_ != nullptr) progress_->CellDone(name);
  }
}

}  // namespace encoding_bench
}  // namespace framekit
