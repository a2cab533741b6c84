#include "framekit/transport/tcp.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/stream_io.h"
#include "gtest/gtest.h"
#include "tests/transport/test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::LongDeadline;
using ::framekit::testing::RandomBytes;
using ::framekit::testing::ReadAll;

// A loopback address where nothing listens, and that stays so while the returned socket lives: the
// port is bound (so no one else can take it) but not listening, so connecting gets RST.
struct ClosedPort {
  SocketFd holder;
  SocketAddress address;
};
ClosedPort MakeClosedPort(const char* loopback = "127.0.0.1:0") {
  SocketAddress any = *SocketAddress::Parse(loopback);
  ClosedPort c;
  c.holder.reset(::socket(any.family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(c.holder.valid());
  EXPECT_EQ(::bind(c.holder.get(), any.get(), any.size()), 0);
  c.address = *SocketAddress::LocalOf(c.holder.get());
  return c;
}

bool HasIpv6Loopback() {
  SocketFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return false;
  SocketAddress a = *SocketAddress::Parse("[::1]:0");
  return ::bind(fd.get(), a.get(), a.size()) == 0;
}

int NoDelayOf(int fd) {
  int v = -1;
  socklen_t len = sizeof(v);
  ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len);
  return v;
}

TEST(ListenTcp, PortZeroReportsTheBoundPort) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_GT(l->local_address().port(), 0);
  EXPECT_EQ(l->local_address().ToString(), absl::StrCat("127.0.0.1:", l->local_address().port()));
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->peer, *SocketAddress::LocalOf(c->fd.get()));
  EXPECT_EQ(c->peer, l->local_address());
}

TEST(Tcp, SixteenMibOverLoopbackWithAReaderThread) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  const std::string payload = RandomBytes(16 << 20, 16);
  absl::StatusOr<std::string> received;
  std::thread reader([&] {
    absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
    if (!s.ok()) {
      received = s.status();
      return;
    }
    received = ReadAll(s->fd.get(), LongDeadline());
  });
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  // Half as one WriteAll, half as many iovecs.
  const size_t half = payload.size() / 2;
  absl::Status w =
      WriteAll(c->fd.get(), absl::string_view(payload).substr(0, half), LongDeadline());
  std::vector<struct iovec> iov;
  for (size_t at = half; at < payload.size(); at += 4093) {
    iov.push_back(
        {const_cast<char*>(payload.data() + at), std::min<size_t>(4093, payload.size() - at)});
  }
  if (w.ok()) w = WriteAllV(c->fd.get(), iov, LongDeadline());
  if (w.ok()) w = ShutdownWrite(c->fd.get());
  reader.join();
  ASSERT_TRUE(w.ok()) << w;
  ASSERT_TRUE(received.ok()) << received.status();
  ASSERT_EQ(received->size(), payload.size());
  EXPECT_TRUE(*received == payload) << "bytes differ";
}

TEST(ConnectTcp, ClosedPortIsConnectionRefusedNamingTheAddress) {
  ClosedPort closed = MakeClosedPort();
  const std::string target = closed.address.ToString();
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(target, LongDeadline());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
  EXPECT_TRUE(IsConnectionRefused(c.status())) << c.status();
  EXPECT_FALSE(IsPeerGone(c.status())) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), target)) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), "connection refused")) << c.status();
}

TEST(ConnectTcp, PortOfAClosedListenerIsRefused) {
  std::string target;
  {
    absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
    ASSERT_TRUE(l.ok()) << l.status();
    target = l->local_address().ToString();
  }
  // The kernel could hand the port to someone else meanwhile, then this would connect; it does not
  // reuse ports that quickly in practice, and the ClosedPort test above is the airtight one.
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(target, LongDeadline());
  EXPECT_TRUE(IsConnectionRefused(c.status())) << c.status();
}

TEST(ConnectAny, TriesEachAddressInTurnAndReturnsTheFirstThatConnects) {
  ClosedPort closed = MakeClosedPort();
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  std::vector<SocketAddress> addresses = {closed.address, l->local_address()};
  absl::StatusOr<ConnectedSocket> c = ConnectAny(addresses, LongDeadline(), {}, "two:addresses");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->peer, l->local_address());
}

