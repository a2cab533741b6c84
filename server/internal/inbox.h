// framekit/server/internal/inbox.h -- not a public API.
//
// An event loop's mailbox, the only way other threads reach a loop: connections handed over by the
// acceptor, work posted to a connection (ConnectionHandle::Post), and the shutdown request. The
// sender appends under the mutex and wakes the loop (its backend's wake); the loop takes everything
// at once when `pending()` says there is something, so an idle mailbox costs one relaxed load per
// iteration. Shared with every ConnectionHandle, so it outlives the loop: once the loop exits it is
// closed and refuses more.
#ifndef FRAMEKIT_SERVER_INTERNAL_INBOX_H_
#define FRAMEKIT_SERVER_INTERNAL_INBOX_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "framekit/framing/framer.h"
#include "framekit/transport/connected_socket.h"

namespace framekit {
class Connection;
namespace server_internal {

class Inbox {
 public:
  struct Task {
    uint64_t connection_id;
    std::function<void(Connection&)> work;
  };
  struct Handed {
    ConnectedSocket socket;
    const Framer* framer;
  };
  struct Batch {
    std::vector<Task> tasks;
    std::vector<Handed> handed;
    std::optional<absl::Time> shutdown;
  };

  Inbox() = default;
  // How the owning loop is woken (from any thread); set by the backend, cleared before it goes.
  void SetWake(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = std::move(wake);
  }

  // Each returns false, taking nothing, once the loop is gone (Close()).
  bool Post(uint64_t connection_id, std::function<void(Connection&)> work) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    batch_.tasks.push_back(Task{connection_id, std::move(work)});
    WakeLocked();
    return true;
  }
  bool Hand(ConnectedSocket socket, const Framer* framer) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    batch_.handed.push_back(Handed{std::move(socket), framer});
    WakeLocked();
    return true;
  }
  void RequestShutdown(absl::Time deadline) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    if (!batch_.shutdown.has_value() || deadline < *batch_.shutdown) batch_.shutdown = deadline;
    WakeLocked();
  }

  // Loop thread only.
  bool pending() const { return pending_.load(std::memory_order_acquire); }
  void Take(Batch* out) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.store(false, std::memory_order_relaxed);
    std::swap(*out, batch_);
    batch_.tasks.clear();
    batch_.handed.clear();
    batch_.shutdown.reset();
  }
  // The loop is exiting: refuse everything from now on. Returns what was left (sockets close).
  void Close(Batch* left) {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    wake_ = nullptr;
    std::swap(*left, batch_);
  }

 private:
  void WakeLocked() {  // mu_ held
    // The first message since the loop last looked wakes it; the rest ride along.
    if (!pending_.exchange(true, std::memory_order_acq_rel) && wake_) wake_();
  }

  // std::mutex rather than absl::Mutex: ThreadSanitizer sees pthread locking, while Debian's
  // prebuilt Abseil has its TSan annotations compiled out.
  std::mutex mu_;
  Batch batch_;                 // guarded by mu_
  bool closed_ = false;         // guarded by mu_
  std::function<void()> wake_;  // guarded by mu_
  std::atomic<bool> pending_{false};
};

}  // namespace server_internal
}  // namespace framekit

#endif  // FRAMEKIT_SERVER_INTERNAL_INBOX_H_
