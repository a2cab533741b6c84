// framekit/server/server.h
//
// Server serves framed connections on one or more listeners (TCP v4/v6, Unix paths, abstract
// names) with N event loops, one thread each, on epoll or io_uring (ServerOptions::backend). A
// connection is accepted, then belongs to one loop for its whole life: its reads, its handler's
// callbacks and its writes all run there, so nothing on the per-frame path is shared between loops.
//
//   listener ──accept (loop 0)──► round-robin hand-off ──► loop k ──► bytes (epoll: a read;
//   io_uring: a provided buffer, decoded in place) ──► Decoder ──► handler.OnFrames ──►
//   Connection::Send ──► queue ──► one write per connection per iteration ──► socket
//
// (With reuse_port, each loop accepts on its own SO_REUSEPORT listener instead of the hand-off.)
//
// Where each limit is enforced (all in server/internal/event_loop.cc):
//   max_connections      at accept: over it the connection is accepted and closed at once,
//                        counted in ServerStats::refused; everyone else keeps being served.
//   max frame            the framer's own max, in the decoder: a bad frame closes that connection
//                        (logged once, no reply to it) after the replies owed for the frames before
//                        it are written.
//   output watermarks    per connection: above `output_high_watermark` unsent bytes the loop stops
//                        reading from it until the peer drains it below `output_low_watermark`;
//                        `max_output_bytes` is the hard cap on Send.
//   idle_timeout         no byte read or written for that long closes the connection (slowloris).
//   idle buffers         a connection quiet for release_idle_buffers_after gives its buffers back.
//
// Memory per connection is bounded by max_output_bytes + its read buffer, which holds at most one
// partial frame (the framer's max) and one read. That buffer grows by doubling, for every framer
// within max(1 MiB, 4 x (max frame + one read)) (framing/byte_buffer.h; io_uring copies into it
// only the part of a frame that straddles receive buffers, or reads a large frame straight into
// it). With an echo-style handler the queue stays under output_high_watermark + one read (epoll:
// read_size; io_uring: io_uring_buffer_size, or one frame larger than
// io_uring_direct_read_min_bytes), since frames stop being delivered once it passes the mark and a
// paused connection is not read.
//
// Lifecycle: Create() binds the listeners (errors surface there; local_addresses() tells the ports
// picked for port 0), Start() runs the loops, Shutdown(deadline) stops accepting, reads and answers
// what clients already sent, writes everything owed, closes every connection (those still owing
// bytes at the deadline are closed anyway) and joins the loops. The destructor shuts down with an
// immediate deadline.
//
// Example (an echo server on every core):
//   framekit::ServerOptions options;
//   options.framer_spec = "length:width=4";
//   options.listeners.push_back({"127.0.0.1:0"});  // port 0: see local_addresses()
//   options.idle_timeout = absl::Seconds(60);
//   absl::StatusOr<std::unique_ptr<framekit::Server>> server = framekit::Server::Create(
//       options, [] { return std::make_unique<Echo>(); });   // Echo: see handler.h
//   if (!server.ok()) return server.status();
//   if (absl::Status s = (*server)->Start(); !s.ok()) return s;
//   ...
//   (*server)->Shutdown(absl::Now() + absl::Seconds(5));
#ifndef FRAMEKIT_SERVER_SERVER_H_
#define FRAMEKIT_SERVER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "framekit/framing/framer.h"
#include "framekit/server/connection.h"
#include "framekit/server/handler.h"
#include "framekit/transport/address.h"

namespace framekit {
namespace server_internal {
class ServerCore;
}  // namespace server_internal

struct ListenerOptions {
  ListenerOptions() = default;
  // Implicit, so that `options.listeners.push_back({"127.0.0.1:7000"})` reads as it should.
  ListenerOptions(std::string address) : address(std::move(address)) {}  // NOLINT

