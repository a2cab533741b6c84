// framekit/server/internal/uring_loop.cc -- the io_uring backend of EventLoop (see event_loop.h),
// on liburing. One ring per loop, created by the loop's own thread with SINGLE_ISSUER and
// DEFER_TASKRUN (where the kernel has them): completions run only when the loop enters the
// kernel, once per iteration, for every connection at once.
//
//   receive  one multishot recv per connection, armed while it is being read, into the loop's
//            provided-buffer ring. Each completion's frames are decoded in place, in the buffer
//            (FramedConnection::Deliver): only the start of a frame that continues in the next
//            buffer is copied into the connection's decoder (ServerStats::receive_bytes_copied);
//            then the buffer goes straight back to the ring.
//            A ring that ran dry (ENOBUFS) ends the recv; it is re-armed at the end of the
//            iteration, when every buffer has been returned. Pausing (watermarks, closing)
//            cancels the recv.
//            A large frame (io_uring_direct_read_min_bytes still missing once its header is in)
//            would be copied twice, kernel to buffer to decoder: its connection's multishot recv
//            is cancelled, and once it has ended, plain recvs into the decoder take the rest,
//            and the frames after it while they stay large (FramedConnection::BeginDirectRead);
//            a small frame arms the multishot recv again. Never both at once, so the bytes stay
//            in order.
//   send     what a connection queued in an iteration goes out as one send of one contiguous
//            buffer (the queue, taken whole); a partial send is resumed; while it is in flight,
//            new frames queue behind it. With io_uring_send_zc_min_bytes, a large one goes as
//            send_zc: its completion is followed by a notification (IORING_CQE_F_NOTIF), and
//            only then may the buffer change, so the next send waits for it (an operation of
//            the connection until then). A peer that never reads can hold a zero-copy buffer
//            forever: past the shutdown deadline the socket is reset (Abandon), which frees it.
//   accept   one multishot accept per listener (loop 0); out of descriptors pauses it as epoll
//            does.
//
// Every operation carries its connection (or listener) and kind in user_data; a connection is
// freed only once the kernel holds no operation of it (uring_ops_), so a late completion never
// finds freed memory.
#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/socket_fd.h"
#include "framekit/transport/tcp.h"
#include "server/internal/event_loop.h"
#include "server/internal/uring_ring.h"

namespace framekit {
namespace server_internal {
namespace {

enum Op : uint64_t {
  kRecv = 0,
  kSend = 1,
  kCancel = 2,
  kAccept = 3,
  kTimer = 4,
  kWake = 5,
  kSendZc = 6,
  kDirectRecv = 7,
};
constexpr uint64_t kOpMask = 7;

// A send this large goes to the kernel at once instead of with the iteration's other submissions:
// its copy starts while the loop handles the rest, and the peer can read it sooner. One more
// io_uring_enter is noise next to copying 64 KiB (RESULTS.md: 1.07x the throughput of 256 KiB
// echoes).
constexpr size_t kSubmitSendAtOnceBytes = 64 * 1024;

uint64_t Tag(const void* p, Op op) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)) | op;
}

// accept(2) errors that concern only the queued connection (as transport/listener.cc skips them).
bool OneConnectionOnly(int e) {
  return e == ECONNABORTED || e == EPROTO || e == EPERM || e == ENETDOWN || e == ENETUNREACH ||
         e == EHOSTDOWN || e == EHOSTUNREACH || e == ENONET || e == ENOPROTOOPT || e == EINTR;
}

}  // namespace

class UringLoop : public EventLoop {
 public:
  UringLoop(ServerCore* core, size_t index) : EventLoop(core, index) {}

  ~UringLoop() override { inbox_->SetWake(nullptr); }

