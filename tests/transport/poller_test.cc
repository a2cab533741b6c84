#include "framekit/transport/poller.h"

#include <sys/resource.h>

#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/unix_socket.h"
#include "gtest/gtest.h"
#include "tests/transport/test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::LongDeadline;

std::pair<SocketFd, SocketFd> Pair() {
  absl::StatusOr<std::pair<SocketFd, SocketFd>> p = SocketPair();
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? std::move(*p) : std::pair<SocketFd, SocketFd>();
}

// Waits (generously) until at least one event arrives.
std::vector<Poller::Event> WaitForEvents(Poller& poller) {
  std::vector<Poller::Event> events;
  absl::Status s = poller.Wait(absl::Seconds(30), &events);
  EXPECT_TRUE(s.ok()) << s;
  return events;
}

TEST(Poller, ReadableWhenDataArrives) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kReadable, 7).ok());
  std::vector<Poller::Event> events;
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(WriteAll(a.get(), "x", LongDeadline()).ok());
  events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].token, 7u);
  EXPECT_TRUE(events[0].readable);
  EXPECT_FALSE(events[0].writable);
  EXPECT_FALSE(events[0].hangup);
  EXPECT_FALSE(events[0].error);
}

TEST(Poller, WritableWhenTheBufferHasRoom) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(a.get(), Poller::kWritable, 1).ok());
  std::vector<Poller::Event> events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].writable);
  EXPECT_FALSE(events[0].readable);
}

TEST(Poller, NotWritableWhileFullThenWritableOnceThePeerReads) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  const std::string big(64 << 20, 'f');
  struct iovec iov = {const_cast<char*>(big.data()), big.size()};
  IovecCursor cursor({&iov, 1});
  absl::StatusOr<size_t> n;
  do {
    n = WriteSomeV(a.get(), &cursor, absl::InfinitePast());
  } while (n.ok() && !cursor.done());
  ASSERT_EQ(n.status().code(), absl::StatusCode::kDeadlineExceeded) << n.status();
  ASSERT_TRUE(poller.Add(a.get(), Poller::kWritable, 1).ok());
  std::vector<Poller::Event> events;
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(DrainToEof(b.get(), absl::InfinitePast()).status().code() ==
              absl::StatusCode::kDeadlineExceeded);  // read everything there is, no EOF yet
  events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].writable);
}

TEST(Poller, HangupWhenThePeerCloses) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kReadable, 3).ok());
  a.reset();
  std::vector<Poller::Event> events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].hangup);
  EXPECT_TRUE(events[0].readable);  // reading finds the EOF
  char buf[4];
  EXPECT_EQ(*ReadSome(b.get(), absl::MakeSpan(buf), absl::InfinitePast()), 0u);
}

TEST(Poller, HangupIsReportedEvenWithoutInterest) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kNone, 3).ok());
  a.reset();
  std::vector<Poller::Event> events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].hangup);
}

TEST(Poller, HalfCloseIsHangupWhileStillWritable) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kReadable | Poller::kWritable, 3).ok());
  ASSERT_TRUE(ShutdownWrite(a.get()).ok());
  std::vector<Poller::Event> events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].hangup);
  EXPECT_TRUE(events[0].writable);
  EXPECT_TRUE(WriteAll(b.get(), "still", LongDeadline()).ok());
}

TEST(Poller, IgnoreHalfCloseReportsOnlyWritabilityAfterTheHalfClose) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kWritable | Poller::kIgnoreHalfClose, 3).ok());
  ASSERT_TRUE(ShutdownWrite(a.get()).ok());
  std::vector<Poller::Event> events;
  ASSERT_TRUE(poller.Wait(absl::Milliseconds(100), &events).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].writable);
  EXPECT_FALSE(events[0].hangup) << "the half-close is not reported";
  a.reset();  // a full close is still reported
  events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].hangup);
}

TEST(Poller, TimeoutReturnsNoEventsAfterTheTimeout) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kReadable, 1).ok());
  std::vector<Poller::Event> events = {Poller::Event()};  // stale content is cleared
  const absl::Time start = absl::Now();
  ASSERT_TRUE(poller.Wait(absl::Milliseconds(50), &events).ok());
  EXPECT_TRUE(events.empty());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(50));
  ASSERT_TRUE(poller.Wait(absl::Now() + absl::Milliseconds(20), &events).ok());
  EXPECT_TRUE(events.empty());
}

