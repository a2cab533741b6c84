#include "framekit/transport/poller.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/stream_io.h"

namespace framekit {
namespace {

uint32_t EpollEvents(uint32_t interest) {
  // EPOLLRDHUP: report the peer's half-close as hangup without waiting for the read to find EOF.
  uint32_t events = (interest & Poller::kIgnoreHalfClose) ? 0u : uint32_t{EPOLLRDHUP};
  if (interest & Poller::kReadable) events |= EPOLLIN;
  if (interest & Poller::kWritable) events |= EPOLLOUT;
  return events;
}

}  // namespace

absl::StatusOr<Poller> Poller::Create(Options options) {
  if (options.max_events < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Poller: max_events must be >= 1, got ", options.max_events));
  }
  SocketFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) return SocketError(errno, "epoll_create1");
  SocketFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) return SocketError(errno, "eventfd");
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0) {
    return SocketError(errno, "epoll_ctl ADD (wake eventfd)");
  }
  return Poller(std::move(epoll), std::move(wake), options);
}

Poller::Poller(SocketFd epoll, SocketFd wake, Options options)
    : epoll_(std::move(epoll)),
      wake_(std::move(wake)),
      options_(options),
      buffer_(static_cast<size_t>(options.max_events)) {}

absl::Status Poller::Control(int op, int fd, uint32_t interest, uint64_t token, const char* what) {
  if (op != EPOLL_CTL_DEL && token == kWakeToken) {
    return absl::InvalidArgumentError(
        absl::StrCat("Poller::", what, "(fd ", fd, "): token ~0 is reserved for Wake()"));
  }
  if (fd == wake_.get()) {
    return absl::InvalidArgumentError(absl::StrCat("Poller::", what, ": fd ", fd, " is internal"));
  }
  struct epoll_event ev = {};
  ev.events = EpollEvents(interest);
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_.get(), op, fd, &ev) != 0) {
    return SocketError(errno, absl::StrCat("Poller::", what), absl::StrCat("fd ", fd));
  }
  return absl::OkStatus();
}

absl::Status Poller::Add(int fd, uint32_t interest, uint64_t token) {
  return Control(EPOLL_CTL_ADD, fd, interest, token, "Add");
}

absl::Status Poller::Modify(int fd, uint32_t interest, uint64_t token) {
  return Control(EPOLL_CTL_MOD, fd, interest, token, "Modify");
}

absl::Status Poller::Remove(int fd) { return Control(EPOLL_CTL_DEL, fd, 0, 0, "Remove"); }

absl::Status Poller::Wait(absl::Duration timeout, std::vector<Event>* out) {
  if (timeout == absl::InfiniteDuration()) return Wait(absl::InfiniteFuture(), out);
  if (timeout <= absl::ZeroDuration()) return Wait(absl::InfinitePast(), out);
  return Wait(absl::Now() + timeout, out);
}

absl::Status Poller::Wait(absl::Time deadline, std::vector<Event>* out) {
  out->clear();
  int n;
  for (;;) {
    n = ::epoll_wait(epoll_.get(), buffer_.data(), options_.max_events, PollTimeoutMs(deadline));
    if (n >= 0) break;
    if (errno != EINTR) return SocketError(errno, "Poller::Wait (epoll_wait)");
  }
  out->reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const struct epoll_event& ev = buffer_[static_cast<size_t>(i)];
    if (ev.data.u64 == kWakeToken) {
      uint64_t count;
      // Drain so the eventfd stops being readable; EAGAIN just means another Wait drained it.
      while (::read(wake_.get(), &count, sizeof(count)) < 0 && errno == EINTR) {
      }
      continue;
    }
    Event e;
    e.token = ev.data.u64;
    e.readable = (ev.events & EPOLLIN) != 0;
    e.writable = (ev.events & EPOLLOUT) != 0;
    e.hangup = (ev.events & (EPOLLHUP | EPOLLRDHUP)) != 0;
    e.error = (ev.events & EPOLLERR) != 0;
    out->push_back(e);
  }
  return absl::OkStatus();
}

absl::Status Poller::Wake() {
  uint64_t one = 1;
  for (;;) {
    if (::write(wake_.get(), &one, sizeof(one)) >= 0) return absl::OkStatus();
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return absl::OkStatus();  // counter saturated: a wake is pending anyway
    return SocketError(errno, "Poller::Wake (eventfd write)");
  }
}

}  // namespace framekit
