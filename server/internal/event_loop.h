// framekit/server/internal/event_loop.h -- not a public API.
//
// EventLoop: one thread's share of a Server, whatever the I/O backend. It owns its connections
// (each for life) and an Inbox; loop 0 also owns the listeners and hands accepted connections
// round-robin to every loop (itself included). The backend (EpollLoop, UringLoop) does the I/O and
// calls back into the loop; everything else -- frames to the handler, the watermarks, closing,
// timeouts, the inbox -- is here, once for both. One iteration:
//
//   WaitAndDispatch ──► accepted socket ──► Place: refuse (max) / Adopt here / Inbox::Hand
//                  ──► bytes for a connection ──► ReadWith: frames to the handler; EOF, errors
//                  ──► written ──► Update
//   ──► inbox: handed sockets, posted work, shutdown ──► Sweep (idle, stall, buffers, deadline)
//   ──► Reap: OnClose, then free (once the backend has no operation left on the connection)
//
// Update() is where the watermarks, the closing state and the backend's interest are brought in
// line with a connection's output: every path that changes an output queue ends there.
//
// ServerCore is what the loops share: options, handler factory, listeners, the open-connection
// count (touched at accept and close only) and the log.
#ifndef FRAMEKIT_SERVER_INTERNAL_EVENT_LOOP_H_
#define FRAMEKIT_SERVER_INTERNAL_EVENT_LOOP_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "framekit/server/connection.h"
#include "framekit/server/server.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/listener.h"
#include "server/internal/inbox.h"

