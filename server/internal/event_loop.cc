// framekit/server/internal/event_loop.cc -- see event_loop.h. The backends' own parts are in
// epoll_loop.cc and uring_loop.cc.
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

// At shutdown, reads per connection to take in what clients had already sent.
constexpr int kShutdownReads = 16;
// io_uring shutdown: a connection keeps being read until nothing arrived for this long (what the
// client had sent comes in through completions, not a read of ours).
constexpr absl::Duration kShutdownQuiet = absl::Milliseconds(20);
// Input discarded before a graceful close, at most (see LingerBeforeClose).
constexpr size_t kDiscardBeforeClose = 256 * 1024;

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

void ServerCore::ReportSetup(const absl::Status& status) {
  std::lock_guard<std::mutex> lock(setup_mu_);
  if (setup_status_.ok()) setup_status_ = status;
  ++setup_reports_;
  setup_cv_.notify_all();
}

absl::Status ServerCore::AwaitSetup(size_t loops) {
  std::unique_lock<std::mutex> lock(setup_mu_);
  setup_cv_.wait(lock, [&] { return setup_reports_ == loops; });
  return setup_status_;
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
    out.receive_buffers_exhausted += s.receive_buffers_exhausted.load(r);
    out.receive_bytes_copied += s.bytes_in_copied.load(r);
    out.receive_bytes_direct += s.bytes_in_direct.load(r);
    out.zero_copy_sends += s.zero_copy_sends.load(r);
    for (int i = 0; i < 8; ++i) out.closed[i] += s.closed[i].load(r);
  }
  return out;
}

EventLoop::EventLoop(ServerCore* core, size_t index)
    : core_(core),
      index_(index),
      inbox_(std::make_shared<Inbox>()),
      batch_sends_(core->options.batch_sends) {
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
    sweep_interval_ = std::clamp(shortest / 4, absl::Milliseconds(10), absl::Seconds(1));
  }
}

EventLoop::~EventLoop() {
  Inbox::Batch left;
  inbox_->Close(&left);  // handed sockets close with it
}

void EventLoop::MarkDirty(Connection* c) {
  if (!c->state_.dirty) {
    c->state_.dirty = true;
    dirty_.push_back(c);
  }
}

void EventLoop::LingerBeforeClose(int fd) {
  ::shutdown(fd, SHUT_WR);
  char buf[16 * 1024];
  for (size_t total = 0; total < kDiscardBeforeClose;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n <= 0) return;
    total += static_cast<size_t>(n);
  }
}

void EventLoop::Run() {
  now_ = absl::Now();
  if (sweep_interval_ != absl::InfiniteDuration()) next_sweep_ = now_ + sweep_interval_;
  if (absl::Status s = Setup(); !s.ok()) {
    core_->ReportSetup(WithContext(s, absl::StrCat("event loop ", index_)));
    StartShutdown(absl::InfinitePast());
  } else {
    core_->ReportSetup(absl::OkStatus());
    // No loop accepts before every loop can serve what it is handed.
    if (!core_->AwaitSetup(core_->loops.size()).ok()) StartShutdown(absl::InfinitePast());
  }
  SyncListeners();
  for (;;) {
    bool tick = false;
    if (absl::Status s = WaitAndDispatch(NextTimeout(), &tick); !s.ok()) {
      core_->Log(
          absl::StrCat("event loop ", index_, ": ", s.ToString(), "; closing its connections"));
      StartShutdown(absl::InfinitePast());
    }
    if (!HasTimer() && now_ >= next_sweep_) tick = true;
    if (inbox_->pending()) TakeInbox();
    FlushDirty();
    if (tick || stopping_) Sweep();
    SyncListeners();
    Reap();
    if (stopping_ && connections_.empty() && zombies_.empty() && Quiet()) break;
  }
  Inbox::Batch left;
  inbox_->Close(&left);
  core_->open.fetch_sub(left.handed.size(), std::memory_order_relaxed);
}

