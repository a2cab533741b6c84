// framekit/transport/testing/faulty_stream.h
//
// FaultyIo is an IoOps table (see io_ops.h) that makes the network as unkind as it is allowed to
// be, for tests of anything built on stream_io: every read and write is cut short to a random
// length (down to 1 byte), and calls randomly fail with EINTR or EAGAIN before reaching the kernel;
// poll randomly fails with EINTR. Data that does get through is the real syscall's, so a correct
// caller delivers every byte intact and in order -- the test's assertion.
//
// Deterministic for a given seed and call sequence. Thread-safe (one lock around the random
// generator), so a writer thread and a reader thread may share one FaultyIo.
//
// Example:
//   FaultyIo faults(FaultyIo::Options{.seed = 7});     // or {} for the defaults
//   IoOptions io;
//   io.ops = &faults.ops();
//   ASSERT_OK(WriteAll(fd, payload, deadline, io));
//   EXPECT_GT(faults.stats().injected_eintr, 0);
#ifndef FRAMEKIT_TRANSPORT_TESTING_FAULTY_STREAM_H_
#define FRAMEKIT_TRANSPORT_TESTING_FAULTY_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <random>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "framekit/transport/io_ops.h"

namespace framekit {

class FaultyIo {
 public:
  struct Options {
    uint64_t seed = 1;
    // Each read/write/writev moves at most a uniformly random 1..min(requested, max_chunk) bytes.
    // 0 disables shortening.
    size_t max_chunk = 4096;
    // Probability that a read/write/writev call fails with EINTR, resp. EAGAIN, without touching
    // the descriptor. In [0, 1]; their sum must not exceed 1.
    double eintr_probability = 0.1;
    double eagain_probability = 0.1;
    // Probability that a poll call fails with EINTR.
    double poll_eintr_probability = 0.1;
    // The table the faults are layered over; nullptr means DefaultIoOps().
    const IoOps* base = nullptr;
  };

  struct Stats {
    uint64_t calls = 0;           // read/write/writev calls
    uint64_t shortened = 0;       // calls whose length was cut
    uint64_t injected_eintr = 0;  // including poll's
    uint64_t injected_eagain = 0;
  };

  FaultyIo() : FaultyIo(Options()) {}
  explicit FaultyIo(Options options);
  FaultyIo(const FaultyIo&) = delete;
  FaultyIo& operator=(const FaultyIo&) = delete;

  // The table to put in IoOptions::ops; valid while this FaultyIo lives.
  const IoOps& ops() const { return ops_; }
  Stats stats() const;

 private:
  static ssize_t Read(void* ctx, int fd, void* buf, size_t len);
  static ssize_t Write(void* ctx, int fd, const void* buf, size_t len);
  static ssize_t Writev(void* ctx, int fd, const struct iovec* iov, int iovcnt);
  static int Poll(void* ctx, struct pollfd* fds, nfds_t nfds, int timeout_ms);

  // Decides the fate of one read/write: returns -1 with errno set for an injected failure, else
  // the (possibly cut) length to pass on.
  ssize_t Decide(size_t requested);
  const IoOps& base() const;

  Options options_;
  IoOps ops_;
  mutable absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_TESTING_FAULTY_STREAM_H_
