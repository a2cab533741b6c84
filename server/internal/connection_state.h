// framekit/server/internal/connection_state.h
//
// Internal to framekit: what the event loops keep per connection. server/connection.h holds these
// structs by value (so a connection is one allocation and its hot fields sit beside its decoder),
// but only the loops (event_loop.cc, epoll_loop.cc, uring_loop.cc) read or write them.
#ifndef FRAMEKIT_SERVER_INTERNAL_CONNECTION_STATE_H_
#define FRAMEKIT_SERVER_INTERNAL_CONNECTION_STATE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace framekit {
namespace server_internal {

// The backend-independent loop's state (event_loop.cc).
struct ConnectionLoopState {
  uint32_t interest = 0;          // as registered with the poller (epoll)
  bool paused = false;            // above the high watermark: not reading
  bool closing = false;           // no more reading; closes once the queue is written
  bool closed = false;            // unregistered; deleted at the end of the loop iteration
  bool opened = false;            // OnOpen ran
  bool logged = false;            // its close was logged (once per connection)
  bool shutdown_reading = false;  // io_uring shutdown: still taking in what was sent
  bool dirty = false;             // queued output: flushed at the end of the callback
  bool held_input = false;        // frames (maybe) buffered while the output was full
  bool eof_held = false;          // end of stream received behind held frames
  absl::Time last_active;         // last byte read or written
  absl::Time last_read;           // last byte read
  bool holds_buffers = false;     // may hold buffers: read since they were last released
  absl::Time paused_since;        // when it went above the high watermark
};

// The io_uring backend's state (uring_loop.cc).
struct ConnectionUringState {
  int ops = 0;                     // operations in the kernel; freed only at 0
  bool recv_armed = false;         // a multishot recv is armed
  bool recv_cancelling = false;    // ...and its cancellation submitted
  bool direct_busy = false;        // a recv straight into the decoder (a large frame's rest)
  bool direct_cancelling = false;  // ...and its cancellation submitted
  bool send_busy = false;          // `inflight` is being sent
  std::string inflight;            // bytes handed to the kernel, kept until the send completes
  size_t inflight_sent = 0;
  // send_zc notifications still to come: until then the kernel may read `inflight`.
  int zc_notifs = 0;
  bool zc_refused = false;  // the socket refused send_zc: plain sends from then on
  bool zc_aborted = false;  // reset to release what the kernel held (see UringLoop::Abandon)
};

}  // namespace server_internal
}  // namespace framekit

#endif  // FRAMEKIT_SERVER_INTERNAL_CONNECTION_STATE_H_
