// framekit/tools/framecat/server.h
//
// framecat's server: one thread serving any number of connections on one listener with a
// level-triggered Poller. Each connection is a FramedConnection driven event-loop style:
//
//   * echo mode: every decoded frame is queued back, re-encoded with the same framer, and written
//     as the socket accepts it (writable interest only while bytes are queued);
//   * print mode: every decoded frame is printed to `out`, one per line (PrintFrame).
//
// A connection is closed, with one line "framecat: closing PEER: REASON" on `log`, when it sends a
// bad frame (over the max, malformed header, end of stream inside a frame) -- without a reply --,
// when its socket fails, or when its queued echoes would exceed `max_output_bytes` (a peer that
// does not read cannot stall the others or grow memory without bound). A peer that half-closes gets
// every echo still owed to it, then the server closes the connection (quietly). Empty frames are
// frames and are echoed.
//
// Accepting: non-blocking, all pending connections per readiness; out of descriptors (EMFILE,
// ENFILE...) is logged once per episode and accepting pauses briefly instead of spinning; at
// `max_connections` accepting pauses until one closes (the kernel's backlog holds the rest).
//
// Run() blocks SIGINT and SIGTERM and watches them with a signalfd: either stops the loop, closes
// every connection and returns OK.
#ifndef FRAMEKIT_TOOLS_FRAMECAT_SERVER_H_
#define FRAMEKIT_TOOLS_FRAMECAT_SERVER_H_

#include <cstddef>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "framekit/framing/framer.h"
#include "framekit/transport/listener.h"

namespace framekit {
namespace framecat {

struct ServerOptions {
  // Echo frames back (true) or print them (false).
  bool echo = false;
  // Print mode: print payloads as hex.
  bool hex = false;
  // Most bytes of echoes queued for one connection; beyond it the connection is dropped.
  size_t max_output_bytes = 4 << 20;
  // Most connections served at once; 0 for no limit.
  size_t max_connections = 0;
  // How long accepting pauses after running out of descriptors.
  absl::Duration accept_backoff = absl::Milliseconds(100);
  std::FILE* out = stdout;  // frames, in print mode
  std::FILE* log = stderr;  // one line per closed-with-a-reason connection
};

// Serves `listener` with `framer` until SIGINT or SIGTERM (then OK), or a failure of the loop
// itself (poller, signalfd). `framer` must outlive the call.
absl::Status RunServer(Listener listener, const Framer& framer, const ServerOptions& options);

}  // namespace framecat
}  // namespace framekit

#endif  // FRAMEKIT_TOOLS_FRAMECAT_SERVER_H_
