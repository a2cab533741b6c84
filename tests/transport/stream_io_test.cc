#include "framekit/transport/stream_io.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/testing/faulty_stream.h"
#include "framekit/transport/unix_socket.h"
#include "gtest/gtest.h"
#include "tests/transport/test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::LongDeadline;
using ::framekit::testing::RandomBytes;
using ::framekit::testing::ReadAll;

struct Pair {
  SocketFd a, b;
};

Pair MakePair(bool non_blocking = true) {
  absl::StatusOr<std::pair<SocketFd, SocketFd>> p = SocketPair(non_blocking);
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return {};
  return {std::move(p->first), std::move(p->second)};
}

// Writes `payload` from a thread through `write_io`, reads it to EOF through `read_io`.
void TransferThroughFaults(bool non_blocking, bool vectored) {
  Pair p = MakePair(non_blocking);
  const std::string payload = RandomBytes(1 << 20, 42);
  FaultyIo writer_faults(FaultyIo::Options{/*seed=*/1});
  FaultyIo reader_faults(FaultyIo::Options{/*seed=*/2});
  IoOptions write_io, read_io;
  write_io.ops = &writer_faults.ops();
  read_io.ops = &reader_faults.ops();

  absl::Status write_status;
  std::thread writer([&] {
    if (vectored) {
      // Uneven pieces, with empty ones, so resumption crosses iovec boundaries everywhere.
      std::vector<struct iovec> iov;
      size_t at = 0, step = 1;
      while (at < payload.size()) {
        size_t n = std::min(step, payload.size() - at);
        iov.push_back({const_cast<char*>(payload.data() + at), n});
        iov.push_back({nullptr, 0});
        at += n;
        step = step * 7 % 10007 + 1;
      }
      write_status = WriteAllV(p.a.get(), iov, LongDeadline(), write_io);
    } else {
      write_status = WriteAll(p.a.get(), payload, LongDeadline(), write_io);
    }
    if (write_status.ok()) write_status = ShutdownWrite(p.a.get());
  });
  absl::StatusOr<std::string> got = ReadAll(p.b.get(), LongDeadline(), read_io);
  writer.join();
  ASSERT_TRUE(write_status.ok()) << write_status;
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), payload.size());
  EXPECT_TRUE(*got == payload) << "bytes differ";

  // The faults really happened, on both sides.
  for (const FaultyIo* f : {&writer_faults, &reader_faults}) {
    FaultyIo::Stats s = f->stats();
    EXPECT_GT(s.shortened, 10u);
    EXPECT_GT(s.injected_eintr, 0u);
    EXPECT_GT(s.injected_eagain, 0u);
  }
}

TEST(StreamIoFaults, WriteAllReadSomeDeliverOneMibIntactThroughShortOpsEintrEagain) {
  TransferThroughFaults(/*non_blocking=*/true, /*vectored=*/false);
}

TEST(StreamIoFaults, WriteAllVDeliversOneMibIntactThroughShortOpsEintrEagain) {
  TransferThroughFaults(/*non_blocking=*/true, /*vectored=*/true);
}

TEST(StreamIoFaults, BlockingDescriptorsWorkTheSame) {
  TransferThroughFaults(/*non_blocking=*/false, /*vectored=*/true);
}

// An IoOps whose writev takes at most `chunk` bytes per call and records what it was given.
struct RecordingWriter {
  size_t chunk;
  std::vector<std::vector<struct iovec>> calls;
  static ssize_t Writev(void* ctx, int fd, const struct iovec* iov, int iovcnt) {
    auto* self = static_cast<RecordingWriter*>(ctx);
    self->calls.emplace_back(iov, iov + iovcnt);
    std::vector<struct iovec> cut;
    size_t left = self->chunk;
    for (int i = 0; i < iovcnt && left > 0; ++i) {
      struct iovec v = iov[i];
      v.iov_len = std::min(v.iov_len, left);
      left -= v.iov_len;
      cut.push_back(v);
    }
    return DefaultIoOps().writev(nullptr, fd, cut.data(), static_cast<int>(cut.size()));
  }
  IoOps ops() {
    IoOps o = DefaultIoOps();
    o.writev = &Writev;
    o.ctx = this;
    return o;
  }
};

