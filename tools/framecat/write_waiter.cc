// framekit/tools/framecat/write_waiter.cc -- see write_waiter.h.
#include "framekit/tools/framecat/write_waiter.h"

#include <errno.h>
#include <sys/epoll.h>

#include <utility>

#include "framekit/transport/errors.h"

namespace framekit {
namespace framecat {

absl::StatusOr<WriteWaiter> WriteWaiter::Create() {
  SocketFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) return SocketError(errno, "epoll_create1");
  return WriteWaiter(std::move(epoll));
}

absl::Status WriteWaiter::Add(int fd, void* token) {
  struct epoll_event ev = {};
  ev.events = EPOLLOUT;  // EPOLLERR and EPOLLHUP come regardless; no EPOLLRDHUP on purpose.
  ev.data.ptr = token;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    return SocketError(errno, "WriteWaiter::Add");
  }
  return absl::OkStatus();
}

absl::Status WriteWaiter::Remove(int fd) {
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr) != 0) {
    return SocketError(errno, "WriteWaiter::Remove");
  }
  return absl::OkStatus();
}

absl::Status WriteWaiter::Ready(std::vector<void*>* tokens) {
  tokens->clear();
  struct epoll_event events[64];
  int n;
  do {
    n = ::epoll_wait(epoll_.get(), events, 64, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return SocketError(errno, "WriteWaiter::Ready");
  for (int i = 0; i < n; ++i) tokens->push_back(events[i].data.ptr);
  return absl::OkStatus();
}

}  // namespace framecat
}  // namespace framekit
