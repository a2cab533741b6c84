// framekit/server/internal/uring_ring.h -- not a public API.
//
// UringRing: one io_uring (liburing) with a provided-buffer ring for receives, as the server's
// io_uring loops use it (uring_loop.cc) and the socket benchmark's io_uring receiver
// (benchmarks/transport). Created by the thread that will submit to it (SINGLE_ISSUER), with
// DEFER_TASKRUN where asked and where the kernel has it. A recv armed with PrepRecv takes a
// buffer of the ring per completion; Bytes() views it, and Return() gives it back once its bytes
// are decoded or copied.
//
//   UringRing ring;
//   if (absl::Status s = ring.Create(UringRing::Options()); !s.ok()) return s;
//   ring.PrepRecv(ring.Sqe(), fd, /*multishot=*/true, /*user_data=*/0);
//   io_uring_submit_and_wait(ring.ring(), 1);
//   ... for a completion with res > 0: Use(ring.Bytes(*cqe)); ring.Return(*cqe);
#ifndef FRAMEKIT_SERVER_INTERNAL_URING_RING_H_
#define FRAMEKIT_SERVER_INTERNAL_URING_RING_H_

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace framekit {
namespace server_internal {

// A liburing call's negative errno as a Status naming the call.
absl::Status UringError(int negative_errno, absl::string_view what);

class UringRing {
 public:
  struct Options {
    size_t buffers = 256;            // a power of two
    size_t buffer_size = 32 * 1024;  // bytes per provided buffer
    bool defer_taskrun = true;       // IORING_SETUP_DEFER_TASKRUN (else COOP_TASKRUN)
    unsigned sq_entries = 512;
    unsigned cq_entries = 4096;  // multishot recvs post many completions per wait
  };

  UringRing() = default;
  ~UringRing();
  UringRing(const UringRing&) = delete;
  UringRing& operator=(const UringRing&) = delete;

  // Sets up the ring and its buffers, on the thread that will submit. Fails with the errno of
  // the refusing call (EPERM under seccomp, ENOMEM, EINVAL without provided-buffer rings...).
  absl::Status Create(const Options& options);
  // Whether a ring with `options` can be set up here: creates one and tears it down.
  static absl::Status Probe(const Options& options);

  struct io_uring* ring() {
    return &ring_;
  }
  // A submission entry; if the queue is full, it is submitted first, so never null.
  struct io_uring_sqe* Sqe();
  // A recv on `fd` into the ring's buffers (multishot: armed until it ends, see the pitfalls of
  // IORING_CQE_F_MORE in the reference notes).
  void PrepRecv(struct io_uring_sqe* sqe, int fd, bool multishot, uint64_t user_data);
  // The bytes of a recv completion with res > 0 (in the buffer it names), and giving it back.
  absl::string_view Bytes(const struct io_uring_cqe& cqe) const;
  void Return(const struct io_uring_cqe& cqe);

 private:
  static constexpr int kBufferGroup = 0;
  struct io_uring ring_ = {};
  bool ring_ok_ = false;
  struct io_uring_buf_ring* buffer_ring_ = nullptr;
  size_t buffer_count_ = 0;
  size_t buffer_size_ = 0;
  int mask_ = 0;
  std::unique_ptr<char[]> buffers_;
};

}  // namespace server_internal
}  // namespace framekit

#endif  // FRAMEKIT_SERVER_INTERNAL_URING_RING_H_
