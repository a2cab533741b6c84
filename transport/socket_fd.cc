#include "framekit/transport/socket_fd.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace framekit {

void SocketFd::reset(int fd) {
  int old = fd_;
  fd_ = fd;
  if (old < 0 || old == fd) return;
  // Never retry: on Linux the descriptor is released even when close() reports EINTR.
  if (::close(old) != 0 && errno == EBADF) {
    std::fprintf(stderr,
                 "framekit::SocketFd: close(%d) failed with EBADF: descriptor closed twice\n", old);
    std::abort();
  }
}

}  // namespace framekit
