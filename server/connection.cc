// framekit/server/connection.cc -- see connection.h. The event-loop side is in
// internal/event_loop.cc.
#include "framekit/server/connection.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/internal/event_loop.h"
#include "server/internal/inbox.h"

namespace framekit {

absl::string_view CloseReasonName(CloseReason reason) {
  switch (reason) {
    case CloseReason::kOpen:
      return "open";
    case CloseReason::kPeerClosed:
      return "peer closed";
    case CloseReason::kClosedByHandler:
      return "closed by handler";
    case CloseReason::kShutdown:
      return "shutdown";
    case CloseReason::kBadFrame:
      return "bad frame";
    case CloseReason::kIdleTimeout:
      return "idle timeout";
    case CloseReason::kOutputStalled:
      return "output stalled";
    case CloseReason::kSocketError:
      return "socket error";
  }
  return "unknown";
}

bool ConnectionHandle::Post(std::function<void(Connection&)> work) const {
  if (inbox_ == nullptr) return false;
  return inbox_->Post(id_, std::move(work));
}

Connection::Connection(server_internal::EventLoop* loop, uint64_t id, ConnectedSocket socket,
                       const Framer& framer, const FramedConnectionOptions& options)
    : loop_(loop), id_(id), peer_(socket.peer), conn_(std::move(socket), framer, options) {}

Connection::~Connection() = default;

size_t Connection::loop_index() const { return loop_->index(); }

absl::Status Connection::Send(absl::string_view payload) {
  if (state_.closed) {
    return absl::FailedPreconditionError(absl::StrCat("Send to ", peer_string(), ": closed"));
  }
  absl::Status s = conn_.Queue(payload);
  if (s.ok()) {
    loop_->CountFramesOut(1);
    loop_->MarkDirty(this);
    loop_->SentNow(this);
  }
  return s;
}

absl::Status Connection::SendBatch(absl::Span<const absl::string_view> payloads) {
  if (state_.closed) {
    return absl::FailedPreconditionError(absl::StrCat("SendBatch to ", peer_string(), ": closed"));
  }
  if (!loop_->batch_sends()) {
    // Measuring what batching buys: each frame written on its own (see ServerOptions).
    for (absl::string_view p : payloads) {
      if (absl::Status s = Send(p); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  absl::Status s = conn_.QueueBatch(payloads);
  if (s.ok() && !payloads.empty()) {
    loop_->CountFramesOut(payloads.size());
    loop_->MarkDirty(this);
  }
  return s;
}

void Connection::Close() {
  if (state_.closing) return;
  state_.closing = true;
  close_reason_ = CloseReason::kClosedByHandler;
  loop_->MarkDirty(this);  // the loop closes it once the queue is written
}

ConnectionHandle Connection::handle() const { return ConnectionHandle(loop_->inbox(), id_); }

}  // namespace framekit
