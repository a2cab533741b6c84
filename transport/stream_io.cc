#include "framekit/transport/stream_io.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>

#include "absl/strings/str_cat.h"
#include "framekit/transport/address.h"
#include "framekit/transport/errors.h"

namespace framekit {
namespace {

// Iovecs per sendmsg: IOV_MAX is the kernel's limit; 256 keeps the stack copy at 4 KiB and already
// covers more bytes than a socket buffer takes in one call for any realistic frame sizes.
constexpr int kMaxIovecsPerCall = IOV_MAX < 256 ? IOV_MAX : 256;

const IoOps& OpsOf(const IoOptions& options) {
  return options.ops != nullptr ? *options.ops : DefaultIoOps();
}

// "to 1.2.3.4:5" / "from @name" / "on fd 7".
std::string PeerText(int fd, const IoOptions& options, absl::string_view preposition) {
  if (!options.peer.empty()) return absl::StrCat(preposition, " ", options.peer);
  absl::StatusOr<SocketAddress> peer = SocketAddress::PeerOf(fd);
  if (peer.ok() && !peer->is_unnamed()) return absl::StrCat(preposition, " ", peer->ToString());
  return absl::StrCat("on fd ", fd);
}

absl::Status Error(int e, absl::string_view op, int fd, const IoOptions& options,
                   absl::string_view preposition) {
  return SocketError(e, op, PeerText(fd, options, preposition));
}

absl::Status Expired(absl::string_view op, int fd, const IoOptions& options,
                     absl::string_view preposition, absl::string_view detail) {
  return absl::DeadlineExceededError(
      absl::StrCat(op, " ", PeerText(fd, options, preposition), ": deadline exceeded", detail));
}

// Waits for `events` on fd. OK when ready (or hung up / failed: the next I/O call says why);
// DeadlineExceeded when the deadline passes; an error status if poll itself fails.
absl::Status Wait(int fd, short events, absl::Time deadline, const IoOps& ops, absl::string_view op,
                  const IoOptions& options, absl::string_view preposition,
                  absl::string_view detail) {
  for (;;) {
    int timeout = PollTimeoutMs(deadline);
    if (timeout == 0) return Expired(op, fd, options, preposition, detail);
    struct pollfd p = {fd, events, 0};
    int r = ops.poll(ops.ctx, &p, 1, timeout);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Error(errno, absl::StrCat(op, " (poll)"), fd, options, preposition);
    }
    if (r == 0) continue;  // timed out: PollTimeoutMs decides whether the deadline has passed
    if (p.revents & POLLNVAL) return Error(EBADF, op, fd, options, preposition);
    return absl::OkStatus();
  }
}

bool WouldBlock(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

std::string Progress(size_t done, size_t total) {
  return absl::StrCat(" after writing ", done, " of ", total, " bytes");
}

}  // namespace

int PollTimeoutMs(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(std::max<int64_t>(ms, 1), INT_MAX));
}

absl::Status SetNonBlocking(int fd, bool non_blocking) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return SocketError(errno, "SetNonBlocking (F_GETFL)", absl::StrCat("on fd ", fd));
  int wanted = non_blocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) < 0) {
    return SocketError(errno, "SetNonBlocking (F_SETFL)", absl::StrCat("on fd ", fd));
  }
  return absl::OkStatus();
}