TEST(ConnectAny, AllFailingNamesEveryAddressTriedAndKeepsTheLastCode) {
  ClosedPort a = MakeClosedPort(), b = MakeClosedPort();
  std::vector<SocketAddress> addresses = {a.address, b.address};
  absl::StatusOr<ConnectedSocket> c = ConnectAny(addresses, LongDeadline(), {}, "somewhere:1");
  ASSERT_FALSE(c.ok());
  const std::string message(c.status().message());
  EXPECT_TRUE(IsConnectionRefused(c.status())) << message;
  EXPECT_TRUE(absl::StartsWith(message, "connect somewhere:1: tried 2 addresses")) << message;
  EXPECT_TRUE(absl::StrContains(message, a.address.ToString())) << message;
  EXPECT_TRUE(absl::StrContains(message, b.address.ToString())) << message;
  EXPECT_EQ(ConnectAny({}, LongDeadline()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConnectTcp, LocalhostTriesEachResolvedAddress) {
  // Listen on IPv4 only. If "localhost" also resolves to ::1 (first, on many systems), that attempt
  // is refused and the 127.0.0.1 one must follow.
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  const int port = l->local_address().port();
  absl::StatusOr<std::vector<SocketAddress>> resolved = Resolve(absl::StrCat("localhost:", port));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  bool has_v4 = false;
  for (const SocketAddress& a : *resolved) has_v4 = has_v4 || a == l->local_address();
  if (!has_v4) GTEST_SKIP() << "localhost does not resolve to 127.0.0.1 here";
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(absl::StrCat("localhost:", port), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->peer, l->local_address());
}

TEST(ConnectTcp, MalformedAddressIsInvalidArgument) {
  // (No unresolvable-name test: it would query a DNS server, and these tests touch loopback only.)
  for (const char* bad : {"no-port", "127.0.0.1:65536", "::1:80", "[::1]"}) {
    absl::Status s = ConnectTcp(bad, LongDeadline()).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), bad)) << s;
  }
}

TEST(Tcp, Ipv6Loopback) {
  if (!HasIpv6Loopback()) GTEST_SKIP() << "no IPv6 loopback (::1) on this machine";
  absl::StatusOr<Listener> l = ListenTcp("[::1]:0");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->local_address().family(), AF_INET6);
  EXPECT_TRUE(absl::StartsWith(l->local_address().ToString(), "[::1]:"));
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(WriteAll(c->fd.get(), "over v6", LongDeadline()).ok());
  ASSERT_TRUE(ShutdownWrite(c->fd.get()).ok());
  EXPECT_EQ(*ReadAll(s->fd.get(), LongDeadline()), "over v6");
}

TEST(Accept, NothingPendingHitsTheDeadline) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, start + absl::Milliseconds(100));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDeadlineExceeded) << s.status();
  EXPECT_TRUE(absl::StrContains(s.status().message(), l->local_address().ToString()));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
}

TEST(Tcp, NoDelayOnByDefaultAndOptional) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NE(NoDelayOf(c->fd.get()), 0);
  EXPECT_NE(NoDelayOf(s->fd.get()), 0);

  ConnectOptions nagle;
  nagle.no_delay = false;
  absl::StatusOr<ConnectedSocket> c2 =
      ConnectTcp(l->local_address().ToString(), LongDeadline(), nagle);
  ASSERT_TRUE(c2.ok()) << c2.status();
  EXPECT_EQ(NoDelayOf(c2->fd.get()), 0);
  ASSERT_TRUE(SetTcpNoDelay(c2->fd.get()).ok());
  EXPECT_NE(NoDelayOf(c2->fd.get()), 0);
}

TEST(Tcp, HalfCloseThenTheOtherDirectionStillWorks) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(WriteAll(c->fd.get(), "question", LongDeadline()).ok());
  ASSERT_TRUE(ShutdownWrite(c->fd.get()).ok());
  EXPECT_EQ(*ReadAll(s->fd.get(), LongDeadline()), "question");
  ASSERT_TRUE(WriteAll(s->fd.get(), "answer", LongDeadline()).ok());
  s->fd.reset();
  EXPECT_EQ(*ReadAll(c->fd.get(), LongDeadline()), "answer");
}

TEST(Tcp, WritingToAPeerThatClosedIsPeerGoneWithoutSigpipe) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  s->fd.reset();
  // The first writes may still be accepted locally; the peer's RST then fails a later one.
  const std::string chunk(4096, 'w');
  absl::Status w;
  const absl::Time deadline = LongDeadline();
  while (w.ok() && absl::Now() < deadline) w = WriteAll(c->fd.get(), chunk, deadline);
  EXPECT_TRUE(IsPeerGone(w)) << w;
  EXPECT_TRUE(absl::StrContains(w.message(), l->local_address().ToString()) ||
              absl::StrContains(w.message(), "on fd"))
      << w;
}

TEST(Tcp, ResetByPeerIsPeerGoneOnRead) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(l->local_address().ToString(), LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  struct linger abort_on_close = {1, 0};  // close() sends RST
  ASSERT_EQ(
      ::setsockopt(s->fd.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close)), 0);
  s->fd.reset();
  char buf[16];
  IoOptions io;
  const std::string peer = c->peer.ToString();
  io.peer = peer;
  absl::StatusOr<size_t> n = ReadSome(c->fd.get(), absl::MakeSpan(buf), LongDeadline(), io);
  EXPECT_TRUE(IsPeerGone(n.status())) << n.status();
  EXPECT_TRUE(absl::StrContains(n.status().message(), "ReadSome from " + peer)) << n.status();
}

TEST(ListenTcp, RefusesABusyPortAndBadInput) {
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(l.ok()) << l.status();
  absl::StatusOr<Listener> again = ListenTcp(l->local_address().ToString());
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(absl::StrContains(again.status().message(), l->local_address().ToString()))
      << again.status();
  EXPECT_EQ(ListenTcp("127.0.0.1:99999").status().code(), absl::StatusCode::kInvalidArgument);
  ListenOptions bad;
  bad.backlog = 0;
  EXPECT_EQ(ListenTcp("127.0.0.1:0", bad).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace framekit