namespace framekit {
namespace server_internal {

class EventLoop;

struct ListenerState {
  Listener listener;
  std::shared_ptr<const Framer> framer;
  size_t loop = 0;          // the loop that accepts on it
  bool keep_local = false;  // one of a SO_REUSEPORT set: its connections stay on that loop
  bool registered = false;  // accepting through the backend
  absl::Time paused_until = absl::InfinitePast();  // accepting paused (out of descriptors)
  bool error_logged = false;                       // once per episode
};

// One loop's counters: written by that loop only (a relaxed load and store, no locked
// instruction), read by ServerCore::Stats from any thread.
struct LoopStats {
  std::atomic<uint64_t> open{0}, accepted{0}, refused{0}, frames_in{0}, frames_out{0}, bytes_in{0},
      bytes_out{0}, paused{0}, receive_buffers_exhausted{0}, bytes_in_copied{0}, bytes_in_direct{0},
      zero_copy_sends{0};
  std::atomic<uint64_t> closed[8] = {};
  static void Add(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

class ServerCore {
 public:
  ServerCore(ServerOptions options, HandlerFactory factory);

  const ServerOptions options;
  const HandlerFactory factory;
  std::vector<std::unique_ptr<ListenerState>> listeners;  // each loop's own; closed at shutdown
  std::vector<SocketAddress> addresses;  // what ServerOptions::listeners were bound to
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::vector<std::thread> threads;
  bool shut_down = false;                                           // Server's own thread only
  ServerOptions::Backend backend = ServerOptions::Backend::kEpoll;  // the one in use
  // Connections open in the whole server: max_connections is checked against it at accept.
  std::atomic<size_t> open{0};

  void Log(absl::string_view line);
  ServerStats Stats() const;

  // Each loop reports once whether its thread's setup (an io_uring ring) succeeded; Start() waits
  // for every report, so that a loop that cannot serve fails Start instead of dropping the
  // connections handed to it later.
  void ReportSetup(const absl::Status& status);
  absl::Status AwaitSetup(size_t loops);

 private:
  std::mutex log_mu_;  // not absl::Mutex: see inbox.h
  std::mutex setup_mu_;
  std::condition_variable setup_cv_;
  size_t setup_reports_ = 0;
  absl::Status setup_status_;
};

class EventLoop {
 public:
  EventLoop(ServerCore* core, size_t index);
  virtual ~EventLoop();

  // The thread body: returns after a shutdown request, once every connection is closed.
  void Run();

  size_t index() const { return index_; }
  const std::shared_ptr<Inbox>& inbox() const { return inbox_; }
  const LoopStats& stats() const { return stats_; }

  // Loop thread only (Connection's methods).
  void MarkDirty(Connection* c);
  void CountFramesOut(size_t n) { LoopStats::Add(stats_.frames_out, n); }
  // After a Send: with ServerOptions::batch_sends off, writes (or starts writing) at once instead
  // of once per iteration.
  bool batch_sends() const { return batch_sends_; }
  void SentNow(Connection* c) {
    if (!batch_sends_ && !c->state_.closed) Flush(c);
  }
  // Bytes for the peer not yet written: the queue, and (io_uring) a send in flight.
  virtual size_t Unsent(const Connection& c) const { return c.conn_.queued_bytes(); }

 protected:
  // ---- What a backend implements (all on the loop thread) ----
  // Before the first wait: what the loop thread itself must set up.
  virtual absl::Status Setup() = 0;
  // Waits up to `timeout` for I/O (InfiniteDuration: until there is some), sets now_, and reports
  // what happened through the calls below; *tick when the sweep timer fired.
  virtual absl::Status WaitAndDispatch(absl::Duration timeout, bool* tick) = 0;
  // Starts / stops accepting on listener `i` (loop 0); sets l->registered.
  virtual void SetListening(ListenerState* l, size_t i, bool on) = 0;
  // A new connection: start reading from it.
  virtual absl::Status Register(Connection* c) = 0;
  // Brings the connection's I/O in line with Reading() and Unsent() (after Update).
  virtual absl::Status SyncIo(Connection* c) = 0;
  // Writes, or starts writing, what is queued.
  virtual void Flush(Connection* c) = 0;
  // The connection is closing now: stop its I/O. It is freed once Drained().
  virtual void Unregister(Connection* c) = 0;
  virtual bool Drained(const Connection& c) const {
    (void)c;
    return true;
  }
  // The shutdown deadline passed with `c` closed but not Drained(): make the kernel let go of
  // what it still holds (io_uring: a zero-copy send's buffer waiting on a peer that never reads).
  virtual void Abandon(Connection* c) { (void)c; }
  // No operation of the loop's own (not a connection's) is still in the kernel.
  virtual bool Quiet() const { return true; }
  // True while the backend waits on its own timer (no timeout needed for the sweep).
  virtual bool HasTimer() const = 0;

  // ---- What a backend calls ----
  // An accepted connection (or the error that stopped accepting on `l`).
  void Accepted(ListenerState* l, absl::StatusOr<ConnectedSocket> socket);
  // One read's worth of frames: `step(round, on_frames, stop)` feeds the connection's decoder
  // (round 0) or goes on after a skipped over-long frame (later rounds), delivering frames until
  // *stop (the output is full), and returns what its FramedConnection call returned; handles
  // frames, end of stream and errors.
  using ReadStep = absl::FunctionRef<absl::StatusOr<FramedConnection::ReadState>(
      int round, FramedConnection::FramesFn on_frames, const bool* stop)>;
  void ReadWith(Connection* c, ReadStep step);
  void Wrote(Connection* c, size_t bytes);
  // Unregisters and closes now; OnClose and freeing follow at the end of the iteration.
  void CloseNow(Connection* c, CloseReason reason, absl::Status status);
  void FlushDirty();
  void Update(Connection* c);
  bool Reading(const Connection& c) const { return !c.state_.closing && !c.state_.paused; }
  // Half-closes and discards unread input, so that close() sends a FIN, not a reset that could
  // destroy replies the peer has not read yet.
  static void LingerBeforeClose(int fd);

  ServerCore* const core_;
  const size_t index_;
  std::shared_ptr<Inbox> inbox_;
  LoopStats stats_;
  FramedConnectionOptions conn_options_;
  absl::Time now_;
  absl::Duration sweep_interval_ = absl::InfiniteDuration();
  bool stopping_ = false;
  const bool batch_sends_;

 private:
  void Place(ListenerState* l, ConnectedSocket socket);
  void Adopt(ConnectedSocket socket, const Framer* framer);
  // No more reading: closes once the output is written. `status` is logged unless OK.
  void BeginClose(Connection* c, CloseReason reason, absl::Status status);
  // Logs a close's status once per connection (not OK ones only).
  void LogClose(Connection& c, const absl::Status& status);
  void TakeInbox();
  void StartShutdown(absl::Time deadline);
  void Sweep();
  void SyncListeners();
  void Reap();
  absl::Duration NextTimeout() const;

  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> dirty_;
  std::vector<Connection*> closed_;   // OnClose at the end of this iteration
  std::vector<Connection*> zombies_;  // closed, waiting for the backend to drain them
  uint64_t next_serial_ = 0;
  size_t next_loop_ = 0;  // loop 0: round-robin target of the next accepted connection
  absl::Time next_sweep_ = absl::InfiniteFuture();
  absl::Time shutdown_deadline_ = absl::InfiniteFuture();
  Inbox::Batch batch_;
};

// The backends (epoll_loop.cc, uring_loop.cc).
std::unique_ptr<EventLoop> NewEpollLoop(ServerCore* core, size_t index, absl::Status* error);
// The ring itself is created by the loop's thread; on failure, *error says why.
std::unique_ptr<EventLoop> NewUringLoop(ServerCore* core, size_t index, absl::Status* error);
// Why io_uring cannot serve here (kernel, io_uring_disabled, seccomp...), or OK.
absl::Status UringAvailable(const ServerOptions& options);

}  // namespace server_internal
}  // namespace framekit

#endif  // FRAMEKIT_SERVER_INTERNAL_EVENT_LOOP_H_
