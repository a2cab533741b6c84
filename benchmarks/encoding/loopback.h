// framekit/benchmarks/encoding/loopback.h
//
// Contract: the loopback TCP runs of the comparison. RunLoopback() listens on 127.0.0.1, runs
// `sender(fd, &error)` on its own thread (pinned as a sender, benchmarks/cpu_pinning.h) with a
// connected socket and `receiver(fd, &seconds)` on the calling thread with the accepted one, and
// returns the first error of either side. SendRepeated() is the sender every receiver meets: the
// same pre-encoded unit, written in 64 KiB calls, over and over.
//
// Example:
//   LoopbackRun run = RunLoopback(
//       [&](int fd, std::string* error) { SendRepeated(fd, unit, 100, 0.2, error); },
//       [&](int fd, double* seconds) { return pipeline.Receive(fd, &totals, seconds); });
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_LOOPBACK_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_LOOPBACK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace framekit {
namespace encoding_bench {

struct LoopbackRun {
  std::string error;  // Empty on success.
  double seconds = 0;
};

LoopbackRun RunLoopback(const std::function<void(int fd, std::string* error)>& sender,
                        const std::function<absl::Status(int fd, double* seconds)>& receiver);

// Writes `unit` over and over in 64 KiB calls until `max_units` were sent or `seconds` passed;
// then half-closes. Returns the units sent.
uint64_t SendRepeated(int fd, absl::string_view unit, uint64_t max_units, double seconds,
                      std::string* error);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_LOOPBACK_H_
