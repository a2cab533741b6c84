// framekit/transport/listener.h
//
// The server side, for any stream address family: ListenAt() binds and listens, Accept() waits up
// to a deadline for the next connection. ListenTcp / ListenUnix (tcp.h, unix_socket.h) are the
// front ends that take text addresses.
//
// A Listener owns its (non-blocking, close-on-exec) socket. For a Unix socket path it created, it
// also removes the path when destroyed; a path left behind by a crashed process makes the bind fail
// with "Address already in use" -- remove it first if you know it is stale. Abstract names need no
// cleanup.
//
// The listening descriptor may be registered with a Poller (readable = a connection is waiting);
// call Accept with absl::InfinitePast() then.
//
// Example:
//   absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
//   int port = l->local_address().port();           // the port the kernel picked
//   absl::StatusOr<ConnectedSocket> c = Accept(*l, absl::Now() + absl::Seconds(10));
#ifndef FRAMEKIT_TRANSPORT_LISTENER_H_
#define FRAMEKIT_TRANSPORT_LISTENER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "framekit/transport/address.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {

struct ListenOptions {
  // listen(2) backlog: connections the kernel completes before Accept takes them. Must be >= 1;
  // the kernel silently caps it at net.core.somaxconn (4096 on current kernels).
  int backlog = 128;
  // SO_REUSEADDR (IP only): lets a restarted server bind its port while old connections are still
  // in TIME_WAIT. It does not allow two live listeners on one port.
  bool reuse_address = true;
  // SO_REUSEPORT (IP only): several sockets, each bound to the same address with this set, share
  // the port, and the kernel spreads new connections over them by a hash of the addresses (one
  // listener per event loop).
  bool reuse_port = false;
  // TCP_NODELAY on accepted TCP connections: send small writes at once instead of waiting (Nagle)
  // to coalesce them. Right for message framing, where each write is a whole message.
  bool no_delay = true;
};

class Listener {
 public:
  // Takes a listening socket. `unlink_path` (may be empty) is removed on destruction.
  Listener(SocketFd fd, SocketAddress local, ListenOptions options, std::string unlink_path = "");
  ~Listener();
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&& other) noexcept;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int fd() const { return fd_.get(); }
  // The bound address, with the real port when port 0 was asked for.
  const SocketAddress& local_address() const { return local_; }
  const ListenOptions& options() const { return options_; }

 private:
  void Cleanup();

  SocketFd fd_;
  SocketAddress local_;
  ListenOptions options_;
  std::string unlink_path_;
};

// Binds a new socket to `address` and listens. For IP, SO_REUSEADDR per options; an IPv6 address
// accepts IPv4 too only if the system default (net.ipv6.bindv6only) says so.
absl::StatusOr<Listener> ListenAt(const SocketAddress& address, const ListenOptions& options = {});

// The next connection, waiting up to `deadline` (DeadlineExceeded then). Connections that died
// while queued (ECONNABORTED and the like) are skipped, not reported.
absl::StatusOr<ConnectedSocket> Accept(const Listener& listener, absl::Time deadline);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_LISTENER_H_
