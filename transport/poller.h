// framekit/transport/poller.h
//
// Poller waits for readiness on many descriptors at once, over Linux epoll, level-triggered: a
// descriptor is reported by every Wait() for as long as it stays ready (data unread, buffer space
// free), so a handler may read or write only part of what is possible and still be called again.
// One thread can serve thousands of connections: registration is O(1) in the kernel and Wait()
// returns only ready descriptors, up to Options::max_events at a time.
//
// Each registration carries a caller token (uint64_t, or a pointer) that comes back in the Event;
// map it to the connection rather than looking up the fd. Remove() a descriptor before closing it:
// epoll tracks the open file, not the number, so a dup()ed copy would keep a closed fd registered.
//
// Events: `readable` (data, EOF, or a pending connection on a listener), `writable`, `hangup` (the
// peer closed its sending side or the connection is gone: reading now returns what is left, then
// EOF or the error), `error` (a pending socket error; the next read/write returns it). Hangup and
// error are always reported, whatever interest was registered.
//
// Wake() makes a concurrent or later Wait() return (possibly with no events) -- for stopping the
// loop or handing it work from another thread. Other methods are not thread-safe against each
// other except as epoll itself allows (Add/Modify/Remove from another thread are safe with Wait).
//
// Example (echo server loop):
//   absl::StatusOr<Poller> poller = Poller::Create();
//   if (absl::Status s = poller->Add(listener.fd(), Poller::kReadable, /*token=*/uint64_t{0});
//       !s.ok()) {
//     return s;
//   }
//   std::vector<Poller::Event> events;
//   for (;;) {
//     if (absl::Status s = poller->Wait(absl::Seconds(1), &events); !s.ok()) return s;
//     for (const Poller::Event& e : events) {
//       if (e.token == 0) { AcceptAndAdd(); continue; }
//       Connection* c = connections[e.token];
//       if (e.readable || e.hangup || e.error) c->OnReadable();   // ReadSome(..., InfinitePast())
//       if (e.writable) c->OnWritable();                         // WriteSomeV(..., InfinitePast())
//     }
//   }
#ifndef FRAMEKIT_TRANSPORT_POLLER_H_
#define FRAMEKIT_TRANSPORT_POLLER_H_

#include <sys/epoll.h>

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {

class Poller {
 public:
  // Interest: which readiness to report. Combine with |.
  enum Interest : uint32_t {
    kNone = 0,  // only hangup and error
    kReadable = 1,
    kWritable = 2,
    // Do not report the peer's half-close (EPOLLRDHUP) as hangup. For a descriptor that is only
    // being written to after the peer half-closed: level-triggered, the half-close would be
    // reported by every Wait() and spin the loop. A full hangup and errors are still reported.
    kIgnoreHalfClose = 4,
  };

  struct Event {
    uint64_t token = 0;
    bool readable = false;
    bool writable = false;
    bool hangup = false;
    bool error = false;
    // The token as registered with the pointer overload of Add/Modify.
    void* pointer() const { return reinterpret_cast<void*>(static_cast<uintptr_t>(token)); }
  };

  struct Options {
    // Most events one Wait() returns (epoll_wait maxevents); the rest come on the next call, in
    // round-robin order so none starves. Must be >= 1.
    int max_events = 1024;
  };

  // The token Wake() uses internally; Add/Modify refuse it.
  static constexpr uint64_t kWakeToken = ~uint64_t{0};

  static absl::StatusOr<Poller> Create(Options options);
  static absl::StatusOr<Poller> Create() { return Create(Options()); }

  Poller(Poller&&) = default;
  Poller& operator=(Poller&&) = default;
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Registers `fd`. AlreadyExists if it is registered already.
  absl::Status Add(int fd, uint32_t interest, uint64_t token);
  absl::Status Add(int fd, uint32_t interest, void* token) {
    return Add(fd, interest, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(token)));
  }
  // Changes the interest and token of a registered `fd`. NotFound if it is not registered.
  absl::Status Modify(int fd, uint32_t interest, uint64_t token);
  absl::Status Modify(int fd, uint32_t interest, void* token) {
    return Modify(fd, interest, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(token)));
  }
  // Unregisters `fd`. NotFound if it is not registered.
  absl::Status Remove(int fd);

  // Replaces *out with the ready descriptors, waiting up to `timeout` (InfiniteDuration: forever;
  // zero: just look) or until `deadline` for the first. Returns OK with *out empty on timeout or
  // after Wake(). Interrupted waits (EINTR) resume with the time left.
  absl::Status Wait(absl::Duration timeout, std::vector<Event>* out);
  absl::Status Wait(absl::Time deadline, std::vector<Event>* out);

  // Makes Wait() return soon, from any thread. Wakes coalesce until the next Wait() drains them.
  absl::Status Wake();

  int fd() const { return epoll_.get(); }

 private:
  Poller(SocketFd epoll, SocketFd wake, Options options);
  absl::Status Control(int op, int fd, uint32_t interest, uint64_t token, const char* what);

  SocketFd epoll_;
  SocketFd wake_;  // eventfd
  Options options_;
  std::vector<struct epoll_event> buffer_;
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_POLLER_H_
