// framekit/transport/tcp.h
//
// TCP by text address. Hosts may be numeric ("127.0.0.1", "[::1]") or names ("localhost"), which
// are resolved with getaddrinfo(3); every resolved address is tried in turn (see dialer.h).
//
//   ListenTcp("127.0.0.1:0")   loopback, a free port picked by the kernel (local_address() says
//                              which); ":8080" listens on all interfaces.
//   ConnectTcp("localhost:8080", deadline)
//
// Returned sockets are non-blocking, close-on-exec and, by default, TCP_NODELAY.
//
// Example:
//   absl::StatusOr<Listener> server = ListenTcp("[::1]:0");
//   std::string where = server->local_address().ToString();      // "[::1]:40123"
//   absl::StatusOr<ConnectedSocket> client =
//       ConnectTcp(where, absl::Now() + absl::Seconds(5));
//   absl::StatusOr<ConnectedSocket> accepted = Accept(*server, absl::Now() + absl::Seconds(5));
#ifndef FRAMEKIT_TRANSPORT_TCP_H_
#define FRAMEKIT_TRANSPORT_TCP_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/dialer.h"
#include "framekit/transport/listener.h"

namespace framekit {

// Listens on "host:port" (port 0: any free port). A name resolving to several addresses listens on
// the first that binds.
absl::StatusOr<Listener> ListenTcp(absl::string_view host_port, const ListenOptions& options = {});

// Connects to "host:port", trying each resolved address until one connects or the deadline passes.
absl::StatusOr<ConnectedSocket> ConnectTcp(absl::string_view host_port, absl::Time deadline,
                                           const ConnectOptions& options = {});

// Sets or clears TCP_NODELAY (Nagle's algorithm off/on).
absl::Status SetTcpNoDelay(int fd, bool no_delay = true);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_TCP_H_
