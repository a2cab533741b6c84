// framekit/transport/dialer.h
//
// The client side, for any stream address family: ConnectAddress() connects to one address,
// ConnectAny() tries a list in turn (as a resolved host name gives) and returns the first
// connection made. ConnectTcp / ConnectUnix (tcp.h, unix_socket.h) are the front ends that take
// text addresses.
//
// Connecting is non-blocking connect(2) plus poll(2) up to the deadline, then SO_ERROR. With
// several addresses, each attempt gets an equal share of the time left (the last gets all of it),
// so one address that swallows SYNs cannot use up the whole deadline. When every address fails, the
// status has the last failure's code (and payloads, so IsConnectionRefused still holds) and a
// message naming every address tried with its error:
//   "connect localhost:9: tried 2 addresses: connect to [::1]:9: connection refused; connect to
//    127.0.0.1:9: connection refused"
//
// Example:
//   std::vector<SocketAddress> addrs = *Resolve("localhost:8080");
//   absl::StatusOr<ConnectedSocket> c = ConnectAny(addrs, absl::Now() + absl::Seconds(5));
#ifndef FRAMEKIT_TRANSPORT_DIALER_H_
#define FRAMEKIT_TRANSPORT_DIALER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/transport/address.h"
#include "framekit/transport/connected_socket.h"

namespace framekit {

struct ConnectOptions {
  // TCP_NODELAY on the new TCP connection (ignored for Unix sockets); see ListenOptions::no_delay.
  bool no_delay = true;
};

// Connects to one address.
absl::StatusOr<ConnectedSocket> ConnectAddress(const SocketAddress& address, absl::Time deadline,
                                               const ConnectOptions& options = {});

// Tries `addresses` in order. `name` (e.g. "localhost:8080") is what error messages call the
// target; empty means "connect". InvalidArgument if `addresses` is empty.
absl::StatusOr<ConnectedSocket> ConnectAny(absl::Span<const SocketAddress> addresses,
                                           absl::Time deadline, const ConnectOptions& options = {},
                                           absl::string_view name = "");

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_DIALER_H_
