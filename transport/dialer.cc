#include "framekit/transport/dialer.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"

namespace framekit {

absl::StatusOr<ConnectedSocket> ConnectAddress(const SocketAddress& address, absl::Time deadline,
                                               const ConnectOptions& options) {
  const std::string where = absl::StrCat("to ", address.ToString());
  SocketFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return SocketError(errno, "connect (socket)", where);
  if (::connect(fd.get(), address.get(), address.size()) != 0) {
    int e = errno;
    // EINTR: the connection goes on asynchronously, exactly as for EINPROGRESS.
    if (e != EINPROGRESS && e != EINTR) return SocketError(e, "connect", where);
    IoOptions io;
    io.peer = address.ToString();
    absl::Status s = WaitWritable(fd.get(), deadline, io);
    if (!s.ok()) {
      if (absl::IsDeadlineExceeded(s)) {
        return absl::DeadlineExceededError(absl::StrCat("connect ", where, ": deadline exceeded"));
      }
      return s;
    }
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return SocketError(err, "connect", where);
  }
  if (address.is_ip() && options.no_delay) {
    absl::Status s = SetTcpNoDelay(fd.get(), true);
    if (!s.ok()) return WithContext(s, absl::StrCat("connect ", where));
  }
  return ConnectedSocket{std::move(fd), address};
}

absl::StatusOr<ConnectedSocket> ConnectAny(absl::Span<const SocketAddress> addresses,
                                           absl::Time deadline, const ConnectOptions& options,
                                           absl::string_view name) {
  const std::string target = name.empty() ? std::string("connect") : absl::StrCat("connect ", name);
  if (addresses.empty()) return absl::InvalidArgumentError(absl::StrCat(target, ": no addresses"));
  std::vector<std::string> failures;
  absl::Status last;
  for (size_t i = 0; i < addresses.size(); ++i) {
    absl::Time attempt_deadline = deadline;
    const size_t left = addresses.size() - i;
    if (left > 1 && deadline != absl::InfiniteFuture()) {
      attempt_deadline = absl::Now() + (deadline - absl::Now()) / static_cast<int64_t>(left);
    }
    absl::StatusOr<ConnectedSocket> c = ConnectAddress(addresses[i], attempt_deadline, options);
    if (c.ok()) return c;
    last = c.status();
    failures.push_back(std::string(last.message()));
  }
  if (addresses.size() == 1) {
    // "connect 127.0.0.1:80: connect to 127.0.0.1:80: ..." would say nothing twice.
    if (name.empty() || name == addresses[0].ToString()) return last;
    return WithContext(last, target);
  }
  return WithMessage(last, absl::StrCat(target, ": tried ", addresses.size(),
                                        " addresses: ", absl::StrJoin(failures, "; ")));
}

}  // namespace framekit
