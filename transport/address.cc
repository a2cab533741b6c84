#include "framekit/transport/address.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"

namespace framekit {
namespace {

constexpr socklen_t kSunPathOffset = offsetof(struct sockaddr_un, sun_path);
constexpr size_t kSunPathSize = sizeof(sockaddr_un::sun_path);

const sockaddr_in& V4(const SocketAddress& a) {
  return *reinterpret_cast<const sockaddr_in*>(a.get());
}
const sockaddr_in6& V6(const SocketAddress& a) {
  return *reinterpret_cast<const sockaddr_in6*>(a.get());
}
const sockaddr_un& Un(const SocketAddress& a) {
  return *reinterpret_cast<const sockaddr_un*>(a.get());
}

absl::Status GaiError(int rc, absl::string_view host_port) {
  std::string what = absl::StrCat("resolve ", host_port, ": ", gai_strerror(rc));
  switch (rc) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
      return absl::NotFoundError(what);
    case EAI_AGAIN:
    case EAI_FAIL:
      return absl::UnavailableError(what);
    case EAI_MEMORY:
      return absl::ResourceExhaustedError(what);
    case EAI_SYSTEM:
      return SocketError(errno, "resolve", host_port);
    default:
      return absl::InvalidArgumentError(what);
  }
}

absl::StatusOr<std::vector<SocketAddress>> GetAddrInfo(absl::string_view host_port,
                                                       const HostPort& hp, int flags) {
  struct addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags | AI_NUMERICSERV;
  struct addrinfo* list = nullptr;
  int rc =
      ::getaddrinfo(hp.host.empty() ? nullptr : hp.host.c_str(), hp.port.c_str(), &hints, &list);
  if (rc != 0) return GaiError(rc, host_port);
  std::vector<SocketAddress> out;
  for (struct addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    SocketAddress a(ai->ai_addr, ai->ai_addrlen);
    bool seen = false;
    for (const SocketAddress& b : out) seen = seen || a == b;
    if (!seen) out.push_back(a);
  }
  ::freeaddrinfo(list);
  if (out.empty())
    return absl::NotFoundError(absl::StrCat("resolve ", host_port, ": no IP address"));
  return out;
}

}  // namespace

SocketAddress::SocketAddress() : size_(0) {
  std::memset(&storage_, 0, sizeof(storage_));
  storage_.ss_family = AF_UNSPEC;
}

SocketAddress::SocketAddress(const struct sockaddr* addr, socklen_t len) : SocketAddress() {
  if (len > sizeof(storage_)) len = sizeof(storage_);
  std::memcpy(&storage_, addr, len);
  size_ = len;
}

absl::StatusOr<SocketAddress> SocketAddress::Parse(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty socket address");
  if (text[0] == '@') return Abstract(text.substr(1));
  if (text[0] == '/' || text[0] == '.') return UnixPath(text);
  absl::StatusOr<HostPort> hp = SplitHostPort(text);
  if (!hp.ok()) return hp.status();
  if (hp->host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("socket address \"", text, "\" has no host"));
  }
  absl::StatusOr<std::vector<SocketAddress>> all = GetAddrInfo(text, *hp, AI_NUMERICHOST);
  if (!all.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("socket address \"", text, "\": host is not a numeric IP address"));
  }
  return all->front();
}

absl::StatusOr<SocketAddress> SocketAddress::UnixPath(absl::string_view path) {
  if (path.empty()) return absl::InvalidArgumentError("empty Unix socket path");
  // Keep a terminating NUL inside sun_path: some tools read it as a C string.
  if (path.size() >= kSunPathSize) {
    return absl::InvalidArgumentError(absl::StrCat("Unix socket path is ", path.size(),
                                                   " bytes, the limit is ", kSunPathSize - 1, ": ",
                                                   path));
  }
  if (path.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("Unix socket path contains a NUL byte");
  }
  struct sockaddr_un un;
  std::memset(&un, 0, sizeof(un));
  un.sun_family = AF_UNIX;
  std::memcpy(un.sun_path, path.data(), path.size());
  return SocketAddress(reinterpret_cast<struct sockaddr*>(&un),
                       kSunPathOffset + static_cast<socklen_t>(path.size()) + 1);
}

absl::StatusOr<SocketAddress> SocketAddress::Abstract(absl::string_view name) {
  if (name.size() + 1 > kSunPathSize) {
    return absl::InvalidArgumentError(absl::StrCat("abstract socket name is ", name.size(),
                                                   " bytes, the limit is ", kSunPathSize - 1));
  }
  struct sockaddr_un un;
  std::memset(&un, 0, sizeof(un));
  un.sun_family = AF_UNIX;
  std::memcpy(un.sun_path + 1, name.data(), name.size());  // sun_path[0] stays '\0'
  // The length is part of an abstract name: no trailing NUL is counted.
  return SocketAddress(reinterpret_cast<struct sockaddr*>(&un),
                       kSunPathOffset + 1 + static_cast<socklen_t>(name.size()));
}

