// framekit/transport/socket_fd.h
//
// SocketFd owns one file descriptor and closes it exactly once: on destruction, on reset(), or on
// assignment of another SocketFd. It is move-only; release() gives the descriptor up without
// closing it. An empty SocketFd holds -1.
//
// close(2) errors are ignored, as they must be on Linux (the descriptor is gone even on EINTR, and
// retrying could close a descriptor another thread has just been given) -- except EBADF, which
// means the descriptor was already closed behind our back: a bug that could close someone else's
// descriptor, so it aborts with a message.
//
// Example:
//   SocketFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
//   if (!fd.valid()) return SocketError(errno, "socket");
//   ...
//   return fd;  // moved out; closed by whoever ends up owning it
#ifndef FRAMEKIT_TRANSPORT_SOCKET_FD_H_
#define FRAMEKIT_TRANSPORT_SOCKET_FD_H_

namespace framekit {

class SocketFd {
 public:
  SocketFd() = default;
  explicit SocketFd(int fd) : fd_(fd) {}
  ~SocketFd() { reset(); }

  SocketFd(SocketFd&& other) noexcept : fd_(other.release()) {}
  SocketFd& operator=(SocketFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  SocketFd(const SocketFd&) = delete;
  SocketFd& operator=(const SocketFd&) = delete;

  // The descriptor, still owned; -1 if empty.
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership without closing; returns the descriptor (-1 if empty).
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

  // Closes the held descriptor (if any) and takes ownership of `fd`.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_SOCKET_FD_H_
