// framekit/server/internal/uring_ring.cc -- see uring_ring.h.
#include "server/internal/uring_ring.h"

#include <sys/mman.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"

namespace framekit {
namespace server_internal {

absl::Status UringError(int negative_errno, absl::string_view what) {
  return SocketError(-negative_errno, absl::StrCat("io_uring ", what));
}

UringRing::~UringRing() {
  if (!ring_ok_) return;
  io_uring_queue_exit(&ring_);  // cancels what is still armed
  ::munmap(buffer_ring_, buffer_count_ * sizeof(struct io_uring_buf));
}

absl::Status UringRing::Create(const Options& o) {
  if (o.buffers == 0 || (o.buffers & (o.buffers - 1)) != 0 || o.buffers > 32768 ||
      o.buffer_size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("io_uring buffer ring: buffers must be a power of two in 1 .. 32768 and "
                     "buffer_size >= 1; got ",
                     o.buffers, " and ", o.buffer_size));
  }
  struct io_uring_params p = {};
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER |
            (o.defer_taskrun ? IORING_SETUP_DEFER_TASKRUN : IORING_SETUP_COOP_TASKRUN);
  p.cq_entries = o.cq_entries;
  int r = io_uring_queue_init_params(o.sq_entries, &ring_, &p);
  if (r == -EINVAL) {  // a kernel without SINGLE_ISSUER (6.0) / DEFER_TASKRUN (6.1)
    p = {};
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = o.cq_entries;
    r = io_uring_queue_init_params(o.sq_entries, &ring_, &p);
  }
  if (r < 0) return UringError(r, "setup");
  const size_t bytes = o.buffers * sizeof(struct io_uring_buf);
  void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    const int e = errno;
    io_uring_queue_exit(&ring_);
    return SocketError(e, "io_uring buffer ring (mmap)");
  }
  buffer_ring_ = static_cast<struct io_uring_buf_ring*>(mem);
  io_uring_buf_ring_init(buffer_ring_);
  struct io_uring_buf_reg reg = {};
  reg.ring_addr = reinterpret_cast<uintptr_t>(buffer_ring_);
  reg.ring_entries = static_cast<uint32_t>(o.buffers);
  reg.bgid = kBufferGroup;
  r = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (r < 0) {
    ::munmap(mem, bytes);
    io_uring_queue_exit(&ring_);
    return UringError(r, "register_buf_ring");
  }
  ring_ok_ = true;
  buffer_count_ = o.buffers;
  buffer_size_ = o.buffer_size;
  buffers_.reset(new char[buffer_count_ * buffer_size_]);
  mask_ = io_uring_buf_ring_mask(static_cast<uint32_t>(buffer_count_));
  for (size_t i = 0; i < buffer_count_; ++i) {
    io_uring_buf_ring_add(buffer_ring_, buffers_.get() + i * buffer_size_,
                          static_cast<unsigned>(buffer_size_), static_cast<unsigned short>(i),
                          mask_, static_cast<int>(i));
  }
  io_uring_buf_ring_advance(buffer_ring_, static_cast<int>(buffer_count_));
  return absl::OkStatus();
}

absl::Status UringRing::Probe(const Options& options) {
  Options small = options;
  small.buffer_size = 1;  // the buffers themselves are not what can fail
  UringRing ring;
  return ring.Create(small);
}

struct io_uring_sqe* UringRing::Sqe() {
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {  // the submission queue is full: hand it to the kernel, then retry
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;  // the queue was just emptied: never null
}

void UringRing::PrepRecv(struct io_uring_sqe* sqe, int fd, bool multishot, uint64_t user_data) {
  if (multishot) {
    io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  } else {
    io_uring_prep_recv(sqe, fd, nullptr, 0, 0);
  }
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  io_uring_sqe_set_data64(sqe, user_data);
}

absl::string_view UringRing::Bytes(const struct io_uring_cqe& cqe) const {
  if (cqe.res <= 0 || !(cqe.flags & IORING_CQE_F_BUFFER)) return {};
  const unsigned id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
  return absl::string_view(buffers_.get() + id * buffer_size_, static_cast<size_t>(cqe.res));
}

void UringRing::Return(const struct io_uring_cqe& cqe) {
  if (!(cqe.flags & IORING_CQE_F_BUFFER)) return;
  const unsigned id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
  io_uring_buf_ring_add(buffer_ring_, buffers_.get() + id * buffer_size_,
                        static_cast<unsigned>(buffer_size_), static_cast<unsigned short>(id), mask_,
                        0);
  io_uring_buf_ring_advance(buffer_ring_, 1);
}

}  // namespace server_internal
}  // namespace framekit
