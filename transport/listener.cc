#include "framekit/transport/listener.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"

namespace framekit {
namespace {

// accept(2) errors that concern only the queued connection, not the listener: skip and go on.
// (Linux passes pending network errors of the new socket to accept; see its man page.)
bool SkipAcceptError(int e) {
  switch (e) {
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case ENETDOWN:
    case ENETUNREACH:
    case EPERM:  // firewall rules forbade this one connection
      return true;
    default:
      return false;
  }
}

}  // namespace

Listener::Listener(SocketFd fd, SocketAddress local, ListenOptions options, std::string unlink_path)
    : fd_(std::move(fd)), local_(local), options_(options), unlink_path_(std::move(unlink_path)) {}

Listener::~Listener() { Cleanup(); }

Listener::Listener(Listener&& other) noexcept
    : fd_(std::move(other.fd_)),
      local_(other.local_),
      options_(other.options_),
      unlink_path_(std::move(other.unlink_path_)) {
  other.unlink_path_.clear();
}

Listener& Listener::operator=(Listener&& other) noexcept {
  if (this != &other) {
    Cleanup();
    fd_ = std::move(other.fd_);
    local_ = other.local_;
    options_ = other.options_;
    unlink_path_ = std::move(other.unlink_path_);
    other.unlink_path_.clear();
  }
  return *this;
}

void Listener::Cleanup() {
  // Unlink before closing, so a new server that binds the path meanwhile never loses its file.
  if (!unlink_path_.empty()) ::unlink(unlink_path_.c_str());
  unlink_path_.clear();
  fd_.reset();
}

absl::StatusOr<Listener> ListenAt(const SocketAddress& address, const ListenOptions& options) {
  const std::string where = absl::StrCat("on ", address.ToString());
  if (options.backlog < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen ", where, ": backlog must be >= 1, got ", options.backlog));
  }
  SocketFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return SocketError(errno, "listen (socket)", where);
  if (address.is_ip() && options.reuse_address) {
    int one = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
      return SocketError(errno, "listen (SO_REUSEADDR)", where);
    }
  }
  if (address.is_ip() && options.reuse_port) {
    int one = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
      return SocketError(errno, "listen (SO_REUSEPORT)", where);
    }
  }
  if (::bind(fd.get(), address.get(), address.size()) != 0) {
    return SocketError(errno, "listen (bind)", where);
  }
  std::string unlink_path;
  if (address.is_unix() && !address.is_abstract()) unlink_path = address.ToString();
  if (::listen(fd.get(), options.backlog) != 0) {
    int e = errno;
    if (!unlink_path.empty()) ::unlink(unlink_path.c_str());
    return SocketError(e, "listen", where);
  }
  absl::StatusOr<SocketAddress> local = SocketAddress::LocalOf(fd.get());
  if (!local.ok()) {
    if (!unlink_path.empty()) ::unlink(unlink_path.c_str());
    return WithContext(local.status(), absl::StrCat("listen ", where));
  }
  return Listener(std::move(fd), *local, options, std::move(unlink_path));
}

absl::StatusOr<ConnectedSocket> Accept(const Listener& listener, absl::Time deadline) {
  for (;;) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = ::accept4(listener.fd(), reinterpret_cast<struct sockaddr*>(&ss), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      ConnectedSocket c{SocketFd(fd), SocketAddress(reinterpret_cast<struct sockaddr*>(&ss), len)};
      if (c.peer.is_ip() && listener.options().no_delay) {
        absl::Status s = SetTcpNoDelay(fd, true);
        if (!s.ok()) return WithContext(s, absl::StrCat("accept from ", c.peer.ToString()));
      }
      return c;
    }
    int e = errno;
    if (SkipAcceptError(e)) continue;
    if (e != EAGAIN && e != EWOULDBLOCK) {
      return SocketError(e, "accept", absl::StrCat("on ", listener.local_address().ToString()));
    }
    absl::Status s = WaitReadable(listener.fd(), deadline);
    if (!s.ok()) {
      if (absl::IsDeadlineExceeded(s)) {
        return absl::DeadlineExceededError(
            absl::StrCat("accept on ", listener.local_address().ToString(), ": deadline exceeded"));
      }
      return s;
    }
  }
}

}  // namespace framekit
