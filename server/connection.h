// framekit/server/connection.h
//
// Connection is one client of a framekit::Server, as its handler sees it. It lives on one event
// loop for its whole life; every method but handle() is for that loop's thread only (inside the
// handler's callbacks, or in work posted with ConnectionHandle::Post).
//
// Output: Send / SendBatch encode frames into the connection's queue (copied); the loop writes the
// queue when the callback returns, without a system call per frame. The queue has two marks:
//
//   queued bytes   0 ......... low ........ high ............. max_output_bytes
//   reading        on          on           off (paused)        Send: ResourceExhausted
//   writable()     true        (as before)  false
//
// Above the high watermark the server stops reading from the connection (its kernel buffers then
// push back on the peer) until the peer has drained the queue below the low watermark, as Netty's
// writability does; nothing is dropped. ServerOptions::output_stall_timeout optionally closes a
// connection that stays above the high mark too long.
//
// Close() is graceful: no more frames are delivered, what is queued is written, then the socket
// closes and OnClose runs. From another thread, use handle():
//
//   framekit::ConnectionHandle h = conn.handle();        // copyable, any thread
//   std::thread([h] {
//     std::string reply = Compute();
//     h.Post([reply](framekit::Connection& c) { (void)c.Send(reply); });
//   }).detach();
#ifndef FRAMEKIT_SERVER_CONNECTION_H_
#define FRAMEKIT_SERVER_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/server/handler.h"
#include "framekit/server/internal/connection_state.h"
#include "framekit/transport/address.h"
#include "framekit/transport/framed_connection.h"

namespace framekit {
namespace server_internal {
class EventLoop;
class EpollLoop;
class UringLoop;
class Inbox;
}  // namespace server_internal

// Why a connection closed (kOpen while it is open).
enum class CloseReason {
  kOpen,
  kPeerClosed,       // the peer ended its stream between frames and got everything owed
  kClosedByHandler,  // Connection::Close()
  kShutdown,         // Server::Shutdown()
  kBadFrame,         // the decoder refused the stream: over the max, malformed, EOF mid-frame
  kIdleTimeout,      // no byte in either direction for ServerOptions::idle_timeout
  kOutputStalled,    // above the high watermark for longer than output_stall_timeout
  kSocketError,      // reset, broken pipe, ...
};
absl::string_view CloseReasonName(CloseReason reason);

// A reference to a connection that any thread may hold and copy. Post() runs `work` on the
// connection's loop thread if the connection is still open when the loop gets to it, and drops it
// otherwise; it returns false when the loop is already gone (server shut down).
class ConnectionHandle {
 public:
  ConnectionHandle() = default;
  uint64_t id() const { return id_; }
  bool Post(std::function<void(Connection&)> work) const;

 private:
  friend class Connection;
  ConnectionHandle(std::shared_ptr<server_internal::Inbox> inbox, uint64_t id)
      : inbox_(std::move(inbox)), id_(id) {}
  std::shared_ptr<server_internal::Inbox> inbox_;
  uint64_t id_ = 0;
};

class Connection {
 public:
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Unique within the server.
  uint64_t id() const { return id_; }
  const SocketAddress& peer() const { return peer_; }
  // The peer as text, as logs show it ("127.0.0.1:4000", "(unnamed)" for a Unix client).
  const std::string& peer_string() const { return conn_.peer(); }
  // Which event loop (0 .. loops-1) serves the connection.
  size_t loop_index() const;
  const Framer& framer() const { return conn_.framer(); }

  // Queues one frame (copied). ResourceExhausted past ServerOptions::max_output_bytes, the
  // encoder's error for a payload it refuses (over the framer's max); FailedPrecondition once
  // the connection is closed (while it is closing, what is sent is still written before the
  // close). Nothing is queued on an error.
  absl::Status Send(absl::string_view payload);
  // Queues every payload as a frame, all or nothing (same errors as Send).
  absl::Status SendBatch(absl::Span<const absl::string_view> payloads);
  // Below the high watermark (or back below the low one): see the header comment.
  bool writable() const { return !state_.paused; }
  size_t queued_bytes() const { return conn_.queued_bytes(); }

  // Stops delivering frames, writes what is queued, then closes (OnClose with an OK reason).
  void Close();
  bool closing() const { return state_.closing; }
  CloseReason close_reason() const { return close_reason_; }

  ConnectionHandle handle() const;

  // The handler made for this connection.
  ConnectionHandler& handler() const { return *handler_; }

 private:
  friend class server_internal::EventLoop;
  friend class server_internal::EpollLoop;
  friend class server_internal::UringLoop;
  Connection(server_internal::EventLoop* loop, uint64_t id, ConnectedSocket socket,
             const Framer& framer, const FramedConnectionOptions& options);

  server_internal::EventLoop* loop_;
  uint64_t id_;
  SocketAddress peer_;
  FramedConnection conn_;
  std::unique_ptr<ConnectionHandler> handler_;

  CloseReason close_reason_ = CloseReason::kOpen;
  absl::Status close_status_;
  // The loops' bookkeeping (internal/connection_state.h).
  server_internal::ConnectionLoopState state_;
  server_internal::ConnectionUringState uring_;
};

}  // namespace framekit

#endif  // FRAMEKIT_SERVER_CONNECTION_H_