  // On the creating thread: what needs no ring (the eventfd). The ring itself is set up by the
  // loop's own thread (Setup), which SINGLE_ISSUER makes its only submitter. (liburing 2.3
  // declares io_uring_enable_rings but does not export it, so a ring cannot be created disabled
  // here and enabled there.)
  absl::Status Init() {
    wake_fd_ = SocketFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_fd_.valid()) return SocketError(errno, "eventfd");
    const int fd = wake_fd_.get();
    inbox_->SetWake([fd] {
      uint64_t one = 1;
      (void)!::write(fd, &one, sizeof(one));
    });
    return absl::OkStatus();
  }

  // The ring as this server's options ask (also Server::Create's probe, UringAvailable).
  static UringRing::Options RingOptions(const ServerOptions& o) {
    UringRing::Options r;
    r.buffers = o.io_uring_buffers;
    r.buffer_size = o.io_uring_buffer_size;
    r.defer_taskrun = o.io_uring_defer_taskrun;
    return r;
  }

  size_t Unsent(const Connection& c) const override {
    return c.conn_.queued_bytes() +
           (c.uring_.send_busy ? c.uring_.inflight.size() - c.uring_.inflight_sent : 0);
  }

 protected:
  absl::Status Setup() override {
    if (absl::Status s = uring_.Create(RingOptions(core_->options)); !s.ok()) return s;
    ArmRead(wake_fd_.get(), &wake_value_, kWake);
    if (sweep_interval_ != absl::InfiniteDuration()) {
      SocketFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
      struct itimerspec spec = {};
      spec.it_interval = absl::ToTimespec(sweep_interval_);
      spec.it_value = spec.it_interval;
      if (timer.valid() && ::timerfd_settime(timer.get(), 0, &spec, nullptr) == 0) {
        timer_fd_ = std::move(timer);
        ArmRead(timer_fd_.get(), &timer_value_, kTimer);
      }
    }
    return absl::OkStatus();
  }

  bool HasTimer() const override { return timer_fd_.valid(); }

  absl::Status WaitAndDispatch(absl::Duration timeout, bool* tick) override {
    struct io_uring_cqe* cqe = nullptr;
    int r;
    if (timeout == absl::InfiniteDuration()) {
      r = io_uring_submit_and_wait(uring_.ring(), 1);
    } else {
      struct __kernel_timespec ts;
      const int64_t ns = absl::ToInt64Nanoseconds(std::max(timeout, absl::ZeroDuration()));
      ts.tv_sec = ns / 1000000000;
      ts.tv_nsec = ns % 1000000000;
      r = io_uring_submit_and_wait_timeout(uring_.ring(), &cqe, 1, &ts, nullptr);
    }
    now_ = absl::Now();
    if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY) return UringError(r, "submit_and_wait");
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(uring_.ring(), head, cqe) {
      Complete(*cqe, tick);
      ++seen;
    }
    io_uring_cq_advance(uring_.ring(), seen);
    return absl::OkStatus();
  }

  void SetListening(ListenerState* l, size_t i, bool on) override {
    (void)i;
    if (on) {
      struct io_uring_sqe* sqe = Sqe();
      io_uring_prep_multishot_accept(sqe, l->listener.fd(), nullptr, nullptr,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
      io_uring_sqe_set_data64(sqe, Tag(l, kAccept));
      ++accept_ops_;
    } else {
      Cancel(Tag(l, kAccept));
    }
    l->registered = on;
  }

  absl::Status Register(Connection* c) override {
    ArmRecv(c);
    return absl::OkStatus();
  }

  absl::Status SyncIo(Connection* c) override {
    ConnectionUringState& u = c->uring_;
    if (Reading(*c) && !c->state_.eof_held) {
      if (!u.recv_armed && !u.direct_busy) {
        if (!StartDirectRecv(c)) ArmRecv(c);
      } else if (u.recv_armed && !u.recv_cancelling && WantsDirect(*c)) {
        Cancel(Tag(c, kRecv));  // once it has ended (OnRecv), SyncIo starts the direct recv
        u.recv_cancelling = true;
      }
    } else if (!Reading(*c)) {
      StopReceiving(c);
    }
    if (!c->uring_.send_busy && c->conn_.queued_bytes() > 0) StartSend(c);
    return absl::OkStatus();
  }

  void Flush(Connection* c) override {
    if (!c->uring_.send_busy) StartSend(c);
  }

  void Unregister(Connection* c) override {
    StopReceiving(c);
    if (c->uring_.send_busy) Cancel(Tag(c, kSend));
    if (c->uring_.send_busy && core_->options.io_uring_send_zc_min_bytes > 0)
      Cancel(Tag(c, kSendZc));
    if (c->close_reason_ != CloseReason::kSocketError) LingerBeforeClose(c->conn_.fd());
  }

  bool Drained(const Connection& c) const override { return c.uring_.ops == 0; }

  void Abandon(Connection* c) override {
    if (c->uring_.zc_notifs == 0 || c->uring_.zc_aborted) return;
    c->uring_.zc_aborted = true;
    // connect(AF_UNSPEC) disconnects a TCP socket: a reset, and its send queue -- which holds
    // the zero-copy pages -- is purged, so the notifications come.
    struct sockaddr unspec = {};
    unspec.sa_family = AF_UNSPEC;
    (void)::connect(c->conn_.fd(), &unspec, sizeof(unspec));
  }
  bool Quiet() const override { return accept_ops_ == 0 && cancel_ops_ == 0; }

 private:
  struct io_uring_sqe* Sqe() {
    return uring_.Sqe();
  }

  void ArmRead(int fd, uint64_t* value, Op op) {
    struct io_uring_sqe* sqe = Sqe();
    io_uring_prep_read(sqe, fd, value, sizeof(*value), 0);
    io_uring_sqe_set_data64(sqe, Tag(value, op));
  }

  void ArmRecv(Connection* c) {
    // Without multishot, SyncIo re-arms it after each completion.
    uring_.PrepRecv(Sqe(), c->conn_.fd(), core_->options.io_uring_multishot_recv, Tag(c, kRecv));
    c->uring_.recv_armed = true;
    c->uring_.recv_cancelling = false;
    ++c->uring_.ops;
  }

  void StopReceiving(Connection* c) {
    ConnectionUringState& u = c->uring_;
    if (u.recv_armed && !u.recv_cancelling) {
      Cancel(Tag(c, kRecv));
      u.recv_cancelling = true;
    }
    if (u.direct_busy && !u.direct_cancelling) {
      Cancel(Tag(c, kDirectRecv));
      u.direct_cancelling = true;
    }
  }

  // The frame being received is large, and a direct read could start now (not, say, behind
  // frames still held): only then is the multishot recv cancelled for one.
  bool WantsDirect(const Connection& c) const {
    const size_t min = core_->options.io_uring_direct_read_min_bytes;
    return min > 0 && c.conn_.decoder().frame_bytes_missing() >= min &&
           c.conn_.DirectReadSize(min) > 0;
  }

  // A recv straight into the decoder for the rest of a large frame, if the connection has one.
  bool StartDirectRecv(Connection* c) {
    absl::Span<char> space =
        c->conn_.BeginDirectRead(core_->options.io_uring_direct_read_min_bytes);
    if (space.empty()) return false;
    struct io_uring_sqe* sqe = Sqe();
    io_uring_prep_recv(sqe, c->conn_.fd(), space.data(), space.size(), 0);
    io_uring_sqe_set_data64(sqe, Tag(c, kDirectRecv));
    c->uring_.direct_busy = true;
    c->uring_.direct_cancelling = false;
    ++c->uring_.ops;
    return true;
  }

  void Cancel(uint64_t target) {
    struct io_uring_sqe* sqe = Sqe();
    io_uring_prep_cancel64(sqe, target, 0);
    io_uring_sqe_set_data64(sqe, Tag(nullptr, kCancel));
    ++cancel_ops_;
  }

  void StartSend(Connection* c) {
    // A zero-copy send's buffer is the kernel's until its notification: then MarkDirty.
    if (c->conn_.queued_bytes() == 0 || c->state_.closed || c->uring_.zc_notifs > 0) return;
    c->uring_.inflight.clear();
    c->conn_.TakeQueued(&c->uring_.inflight);
    c->uring_.inflight_sent = 0;
    SubmitSend(c);
  }

  void SubmitSend(Connection* c) {
    struct io_uring_sqe* sqe = Sqe();
    const char* data = c->uring_.inflight.data() + c->uring_.inflight_sent;
    const size_t size = c->uring_.inflight.size() - c->uring_.inflight_sent;
    const size_t zc_min = core_->options.io_uring_send_zc_min_bytes;
    if (zc_min > 0 && size >= zc_min && !c->uring_.zc_refused && c->peer_.is_ip()) {
      io_uring_prep_send_zc(sqe, c->conn_.fd(), data, size, MSG_NOSIGNAL, 0);
      io_uring_sqe_set_data64(sqe, Tag(c, kSendZc));
      LoopStats::Add(stats_.zero_copy_sends, 1);
    } else {
      io_uring_prep_send(sqe, c->conn_.fd(), data, size, MSG_NOSIGNAL);
      io_uring_sqe_set_data64(sqe, Tag(c, kSend));
    }
    c->uring_.send_busy = true;
    ++c->uring_.ops;
    // An error leaves the entries queued for the next submission, which reports it.
    if (size >= kSubmitSendAtOnceBytes) (void)io_uring_submit(uring_.ring());
  }

  void ReturnBuffer(const struct io_uring_cqe& cqe) { uring_.Return(cqe); }

  void Complete(const struct io_uring_cqe& cqe, bool* tick) {
    const Op op = static_cast<Op>(cqe.user_data & kOpMask);
    void* p = reinterpret_cast<void*>(static_cast<uintptr_t>(cqe.user_data & ~kOpMask));
    switch (op) {
      case kRecv:
        OnRecv(static_cast<Connection*>(p), cqe);
        return;
      case kSend:
        OnSend(static_cast<Connection*>(p), cqe);
        return;
      case kSendZc:
        OnSendZc(static_cast<Connection*>(p), cqe);
        return;
      case kDirectRecv:
        OnDirectRecv(static_cast<Connection*>(p), cqe);
        return;
      case kAccept:
        OnAccept(static_cast<ListenerState*>(p), cqe);
        return;
      case kCancel:
        --cancel_ops_;
        return;
      case kTimer:
        *tick = true;
        ArmRead(timer_fd_.get(), &timer_value_, kTimer);
        return;
      case kWake:
        ArmRead(wake_fd_.get(), &wake_value_, kWake);  // the inbox is read after the wait
        return;
    }
  }

  void OnRecv(Connection* c, const struct io_uring_cqe& cqe) {
    if (!(cqe.flags & IORING_CQE_F_MORE)) {  // the multishot recv ended
      c->uring_.recv_armed = false;
      c->uring_.recv_cancelling = false;
      --c->uring_.ops;
    }
    const int res = cqe.res;
    if (c->state_.closed || c->state_.closing) {  // what comes after the close is not read
      ReturnBuffer(cqe);
      return;
    }
    if (res > 0) {
      const absl::string_view bytes = uring_.Bytes(cqe);
      if (!Reading(*c) || c->state_.held_input) {
        // Paused, its recv not cancelled yet, or frames already held: keep the bytes behind
        // them, deliver no frame (so the output stays bounded) until Update resumes reading.
        absl::Status s = c->conn_.Buffer(bytes);
        LoopStats::Add(stats_.bytes_in_copied, bytes.size());
        HeldBytes(c, bytes.size());
        ReturnBuffer(cqe);
        if (!s.ok()) CloseNow(c, CloseReason::kSocketError, s);
        return;
      }
      const uint64_t copied = c->conn_.copied_in_bytes();
      ReadWith(c, [c, bytes](int round, FramedConnection::FramesFn on_frames, const bool* stop) {
        return c->conn_.Deliver(round == 0 ? bytes : absl::string_view(), on_frames, stop);
      });
      LoopStats::Add(stats_.bytes_in_copied, c->conn_.copied_in_bytes() - copied);
      ReturnBuffer(cqe);  // its frames are delivered, the rest copied: the ring may have it back
      Delivered(c);
      return;
    }
    NoBytes(c, res);
  }

  // After a recv's frames went to the handler: its replies and the watermarks now, not at the end
  // of the iteration, since the next completion in this batch may be for this connection too.
  void Delivered(Connection* c) {
    if (!c->state_.closed && c->conn_.queued_bytes() > 0) Flush(c);
    if (!c->state_.closed) Update(c);  // and (SyncIo) the next recv: multishot or direct
  }

  // A recv (multishot or direct) that brought no bytes.
  void NoBytes(Connection* c, int res) {
    if (res == 0) {
      // Taken by Update, after any frames still held (the recv has ended: no re-arm).
      c->state_.eof_held = true;
      c->state_.held_input = true;
    } else if (res == -ENOBUFS) {
      // The ring ran dry: every buffer is back by the end of this iteration, when SyncIo re-arms.
      LoopStats::Add(stats_.receive_buffers_exhausted, 1);
    } else if (res != -ECANCELED) {
      CloseNow(c, CloseReason::kSocketError, SocketError(-res, "recv", c->peer_string()));
      return;
    }
    MarkDirty(c);
  }

  // Bytes taken in while frames are not being delivered: counted now (ReadWith, which counts the
  // others, sees them already buffered), delivered by Update once reading resumes.
  void HeldBytes(Connection* c, size_t n) {
    LoopStats::Add(stats_.bytes_in, n);
    c->state_.last_active = now_;
    c->state_.last_read = now_;
    c->state_.holds_buffers = true;
    c->state_.held_input = true;
  }

  void OnDirectRecv(Connection* c, const struct io_uring_cqe& cqe) {
    --c->uring_.ops;
    c->uring_.direct_busy = false;
    c->uring_.direct_cancelling = false;
    const int res = cqe.res;
    const size_t n = res > 0 ? static_cast<size_t>(res) : 0;
    LoopStats::Add(stats_.bytes_in_direct, n);
    if (c->state_.closed || c->state_.closing || res <= 0) {
      c->conn_.EndDirectRead(n);  // after a close: not delivered
      if (!c->state_.closed && !c->state_.closing) NoBytes(c, res);
      return;
    }
    if (!Reading(*c) || c->state_.held_input) {
      c->conn_.EndDirectRead(n);
      HeldBytes(c, n);
      MarkDirty(c);
      return;
    }
    ReadWith(c, [c, n](int round, FramedConnection::FramesFn on_frames, const bool* stop) {
      if (round == 0) c->conn_.EndDirectRead(n);
      return c->conn_.Deliver({}, on_frames, stop);
    });
    Delivered(c);
  }

  void OnSend(Connection* c, const struct io_uring_cqe& cqe) {
    --c->uring_.ops;
    const int res = cqe.res;
    if (res < 0) {
      c->uring_.send_busy = false;
      if (!c->state_.closed && res != -ECANCELED) {
        CloseNow(c, CloseReason::kSocketError, SocketError(-res, "send", c->peer_string()));
      }
      return;
    }
    Wrote(c, static_cast<size_t>(res));
    c->uring_.inflight_sent += static_cast<size_t>(res);
    if (c->uring_.inflight_sent < c->uring_.inflight.size() && !c->state_.closed) {
      SubmitSend(c);  // partial: the rest, in order, before anything queued since
      return;
    }
    c->uring_.send_busy = false;
    if (!c->state_.closed) MarkDirty(c);  // watermarks, the next send, a pending close
  }

  // A zero-copy send's two completions: the result (IORING_CQE_F_MORE: a notification follows),
  // then the notification (IORING_CQE_F_NOTIF), after which the buffer is ours again.
  void OnSendZc(Connection* c, const struct io_uring_cqe& cqe) {
    if (cqe.flags & IORING_CQE_F_NOTIF) {
      --c->uring_.ops;
      if (--c->uring_.zc_notifs == 0 && !c->state_.closed) MarkDirty(c);  // what queued meanwhile
      return;
    }
    if (cqe.flags & IORING_CQE_F_MORE) {
      ++c->uring_.zc_notifs;
      ++c->uring_.ops;
    }
    if ((cqe.res == -EOPNOTSUPP || cqe.res == -EINVAL || cqe.res == -ENOMEM ||
         cqe.res == -ENOBUFS) &&
        !c->state_.closed) {
      // This socket or kernel takes no send_zc, or cannot pin more pages now (ENOMEM: the pinned
      // pages count against RLIMIT_MEMLOCK): the same bytes again as a plain send, and plain
      // sends for this connection from then on.
      --c->uring_.ops;
      c->uring_.zc_refused = true;
      SubmitSend(c);
      return;
    }
    OnSend(c, cqe);
  }

  void OnAccept(ListenerState* l, const struct io_uring_cqe& cqe) {
    const int res = cqe.res;
    if (!(cqe.flags & IORING_CQE_F_MORE)) {
      --accept_ops_;
      // Ended by itself (not cancelled by us): SyncListeners re-arms it unless paused below.
      if (res != -ECANCELED && l->registered) l->registered = false;
    }
    if (res >= 0) {
      SocketFd fd(res);
      absl::StatusOr<SocketAddress> peer = SocketAddress::PeerOf(fd.get());
      if (!peer.ok()) return;  // the connection is already gone
      if (peer->is_ip() && l->listener.options().no_delay) (void)SetTcpNoDelay(fd.get(), true);
      Accepted(l, ConnectedSocket{std::move(fd), *peer});
      return;
    }
    if (res == -ECANCELED || OneConnectionOnly(-res)) return;
    Accepted(l, SocketError(-res, "accept",
                            absl::StrCat("on ", l->listener.local_address().ToString())));
  }

  SocketFd wake_fd_;
  SocketFd timer_fd_;
  uint64_t wake_value_ = 0;
  uint64_t timer_value_ = 0;
  int accept_ops_ = 0;
  int cancel_ops_ = 0;
  // Last: destroyed first, so the ring is gone before the fds and values its reads target.
  UringRing uring_;
};