TEST(Poller, LevelTriggeredReportsAgainUntilDrained) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(b.get(), Poller::kReadable, 1).ok());
  ASSERT_TRUE(WriteAll(a.get(), "abc", LongDeadline()).ok());
  char buf[1];
  for (int i = 0; i < 3; ++i) {
    std::vector<Poller::Event> events = WaitForEvents(poller);
    ASSERT_EQ(events.size(), 1u) << i;
    ASSERT_EQ(*ReadSome(b.get(), absl::MakeSpan(buf), absl::InfinitePast()), 1u);
  }
  std::vector<Poller::Event> events;
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
}

TEST(Poller, ModifyChangesInterestAndTokenRemoveStopsEvents) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(a.get(), Poller::kReadable, 1).ok());
  std::vector<Poller::Event> events;
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(poller.Modify(a.get(), Poller::kWritable, 2).ok());
  events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].token, 2u);
  ASSERT_TRUE(poller.Remove(a.get()).ok());
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
}

TEST(Poller, RegistrationErrors) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  ASSERT_TRUE(poller.Add(a.get(), Poller::kReadable, 1).ok());
  EXPECT_EQ(poller.Add(a.get(), Poller::kReadable, 1).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(poller.Remove(b.get()).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(poller.Modify(b.get(), Poller::kReadable, 1).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(poller.Add(b.get(), Poller::kReadable, Poller::kWakeToken).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Poller::Create(Poller::Options{0}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Poller, PointerTokensRoundTrip) {
  Poller poller = *Poller::Create();
  auto [a, b] = Pair();
  int connection_state = 0;
  ASSERT_TRUE(poller.Add(a.get(), Poller::kWritable, &connection_state).ok());
  std::vector<Poller::Event> events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].pointer(), &connection_state);
}

TEST(Poller, WakeFromAnotherThreadEndsAnInfiniteWait) {
  Poller poller = *Poller::Create();
  absl::Notification waiting;
  std::thread waker([&] {
    waiting.WaitForNotification();
    EXPECT_TRUE(poller.Wake().ok());
  });
  std::vector<Poller::Event> events;
  waiting.Notify();  // the wake may land before Wait starts: it is kept until drained
  ASSERT_TRUE(poller.Wait(absl::InfiniteDuration(), &events).ok());
  waker.join();
  EXPECT_TRUE(events.empty());
  // Drained: the next wait times out.
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
}

TEST(Poller, ListenerIsReadableWithAPendingConnection) {
  Poller poller = *Poller::Create();
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_TRUE(poller.Add(l->fd(), Poller::kReadable, 9).ok());
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<Poller::Event> events = WaitForEvents(poller);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].token, 9u);
  EXPECT_TRUE(Accept(*l, absl::InfinitePast()).ok());
}

TEST(Poller, FiveHundredSocketPairsEachReadyOneReportedExactlyOnce) {
  constexpr int kPairs = 500;
  struct rlimit lim;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_cur < 2 * kPairs + 64) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 2 * kPairs + 64);
    ::setrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < 2 * kPairs + 64) GTEST_SKIP() << "RLIMIT_NOFILE too low for 1000 sockets";
  }
  Poller::Options options;
  options.max_events = 64;  // several Waits needed: batches must not lose or repeat anything
  Poller poller = *Poller::Create(options);
  std::vector<std::pair<SocketFd, SocketFd>> pairs;
  for (int i = 0; i < kPairs; ++i) {
    pairs.push_back(Pair());
    ASSERT_TRUE(poller.Add(pairs.back().second.get(), Poller::kReadable, i).ok());
  }
  std::set<uint64_t> expected;
  for (int i = 0; i < kPairs; i += 2) {
    ASSERT_TRUE(WriteAll(pairs[i].first.get(), "!", LongDeadline()).ok());
    expected.insert(i);
  }
  std::set<uint64_t> seen;
  const absl::Time deadline = LongDeadline();
  while (seen.size() < expected.size() && absl::Now() < deadline) {
    std::vector<Poller::Event> events = WaitForEvents(poller);
    EXPECT_LE(events.size(), 64u);
    for (const Poller::Event& e : events) {
      EXPECT_TRUE(e.readable);
      EXPECT_TRUE(seen.insert(e.token).second) << "token " << e.token << " reported twice";
      char c;
      // Consume and unregister so level-triggering does not report it again.
      EXPECT_EQ(*ReadSome(pairs[e.token].second.get(), absl::MakeSpan(&c, 1), absl::InfinitePast()),
                1u);
      EXPECT_TRUE(poller.Remove(pairs[e.token].second.get()).ok());
    }
  }
  EXPECT_EQ(seen, expected);
  std::vector<Poller::Event> events;
  ASSERT_TRUE(poller.Wait(absl::ZeroDuration(), &events).ok());
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace framekit
