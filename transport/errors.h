// framekit/transport/errors.h
//
// How transport failures are reported. Every function in framekit/transport returns an
// absl::Status (or StatusOr) whose message names the operation, the peer when known, and the errno
// text, e.g. "WriteAll to 127.0.0.1:4000: peer closed (Broken pipe)". The codes:
//
//   DeadlineExceeded    the caller's deadline passed. Only ever the caller's deadline: the kernel's
//                       own ETIMEDOUT (retransmission/keepalive gave up) is Unavailable instead.
//   Unavailable         the peer or network: peer gone, connection refused, unreachable, ETIMEDOUT.
//                       Two kinds are told apart:
//                         * peer gone (EPIPE, ECONNRESET, ESHUTDOWN): message contains
//                           "peer closed" and the status carries kPeerGonePayload; test with
//                           IsPeerGone().
//                         * connection refused (ECONNREFUSED): message contains
//                           "connection refused" and the status carries
//                           kConnectionRefusedPayload; test with IsConnectionRefused().
//   InvalidArgument     a malformed address or argument.
//   NotFound            a host name that does not resolve, a Unix path that does not exist.
//   ResourceExhausted   out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM).
//   others              absl::ErrnoToStatusCode(errno).
//
// A clean end of stream is not an error: ReadSome returns 0.
//
// Example:
//   absl::Status s = WriteAll(fd, bytes, deadline);
//   if (IsPeerGone(s)) return CloseQuietly();   // expected: the other side went away
//   if (!s.ok()) return s;                       // anything else is worth logging
#ifndef FRAMEKIT_TRANSPORT_ERRORS_H_
#define FRAMEKIT_TRANSPORT_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace framekit {

// Type URLs of the payloads that mark the two kinds of Unavailable. The value is the errno name
// ("EPIPE", "ECONNREFUSED"...). Payloads rather than message text so that callers may wrap
// messages.
inline constexpr absl::string_view kPeerGonePayload = "framekit.transport/PeerGone";
inline constexpr absl::string_view kConnectionRefusedPayload =
    "framekit.transport/ConnectionRefused";

// The status for a failed system call: `errno_value` mapped as in the table above, message
// "<operation>[ <peer>]: <errno text>". `peer` is a preposition plus address ("to 1.2.3.4:5") or
// "".
absl::Status SocketError(int errno_value, absl::string_view operation, absl::string_view peer = "");

// `status` with "<context>: " before its message, code and payloads kept (so IsPeerGone etc. still
// hold). OK stays OK.
absl::Status WithContext(const absl::Status& status, absl::string_view context);

// A status with `status`'s code and payloads but the message `message`. (OK stays OK.)
absl::Status WithMessage(const absl::Status& status, absl::string_view message);

// True if `status` says the peer has gone (EPIPE, ECONNRESET, ESHUTDOWN): Unavailable + payload.
bool IsPeerGone(const absl::Status& status);

// True if `status` is a refused connection (nothing listening at the address): Unavailable +
// payload.
bool IsConnectionRefused(const absl::Status& status);

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_ERRORS_H_
