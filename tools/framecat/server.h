// framekit/tools/framecat/server.h
//
// framecat's server: a thin client of framekit::Server (server/server.h), which does the serving:
// N event loops, half-close draining, bounded output, closing a bad client after the replies owed
// for its good frames, without disturbing the others. framecat adds the handler:
//
//   * echo mode: every decoded frame is sent back, re-encoded with the same framer;
//   * print mode: every decoded frame is printed to `out`, one per line (PrintFrame), frames of
//     different connections never interleaved within a line.
//
// framecat keeps its historical policy for a client that does not read: once more than
// `max_output_bytes` of echoes are queued for it, the server stops reading from it, and drops it
// after `drop_stalled_after` (0, the default: at once; InfiniteDuration: never, the client is only
// paused until it reads again).
//
// Every close with a reason is logged as "framecat: closing PEER: REASON" on `log`; so is an
// accept paused for lack of descriptors ("pausing accepts").
//
// RunServer() blocks SIGINT and SIGTERM and waits for either: then it stops accepting, answers
// what clients had sent, writes what is owed (for up to a second), closes every connection and
// returns OK.
#ifndef FRAMEKIT_TOOLS_FRAMECAT_SERVER_H_
#define FRAMEKIT_TOOLS_FRAMECAT_SERVER_H_

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "framekit/framing/framer.h"

namespace framekit {
namespace framecat {

struct ServeOptions {
  // Echo frames back (true) or print them (false).
  bool echo = false;
  // Print mode: print payloads as hex.
  bool hex = false;
  // Event loops; 0: one per core.
  size_t threads = 0;
  // "epoll", "io_uring" or "auto" (io_uring where it can be set up).
  std::string backend = "epoll";
  // A listener per loop (SO_REUSEPORT) instead of loop 0 handing connections out.
  bool reuse_port = false;
  // io_uring features (for A/B measurements; both on by default).
  bool io_uring_multishot_recv = true;
  bool io_uring_defer_taskrun = true;
  size_t io_uring_send_zc_min_bytes = 0;              // 0: no send_zc
  size_t io_uring_direct_read_min_bytes = 32 * 1024;  // 0: every byte through the buffer ring
  bool batch_sends = true;                            // false: a write per frame (for measuring)
  // Bytes of echoes queued for one connection above which it is no longer read.
  size_t max_output_bytes = 4 << 20;
  // How long a connection may stay above max_output_bytes before it is dropped.
  absl::Duration drop_stalled_after = absl::ZeroDuration();
  // Most connections served at once; 0 for no limit. Over it a connection is closed at once.
  size_t max_connections = 0;
  // A connection that sends and receives nothing this long is closed.
  absl::Duration idle_timeout = absl::InfiniteDuration();
  // How long accepting pauses after running out of descriptors.
  absl::Duration accept_backoff = absl::Milliseconds(100);
  std::FILE* out = stdout;  // frames, in print mode
  std::FILE* log = stderr;
};

// Serves `address` ("HOST:PORT", a Unix path, "@name") with `framer` until SIGINT or SIGTERM (then
// OK), or fails to start (the listener cannot bind, bad options).
absl::Status RunServer(const std::string& address, std::shared_ptr<const Framer> framer,
                       const ServeOptions& options);

}  // namespace framecat
}  // namespace framekit

#endif  // FRAMEKIT_TOOLS_FRAMECAT_SERVER_H_
