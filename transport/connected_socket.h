// framekit/transport/connected_socket.h
//
// ConnectedSocket is what Accept() and the Connect functions hand back: the owned descriptor of a
// connected stream socket and the address of its peer (for error messages and logs). The descriptor
// is non-blocking and close-on-exec; stream_io.h works on it as it is (see SetNonBlocking to
// change).
//
// Example:
//   absl::StatusOr<ConnectedSocket> c = ConnectTcp(server_address, deadline);  // "host:port"
//   if (!c.ok()) return c.status();
//   std::string peer = c->peer.ToString();
//   return WriteAll(c->fd.get(), request, deadline, IoOptions{nullptr, peer});
#ifndef FRAMEKIT_TRANSPORT_CONNECTED_SOCKET_H_
#define FRAMEKIT_TRANSPORT_CONNECTED_SOCKET_H_

#include "framekit/transport/address.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {

struct ConnectedSocket {
  SocketFd fd;
  SocketAddress peer;
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_CONNECTED_SOCKET_H_
