// framekit/benchmarks/encoding/loopback.cc
#include "loopback.h"

#include <chrono>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "framekit/benchmarks/cpu_pinning.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "pipeline.h"

namespace framekit {
namespace encoding_bench {

uint64_t SendRepeated(int fd, absl::string_view unit, uint64_t max_units, double seconds,
                      std::string* error) {
  const auto stop = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(seconds));
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  uint64_t units = 0;
  while (units < max_units) {
    for (size_t off = 0; off < unit.size(); off += kChunk) {
      absl::Status s = WriteAll(fd, unit.substr(off, kChunk), deadline);
      if (!s.ok()) {
        *error = s.ToString();
        (void)ShutdownWrite(fd);
        return units;
      }
    }
    ++units;
    if (std::chrono::steady_clock::now() >= stop) break;
  }
  (void)ShutdownWrite(fd);
  return units;
}

LoopbackRun RunLoopback(const std::function<void(int fd, std::string* error)>& sender,
                        const std::function<absl::Status(int fd, double* seconds)>& receiver) {
  LoopbackRun run;
  absl::StatusOr<Listener> listener = ListenTcp("127.0.0.1:0");
  if (!listener.ok()) {
    run.error = listener.status().ToString();
    return run;
  }
  const std::string where = listener->local_address().ToString();
  std::string send_error;
  std::thread thread([&] {
    benchmarks::PinThisThread(benchmarks::CpuRole::kSender);
    absl::StatusOr<ConnectedSocket> c = ConnectTcp(where, absl::Now() + absl::Seconds(10));
    if (!c.ok()) {
      send_error = c.status().ToString();
      return;
    }
    sender(c->fd.get(), &send_error);
  });
  absl::StatusOr<ConnectedSocket> accepted = Accept(*listener, absl::Now() + absl::Seconds(10));
  if (!accepted.ok()) {
    run.error = accepted.status().ToString();
  } else {
    absl::Status s = receiver(accepted->fd.get(), &run.seconds);
    if (!s.ok()) run.error = s.ToString();
  }
  thread.join();
  if (run.error.empty()) run.error = send_error;
  return run;
}

}  // namespace encoding_bench
}  // namespace framekit