absl::Duration EventLoop::NextTimeout() const {
  absl::Time wake = HasTimer() ? absl::InfiniteFuture() : next_sweep_;
  if (stopping_) wake = std::min(wake, shutdown_deadline_);
  if (!zombies_.empty() || stopping_) {
    wake = std::min(wake, now_ + absl::Milliseconds(10));  // draining the backend
  }
  if (!stopping_) {
    for (const auto& l : core_->listeners) {
      if (l->loop == index_ && !l->registered && l->paused_until != absl::InfinitePast()) {
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
    if (l.loop != index_) continue;
    const bool want = !stopping_ && now_ >= l.paused_until;
    if (want == l.registered) continue;
    SetListening(&l, i, want);
    if (want && l.registered) l.paused_until = absl::InfinitePast();
  }
}

void EventLoop::Accepted(ListenerState* l, absl::StatusOr<ConnectedSocket> socket) {
  if (!socket.ok()) {
    // Out of descriptors or memory: the pending connection keeps the listener ready, so the
    // only way not to spin is to stop accepting for a while.
    if (!l->error_logged) {
      core_->Log(absl::StrCat("accept on ", l->listener.local_address().ToString(), ": ",
                              socket.status().ToString(), "; pausing accepts for ",
                              absl::FormatDuration(core_->options.accept_backoff)));
      l->error_logged = true;
    }
    l->paused_until = now_ + core_->options.accept_backoff;
    if (l->registered) {
      for (size_t i = 0; i < core_->listeners.size(); ++i) {
        if (core_->listeners[i].get() == l) SetListening(l, i, false);
      }
    }
    return;
  }
  l->error_logged = false;
  if (stopping_) return;  // closes the socket
  Place(l, std::move(*socket));
}

void EventLoop::Place(ListenerState* l, ConnectedSocket socket) {
  const ServerOptions& o = core_->options;
  if (o.max_connections != 0 && core_->open.load(std::memory_order_relaxed) >= o.max_connections) {
    LoopStats::Add(stats_.refused, 1);
    return;  // closed as `socket` goes out of scope
  }
  core_->open.fetch_add(1, std::memory_order_relaxed);
  if (l->keep_local) {
    Adopt(std::move(socket), l->framer.get());
    return;
  }
  const size_t target = next_loop_;
  next_loop_ = (next_loop_ + 1) % core_->loops.size();
  if (target == index_) {
    Adopt(std::move(socket), l->framer.get());
  } else if (!core_->loops[target]->inbox()->Hand(std::move(socket), l->framer.get())) {
    core_->open.fetch_sub(1, std::memory_order_relaxed);
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
  c->state_.last_active = now_;
  c->state_.last_read = now_;
  c->handler_ = core_->factory();
  if (c->handler_ == nullptr) {
    CloseNow(c, CloseReason::kSocketError,
             absl::InternalError("the server's HandlerFactory returned no handler"));
    return;
  }
  if (absl::Status s = Register(c); !s.ok()) {
    CloseNow(c, CloseReason::kSocketError, s);
    return;
  }
  c->state_.opened = true;
  c->handler_->OnOpen(*c);
  FlushDirty();
  if (!c->state_.closed) Update(c);
}

void EventLoop::ReadWith(Connection* c, ReadStep step) {
  const Decoder& d = c->conn_.decoder();
  const uint64_t before = d.stream_offset() + d.buffered_bytes();
  size_t frames = 0;
  // Set once the output passes the high watermark: the frames still buffered wait (held_input_)
  // until the peer has drained it, so one read cannot push the output far past the mark.
  bool full = false;
  const size_t high = core_->options.output_high_watermark;
  auto on_frames = [&](absl::Span<const absl::string_view> run) {
    frames += run.size();
    if (!c->state_.closing) c->handler_->OnFrames(*c, run);
    full = Unsent(*c) > high;
  };
  absl::StatusOr<FramedConnection::ReadState> state;
  for (int round = 0;; ++round) {
    state = step(round, on_frames, &full);
    // A frame over the max under too_long=skip is reported without failing the decoder, and the
    // stream goes on: log it and go on at once, since the frames after it may already be
    // buffered (they would get no readiness event).
    const bool skipped =
        !state.ok() && !d.failed() && state.status().code() == absl::StatusCode::kResourceExhausted;
    if (!skipped) break;
    core_->Log(
        absl::StrCat("skipping a frame from ", c->peer_string(), ": ", state.status().ToString()));
    if (round == 3) {  // fairness: the rest waits for the next read
      state = FramedConnection::ReadState::kOpen;
      break;
    }
  }
  const uint64_t after = d.stream_offset() + d.buffered_bytes();
  if (after != before) {
    LoopStats::Add(stats_.bytes_in, after - before);
    c->state_.last_active = now_;
    c->state_.last_read = now_;
    c->state_.holds_buffers = true;
  }
  LoopStats::Add(stats_.frames_in, frames);
  if (full) c->state_.held_input = true;  // perhaps none is left: the next delivery finds out
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
  MarkDirty(c);  // Update, and a flush of what the handler queued
}

void EventLoop::Wrote(Connection* c, size_t bytes) {
  if (bytes == 0) return;
  LoopStats::Add(stats_.bytes_out, bytes);
  c->state_.last_active = now_;
}

void EventLoop::FlushDirty() {
  // By index: a handler callback below may dirty more connections.
  for (size_t i = 0; i < dirty_.size(); ++i) {
    Connection* c = dirty_[i];
    c->state_.dirty = false;
    if (c->state_.closed) continue;
    if (c->conn_.queued_bytes() > 0) Flush(c);
    if (!c->state_.closed) Update(c);
  }
  dirty_.clear();
}

void EventLoop::Update(Connection* c) {
  const ServerOptions& o = core_->options;
  size_t unsent = Unsent(*c);
  if (!c->state_.paused && unsent > o.output_high_watermark) {
    c->state_.paused = true;
    c->state_.paused_since = now_;
    LoopStats::Add(stats_.paused, 1);
    if (c->state_.opened) c->handler_->OnWritabilityChanged(*c);
  } else if (c->state_.paused && unsent <= o.output_low_watermark) {
    c->state_.paused = false;
    if (c->state_.opened) c->handler_->OnWritabilityChanged(*c);
  }
  if (c->state_.closed) return;
  if (c->state_.held_input && Reading(*c)) {
    // Frames received while the output was full, first (this may fill it again).
    c->state_.held_input = false;
    // One frame at a time: what was held may be far more than the output has room for.
    ReadWith(c, [c](int, FramedConnection::FramesFn on_frames, const bool* stop) {
      return c->conn_.Deliver({}, on_frames, stop, /*max_run=*/1);
    });
    if (c->state_.closed) return;
    if (!c->state_.held_input && c->state_.eof_held) {  // every frame before it is delivered
      c->state_.eof_held = false;
      ReadWith(c, [c](int round, FramedConnection::FramesFn on_frames, const bool* stop) {
        return round == 0 ? c->conn_.DeliverEndOfStream(on_frames)
                          : c->conn_.Deliver({}, on_frames, stop);
      });
      if (c->state_.closed) return;
    }
    if (c->conn_.queued_bytes() > 0) Flush(c);
    if (c->state_.closed) return;
    if (!c->state_.paused && Unsent(*c) > o.output_high_watermark) {
      c->state_.paused = true;
      c->state_.paused_since = now_;
      LoopStats::Add(stats_.paused, 1);
      if (c->state_.opened) c->handler_->OnWritabilityChanged(*c);
      if (c->state_.closed) return;
    }
  }
  unsent = Unsent(*c);
  if (c->state_.closing && unsent == 0) {
    CloseNow(c, c->close_reason_, c->close_status_);
    return;
  }
  if (c->state_.paused && !c->state_.closing && o.output_stall_timeout == absl::ZeroDuration()) {
    CloseNow(c, CloseReason::kOutputStalled,
             absl::ResourceExhaustedError(absl::StrCat(
                 "not reading: ", unsent, " bytes of output queued, over the high watermark of ",
                 o.output_high_watermark, " bytes")));
    return;
  }
  if (absl::Status s = SyncIo(c); !s.ok()) CloseNow(c, CloseReason::kSocketError, s);
}

void EventLoop::LogClose(Connection& c, const absl::Status& status) {
  if (status.ok() || c.state_.logged) return;
  c.state_.logged = true;
  core_->Log(absl::StrCat("closing ", c.peer_string(), ": ", status.ToString()));
}

void EventLoop::BeginClose(Connection* c, CloseReason reason, absl::Status status) {
  if (c->state_.closing) return;
  c->state_.closing = true;
  c->close_reason_ = reason;
  LogClose(*c, status);
  c->close_status_ = std::move(status);
  MarkDirty(c);  // Update closes it once the output is written
}

void EventLoop::CloseNow(Connection* c, CloseReason reason, absl::Status status) {
  if (c->state_.closed) return;
  // Peers that vanish (reset, broken pipe) are routine: counted, not logged.
  if (!IsPeerGone(status)) LogClose(*c, status);
  if (c->close_reason_ == CloseReason::kOpen || !c->state_.closing) {
    c->close_reason_ = reason;
    c->close_status_ = std::move(status);
  }
  c->state_.closing = true;
  c->state_.closed = true;
  Unregister(c);
  LoopStats::Add(stats_.closed[static_cast<int>(c->close_reason_)], 1);
  closed_.push_back(c);
}

void EventLoop::Reap() {
  // By index: OnClose may close more connections of this loop (through Close()).
  for (size_t i = 0; i < closed_.size(); ++i) {
    Connection* c = closed_[i];
    if (c->state_.opened) c->handler_->OnClose(*c, c->close_status_);
    zombies_.push_back(c);
  }
  closed_.clear();
  if (zombies_.empty()) return;
  dirty_.erase(
      std::remove_if(dirty_.begin(), dirty_.end(), [](Connection* c) { return c->state_.closed; }),
      dirty_.end());
  size_t kept = 0;
  for (Connection* c : zombies_) {
    if (!Drained(*c)) {
      zombies_[kept++] = c;  // the backend still has an operation on it
      continue;
    }
    connections_.erase(c->id_);
    LoopStats::Add(stats_.open, static_cast<uint64_t>(-1));
    core_->open.fetch_sub(1, std::memory_order_relaxed);
  }
  zombies_.resize(kept);
}

void EventLoop::TakeInbox() {
  inbox_->Take(&batch_);
  for (Inbox::Handed& h : batch_.handed) Adopt(std::move(h.socket), h.framer);
  for (Inbox::Task& t : batch_.tasks) {
    auto it = connections_.find(t.connection_id);
    if (it == connections_.end() || it->second->state_.closed)
      continue;  // gone: the work is dropped
    t.work(*it->second);
  }
  if (batch_.shutdown.has_value()) StartShutdown(*batch_.shutdown);
  batch_.tasks.clear();
  batch_.handed.clear();
  batch_.shutdown.reset();
}

void EventLoop::StartShutdown(absl::Time deadline) {
  // The deadline is the caller's wall-clock time; now_ may lag it by an iteration.
  shutdown_deadline_ = std::min(shutdown_deadline_, deadline);
  if (stopping_) return;
  stopping_ = true;
  SyncListeners();  // stop accepting
  // Take in and answer what clients had already sent, then close once each output is written.
  // (io_uring: what is already received arrives through completions before the close.)
  for (auto& entry : connections_) {
    Connection* c = entry.second.get();
    if (c->state_.closed) continue;
    if (core_->backend == ServerOptions::Backend::kEpoll) {
      for (int i = 0; i < kShutdownReads && Reading(*c) && !c->state_.closed; ++i) {
        const Decoder& d = c->conn_.decoder();
        const uint64_t before = d.stream_offset() + d.buffered_bytes();
        ReadWith(c, [c](int round, FramedConnection::FramesFn on_frames, const bool* stop) {
          return round == 0 ? c->conn_.ReadAvailableBatch(on_frames, stop)
                            : c->conn_.Deliver({}, on_frames, stop);
        });
        if (d.stream_offset() + d.buffered_bytes() == before) break;
      }
    } else if (Reading(*c)) {
      c->state_.shutdown_reading = true;  // Sweep closes it once it has gone quiet
      c->state_.last_read = now_;
      continue;
    }
    if (!c->state_.closed) BeginClose(c, CloseReason::kShutdown, absl::OkStatus());
  }
  FlushDirty();
}

void EventLoop::Sweep() {
  const ServerOptions& o = core_->options;
  if (sweep_interval_ != absl::InfiniteDuration()) next_sweep_ = now_ + sweep_interval_;
  const bool past_deadline = stopping_ && absl::Now() >= shutdown_deadline_;
  for (auto& entry : connections_) {
    Connection* c = entry.second.get();
    if (c->state_.closed) {
      if (past_deadline && !Drained(*c)) Abandon(c);
      continue;
    }
    if (past_deadline) {
      const size_t unsent = Unsent(*c);
      CloseNow(c, CloseReason::kShutdown,
               unsent == 0 ? absl::OkStatus()
                           : absl::DeadlineExceededError(absl::StrCat(
                                 "shutdown deadline passed with ", unsent, " bytes unwritten")));
      continue;
    }
    if (c->state_.shutdown_reading &&
        (now_ - c->state_.last_read >= kShutdownQuiet || !Reading(*c))) {
      c->state_.shutdown_reading = false;
      BeginClose(c, CloseReason::kShutdown, absl::OkStatus());
      continue;
    }
    if (o.idle_timeout != absl::InfiniteDuration() &&
        now_ - c->state_.last_active >= o.idle_timeout) {
      CloseNow(c, CloseReason::kIdleTimeout,
               absl::DeadlineExceededError(
                   absl::StrCat("idle for ", absl::FormatDuration(now_ - c->state_.last_active),
                                " (idle_timeout=", absl::FormatDuration(o.idle_timeout), ")")));
      continue;
    }
    if (c->state_.holds_buffers && o.release_idle_buffers_after > absl::ZeroDuration() &&
        now_ - c->state_.last_read >= o.release_idle_buffers_after && Unsent(*c) == 0) {
      c->conn_.ReleaseIdleMemory();
      c->state_.holds_buffers = false;
    }
    if (c->state_.paused && o.output_stall_timeout != absl::InfiniteDuration() &&
        now_ - c->state_.paused_since >= o.output_stall_timeout) {
      CloseNow(c, CloseReason::kOutputStalled,
               absl::ResourceExhaustedError(absl::StrCat(
                   "not reading: ", Unsent(*c),
                   " bytes of output queued, over the high watermark of ", o.output_high_watermark,
                   " bytes for ", absl::FormatDuration(now_ - c->state_.paused_since))));
    }
  }
}

}  // namespace server_internal
}  // namespace framekit
