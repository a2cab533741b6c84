// framekit/server/internal/event_loop.h -- not a public API.
//
// EventLoop: one thread's share of a Server. It owns a Poller, its connections (each for life) and
// an Inbox; loop 0 also owns the listeners and hands accepted connections round-robin to every loop
// (itself included). One iteration:
//
//   Wait ──► events: listener ──► Accept ──► Adopt here / Inbox::Hand to another loop
//                    connection ──► Read (one read; frames to the handler) ──► Flush ──► Update
//        ──► inbox: handed sockets, posted work, shutdown ──► timers (idle, stall, accept pause)
//        ──► closed connections: OnClose, then freed
//
// Update() is where the watermarks, the closing state and the poller interest are brought in line
// with a connection's queue: every path that changes a queue ends there.
//
// ServerCore is what the loops share: options, handler factory, listeners, the open-connection
// count (touched at accept and close only) and the log.
#ifndef FRAMEKIT_SERVER_INTERNAL_EVENT_LOOP_H_
#define FRAMEKIT_SERVER_INTERNAL_EVENT_LOOP_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "framekit/server/connection.h"
#include "server/internal/inbox.h"
#include "framekit/server/server.h"
#include "framekit/transport/listener.h"
#include "framekit/transport/poller.h"

namespace framekit {
namespace server_internal {

class EventLoop;

struct ListenerState {
  Listener listener;
  std::shared_ptr<const Framer> framer;
  bool registered = false;                       // with loop 0's poller
  absl::Time paused_until = absl::InfinitePast();  // accepting paused (out of descriptors)
  bool error_logged = false;                     // once per episode
};

// One loop's counters: written by that loop only (a relaxed load and store, no locked
// instruction), read by ServerCore::Stats from any thread.
struct LoopStats {
  std::atomic<uint64_t> open{0}, accepted{0}, refused{0}, frames_in{0}, frames_out{0},
      bytes_in{0}, bytes_out{0}, paused{0};
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
  std::vector<std::unique_ptr<ListenerState>> listeners;  // loop 0's; closed at shutdown
  std::vector<SocketAddress> addresses;                     // what they were bound to
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::vector<std::thread> threads;
  bool shut_down = false;  // Server's own thread only
  // Connections open in the whole server: max_connections is checked against it at accept.
  std::atomic<size_t> open{0};

  void Log(absl::string_view line);
  ServerStats Stats() const;

 private:
  std::mutex log_mu_;  // not absl::Mutex: see inbox.h
};

class EventLoop {
 public:
  EventLoop(ServerCore* core, size_t index, Poller poller);
  ~EventLoop();

  // The thread body: returns after a shutdown request, once every connection is closed.
  void Run();

  size_t index() const { return index_; }
  const std::shared_ptr<Inbox>& inbox() const { return inbox_; }
  const LoopStats& stats() const { return stats_; }

  // Loop thread only (Connection's methods).
  void MarkDirty(Connection* c);
  void CountFramesOut(size_t n) { LoopStats::Add(stats_.frames_out, n); }

 private:
  void Accept(ListenerState* l);
  void Adopt(ConnectedSocket socket, const Framer* framer);
  void OnEvent(Connection* c, const Poller::Event& e);
  // One read: delivers its frames to the handler; handles end of stream and errors.
  void Read(Connection* c);
  void Flush(Connection* c);
  // Watermarks, closing, interest: see the header comment.
  void Update(Connection* c);
  void FlushDirty();
  // No more reading: closes once the queue is written. `status` is logged unless OK.
  void BeginClose(Connection* c, CloseReason reason, absl::Status status);
  // Unregisters and closes the socket now; OnClose and freeing follow at the end of the iteration.
  void CloseNow(Connection* c, CloseReason reason, absl::Status status);
  // Logs a close's status once per connection (not OK ones only).
  void LogClose(Connection& c, const absl::Status& status);
  void TakeInbox();
  void StartShutdown(absl::Time deadline);
  void Sweep();
  void SyncListeners();
  void Reap();
  absl::Duration NextTimeout() const;
  bool Reading(const Connection& c) const { return !c.closing_ && !c.paused_; }

  ServerCore* const core_;
  const size_t index_;
  Poller poller_;
  std::shared_ptr<Inbox> inbox_;
  LoopStats stats_;
  FramedConnectionOptions conn_options_;

  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> dirty_;
  std::vector<Connection*> closed_;
  uint64_t next_serial_ = 0;
  size_t next_loop_ = 0;  // loop 0: round-robin target of the next accepted connection
  absl::Time now_;
  absl::Duration sweep_interval_ = absl::InfiniteDuration();
  absl::Time next_sweep_ = absl::InfiniteFuture();
  bool stopping_ = false;
  absl::Time shutdown_deadline_ = absl::InfiniteFuture();
  Inbox::Batch batch_;
};

}  // namespace server_internal
}  // namespace framekit

#endif  // FRAMEKIT_SERVER_INTERNAL_EVENT_LOOP_H_