  // "127.0.0.1:7000", "[::1]:0", ":7000" (all interfaces), "/run/app.sock", "@abstract".
  std::string address;
  // This listener's framer, overriding the server's: a spec, or a Framer (which wins).
  std::string framer_spec;
  std::shared_ptr<const Framer> framer;
  // Unix paths only: the socket file's mode (e.g. 0660), so who may connect is explicit. -1 keeps
  // what the umask gives.
  int unix_mode = -1;
  int backlog = 1024;
};

struct ServerOptions {
  // How the loops do their I/O. kEpoll: readiness (epoll) and a recv/send per ready connection.
  // kIoUring: one io_uring per loop (multishot accept and recv into provided buffers, one send per
  // connection per iteration; see server/internal/uring_loop.cc); Create fails where it cannot be
  // set up. kAuto: io_uring where it can be set up, else epoll, with one log line saying why.
  enum class Backend { kEpoll, kIoUring, kAuto };
  Backend backend = Backend::kEpoll;

  std::vector<ListenerOptions> listeners;
  // The framer of every listener that names none: a spec (MakeFramer), or a Framer (which wins).
  std::string framer_spec;
  std::shared_ptr<const Framer> framer;

  // Event loops (threads); 0: one per core.
  size_t loops = 0;
  // How TCP connections reach the loops. false (the default): loop 0 accepts and hands them out
  // round-robin, an exact spread whatever the number of clients. true: a listener per loop on the
  // same port (SO_REUSEPORT), each loop accepting its own, spread by the kernel's hash, with no
  // hand-off. Unix listeners are always handed out from loop 0. RESULTS.md measures both.
  bool reuse_port = false;
  // Connections open at once; 0: no limit. Over it a new connection is closed at once.
  size_t max_connections = 0;
  // Closes a connection that neither sent nor was sent a byte for this long.
  absl::Duration idle_timeout = absl::InfiniteDuration();
  // Output bounds of each connection (see connection.h). low <= high <= max_output_bytes.
  size_t output_low_watermark = 32 * 1024;
  size_t output_high_watermark = 64 * 1024;
  size_t max_output_bytes = 4 << 20;
  // Closes a connection that stays above the high watermark this long (its peer is not reading).
  // Infinite (the default): never; zero: as soon as it goes above.
  absl::Duration output_stall_timeout = absl::InfiniteDuration();
  // Bytes asked of each read; a loop does at most one read per connection per iteration, which
  // is what keeps a busy connection from starving the others.
  size_t read_size = 64 * 1024;
  // A connection that has read nothing for this long gives back its read buffer (unless it holds
  // part of a frame) and its empty output buffer, so idle connections hold no buffers. Zero frees
  // the read buffer after every read that leaves it empty (least memory, a malloc per read).
  absl::Duration release_idle_buffers_after = absl::Seconds(1);
  // io_uring: each loop's provided receive buffers (a power of two) and their size. A
  // completion holds a buffer only until its bytes are copied into the connection's decoder.
  size_t io_uring_buffers = 256;
  size_t io_uring_buffer_size = 32 * 1024;
  // io_uring features, on by default; off only to measure what each buys (benchmarks/server).
  // multishot: one recv armed per connection for good, else a recv re-armed per completion.
  // defer_taskrun: completions run only when the loop enters the kernel
  // (IORING_SETUP_DEFER_TASKRUN).
  bool io_uring_multishot_recv = true;
  bool io_uring_defer_taskrun = true;
  // io_uring: once a connection has the header of a frame that still misses at least this many
  // bytes, its multishot recv is cancelled and the rest is received straight into its decoder
  // (FramedConnection::BeginDirectRead), one copy instead of two (into a provided buffer, then
  // into the decoder), as are the frames after it while their payloads are this large; a smaller
  // frame re-arms the multishot recv. 0: never. The default, one receive buffer's worth, keeps
  // frames that span at most two buffers on the ring: at 24 KiB, pipelined, direct reads tripled
  // p99 for no clear gain; from 64 KiB they win (benchmarks/server/RESULTS.md has the A/Bs).
  size_t io_uring_direct_read_min_bytes = 32 * 1024;
  // io_uring, TCP only: a send of at least this many bytes goes out as a zero-copy send
  // (send_zc): the kernel sends from the connection's own buffer, which is kept until the kernel's
  // notification, so the connection's next send waits for it. A connection whose send_zc is
  // refused (no support, or ENOMEM: pinned pages count against RLIMIT_MEMLOCK) falls back to
  // plain sends for good. 0 (the default): never.
  // benchmarks/server/RESULTS.md ("send_zc") has the A/B and why it stays off by default: it lost
  // at 4 KiB and 64 KiB and won only at 1 MiB, on loopback, where the next send's wait for the
  // notification costs no network round trip.
  size_t io_uring_send_zc_min_bytes = 0;
  // true: what a connection's handler sends in one iteration goes out in one write (one send per
  // connection per iteration). false: a write per frame (io_uring: a send, once the one in flight
  // is done), and SendBatch is no longer all-or-nothing (it stops at a refused frame, the frames
  // before it queued); only to measure what batching buys (benchmarks/server).
  bool batch_sends = true;
  // For tests of kAuto's fallback: behave as if io_uring could not be set up here.
  bool testing_io_uring_unavailable = false;
  // How long accepting pauses after running out of descriptors (EMFILE, ENFILE, ENOMEM).
  absl::Duration accept_backoff = absl::Milliseconds(100);
  // One line per event worth an operator's attention: a connection closed for a bad frame, a
  // socket error, an idle or stall timeout; accepting paused. Called from any loop thread, one
  // call at a time. Default: stderr, prefixed "framekit server: ".
  std::function<void(absl::string_view line)> log;
};

// Counters summed over the loops; each is exact once the server has shut down, and a recent value
// while it runs.
struct ServerStats {
  uint64_t connections_open = 0;
  uint64_t accepted = 0;  // connections served (refused ones excluded)
  uint64_t refused = 0;   // over max_connections
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t paused = 0;                     // times a connection went above the high watermark
  uint64_t receive_buffers_exhausted = 0;  // io_uring: a loop's provided buffers ran out (ENOBUFS)
  // io_uring: of bytes_in, those copied into a decoder (a frame straddling two receive buffers, or
  // input held while paused), and those received straight into one (a large frame's rest:
  // io_uring_direct_read_min_bytes); the rest were decoded in place, in the receive buffer.
  uint64_t receive_bytes_copied = 0;
  uint64_t receive_bytes_direct = 0;
  // io_uring: sends made as send_zc (ServerOptions::io_uring_send_zc_min_bytes).
  uint64_t zero_copy_sends = 0;
  // Closes by reason, indexed by CloseReason (kOpen unused).
  uint64_t closed[8] = {};
  uint64_t closed_by(CloseReason r) const { return closed[static_cast<int>(r)]; }
};

class Server {
 public:
  // Builds the framers and binds every listener. InvalidArgument for bad options or a bad spec;
  // the socket error of a listener that cannot bind.
  static absl::StatusOr<std::unique_ptr<Server>> Create(ServerOptions options,
                                                        HandlerFactory factory);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The listeners' bound addresses, in the order of ServerOptions::listeners.
  std::vector<SocketAddress> local_addresses() const;
  size_t loops() const;
  // The backend in use (kEpoll or kIoUring: kAuto has been resolved).
  ServerOptions::Backend backend() const;

  // Starts the loops and returns once each has set itself up; if one cannot (an io_uring ring
  // refused, out of descriptors), shuts the others down and returns why. FailedPrecondition if
  // already started.
  absl::Status Start();
  // Stops accepting, answers what clients already sent, writes everything owed and closes every
  // connection, waiting until `deadline` at the most; then joins the loops. Idempotent.
  void Shutdown(absl::Time deadline);

  ServerStats stats() const;

 private:
  explicit Server(std::unique_ptr<server_internal::ServerCore> core);
  std::unique_ptr<server_internal::ServerCore> core_;
};

}  // namespace framekit

#endif  // FRAMEKIT_SERVER_SERVER_H_
