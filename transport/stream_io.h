// framekit/transport/stream_io.h
//
// Deadline-bounded I/O on a connected stream descriptor (TCP or Unix socket; pipes too, see
// io_ops.h). The functions work the same on blocking and non-blocking descriptors: sockets are
// always driven with MSG_DONTWAIT and waited on with poll(2), so a blocking socket never blocks
// past the deadline. They survive partial transfers, EINTR and EAGAIN, and never raise SIGPIPE.
//
// Deadlines are absolute (absl::Time). absl::InfiniteFuture() waits forever; a deadline already
// past (e.g. absl::InfinitePast()) still makes one attempt, so it means "don't wait" -- what an
// event loop passes after the Poller reported the descriptor ready. When the deadline passes with
// work left the result is DeadlineExceeded, and for writes the message says how many bytes went
// out: the stream is then mid-message and should normally be closed.
//
// Errors follow errors.h: peer gone (EPIPE, ECONNRESET) is Unavailable with IsPeerGone() true.
// Messages name the operation and the peer, e.g. "WriteAll to 127.0.0.1:4000: peer closed (...)".
// A clean end of stream is not an error: ReadSome returns 0.
//
// Example (client side of a request/response over one connection):
//   absl::Time deadline = absl::Now() + absl::Seconds(5);
//   if (absl::Status s = WriteAllV(fd, {header_iov, payload_iov}, deadline); !s.ok()) return s;
//   if (absl::Status s = ShutdownWrite(fd); !s.ok()) return s;   // "no more requests"
//   char buf[4096];
//   for (;;) {
//     absl::StatusOr<size_t> n = ReadSome(fd, absl::MakeSpan(buf), deadline);
//     if (!n.ok()) return n.status();
//     if (*n == 0) break;                                          // peer finished too
//     if (absl::Status s = decoder->Feed(absl::string_view(buf, *n)); !s.ok()) return s;
//   }
#ifndef FRAMEKIT_TRANSPORT_STREAM_IO_H_
#define FRAMEKIT_TRANSPORT_STREAM_IO_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/transport/io_ops.h"
#include "framekit/transport/iovec_cursor.h"

namespace framekit {

struct IoOptions {
  // The system calls to use; nullptr means DefaultIoOps(). Tests pass a fault-injecting table.
  const IoOps* ops = nullptr;
  // How errors name the other end, e.g. "127.0.0.1:4000". Empty: looked up with getpeername when an
  // error is reported (which fails once the connection is reset, hence this field).
  absl::string_view peer;
};

// Sets or clears O_NONBLOCK.
absl::Status SetNonBlocking(int fd, bool non_blocking = true);

// Writes all of `bytes`, waiting for buffer space up to `deadline`.
absl::Status WriteAll(int fd, absl::string_view bytes, absl::Time deadline,
                      const IoOptions& options = {});

// Writes all bytes described by `iov` (gather write, no payload copies), resuming a partial write
// mid-iovec and splitting lists longer than IOV_MAX into several calls.
absl::Status WriteAllV(int fd, absl::Span<const struct iovec> iov, absl::Time deadline,
                       const IoOptions& options = {});

// Writes some of the bytes left in `cursor` (at least one, unless the cursor is done), waiting up
// to `deadline` for the first; advances the cursor and returns the count. For event loops: with a
// past deadline it never waits, and DeadlineExceeded then only means the socket buffer was full.
absl::StatusOr<size_t> WriteSomeV(int fd, IovecCursor* cursor, absl::Time deadline,
                                  const IoOptions& options = {});

// Reads at most buffer.size() bytes (buffer must not be empty), waiting up to `deadline` for at
// least one. Returns the count; 0 means the peer closed its sending side cleanly (EOF).
absl::StatusOr<size_t> ReadSome(int fd, absl::Span<char> buffer, absl::Time deadline,
                                const IoOptions& options = {});

// Half-close: tells the peer we will send nothing more (it reads EOF) while reading still works.
// Sockets only. A connection the peer has reset may report FailedPrecondition (ENOTCONN).
absl::Status ShutdownWrite(int fd);

// Reads and discards until EOF; returns the number of bytes discarded. With ShutdownWrite this is
// the graceful close: closing a socket with unread input makes the kernel send RST, which can
// destroy data the peer has not read yet.
//   ShutdownWrite(fd); DrainToEof(fd, absl::Now() + absl::Seconds(1)); /* then close */
absl::StatusOr<uint64_t> DrainToEof(int fd, absl::Time deadline, const IoOptions& options = {});

// Waits until `fd` is readable (POLLIN) / writable (POLLOUT), or has hung up or failed (then the
// next read or write reports why). DeadlineExceeded if the deadline passes first.
absl::Status WaitReadable(int fd, absl::Time deadline, const IoOptions& options = {});
absl::Status WaitWritable(int fd, absl::Time deadline, const IoOptions& options = {});

// The poll(2) timeout for `deadline`: -1 for InfiniteFuture, 0 if already past, else the remaining
// time rounded up to a whole millisecond (so a wakeup is never early) and capped at INT_MAX.
int PollTimeoutMs(absl::Time deadline);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_STREAM_IO_H_
