// framekit/transport/io_ops.h
//
// IoOps is the table of system calls that stream_io.h goes through: read, write, writev and poll.
// The default table (DefaultIoOps()) is the real thing; tests substitute one that injects faults
// (framekit/transport/testing/faulty_stream.h) to prove that callers survive short transfers,
// EINTR and EAGAIN. The cost on the default path is one indirect call per system call.
//
// Contract of every entry (what stream_io relies on, and what a substitute must honour):
//   * Return as the system call does: >= 0 on success, -1 with errno set on failure.
//   * read/write/writev never block on a socket, whatever its O_NONBLOCK flag: the defaults use
//     recv/send/sendmsg with MSG_DONTWAIT, so deadlines hold for blocking sockets too. On a
//     non-socket descriptor (pipe, tty) they fall back to read/write/writev, which block if the
//     descriptor is blocking -- set O_NONBLOCK (SetNonBlocking) on those for deadlines to hold.
//     (The fallback costs one failed syscall, ENOTSOCK, per call.)
//   * write/writev never raise SIGPIPE: sockets use MSG_NOSIGNAL; for non-sockets SIGPIPE is
//     blocked in the calling thread around the write and a SIGPIPE it caused is consumed, so EPIPE
//     is returned instead.
//   * `ctx` is passed back unchanged as the first argument.
//
// Example (a counting wrapper):
//   struct Counter { int reads = 0; };
//   Counter counter;
//   IoOps ops = DefaultIoOps();
//   ops.ctx = &counter;
//   ops.read = [](void* ctx, int fd, void* buf, size_t n) {
//     ++static_cast<Counter*>(ctx)->reads;
//     return DefaultIoOps().read(nullptr, fd, buf, n);
//   };
//   IoOptions options;
//   options.ops = &ops;
//   absl::StatusOr<size_t> n = ReadSome(fd, buffer, deadline, options);
#ifndef FRAMEKIT_TRANSPORT_IO_OPS_H_
#define FRAMEKIT_TRANSPORT_IO_OPS_H_

#include <poll.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>

namespace framekit {

struct IoOps {
  ssize_t (*read)(void* ctx, int fd, void* buf, size_t len);
  ssize_t (*write)(void* ctx, int fd, const void* buf, size_t len);
  // `iovcnt` is at most IOV_MAX.
  ssize_t (*writev)(void* ctx, int fd, const struct iovec* iov, int iovcnt);
  // As poll(2); stream_io only ever passes one descriptor.
  int (*poll)(void* ctx, struct pollfd* fds, nfds_t nfds, int timeout_ms);
  void* ctx;
};

// The real system calls, as described above. Thread-safe; lives forever.
const IoOps& DefaultIoOps();

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_IO_OPS_H_
