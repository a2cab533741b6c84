#include "framekit/transport/tcp.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framekit/transport/address.h"
#include "framekit/transport/errors.h"

namespace framekit {

absl::StatusOr<Listener> ListenTcp(absl::string_view host_port, const ListenOptions& options) {
  absl::StatusOr<std::vector<SocketAddress>> addresses = Resolve(host_port, /*passive=*/true);
  if (!addresses.ok()) return WithContext(addresses.status(), absl::StrCat("listen ", host_port));
  std::vector<std::string> failures;
  absl::Status last;
  for (const SocketAddress& a : *addresses) {
    absl::StatusOr<Listener> l = ListenAt(a, options);
    if (l.ok()) return l;
    last = l.status();
    failures.push_back(std::string(last.message()));
  }
  if (failures.size() == 1) return last;
  return WithMessage(last, absl::StrCat("listen ", host_port, ": tried ", failures.size(),
                                        " addresses: ", absl::StrJoin(failures, "; ")));
}

absl::StatusOr<ConnectedSocket> ConnectTcp(absl::string_view host_port, absl::Time deadline,
                                           const ConnectOptions& options) {
  absl::StatusOr<std::vector<SocketAddress>> addresses = Resolve(host_port);
  if (!addresses.ok()) return WithContext(addresses.status(), absl::StrCat("connect ", host_port));
  return ConnectAny(*addresses, deadline, options, host_port);
}

absl::Status SetTcpNoDelay(int fd, bool no_delay) {
  int value = no_delay ? 1 : 0;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof(value)) != 0) {
    return SocketError(errno, "setsockopt TCP_NODELAY", absl::StrCat("on fd ", fd));
  }
  return absl::OkStatus();
}

}  // namespace framekit