absl::Status UringAvailable(const ServerOptions& options) {
  if (options.testing_io_uring_unavailable) {
    return absl::UnavailableError("io_uring made unavailable by testing_io_uring_unavailable");
  }
  struct utsname u;
  if (::uname(&u) == 0) {
    std::vector<absl::string_view> parts = absl::StrSplit(u.release, absl::MaxSplits('.', 2));
    int major = 0, minor = 0;
    if (parts.size() >= 2 && absl::SimpleAtoi(parts[0], &major) &&
        absl::SimpleAtoi(parts[1].substr(0, parts[1].find_first_not_of("0123456789")), &minor) &&
        (major < 6)) {
      return absl::UnavailableError(
          absl::StrCat("kernel ", u.release, ": multishot recv needs Linux 6.0 or later"));
    }
  }
  std::ifstream disabled("/proc/sys/kernel/io_uring_disabled");
  int value = 0;
  if (disabled >> value && value != 0) {
    return absl::UnavailableError(
        absl::StrCat("io_uring is disabled here (kernel.io_uring_disabled = ", value, ")"));
  }
  // What the loops will do, once: a ring fails here under seccomp (EPERM), without memory for
  // rings (ENOMEM, RLIMIT_MEMLOCK on older kernels) or without provided-buffer rings (5.19).
  return UringRing::Probe(UringLoop::RingOptions(options));
}

std::unique_ptr<EventLoop> NewUringLoop(ServerCore* core, size_t index, absl::Status* error) {
  auto loop = std::make_unique<UringLoop>(core, index);
  *error = loop->Init();
  if (!error->ok()) return nullptr;
  return loop;
}

}  // namespace server_internal
}  // namespace framekit