TEST(WriteAllV, ResumesMidIovecPointingIntoTheCallersBuffers) {
  Pair p = MakePair();
  std::string a = "0123456", b = "abcdefghij", c = "XY";
  std::vector<struct iovec> iov = {
      {a.data(), a.size()}, {b.data(), b.size()}, {c.data(), c.size()}};
  RecordingWriter rec{/*chunk=*/4, {}};
  IoOps ops = rec.ops();
  IoOptions io;
  io.ops = &ops;
  ASSERT_TRUE(WriteAllV(p.a.get(), iov, LongDeadline(), io).ok());
  ASSERT_TRUE(ShutdownWrite(p.a.get()).ok());
  EXPECT_EQ(*ReadAll(p.b.get(), LongDeadline()), "0123456abcdefghijXY");

  // 19 bytes, 4 per call: 5 calls. The second starts 4 bytes into `a`, the third 1 byte into `b`:
  // the cursor offsets the caller's pointers instead of copying payload.
  ASSERT_EQ(rec.calls.size(), 5u);
  EXPECT_EQ(rec.calls[1][0].iov_base, a.data() + 4);
  EXPECT_EQ(rec.calls[1][0].iov_len, 3u);
  EXPECT_EQ(rec.calls[1][1].iov_base, b.data());
  EXPECT_EQ(rec.calls[2][0].iov_base, b.data() + 1);
  EXPECT_EQ(rec.calls[2].size(), 2u);  // rest of b, then c
  EXPECT_EQ(rec.calls[4][0].iov_base, b.data() + 9);
}

TEST(WriteAllV, SplitsListsLongerThanIovMax) {
  Pair p = MakePair();
  const size_t kPieces = 3 * IOV_MAX + 17;
  std::string payload = RandomBytes(kPieces * 3, 9);
  std::vector<struct iovec> iov;
  for (size_t i = 0; i < kPieces; ++i) iov.push_back({payload.data() + 3 * i, 3});
  RecordingWriter rec{/*chunk=*/SIZE_MAX, {}};
  IoOps ops = rec.ops();
  IoOptions io;
  io.ops = &ops;
  absl::Status write_status;
  std::thread writer([&] {
    write_status = WriteAllV(p.a.get(), iov, LongDeadline(), io);
    if (write_status.ok()) write_status = ShutdownWrite(p.a.get());
  });
  absl::StatusOr<std::string> got = ReadAll(p.b.get(), LongDeadline());
  writer.join();
  ASSERT_TRUE(write_status.ok()) << write_status;
  EXPECT_TRUE(*got == payload);
  EXPECT_GE(rec.calls.size(), 3u);
  for (const auto& call : rec.calls) EXPECT_LE(call.size(), static_cast<size_t>(IOV_MAX));
}

TEST(WriteAll, ClosedPeerIsPeerGoneAndRaisesNoSigpipe) {
  Pair p = MakePair();
  p.b.reset();
  // SIGPIPE is at its default disposition (terminate): surviving this line is the test.
  absl::Status s = WriteAll(p.a.get(), "hello", LongDeadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_TRUE(IsPeerGone(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "peer closed")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "WriteAll")) << s;
  std::string x = "x";
  struct iovec iov = {x.data(), 1};
  EXPECT_TRUE(IsPeerGone(WriteAllV(p.a.get(), {iov}, LongDeadline())));
}

TEST(WriteAll, PipeWithClosedReaderIsPeerGoneAndRaisesNoSigpipe) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  SocketFd reader(fds[0]), writer(fds[1]);
  reader.reset();
  absl::Status s = WriteAll(writer.get(), "hello", LongDeadline());
  EXPECT_TRUE(IsPeerGone(s)) << s;
  std::string x = "x";
  struct iovec iov = {x.data(), 1};
  EXPECT_TRUE(IsPeerGone(WriteAllV(writer.get(), {iov}, LongDeadline())));
}

TEST(WriteAll, FullSocketWhosePeerNeverReadsHitsTheDeadline) {
  Pair p = MakePair(/*non_blocking=*/true);
  const std::string payload(16 << 20, 'x');  // far more than a socket buffer
  const absl::Time start = absl::Now();
  absl::Status s = WriteAll(p.a.get(), payload, start + absl::Milliseconds(200));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "after writing ")) << s;
  EXPECT_GE(took, absl::Milliseconds(200));
  EXPECT_LT(took, absl::Seconds(30));
}

TEST(WriteAll, BlockingSocketStillHonoursTheDeadline) {
  Pair p = MakePair(/*non_blocking=*/false);
  const std::string payload(16 << 20, 'x');
  absl::Status s = WriteAll(p.a.get(), payload, absl::Now() + absl::Milliseconds(100));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
}

TEST(ReadSome, NothingToReadHitsTheDeadlineInSaneTime) {
  Pair p = MakePair();
  char buf[16];
  const absl::Time start = absl::Now();
  absl::StatusOr<size_t> n =
      ReadSome(p.b.get(), absl::MakeSpan(buf), start + absl::Milliseconds(100));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(n.status().code(), absl::StatusCode::kDeadlineExceeded) << n.status();
  EXPECT_TRUE(absl::StrContains(n.status().message(), "ReadSome")) << n.status();
  EXPECT_GE(took, absl::Milliseconds(100));  // never early
  EXPECT_LT(took, absl::Seconds(30));
}

