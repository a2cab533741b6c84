// framekit/transport/address.h
//
// SocketAddress is a value type holding any socket address (sockaddr_storage plus its length) and
// the text forms framekit uses for them:
//
//   "127.0.0.1:80"       IPv4 and port
//   "[::1]:80"           IPv6 and port; brackets are required when a port follows
//   "[fe80::1%eth0]:80"  IPv6 with a scope (zone)
//   "/run/app.sock"      a Unix socket path (anything starting with '/' or '.')
//   "@app"               a Linux abstract Unix socket name (sun_path[0] == '\0', then "app")
//
// SocketAddress::Parse() accepts exactly these forms (numeric hosts only, it never does DNS) and
// ToString() produces them, so Parse(a.ToString()) == a. Host names are resolved by Resolve(),
// which returns every address getaddrinfo(3) reports, in its order; connecting tries them in turn.
// SplitHostPort() separates "host:port", "[v6]:port" and ":port" for both.
//
// Example:
//   absl::StatusOr<SocketAddress> a = SocketAddress::Parse("[::1]:8080");
//   ::connect(fd, a->get(), a->size());
//   absl::StatusOr<std::vector<SocketAddress>> all = Resolve("localhost:8080");
#ifndef FRAMEKIT_TRANSPORT_ADDRESS_H_
#define FRAMEKIT_TRANSPORT_ADDRESS_H_

#include <sys/socket.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace framekit {

class SocketAddress {
 public:
  // An empty address: family() == AF_UNSPEC, size() == 0, ToString() == "(none)".
  SocketAddress();

  // Copies `len` bytes of `addr` (truncated to sizeof(sockaddr_storage)).
  SocketAddress(const struct sockaddr* addr, socklen_t len);

  // Parses one of the forms above. InvalidArgument names what was wrong.
  static absl::StatusOr<SocketAddress> Parse(absl::string_view text);

  // A Unix socket address for `path` (any path, relative too). A leading '@' is taken literally
  // here; use Abstract() for abstract names. InvalidArgument if it does not fit in sun_path (107
  // bytes).
  static absl::StatusOr<SocketAddress> UnixPath(absl::string_view path);

  // A Linux abstract socket address for `name` (without the '@'); may hold any bytes.
  static absl::StatusOr<SocketAddress> Abstract(absl::string_view name);

  // The address a socket is bound to / connected to (getsockname / getpeername).
  static absl::StatusOr<SocketAddress> LocalOf(int fd);
  static absl::StatusOr<SocketAddress> PeerOf(int fd);

  int family() const { return storage_.ss_family; }
  const struct sockaddr* get() const { return reinterpret_cast<const struct sockaddr*>(&storage_); }
  socklen_t size() const { return size_; }

  bool is_ip() const { return family() == AF_INET || family() == AF_INET6; }
  bool is_unix() const { return family() == AF_UNIX; }
  // Unix addresses only: an abstract name ("@name"); an unnamed socket (socketpair, unbound
  // client).
  bool is_abstract() const;
  bool is_unnamed() const;

  // The port of an IP address; -1 for anything else.
  int port() const;

  // One of the forms above. Unnamed Unix sockets print as "(unnamed)".
  std::string ToString() const;

  friend bool operator==(const SocketAddress& a, const SocketAddress& b);
  friend bool operator!=(const SocketAddress& a, const SocketAddress& b) { return !(a == b); }
  friend std::ostream& operator<<(std::ostream& os, const SocketAddress& a) {
    return os << a.ToString();
  }

 private:
  struct sockaddr_storage storage_;
  socklen_t size_;
};

struct HostPort {
  std::string host;  // without brackets; "" for ":port" (all interfaces when listening)
  std::string port;  // decimal digits, 0..65535
};

// Splits "host:port", "[v6host]:port" or ":port". The port must be decimal 0..65535; an IPv6 host
// must be bracketed. InvalidArgument otherwise.
absl::StatusOr<HostPort> SplitHostPort(absl::string_view host_port);

// Resolves "host:port" with getaddrinfo (numeric hosts too) to every stream address, in the order
// the resolver gives. `passive`: an empty host means all interfaces (AI_PASSIVE) rather than
// loopback. NotFound if the name does not resolve, Unavailable on a temporary resolver failure.
absl::StatusOr<std::vector<SocketAddress>> Resolve(absl::string_view host_port,
                                                   bool passive = false);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_ADDRESS_H_