absl::Status WriteAll(int fd, absl::string_view bytes, absl::Time deadline,
                      const IoOptions& options) {
  const IoOps& ops = OpsOf(options);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t r = ops.write(ops.ctx, fd, bytes.data() + done, bytes.size() - done);
    if (r >= 0) {
      done += static_cast<size_t>(r);
      continue;
    }
    int e = errno;
    if (e == EINTR) continue;
    if (!WouldBlock(e)) return Error(e, "WriteAll", fd, options, "to");
    absl::Status s =
        Wait(fd, POLLOUT, deadline, ops, "WriteAll", options, "to", Progress(done, bytes.size()));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> WriteSomeV(int fd, IovecCursor* cursor, absl::Time deadline,
                                  const IoOptions& options) {
  const IoOps& ops = OpsOf(options);
  struct iovec batch[kMaxIovecsPerCall];
  while (!cursor->done()) {
    int n = cursor->Fill(batch, kMaxIovecsPerCall);
    ssize_t r = ops.writev(ops.ctx, fd, batch, n);
    if (r > 0) {
      cursor->Advance(static_cast<size_t>(r));
      return static_cast<size_t>(r);
    }
    if (r == 0) continue;  // nothing taken, no error: try again
    int e = errno;
    if (e == EINTR) continue;
    if (!WouldBlock(e)) return Error(e, "WriteSomeV", fd, options, "to");
    absl::Status s = Wait(fd, POLLOUT, deadline, ops, "WriteSomeV", options, "to",
                          absl::StrCat(" with ", cursor->remaining(), " bytes unwritten"));
    if (!s.ok()) return s;
  }
  return 0;
}

absl::Status WriteAllV(int fd, absl::Span<const struct iovec> iov, absl::Time deadline,
                       const IoOptions& options) {
  const IoOps& ops = OpsOf(options);
  IovecCursor cursor(iov);
  const size_t total = cursor.remaining();
  struct iovec batch[kMaxIovecsPerCall];
  while (!cursor.done()) {
    int n = cursor.Fill(batch, kMaxIovecsPerCall);
    ssize_t r = ops.writev(ops.ctx, fd, batch, n);
    if (r >= 0) {
      cursor.Advance(static_cast<size_t>(r));
      continue;
    }
    int e = errno;
    if (e == EINTR) continue;
    if (!WouldBlock(e)) return Error(e, "WriteAllV", fd, options, "to");
    absl::Status s = Wait(fd, POLLOUT, deadline, ops, "WriteAllV", options, "to",
                          Progress(total - cursor.remaining(), total));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> ReadSome(int fd, absl::Span<char> buffer, absl::Time deadline,
                                const IoOptions& options) {
  if (buffer.empty()) {
    // A 0-byte read would be indistinguishable from EOF.
    return absl::InvalidArgumentError("ReadSome: empty buffer");
  }
  const IoOps& ops = OpsOf(options);
  for (;;) {
    ssize_t r = ops.read(ops.ctx, fd, buffer.data(), buffer.size());
    if (r >= 0) return static_cast<size_t>(r);
    int e = errno;
    if (e == EINTR) continue;
    if (!WouldBlock(e)) return Error(e, "ReadSome", fd, options, "from");
    absl::Status s = Wait(fd, POLLIN, deadline, ops, "ReadSome", options, "from", "");
    if (!s.ok()) return s;
  }
}

absl::Status ShutdownWrite(int fd) {
  if (::shutdown(fd, SHUT_WR) != 0) {
    return Error(errno, "ShutdownWrite", fd, IoOptions{}, "to");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> DrainToEof(int fd, absl::Time deadline, const IoOptions& options) {
  char buf[16 * 1024];
  uint64_t total = 0;
  for (;;) {
    absl::StatusOr<size_t> n = ReadSome(fd, absl::MakeSpan(buf), deadline, options);
    if (!n.ok()) {
      return WithContext(n.status(), absl::StrCat("DrainToEof after ", total, " bytes"));
    }
    if (*n == 0) return total;
    total += *n;
  }
}

absl::Status WaitReadable(int fd, absl::Time deadline, const IoOptions& options) {
  return Wait(fd, POLLIN, deadline, OpsOf(options), "WaitReadable", options, "from", "");
}

absl::Status WaitWritable(int fd, absl::Time deadline, const IoOptions& options) {
  return Wait(fd, POLLOUT, deadline, OpsOf(options), "WaitWritable", options, "to", "");
}

}  // namespace framekit
