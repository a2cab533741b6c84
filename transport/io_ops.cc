#include "framekit/transport/io_ops.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace framekit {
namespace {

// Runs `write_fn` with SIGPIPE blocked in this thread; if it failed with EPIPE and raised a SIGPIPE
// that was not already pending, consumes that signal so it is never delivered.
template <typename F>
ssize_t WithoutSigpipe(F write_fn) {
  sigset_t pipe_set, old_mask, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigemptyset(&pending);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  ssize_t r = write_fn();
  int saved = errno;
  if (r < 0 && saved == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return r;
}

ssize_t Read(void*, int fd, void* buf, size_t len) {
  ssize_t r = ::recv(fd, buf, len, MSG_DONTWAIT);
  if (r < 0 && errno == ENOTSOCK) r = ::read(fd, buf, len);
  return r;
}

ssize_t Write(void*, int fd, const void* buf, size_t len) {
  ssize_t r = ::send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (r < 0 && errno == ENOTSOCK) r = WithoutSigpipe([&] { return ::write(fd, buf, len); });
  return r;
}

ssize_t Writev(void*, int fd, const struct iovec* iov, int iovcnt) {
  struct msghdr msg = {};
  msg.msg_iov = const_cast<struct iovec*>(iov);
  msg.msg_iovlen = static_cast<size_t>(iovcnt);
  ssize_t r = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (r < 0 && errno == ENOTSOCK) r = WithoutSigpipe([&] { return ::writev(fd, iov, iovcnt); });
  return r;
}

int Poll(void*, struct pollfd* fds, nfds_t nfds, int timeout_ms) {
  return ::poll(fds, nfds, timeout_ms);
}

}  // namespace

const IoOps& DefaultIoOps() {
  static constexpr IoOps kOps = {&Read, &Write, &Writev, &Poll, nullptr};
  return kOps;
}

}  // namespace framekit
