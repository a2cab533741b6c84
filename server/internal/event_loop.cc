// framekit/server/internal/event_loop.cc -- see event_loop.h.
#include "server/internal/event_loop.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"

namespace framekit {
namespace server_internal {
namespace {

// Poller tokens below this are listeners (index + 1); connections use their address.
constexpr uint64_t kListenerTokens = 1 << 16;
// Connections one listener readiness accepts before the loop serves its connections again.
constexpr int kAcceptsPerWake = 64;
// At shutdown, reads per connection to take in what clients had already sent.
constexpr int kShutdownReads = 16;
// Before closing a connection gracefully, input still unread is discarded (up to this much) so
// that close() sends a FIN rather than a reset, which could destroy replies the peer has not read.
constexpr size_t kDiscardBeforeClose = 256 * 1024;

void DiscardInput(int fd) {
  char buf[16 * 1024];
  for (size_t total = 0; total < kDiscardBeforeClose;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n <= 0) return;
    total += static_cast<size_t>(n);
  }
}

}  // namespace

ServerCore::ServerCore(ServerOptions o, HandlerFactory f)
    : options(std::move(o)), factory(std::move(f)) {}

void ServerCore::Log(absl::string_view line) {
  std::lock_guard<std::mutex> lock(log_mu_);
  if (options.log) {
    options.log(line);
  } else {
    std::fprintf(stderr, "framekit server: %.*s\n", static_cast<int>(line.size()), line.data());
  }
}

ServerStats ServerCore::Stats() const {
  ServerStats out;
  constexpr auto r = std::memory_order_relaxed;
  for (const auto& loop : loops) {
    const LoopStats& s = loop->stats();
    out.connections_open += s.open.load(r);
    out.accepted += s.accepted.load(r);
    out.refused += s.refused.load(r);
    out.frames_in += s.frames_in.load(r);
    out.frames_out += s.frames_out.load(r);
    out.bytes_in += s.bytes_in.load(r);
    out.bytes_out += s.bytes_out.load(r);
    out.paused += s.paused.load(r);
    for (int i = 0; i < 8; ++i) out.closed[i] += s.closed[i].load(r);
  }
  return out;
}

EventLoop::EventLoop(ServerCore* core, size_t index, Poller poller)
    : core_(core),
      index_(index),
      poller_(std::move(poller)),
      inbox_(std::make_shared<Inbox>(&poller_)) {
  const ServerOptions& o = core_->options;
  conn_options_.read_size = o.read_size;
  conn_options_.max_queued_bytes = o.max_output_bytes;
  // A busy connection keeps its read buffer between reads; Sweep() frees those of quiet ones.
  conn_options_.max_idle_read_buffer =
      o.release_idle_buffers_after == absl::ZeroDuration() ? 0 : 2 * o.read_size;
  // Timers are checked a few times per timeout: a close comes at most a quarter late.
  absl::Duration shortest = std::min(o.idle_timeout, o.output_stall_timeout);
  if (o.release_idle_buffers_after > absl::ZeroDuration()) {
    shortest = std::min(shortest, 2 * o.release_idle_buffers_after);
  }
  if (shortest != absl::InfiniteDuration()) {
    sweep_interval_ =
        std::clamp(shortest / 4, absl::Milliseconds(10), absl::Seconds(1));
  }
}

EventLoop::~EventLoop() {
  Inbox::Batch left;
  inbox_->Close(&left);  // handed sockets close with it
}

void EventLoop::MarkDirty(Connection* c) {
  if (!c->dirty_) {
    c->dirty_ = true;
    dirty_.push_back(c);
  }
}

void EventLoop::Run() {
  now_ = absl::Now();
  if (sweep_interval_ != absl::InfiniteDuration()) next_sweep_ = now_ + sweep_interval_;
  if (index_ == 0) SyncListeners();
  std::vector<Poller::Event> events;
  for (;;) {
    if (absl::Status s = poller_.Wait(NextTimeout(), &events); !s.ok()) {
      core_->Log(absl::StrCat("event loop ", index_, ": ", s.ToString(), "; closing its connections"));
      StartShutdown(absl::InfinitePast());
    }
    now_ = absl::Now();
    for (const Poller::Event& e : events) {
      if (e.token < kListenerTokens) {
        if (!stopping_) Accept(core_->listeners[e.token - 1].get());
        continue;
      }
      auto* c = static_cast<Connection*>(e.pointer());
      if (!c->closed_) OnEvent(c, e);
    }
    if (inbox_->pending()) TakeInbox();
    if (now_ >= next_sweep_ || stopping_) Sweep();
    if (index_ == 0 && !stopping_) SyncListeners();
    Reap();
    if (stopping_ && connections_.empty()) break;
  }
  Inbox::Batch left;
  inbox_->Close(&left);
  for (Inbox::Handed& h : left.handed) {
    (void)h;
    core_->open.fetch_sub(1, std::memory_order_relaxed);
  }
}

absl::Duration EventLoop::NextTimeout() const {
  absl::Time wake = next_sweep_;
  if (stopping_) wake = std::min(wake, shutdown_deadline_);
  if (index_ == 0 && !stopping_) {
    for (const auto& l : core_->listeners) {
      if (!l->registered && l->paused_until != absl::InfinitePast()) {
        wake = std::min(wake, l->paused_until);
      }
    }
  }
  if (wake == absl::InfiniteFuture()) return absl::InfiniteDuration();
  return std::max(absl::ZeroDuration(), wake - absl::Now());
}

void EventLoop::SyncListeners() {
  for (size_t i = 0; i < core_->listeners.size(); ++i) {
    ListenerState& l = *core_->listeners[i];
    const bool want = !stopping_ && now_ >= l.paused_until;
    if (want == l.registered) continue;
    absl::Status s = want ? poller_.Add(l.listener.fd(), Poller::kReadable, uint64_t{i + 1})
                          : poller_.Remove(l.listener.fd());
    if (s.ok()) {
      l.registered = want;
      if (want) l.paused_until = absl::InfinitePast();
    } else {
      core_->Log(absl::StrCat("listener ", l.listener.local_address().ToString(), ": ",
                              s.ToString()));
    }
  }
}

void EventLoop::Accept(ListenerState* l) {
  const ServerOptions& o = core_->options;
  for (int i = 0; i < kAcceptsPerWake; ++i) {
    absl::StatusOr<ConnectedSocket> socket = framekit::Accept(l->listener, absl::InfinitePast());
    if (!socket.ok()) {
      if (absl::IsDeadlineExceeded(socket.status())) return;  // none pending
      // Out of descriptors or memory: the pending connection keeps the listener readable, so the
      // only way not to spin is to stop watching it for a while.
      if (!l->error_logged) {
        core_->Log(absl::StrCat("accept on ", l->listener.local_address().ToString(), ": ",
                                socket.status().ToString(), "; pausing accepts for ",
                                absl::FormatDuration(o.accept_backoff)));
        l->error_logged = true;
      }
      l->paused_until = now_ + o.accept_backoff;
      if (l->registered && poller_.Remove(l->listener.fd()).ok()) l->registered = false;
      return;
    }
    l->error_logged = false;
    if (o.max_connections != 0 &&
        core_->open.load(std::memory_order_relaxed) >= o.max_connections) {
      LoopStats::Add(stats_.refused, 1);
      continue;  // closed as `socket` goes out of scope
    }
    core_->open.fetch_add(1, std::memory_order_relaxed);
    const size_t target = next_loop_;
    next_loop_ = (next_loop_ + 1) % core_->loops.size();
    if (target == index_) {
      Adopt(std::move(*socket), l->framer.get());
    } else if (!core_->loops[target]->inbox()->Hand(std::move(*socket), l->framer.get())) {
      core_->open.fetch_sub(1, std::memory_order_relaxed);
    }
  }
}

void EventLoop::Adopt(ConnectedSocket socket, const Framer* framer) {
  if (stopping_) {
    core_->open.fetch_sub(1, std::memory_order_relaxed);
    return;  // closes the socket
  }
  const uint64_t id = ++next_serial_ * core_->loops.size() + index_;
  std::unique_ptr<Connection> owned(
      new Connection(this, id, std::move(socket), *framer, conn_options_));
  Connection* c = owned.get();
  connections_.emplace(id, std::move(owned));
  LoopStats::Add(stats_.open, 1);
  LoopStats::Add(stats_.accepted, 1);
  c->last_active_ = now_;
  c->last_read_ = now_;
  c->handler_ = core_->factory();
  if (c->handler_ == nullptr) {
    CloseNow(c, CloseReason::kSocketError,
             absl::InternalError("the server's HandlerFactory returned no handler"));
    return;
  }
  if (absl::Status s = poller_.Add(c->conn_.fd(), Poller::kReadable, c); !s.ok()) {
    CloseNow(c, CloseReason::kSocketError, s);
    return;
  }
  c->interest_ = Poller::kReadable;
  c->opened_ = true;
  c->handler_->OnOpen(*c);
  FlushDirty();
  if (!c->closed_) Update(c);
}

void EventLoop::OnEvent(Connection* c, const Poller::Event& e) {
  if ((e.readable || e.hangup || e.error) && Reading(*c)) Read(c);
  if (!c->closed_ && (e.writable || e.error) && c->conn_.queued_bytes() > 0) Flush(c);
  FlushDirty();
  if (!c->closed_) Update(c);
}

void EventLoop::Read(Connection* c) {
  const Decoder& d = c->conn_.decoder();
  const uint64_t before = d.stream_offset() + d.buffered_bytes();
  size_t frames = 0;
  absl::StatusOr<FramedConnection::ReadState> state;
  for (int round = 0;; ++round) {
    state = c->conn_.ReadAvailableBatch([&](absl::Span<const absl::string_view> run) {
      frames += run.size();
      if (!c->closing_) c->handler_->OnFrames(*c, run);
    });
    // A frame over the max under too_long=skip is reported without failing the decoder, and the
    // stream goes on: log it and read on at once, since the frames after it may already be
    // buffered (they would get no readiness event).
    const bool skipped = !state.ok() && !d.failed() &&
                         state.status().code() == absl::StatusCode::kResourceExhausted;
    if (!skipped) break;
    core_->Log(absl::StrCat("skipping a frame from ", c->peer_string(), ": ",
                            state.status().ToString()));
    if (round == 3) {  // fairness: the rest waits for the next iteration
      state = FramedConnection::ReadState::kOpen;
      break;
    }
  }
  const uint64_t after = d.stream_offset() + d.buffered_bytes();
  if (after != before) {
    LoopStats::Add(stats_.bytes_in, after - before);
    c->last_active_ = now_;
    c->last_read_ = now_;
    c->holds_buffers_ = true;
  }
  LoopStats::Add(stats_.frames_in, frames);
  if (!state.ok()) {
    const absl::Status& s = state.status();
    // The decoder refused the stream (a fatal error, or end of stream inside a frame); anything
    // else is the socket's.
    if (d.failed() || s.code() == absl::StatusCode::kDataLoss) {
      BeginClose(c, CloseReason::kBadFrame, s);
    } else {
      CloseNow(c, CloseReason::kSocketError, s);
    }
    return;
  }
  if (*state == FramedConnection::ReadState::kEndOfStream) {
    BeginClose(c, CloseReason::kPeerClosed, absl::OkStatus());
  }
}

void EventLoop::Flush(Connection* c) {
  const size_t before = c->conn_.queued_bytes();
  absl::Status s = c->conn_.FlushSome();
  const size_t written = before - c->conn_.queued_bytes();
  if (written > 0) {
    LoopStats::Add(stats_.bytes_out, written);
    c->last_active_ = now_;
  }
  if (!s.ok()) CloseNow(c, CloseReason::kSocketError, s);
}

void EventLoop::FlushDirty() {
  // By index: a handler callback below may dirty more connections.
  for (size_t i = 0; i < dirty_.size(); ++i) {
    Connection* c = dirty_[i];
    c->dirty_ = false;
    if (c->closed_) continue;
    if (c->conn_.queued_bytes() > 0) Flush(c);
    if (!c->closed_) Update(c);
  }
  dirty_.clear();
}

void EventLoop::Update(Connection* c) {
  const ServerOptions& o = core_->options;
  size_t queued = c->conn_.queued_bytes();
  if (!c->paused_ && queued > o.output_high_watermark) {
    c->paused_ = true;
    c->paused_since_ = now_;
    LoopStats::Add(stats_.paused, 1);
    if (c->opened_) c->handler_->OnWritabilityChanged(*c);
  } else if (c->paused_ && queued <= o.output_low_watermark) {
    c->paused_ = false;
    if (c->opened_) c->handler_->OnWritabilityChanged(*c);
  }
  if (c->closed_) return;
  queued = c->conn_.queued_bytes();
  if (c->closing_ && queued == 0) {
    CloseNow(c, c->close_reason_, c->close_status_);
    return;
  }
  if (c->paused_ && !c->closing_ && o.output_stall_timeout == absl::ZeroDuration()) {
    CloseNow(c, CloseReason::kOutputStalled,
             absl::ResourceExhaustedError(absl::StrCat(
                 "not reading: ", queued, " bytes of output queued, over the high watermark of ",
                 o.output_high_watermark, " bytes")));
    return;
  }
  uint32_t want = Reading(*c) ? uint32_t{Poller::kReadable} : uint32_t{Poller::kIgnoreHalfClose};
  if (queued > 0) want |= Poller::kWritable;
  if (want == c->interest_) return;
  if (absl::Status s = poller_.Modify(c->conn_.fd(), want, c); !s.ok()) {
    CloseNow(c, CloseReason::kSocketError, s);
    return;
  }
  c->interest_ = want;
}

void EventLoop::LogClose(Connection& c, const absl::Status& status) {
  if (status.ok() || c.logged_) return;
  c.logged_ = true;
  core_->Log(absl::StrCat("closing ", c.peer_string(), ": ", status.ToString()));
}

void EventLoop::BeginClose(Connection* c, CloseReason reason, absl::Status status) {
  if (c->closing_) return;
  c->closing_ = true;
  c->close_reason_ = reason;
  LogClose(*c, status);
  c->close_status_ = std::move(status);
  MarkDirty(c);  // Update closes it once the queue is written
}

void EventLoop::CloseNow(Connection* c, CloseReason reason, absl::Status status) {
  if (c->closed_) return;
  // Peers that vanish (reset, broken pipe) are routine: counted, not logged.
  if (!IsPeerGone(status)) LogClose(*c, status);
  if (c->close_reason_ == CloseReason::kOpen || !c->closing_) {
    c->close_reason_ = reason;
    c->close_status_ = std::move(status);
  }
  c->closing_ = true;
  c->closed_ = true;
  if (c->interest_ != 0) (void)poller_.Remove(c->conn_.fd());
  if (c->close_reason_ != CloseReason::kSocketError) {
    (void)c->conn_.ShutdownWrite();
    DiscardInput(c->conn_.fd());
  }
  LoopStats::Add(stats_.closed[static_cast<int>(c->close_reason_)], 1);
  closed_.push_back(c);
}

void EventLoop::Reap() {
  // By index: OnClose may close more connections of this loop (through Close()).
  for (size_t i = 0; i < closed_.size(); ++i) {
    Connection* c = closed_[i];
    if (c->opened_) c->handler_->OnClose(*c, c->close_status_);
  }
  for (Connection* c : closed_) {
    connections_.erase(c->id_);
    LoopStats::Add(stats_.open, static_cast<uint64_t>(-1));
    core_->open.fetch_sub(1, std::memory_order_relaxed);
  }
  closed_.clear();
  dirty_.erase(std::remove_if(dirty_.begin(), dirty_.end(), [](Connection* c) { return c->closed_; }),
               dirty_.end());
}

void EventLoop::TakeInbox() {
  inbox_->Take(&batch_);
  for (Inbox::Handed& h : batch_.handed) Adopt(std::move(h.socket), h.framer);
  for (Inbox::Task& t : batch_.tasks) {
    auto it = connections_.find(t.connection_id);
    if (it == connections_.end() || it->second->closed_) continue;  // gone: the work is dropped
    t.work(*it->second);
  }
  FlushDirty();
  if (batch_.shutdown.has_value()) StartShutdown(*batch_.shutdown);
  batch_.tasks.clear();
  batch_.handed.clear();
  batch_.shutdown.reset();
}

void EventLoop::StartShutdown(absl::Time deadline) {
  shutdown_deadline_ = std::min(shutdown_deadline_, deadline);
  if (stopping_) return;
  stopping_ = true;
  if (index_ == 0) SyncListeners();  // stop accepting
  // Take in and answer what clients had already sent, then close once each queue is written.
  for (auto& entry : connections_) {
    Connection* c = entry.second.get();
    for (int i = 0; i < kShutdownReads && Reading(*c) && !c->closed_; ++i) {
      const uint64_t before = c->conn_.decoder().stream_offset() + c->conn_.decoder().buffered_bytes();
      Read(c);
      const uint64_t after = c->conn_.decoder().stream_offset() + c->conn_.decoder().buffered_bytes();
      if (after == before) break;
    }
    if (!c->closed_) BeginClose(c, CloseReason::kShutdown, absl::OkStatus());
  }
  FlushDirty();
}

void EventLoop::Sweep() {
  const ServerOptions& o = core_->options;
  if (sweep_interval_ != absl::InfiniteDuration()) next_sweep_ = now_ + sweep_interval_;
  const bool past_deadline = stopping_ && now_ >= shutdown_deadline_;
  for (auto& entry : connections_) {
    Connection* c = entry.second.get();
    if (c->closed_) continue;
    if (past_deadline) {
      CloseNow(c, CloseReason::kShutdown,
               c->conn_.queued_bytes() == 0
                   ? absl::OkStatus()
                   : absl::DeadlineExceededError(absl::StrCat(
                         "shutdown deadline passed with ", c->conn_.queued_bytes(),
                         " bytes unwritten")));
      continue;
    }
    if (o.idle_timeout != absl::InfiniteDuration() && now_ - c->last_active_ >= o.idle_timeout) {
      CloseNow(c, CloseReason::kIdleTimeout,
               absl::DeadlineExceededError(absl::StrCat(
                   "idle for ", absl::FormatDuration(now_ - c->last_active_),
                   " (idle_timeout=", absl::FormatDuration(o.idle_timeout), ")")));
      continue;
    }
    if (c->holds_buffers_ && o.release_idle_buffers_after > absl::ZeroDuration() &&
        now_ - c->last_read_ >= o.release_idle_buffers_after && c->conn_.queued_bytes() == 0) {
      c->conn_.ReleaseIdleMemory();
      c->holds_buffers_ = false;
    }
    if (c->paused_ && o.output_stall_timeout != absl::InfiniteDuration() &&
        now_ - c->paused_since_ >= o.output_stall_timeout) {
      CloseNow(c, CloseReason::kOutputStalled,
               absl::ResourceExhaustedError(absl::StrCat(
                   "not reading: ", c->conn_.queued_bytes(),
                   " bytes of output queued, over the high watermark of ",
                   o.output_high_watermark, " bytes for ",
                   absl::FormatDuration(now_ - c->paused_since_))));
    }
  }
}

}  // namespace server_internal
}  // namespace framekit
