// framekit/tests/soak/framecat_process.h
//
// Checks nothing itself: the soak tests' handle on a framecat subprocess (//tools/framecat, found
// through the runfiles). Starts it with its stderr captured, reads the "listening on ADDRESS (" line
// for the port, and reads its /proc/PID entries (VmHWM/VmRSS, open descriptors, CPU ticks) so the
// tests can bound its memory and CPU. Also raises this process's descriptor limit (soft to hard).
// Every wait has a deadline; a server still running when the handle is destroyed is killed.
#ifndef FRAMEKIT_TESTS_SOAK_FRAMECAT_PROCESS_H_
#define FRAMEKIT_TESTS_SOAK_FRAMECAT_PROCESS_H_

#include <sys/resource.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace framekit {
namespace soak {

// A framecat process with stdout and stderr captured.
class FramecatProcess {
 public:
  // Starts framecat with `args`; nullptr (and a test failure) if it cannot be started. `max_fds` > 0
  // gives the child that RLIMIT_NOFILE soft limit (set around the spawn, then restored here).
  static std::unique_ptr<FramecatProcess> Start(const std::vector<std::string>& args,
                                                rlim_t max_fds = 0);
  // Starts an echo server `--listen=127.0.0.1:0 --echo --framer=SPEC EXTRA...` and waits for its
  // "listening on" line; nullptr (and a test failure) if it does not come.
  static std::unique_ptr<FramecatProcess> StartEchoServer(absl::string_view spec,
                                                          const std::vector<std::string>& extra,
                                                          rlim_t max_fds = 0);
  ~FramecatProcess();

  pid_t pid() const { return pid_; }
  // "127.0.0.1:PORT" as announced (servers only).
  const std::string& address() const { return address_; }

  bool WaitForStderr(absl::string_view needle, absl::Time deadline);
  std::string Stderr();
  // SIGTERM, then the exit status (std::nullopt if it does not exit by `deadline`).
  std::optional<int> Stop(absl::Time deadline);

  // From /proc/PID/status, in KiB ("VmHWM", "VmRSS"); -1 if unreadable.
  long StatusKb(absl::string_view field) const;
  // Open descriptors (entries of /proc/PID/fd); -1 if unreadable.
  int OpenFds() const;
  // User + system CPU time used so far, in clock ticks; -1 if unreadable.
  long CpuTicks() const;

 private:
  FramecatProcess() = default;
  void Collect(int fd, std::string* into);

  pid_t pid_ = -1;
  bool exited_ = false;
  std::string address_;
  std::thread stdout_reader_, stderr_reader_;
  absl::Mutex mu_;
  std::string stdout_, stderr_;
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit now in force.
rlim_t RaiseDescriptorLimit();

// Lines of `text` containing `needle`.
int CountLines(absl::string_view text, absl::string_view needle);

}  // namespace soak
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_SOAK_FRAMECAT_PROCESS_H_
