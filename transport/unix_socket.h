// framekit/transport/unix_socket.h
//
// Unix-domain stream sockets by text address: a filesystem path ("/run/app.sock", "./app.sock",
// anything not starting with '@') or a Linux abstract name ("@app", no file, gone when the last
// socket closes). Paths are limited to 107 bytes (sun_path).
//
// Example:
//   absl::StatusOr<Listener> server = ListenUnix("@framekit-test");
//   absl::StatusOr<ConnectedSocket> client = ConnectUnix("@framekit-test", deadline);
//   absl::StatusOr<std::pair<SocketFd, SocketFd>> pair = SocketPair();   // for tests
#ifndef FRAMEKIT_TRANSPORT_UNIX_SOCKET_H_
#define FRAMEKIT_TRANSPORT_UNIX_SOCKET_H_

#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "framekit/transport/address.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/listener.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {

// The address for a path or "@name" as above.
absl::StatusOr<SocketAddress> UnixAddress(absl::string_view path_or_name);

// Listens on a path (removed again when the Listener is destroyed) or abstract name.
// reuse_address and no_delay in `options` do not apply.
absl::StatusOr<Listener> ListenUnix(absl::string_view path_or_name,
                                    const ListenOptions& options = {});

// Connects to a path or abstract name. NotFound if no such path; Unavailable with "connection
// refused" if nothing listens there; Unavailable (EAGAIN) if the listener's backlog is full.
absl::StatusOr<ConnectedSocket> ConnectUnix(absl::string_view path_or_name, absl::Time deadline);

// A connected pair of Unix stream sockets (socketpair(2)), close-on-exec, non-blocking unless
// `non_blocking` is false.
absl::StatusOr<std::pair<SocketFd, SocketFd>> SocketPair(bool non_blocking = true);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_UNIX_SOCKET_H_
