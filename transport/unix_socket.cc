#include "framekit/transport/unix_socket.h"

#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "framekit/transport/dialer.h"
#include "framekit/transport/errors.h"

namespace framekit {

absl::StatusOr<SocketAddress> UnixAddress(absl::string_view path_or_name) {
  if (!path_or_name.empty() && path_or_name[0] == '@') {
    return SocketAddress::Abstract(path_or_name.substr(1));
  }
  return SocketAddress::UnixPath(path_or_name);
}

absl::StatusOr<Listener> ListenUnix(absl::string_view path_or_name, const ListenOptions& options) {
  absl::StatusOr<SocketAddress> address = UnixAddress(path_or_name);
  if (!address.ok()) return WithContext(address.status(), "listen");
  return ListenAt(*address, options);
}

absl::StatusOr<ConnectedSocket> ConnectUnix(absl::string_view path_or_name, absl::Time deadline) {
  absl::StatusOr<SocketAddress> address = UnixAddress(path_or_name);
  if (!address.ok()) return WithContext(address.status(), "connect");
  return ConnectAddress(*address, deadline);
}

absl::StatusOr<std::pair<SocketFd, SocketFd>> SocketPair(bool non_blocking) {
  int fds[2];
  int type = SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0);
  if (::socketpair(AF_UNIX, type, 0, fds) != 0) return SocketError(errno, "socketpair");
  return std::make_pair(SocketFd(fds[0]), SocketFd(fds[1]));
}

}  // namespace framekit
