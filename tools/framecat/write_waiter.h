// framekit/tools/framecat/write_waiter.h
//
// WriteWaiter watches descriptors for writability only, for connections whose peer has half-closed
// and that still owe it bytes. The transport Poller always reports a peer's half-close as hangup
// (EPOLLRDHUP, level-triggered), so such a connection would make every Wait() return at once and
// the loop spin until the peer reads; here it is reported only when it can be written to, or when
// it has failed (EPOLLERR/EPOLLHUP: the next write says why).
//
// WriteWaiter is itself an epoll descriptor: register fd() with the Poller as readable, and call
// Ready() when it is reported. Not thread-safe.
#ifndef FRAMEKIT_TOOLS_FRAMECAT_WRITE_WAITER_H_
#define FRAMEKIT_TOOLS_FRAMECAT_WRITE_WAITER_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {
namespace framecat {

class WriteWaiter {
 public:
  static absl::StatusOr<WriteWaiter> Create();

  // Starts / stops watching `fd`; `token` comes back from Ready().
  absl::Status Add(int fd, void* token);
  absl::Status Remove(int fd);

  // Replaces *tokens with those of the descriptors writable (or failed) now. Never waits.
  absl::Status Ready(std::vector<void*>* tokens);

  int fd() const { return epoll_.get(); }

 private:
  explicit WriteWaiter(SocketFd epoll) : epoll_(std::move(epoll)) {}
  SocketFd epoll_;
};

}  // namespace framecat
}  // namespace framekit

#endif  // FRAMEKIT_TOOLS_FRAMECAT_WRITE_WAITER_H_
