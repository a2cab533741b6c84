// framekit/tests/testing/framecat_process.cc -- see framecat_process.h.
#include "framekit/tests/testing/framecat_process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "framekit/transport/stream_io.h"
#include "gtest/gtest.h"

extern char** environ;

#if defined(__SANITIZE_ADDRESS__)
#define FRAMEKIT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FRAMEKIT_TEST_ASAN 1
#endif
#endif

namespace framekit {
namespace test_support {
namespace {

// This process's environment for the child; under ASan, with the child's quarantine appended to
// ASAN_OPTIONS (a later option overrides an earlier one).
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  bool has_asan_options = false;
  for (char** e = environ; *e != nullptr; ++e) {
    env.emplace_back(*e);
#ifdef FRAMEKIT_TEST_ASAN
    if (absl::StartsWith(env.back(), "ASAN_OPTIONS=")) {
      absl::StrAppend(&env.back(), ":quarantine_size_mb=", kAsanChildQuarantineMb);
      has_asan_options = true;
    }
#endif
  }
#ifdef FRAMEKIT_TEST_ASAN
  if (!has_asan_options) {
    env.push_back(absl::StrCat("ASAN_OPTIONS=quarantine_size_mb=", kAsanChildQuarantineMb));
  }
#endif
  static_cast<void>(has_asan_options);
  return env;
}

// The framecat binary: $FRAMEKIT_FRAMECAT if set; under Bazel, the test's runfiles; under CMake,
// the path compiled in (FRAMEKIT_FRAMECAT_PATH, cmake/tests/CMakeLists.txt).
std::string FramecatPath() {
  const char* override_path = std::getenv("FRAMEKIT_FRAMECAT");
  if (override_path != nullptr && *override_path != '\0') return override_path;
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && workspace != nullptr) {
    return absl::StrCat(srcdir, "/", workspace, "/tools/framecat/framecat");
  }
#ifdef FRAMEKIT_FRAMECAT_PATH
  return FRAMEKIT_FRAMECAT_PATH;
#else
  return "tools/framecat/framecat";  // relative to the runfiles directory, the working directory
#endif
}

std::string ReadSmallFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

long SanitizerOverheadKb(long heap_kb) {
#ifdef FRAMEKIT_TEST_ASAN
  return heap_kb / 8 + kAsanChildQuarantineMb * 1024;
#else
  static_cast<void>(heap_kb);
  return 0;
#endif
}

std::unique_ptr<FramecatProcess> FramecatProcess::Start(const std::vector<std::string>& args,
                                                        const FramecatOptions& options) {
  auto p = std::unique_ptr<FramecatProcess>(new FramecatProcess());
  int out[2], err[2], in[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
      (options.pipe_stdin && ::pipe2(in, O_CLOEXEC) != 0)) {
    ADD_FAILURE() << "pipe2: " << strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (options.pipe_stdin) {
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // framecat starts with stdin/out/err only: a descriptor the test runner leaked to this process
  // (Bazel's runner leaks none; a shell or CTest may) would count against max_fds and the
  // descriptor tests' bounds.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  std::string path = FramecatPath();
  std::vector<std::string> argv_strings = {path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  struct rlimit saved;
  ::getrlimit(RLIMIT_NOFILE, &saved);
  if (options.max_fds > 0) {
    struct rlimit lowered = saved;
    lowered.rlim_cur = options.max_fds;
    ::setrlimit(RLIMIT_NOFILE, &lowered);
  }
  std::vector<std::string> env_strings = ChildEnvironment();
  std::vector<char*> env;
  for (std::string& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  int rc = ::posix_spawn(&p->pid_, path.c_str(), &actions, nullptr, argv.data(), env.data());
  if (options.max_fds > 0) ::setrlimit(RLIMIT_NOFILE, &saved);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (options.pipe_stdin) {
    ::close(in[0]);
    p->stdin_.reset(in[1]);
  }
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    ADD_FAILURE() << "posix_spawn " << path << ": " << strerror(rc);
    return nullptr;
  }
  p->stdout_reader_ = std::thread([q = p.get(), fd = out[0]] { q->Collect(fd, &q->stdout_); });
  p->stderr_reader_ = std::thread([q = p.get(), fd = err[0]] { q->Collect(fd, &q->stderr_); });
  return p;
}

std::unique_ptr<FramecatProcess> FramecatProcess::StartServer(const std::vector<std::string>& args,
                                                              rlim_t max_fds) {
  FramecatOptions options;
  options.max_fds = max_fds;
  std::unique_ptr<FramecatProcess> p = Start(args, options);
  if (p == nullptr) return nullptr;
  const std::string kListening = "framecat: listening on ";
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  if (!p->WaitForStderr(kListening, deadline) || !p->WaitForStderr(" (", deadline)) {
    ADD_FAILURE() << "framecat did not start; stderr:\n" << p->Stderr();
    return nullptr;
  }
  std::string text = p->Stderr();
  size_t begin = text.find(kListening) + kListening.size();
  p->address_ = text.substr(begin, text.find(" (", begin) - begin);
  return p;
}

std::unique_ptr<FramecatProcess> FramecatProcess::StartEchoServer(
    absl::string_view spec, const std::vector<std::string>& extra, rlim_t max_fds) {
  std::vector<std::string> args = {"--listen=127.0.0.1:0", "--echo",
                                   absl::StrCat("--framer=", spec)};
  args.insert(args.end(), extra.begin(), extra.end());
  return StartServer(args, max_fds);
}

FramecatProcess::~FramecatProcess() {
  // pid_ stays -1 if the spawn failed: kill(-1, ...) would signal every process we may signal.
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  stdin_.reset();
  JoinReaders();
}

void FramecatProcess::Collect(int fd, std::string* into) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    absl::MutexLock lock(&mu_);
    into->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
}

void FramecatProcess::JoinReaders() {
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

bool FramecatProcess::WaitFor(const std::string* text, absl::string_view needle,
                              absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto found = [&] { return absl::StrContains(*text, needle); };
  return mu_.AwaitWithDeadline(absl::Condition(&found), deadline);
}

bool FramecatProcess::WaitForStderr(absl::string_view needle, absl::Time deadline) {
  return WaitFor(&stderr_, needle, deadline);
}

bool FramecatProcess::WaitForStdout(absl::string_view needle, absl::Time deadline) {
  return WaitFor(&stdout_, needle, deadline);
}

std::string FramecatProcess::Stderr() {
  absl::MutexLock lock(&mu_);
  return stderr_;
}

std::string FramecatProcess::Stdout() {
  absl::MutexLock lock(&mu_);
  return stdout_;
}

absl::Status FramecatProcess::WriteStdin(absl::string_view bytes, absl::Time deadline) {
  return WriteAll(stdin_.get(), bytes, deadline);
}

void FramecatProcess::CloseStdin() { stdin_.reset(); }

void FramecatProcess::Signal(int sig) {
  if (pid_ > 0 && !exited_) ::kill(pid_, sig);
}

std::optional<int> FramecatProcess::Wait(absl::Time deadline) {
  while (!exited_) {
    pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      break;
    }
    if (absl::Now() > deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(5));
  }
  JoinReaders();
  return status_;
}

std::optional<int> FramecatProcess::Stop(absl::Time deadline) {
  Signal(SIGTERM);
  return Wait(deadline);
}

long FramecatProcess::StatusKb(absl::string_view field) const {
  std::string text = ReadSmallFile(absl::StrCat("/proc/", pid_, "/status"));
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, field) || !absl::ConsumePrefix(&line, ":")) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, "kB");
    long kb = -1;
    return absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kb) ? kb : -1;
  }
  return -1;
}

int FramecatProcess::OpenFds() const {
  DIR* dir = ::opendir(absl::StrCat("/proc/", pid_, "/fd").c_str());
  if (dir == nullptr) return -1;
  int n = 0;
  while (struct dirent* e = ::readdir(dir)) n += e->d_name[0] != '.';
  ::closedir(dir);
  return n;
}

long FramecatProcess::CpuTicks() const {
  std::string stat = ReadSmallFile(absl::StrCat("/proc/", pid_, "/stat"));
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  // After "(comm) ": field 3 (state) first; utime and stime are fields 14 and 15.
  std::vector<std::string> fields = absl::StrSplit(stat.substr(paren + 2), ' ');
  long utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return utime + stime;
}

rlim_t RaiseDescriptorLimit() {
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
  }
  return limit.rlim_cur;
}

int CountLines(absl::string_view text, absl::string_view needle) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) n += absl::StrContains(line, needle);
  return n;
}

}  // namespace test_support
}  // namespace framekit