TEST(ReadSome, BlockingSocketStillHonoursTheDeadline) {
  Pair p = MakePair(/*non_blocking=*/false);
  char buf[16];
  EXPECT_EQ(ReadSome(p.b.get(), absl::MakeSpan(buf), absl::Now() + absl::Milliseconds(50))
                .status()
                .code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST(ReadSome, PastDeadlineStillTriesOnce) {
  Pair p = MakePair();
  ASSERT_TRUE(WriteAll(p.a.get(), "ready", LongDeadline()).ok());
  char buf[16];
  absl::StatusOr<size_t> n = ReadSome(p.b.get(), absl::MakeSpan(buf), absl::InfinitePast());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(absl::string_view(buf, *n), "ready");
  EXPECT_EQ(ReadSome(p.b.get(), absl::MakeSpan(buf), absl::InfinitePast()).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST(ReadSome, EmptyBufferIsInvalidArgument) {
  Pair p = MakePair();
  EXPECT_EQ(ReadSome(p.b.get(), absl::Span<char>(), LongDeadline()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReadSome, PeerCloseIsCleanEofNotAnError) {
  Pair p = MakePair();
  p.a.reset();
  char buf[16];
  absl::StatusOr<size_t> n = ReadSome(p.b.get(), absl::MakeSpan(buf), LongDeadline());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 0u);
}

TEST(ShutdownWrite, PeerReadsEofWhileTheOtherDirectionStillWorks) {
  Pair p = MakePair();
  ASSERT_TRUE(WriteAll(p.a.get(), "request", LongDeadline()).ok());
  ASSERT_TRUE(ShutdownWrite(p.a.get()).ok());
  EXPECT_EQ(*ReadAll(p.b.get(), LongDeadline()), "request");  // then EOF
  ASSERT_TRUE(WriteAll(p.b.get(), "response", LongDeadline()).ok());
  ASSERT_TRUE(ShutdownWrite(p.b.get()).ok());
  EXPECT_EQ(*ReadAll(p.a.get(), LongDeadline()), "response");
  EXPECT_FALSE(WriteAll(p.a.get(), "more", LongDeadline()).ok());  // our side is shut
}

TEST(DrainToEof, DiscardsEverythingUntilEof) {
  Pair p = MakePair();
  std::thread writer([&] {
    EXPECT_TRUE(WriteAll(p.a.get(), std::string(300000, 'z'), LongDeadline()).ok());
    EXPECT_TRUE(ShutdownWrite(p.a.get()).ok());
  });
  absl::StatusOr<uint64_t> n = DrainToEof(p.b.get(), LongDeadline());
  writer.join();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 300000u);
}

TEST(WriteSomeV, WritesWhatFitsAndAdvancesTheCursor) {
  Pair p = MakePair();
  const std::string big(8 << 20, 'q');
  struct iovec iov = {const_cast<char*>(big.data()), big.size()};
  IovecCursor cursor({&iov, 1});
  absl::StatusOr<size_t> n = WriteSomeV(p.a.get(), &cursor, absl::InfinitePast());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_GT(*n, 0u);
  EXPECT_LT(*n, big.size());  // a socket buffer is far smaller than 8 MiB
  EXPECT_EQ(cursor.remaining(), big.size() - *n);
  // Full now: with a past deadline it does not wait.
  EXPECT_EQ(WriteSomeV(p.a.get(), &cursor, absl::InfinitePast()).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST(SetNonBlocking, TogglesTheFlag) {
  Pair p = MakePair(/*non_blocking=*/false);
  EXPECT_EQ(::fcntl(p.a.get(), F_GETFL) & O_NONBLOCK, 0);
  ASSERT_TRUE(SetNonBlocking(p.a.get()).ok());
  EXPECT_NE(::fcntl(p.a.get(), F_GETFL) & O_NONBLOCK, 0);
  ASSERT_TRUE(SetNonBlocking(p.a.get(), false).ok());
  EXPECT_EQ(::fcntl(p.a.get(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_EQ(SetNonBlocking(-1).code(), absl::StatusCode::kFailedPrecondition);  // EBADF
}

TEST(PollTimeoutMs, RoundsUpAndMapsInfinities) {
  EXPECT_EQ(PollTimeoutMs(absl::InfiniteFuture()), -1);
  EXPECT_EQ(PollTimeoutMs(absl::InfinitePast()), 0);
  EXPECT_EQ(PollTimeoutMs(absl::Now() - absl::Seconds(1)), 0);
  int ms = PollTimeoutMs(absl::Now() + absl::Microseconds(10));
  EXPECT_GE(ms, 0);  // 1, or 0 if the 10us passed meanwhile
  EXPECT_LE(ms, 1);
  EXPECT_GT(PollTimeoutMs(absl::Now() + absl::Hours(1)), 3599000);
  EXPECT_EQ(PollTimeoutMs(absl::Now() + absl::Hours(24 * 365)), INT_MAX);
}

}  // namespace
}  // namespace framekit
