// framekit/server/internal/epoll_loop.cc -- the epoll backend of EventLoop (see event_loop.h):
// level-triggered readiness from a Poller; a readable connection gets one read (ReadAvailable),
// output is written with writev as soon as it is queued and, while some is left, on writability.
#include <sys/timerfd.h>
#include <unistd.h>

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/poller.h"
#include "framekit/transport/socket_fd.h"
#include "server/internal/event_loop.h"

namespace framekit {
namespace server_internal {
namespace {

// Poller tokens below this are the sweep timer and listeners (index + 2); connections use their
// address.
constexpr uint64_t kTimerToken = 1;
constexpr uint64_t kListenerTokens = 1 << 16;
// Connections one listener readiness accepts before the loop serves its connections again.
constexpr int kAcceptsPerWake = 64;

}  // namespace

class EpollLoop : public EventLoop {
 public:
  EpollLoop(ServerCore* core, size_t index, Poller poller)
      : EventLoop(core, index), poller_(std::move(poller)) {
    Poller* p = &poller_;
    inbox_->SetWake([p] { (void)p->Wake(); });
  }
  ~EpollLoop() override { inbox_->SetWake(nullptr); }

 protected:
  absl::Status Setup() override {
    if (sweep_interval_ == absl::InfiniteDuration()) return absl::OkStatus();
    // A periodic timerfd rather than a timeout on every wait: epoll_wait then blocks without
    // arming a kernel timer, and the loop reads the clock once per iteration, not per wait.
    SocketFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!timer.valid()) return absl::OkStatus();  // the loop falls back to timed waits
    struct itimerspec spec = {};
    spec.it_interval = absl::ToTimespec(sweep_interval_);
    spec.it_value = spec.it_interval;
    if (::timerfd_settime(timer.get(), 0, &spec, nullptr) != 0) return absl::OkStatus();
    if (!poller_.Add(timer.get(), Poller::kReadable, kTimerToken).ok()) return absl::OkStatus();
    timer_ = std::move(timer);
    return absl::OkStatus();
  }

  bool HasTimer() const override { return timer_.valid(); }

  absl::Status WaitAndDispatch(absl::Duration timeout, bool* tick) override {
    absl::Status s = poller_.Wait(timeout, &events_);
    now_ = absl::Now();
    if (!s.ok()) return s;
    for (const Poller::Event& e : events_) {
      if (e.token == kTimerToken) {
        uint64_t expirations;
        (void)!::read(timer_.get(), &expirations, sizeof(expirations));
        *tick = true;
      } else if (e.token < kListenerTokens) {
        if (!stopping_) AcceptFrom(core_->listeners[e.token - 2].get());
      } else {
        auto* c = static_cast<Connection*>(e.pointer());
        if (!c->state_.closed) OnEvent(c, e);
      }
    }
    return absl::OkStatus();
  }

  void SetListening(ListenerState* l, size_t i, bool on) override {
    absl::Status s = on ? poller_.Add(l->listener.fd(), Poller::kReadable, uint64_t{i + 2})
                        : poller_.Remove(l->listener.fd());
    if (s.ok()) {
      l->registered = on;
    } else {
      core_->Log(
          absl::StrCat("listener ", l->listener.local_address().ToString(), ": ", s.ToString()));
    }
  }

  absl::Status Register(Connection* c) override {
    if (absl::Status s = poller_.Add(c->conn_.fd(), Poller::kReadable, c); !s.ok()) return s;
    c->state_.interest = Poller::kReadable;
    return absl::OkStatus();
  }

  absl::Status SyncIo(Connection* c) override {
    uint32_t want = Reading(*c) ? uint32_t{Poller::kReadable} : uint32_t{Poller::kIgnoreHalfClose};
    if (c->conn_.queued_bytes() > 0) want |= Poller::kWritable;
    if (want == c->state_.interest) return absl::OkStatus();
    if (absl::Status s = poller_.Modify(c->conn_.fd(), want, c); !s.ok()) return s;
    c->state_.interest = want;
    return absl::OkStatus();
  }

  void Flush(Connection* c) override {
    const size_t before = c->conn_.queued_bytes();
    absl::Status s = c->conn_.FlushSome();
    Wrote(c, before - c->conn_.queued_bytes());
    if (!s.ok()) CloseNow(c, CloseReason::kSocketError, s);
  }

  void Unregister(Connection* c) override {
    if (c->state_.interest != 0) (void)poller_.Remove(c->conn_.fd());
    c->state_.interest = 0;
    if (c->close_reason_ != CloseReason::kSocketError) LingerBeforeClose(c->conn_.fd());
  }

 private:
  void AcceptFrom(ListenerState* l) {
    for (int i = 0; i < kAcceptsPerWake && l->registered; ++i) {
      absl::StatusOr<ConnectedSocket> socket = Accept(l->listener, absl::InfinitePast());
      if (!socket.ok() && absl::IsDeadlineExceeded(socket.status())) return;  // none pending
      Accepted(l, std::move(socket));
    }
  }

  void OnEvent(Connection* c, const Poller::Event& e) {
    if ((e.readable || e.hangup || e.error) && Reading(*c)) {
      ReadWith(c, [c](int round, FramedConnection::FramesFn on_frames, const bool* stop) {
        return round == 0 ? c->conn_.ReadAvailableBatch(on_frames, stop)
                          : c->conn_.Deliver({}, on_frames, stop);
      });
    }
    if (!c->state_.closed && (e.writable || e.error) && c->conn_.queued_bytes() > 0) Flush(c);
    if (!c->state_.closed) MarkDirty(c);
  }

  Poller poller_;
  SocketFd timer_;  // periodic sweep tick (timerfd), every sweep_interval_
  std::vector<Poller::Event> events_;
};

std::unique_ptr<EventLoop> NewEpollLoop(ServerCore* core, size_t index, absl::Status* error) {
  absl::StatusOr<Poller> poller = Poller::Create();
  if (!poller.ok()) {
    *error = poller.status();
    return nullptr;
  }
  return std::make_unique<EpollLoop>(core, index, std::move(*poller));
}

}  // namespace server_internal
}  // namespace framekit
