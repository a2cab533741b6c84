#include "framekit/transport/testing/faulty_stream.h"

#include <cerrno>
#include <vector>

namespace framekit {

FaultyIo::FaultyIo(Options options)
    : options_(options), ops_{&Read, &Write, &Writev, &Poll, this}, rng_(options.seed) {}

FaultyIo::Stats FaultyIo::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

const IoOps& FaultyIo::base() const {
  return options_.base != nullptr ? *options_.base : DefaultIoOps();
}

ssize_t FaultyIo::Decide(size_t requested) {
  absl::MutexLock lock(&mu_);
  ++stats_.calls;
  double roll = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  if (roll < options_.eintr_probability) {
    ++stats_.injected_eintr;
    errno = EINTR;
    return -1;
  }
  if (roll < options_.eintr_probability + options_.eagain_probability) {
    ++stats_.injected_eagain;
    errno = EAGAIN;
    return -1;
  }
  size_t n = requested;
  if (options_.max_chunk > 0 && requested > 0) {
    size_t limit = requested < options_.max_chunk ? requested : options_.max_chunk;
    n = std::uniform_int_distribution<size_t>(1, limit)(rng_);
    if (n < requested) ++stats_.shortened;
  }
  return static_cast<ssize_t>(n);
}

ssize_t FaultyIo::Read(void* ctx, int fd, void* buf, size_t len) {
  FaultyIo* self = static_cast<FaultyIo*>(ctx);
  ssize_t n = self->Decide(len);
  if (n < 0) return n;
  const IoOps& b = self->base();
  return b.read(b.ctx, fd, buf, static_cast<size_t>(n));
}

ssize_t FaultyIo::Write(void* ctx, int fd, const void* buf, size_t len) {
  FaultyIo* self = static_cast<FaultyIo*>(ctx);
  ssize_t n = self->Decide(len);
  if (n < 0) return n;
  const IoOps& b = self->base();
  return b.write(b.ctx, fd, buf, static_cast<size_t>(n));
}

ssize_t FaultyIo::Writev(void* ctx, int fd, const struct iovec* iov, int iovcnt) {
  FaultyIo* self = static_cast<FaultyIo*>(ctx);
  size_t total = 0;
  for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  ssize_t n = self->Decide(total);
  if (n < 0) return n;
  // Cut the list to `n` bytes: copies of the descriptors only, the payload stays where it is.
  std::vector<struct iovec> cut;
  size_t left = static_cast<size_t>(n);
  for (int i = 0; i < iovcnt && left > 0; ++i) {
    struct iovec v = iov[i];
    if (v.iov_len > left) v.iov_len = left;
    left -= v.iov_len;
    cut.push_back(v);
  }
  const IoOps& b = self->base();
  return b.writev(b.ctx, fd, cut.data(), static_cast<int>(cut.size()));
}

int FaultyIo::Poll(void* ctx, struct pollfd* fds, nfds_t nfds, int timeout_ms) {
  FaultyIo* self = static_cast<FaultyIo*>(ctx);
  {
    absl::MutexLock lock(&self->mu_);
    double roll = std::uniform_real_distribution<double>(0.0, 1.0)(self->rng_);
    if (roll < self->options_.poll_eintr_probability) {
      ++self->stats_.injected_eintr;
      errno = EINTR;
      return -1;
    }
  }
  const IoOps& b = self->base();
  return b.poll(b.ctx, fds, nfds, timeout_ms);
}

}  // namespace framekit