absl::StatusOr<SocketAddress> SocketAddress::LocalOf(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if (::getsockname(fd, reinterpret_cast<struct sockaddr*>(&ss), &len) != 0) {
    return SocketError(errno, "getsockname");
  }
  return SocketAddress(reinterpret_cast<struct sockaddr*>(&ss), len);
}

absl::StatusOr<SocketAddress> SocketAddress::PeerOf(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if (::getpeername(fd, reinterpret_cast<struct sockaddr*>(&ss), &len) != 0) {
    return SocketError(errno, "getpeername");
  }
  return SocketAddress(reinterpret_cast<struct sockaddr*>(&ss), len);
}

bool SocketAddress::is_abstract() const {
  return is_unix() && size_ > kSunPathOffset && Un(*this).sun_path[0] == '\0';
}

bool SocketAddress::is_unnamed() const { return is_unix() && size_ <= kSunPathOffset; }

int SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(V4(*this).sin_port);
  if (family() == AF_INET6) return ntohs(V6(*this).sin6_port);
  return -1;
}

std::string SocketAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  switch (family()) {
    case AF_INET:
      if (::inet_ntop(AF_INET, &V4(*this).sin_addr, buf, sizeof(buf)) == nullptr) break;
      return absl::StrCat(buf, ":", port());
    case AF_INET6: {
      if (::inet_ntop(AF_INET6, &V6(*this).sin6_addr, buf, sizeof(buf)) == nullptr) break;
      std::string zone;
      if (uint32_t scope = V6(*this).sin6_scope_id; scope != 0) {
        char name[IF_NAMESIZE];
        zone = absl::StrCat("%", ::if_indextoname(scope, name) != nullptr ? std::string(name)
                                                                          : absl::StrCat(scope));
      }
      return absl::StrCat("[", buf, zone, "]:", port());
    }
    case AF_UNIX: {
      if (is_unnamed()) return "(unnamed)";
      const char* p = Un(*this).sun_path;
      size_t n = size_ - kSunPathOffset;
      if (is_abstract()) return absl::StrCat("@", absl::string_view(p + 1, n - 1));
      return std::string(p, strnlen(p, n));
    }
    case AF_UNSPEC:
      return "(none)";
    default:
      break;
  }
  return absl::StrCat("(address family ", family(), ")");
}

bool operator==(const SocketAddress& a, const SocketAddress& b) {
  if (a.family() != b.family()) return false;
  switch (a.family()) {
    case AF_INET:
      return V4(a).sin_port == V4(b).sin_port && V4(a).sin_addr.s_addr == V4(b).sin_addr.s_addr;
    case AF_INET6:
      return V6(a).sin6_port == V6(b).sin6_port && V6(a).sin6_scope_id == V6(b).sin6_scope_id &&
             std::memcmp(&V6(a).sin6_addr, &V6(b).sin6_addr, sizeof(in6_addr)) == 0;
    case AF_UNIX:
      if (a.is_abstract() || a.is_unnamed()) {
        return a.size_ == b.size_ && std::memcmp(a.get(), b.get(), a.size_) == 0;
      }
      return !b.is_abstract() && !b.is_unnamed() && a.ToString() == b.ToString();
    default:
      return a.size_ == b.size_ && std::memcmp(a.get(), b.get(), a.size_) == 0;
  }
}

absl::StatusOr<HostPort> SplitHostPort(absl::string_view host_port) {
  HostPort out;
  absl::string_view port;
  if (!host_port.empty() && host_port[0] == '[') {
    size_t close = host_port.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("\"", host_port, "\": missing ']'"));
    }
    out.host = std::string(host_port.substr(1, close - 1));
    absl::string_view rest = host_port.substr(close + 1);
    if (rest.empty() || rest[0] != ':') {
      return absl::InvalidArgumentError(absl::StrCat("\"", host_port, "\": missing \":port\""));
    }
    port = rest.substr(1);
  } else {
    size_t colon = host_port.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("\"", host_port, "\": missing \":port\""));
    }
    out.host = std::string(host_port.substr(0, colon));
    if (out.host.find(':') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", host_port, "\": an IPv6 host needs brackets, as in [::1]:80"));
    }
    port = host_port.substr(colon + 1);
  }
  uint32_t value = 0;
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!digits || !absl::SimpleAtoi(port, &value) || value > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", host_port, "\": port must be a number from 0 to 65535"));
  }
  out.port = std::string(port);
  return out;
}

absl::StatusOr<std::vector<SocketAddress>> Resolve(absl::string_view host_port, bool passive) {
  absl::StatusOr<HostPort> hp = SplitHostPort(host_port);
  if (!hp.ok()) return hp.status();
  return GetAddrInfo(host_port, *hp, passive ? AI_PASSIVE : 0);
}

}  // namespace framekit
