// framekit/tests/testing/framecat_process.h
//
// The tests' handle on a framecat subprocess (//tools/framecat, found through the runfiles; a test
// using it lists "//tools/framecat" in its data). It checks nothing itself: it starts framecat with
// stdout and stderr captured (stdin piped or /dev/null), reads a server's "framecat: listening on
// ADDRESS (" line for its address, waits for output or exit, sends signals, and reads the child's
// /proc/PID entries (VmHWM/VmRSS, open descriptors, CPU ticks) for the test to judge. The only test
// failures it adds itself are for a child that cannot be started or a server that never announces
// its address (Start* then return nullptr). Every wait takes a deadline, so nothing here hangs a
// test; a child still running when the handle is destroyed is SIGKILLed (and reaped).
//
//   std::unique_ptr<FramecatProcess> server =
//       FramecatProcess::StartEchoServer("length:width=4", {"--max_output_bytes=65536"});
//   ASSERT_NE(server, nullptr);
//   ... connect to server->address(), talk ...
//   EXPECT_TRUE(server->WaitForStderr("closing", absl::Now() + absl::Seconds(30)));
//   std::optional<int> status = server->Stop(absl::Now() + absl::Seconds(30));
//   ASSERT_TRUE(status.has_value());
//   EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << server->Stderr();
#ifndef FRAMEKIT_TESTS_TESTING_FRAMECAT_PROCESS_H_
#define FRAMEKIT_TESTS_TESTING_FRAMECAT_PROCESS_H_

#include <sys/resource.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {
namespace test_support {

struct FramecatOptions {
  // A pipe to the child's stdin (WriteStdin, CloseStdin); otherwise its stdin is /dev/null.
  bool pipe_stdin = false;
  // > 0: the child's RLIMIT_NOFILE soft limit (this process's is lowered around the spawn, then
  // restored).
  rlim_t max_fds = 0;
};

// The memory a sanitizer adds to a framecat child's peak (VmHWM) when framekit's own heap peaks at
// `heap_kb`: 0 in a normal build. Under AddressSanitizer, freed blocks wait in a quarantine before
// reuse (256 MiB by default; the child gets kAsanChildQuarantineMb) and the shadow adds one byte
// per eight of heap, so a memory bound must add this to be about framekit's memory, not ASan's.
inline constexpr long kAsanChildQuarantineMb = 32;
long SanitizerOverheadKb(long heap_kb);

// A framecat process with stdout and stderr captured.
class FramecatProcess {
 public:
  // Starts framecat with `args`; nullptr (and a test failure) if it cannot be started.
  static std::unique_ptr<FramecatProcess> Start(const std::vector<std::string>& args,
                                                const FramecatOptions& options = {});
  // Starts framecat with `args` and waits (30 s at most) for its "listening on ADDRESS (" line;
  // nullptr (and a test failure) if it does not come.
  static std::unique_ptr<FramecatProcess> StartServer(const std::vector<std::string>& args,
                                                      rlim_t max_fds = 0);
  // StartServer with `--listen=127.0.0.1:0 --echo --framer=SPEC EXTRA...`.
  static std::unique_ptr<FramecatProcess> StartEchoServer(
      absl::string_view spec, const std::vector<std::string>& extra = {}, rlim_t max_fds = 0);
  ~FramecatProcess();

  FramecatProcess(const FramecatProcess&) = delete;
  FramecatProcess& operator=(const FramecatProcess&) = delete;

  pid_t pid() const { return pid_; }
  // As announced, for servers started by StartServer/StartEchoServer: "127.0.0.1:41234",
  // "/tmp/x.sock". Empty otherwise.
  const std::string& address() const { return address_; }

  // Waits until stderr (or stdout) contains `needle`; false if the deadline passes first.
  bool WaitForStderr(absl::string_view needle, absl::Time deadline);
  bool WaitForStdout(absl::string_view needle, absl::Time deadline);
  // Everything captured so far.
  std::string Stderr();
  std::string Stdout();

  // Writes all of `bytes` to the child's stdin (started with pipe_stdin) by `deadline`.
  absl::Status WriteStdin(absl::string_view bytes, absl::Time deadline);
  void CloseStdin();

  // Sends `sig` to the child (nothing once it has been reaped).
  void Signal(int sig);
  // The wait(2) status once the child exits; std::nullopt if it is still running at `deadline`.
  // Returns after the child's output has been collected to its end.
  std::optional<int> Wait(absl::Time deadline);
  // Signal(SIGTERM), then Wait(deadline).
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
  bool WaitFor(const std::string* text, absl::string_view needle, absl::Time deadline);
  void JoinReaders();

  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string address_;
  SocketFd stdin_;
  std::thread stdout_reader_, stderr_reader_;
  absl::Mutex mu_;
  std::string stdout_, stderr_;
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit now in force.
rlim_t RaiseDescriptorLimit();

// Lines of `text` containing `needle`.
int CountLines(absl::string_view text, absl::string_view needle);

}  // namespace test_support
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_TESTING_FRAMECAT_PROCESS_H_
