// framekit/tests/soak/framecat_process.cc -- see framecat_process.h.
#include "framekit/tests/soak/framecat_process.h"

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
#include "gtest/gtest.h"

extern char** environ;

namespace framekit {
namespace soak {
namespace {

std::string FramecatPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && workspace != nullptr) {
    return absl::StrCat(srcdir, "/", workspace, "/tools/framecat/framecat");
  }
  return "tools/framecat/framecat";
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

std::unique_ptr<FramecatProcess> FramecatProcess::Start(const std::vector<std::string>& args,
                                                        rlim_t max_fds) {
  auto p = std::unique_ptr<FramecatProcess>(new FramecatProcess());
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::string path = FramecatPath();
  std::vector<std::string> argv_strings = {path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  struct rlimit saved;
  ::getrlimit(RLIMIT_NOFILE, &saved);
  if (max_fds > 0) {
    struct rlimit lowered = saved;
    lowered.rlim_cur = max_fds;
    ::setrlimit(RLIMIT_NOFILE, &lowered);
  }
  int rc = ::posix_spawn(&p->pid_, path.c_str(), &actions, nullptr, argv.data(), environ);
  if (max_fds > 0) ::setrlimit(RLIMIT_NOFILE, &saved);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
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

std::unique_ptr<FramecatProcess> FramecatProcess::StartEchoServer(
    absl::string_view spec, const std::vector<std::string>& extra, rlim_t max_fds) {
  std::vector<std::string> args = {"--listen=127.0.0.1:0", "--echo",
                                   absl::StrCat("--framer=", spec)};
  args.insert(args.end(), extra.begin(), extra.end());
  std::unique_ptr<FramecatProcess> p = Start(args, max_fds);
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

FramecatProcess::~FramecatProcess() {
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
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

bool FramecatProcess::WaitForStderr(absl::string_view needle, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto found = [&] { return absl::StrContains(stderr_, needle); };
  return mu_.AwaitWithDeadline(absl::Condition(&found), deadline);
}

std::string FramecatProcess::Stderr() {
  absl::MutexLock lock(&mu_);
  return stderr_;
}

std::optional<int> FramecatProcess::Stop(absl::Time deadline) {
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (!exited_) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      break;
    }
    if (absl::Now() > deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(5));
  }
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  return status;
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

}  // namespace soak
}  // namespace framekit
