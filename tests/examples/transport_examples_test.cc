// The examples at the top of transport/ headers, compiled and run as written against real sockets
// (see framing_examples_test.cc for the convention; examples_in_sync_test.py checks the blocks
// match the headers). Names an example assumes (a deadline, a descriptor, a server address) are
// declared around its block; lines ending in "// test" stand where the header says "...".
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/transport/address.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/dialer.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/io_ops.h"
#include "framekit/transport/listener.h"
#include "framekit/transport/poller.h"
#include "framekit/transport/socket_fd.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/unix_socket.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

TEST(TransportExamples, Address) {
  SocketFd socket_fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(socket_fd.valid());
  const int fd = socket_fd.get();
  // --- transport/address.h ---
  absl::StatusOr<SocketAddress> a = SocketAddress::Parse("[::1]:8080");
  ::connect(fd, a->get(), a->size());
  absl::StatusOr<std::vector<SocketAddress>> all = Resolve("localhost:8080");
  // ---
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->port(), 8080);
  EXPECT_EQ(a->ToString(), "[::1]:8080");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_FALSE(all->empty());
  for (const SocketAddress& each : *all) EXPECT_EQ(each.port(), 8080);
}

TEST(TransportExamples, Dialer) {
  // --- transport/dialer.h ---
  std::vector<SocketAddress> addrs = *Resolve("localhost:8080");
  absl::StatusOr<ConnectedSocket> c = ConnectAny(addrs, absl::Now() + absl::Seconds(5));
  // ---
  // Whatever is (or is not) listening on 8080 here, the outcome is a socket or a refusal.
  if (!c.ok()) {
    EXPECT_TRUE(IsConnectionRefused(c.status())) << c.status();
  }
}

TEST(TransportExamples, TcpAndListener) {
  {
    // --- transport/tcp.h ---
    absl::StatusOr<Listener> server = ListenTcp("[::1]:0");
    std::string where = server->local_address().ToString();  // "[::1]:40123"
    absl::StatusOr<ConnectedSocket> client = ConnectTcp(where, absl::Now() + absl::Seconds(5));
    absl::StatusOr<ConnectedSocket> accepted = Accept(*server, absl::Now() + absl::Seconds(5));
    // ---
    ASSERT_TRUE(client.ok()) << client.status();
    ASSERT_TRUE(accepted.ok()) << accepted.status();
    EXPECT_EQ(accepted->peer.ToString(), SocketAddress::LocalOf(client->fd.get())->ToString());
  }
  std::optional<absl::StatusOr<ConnectedSocket>> client;
  // --- transport/listener.h ---
  absl::StatusOr<Listener> l = ListenTcp("127.0.0.1:0");
  int port = l->local_address().port();                           // the port the kernel picked
  client = ConnectTcp(absl::StrCat("127.0.0.1:", port), Soon());  // test
  absl::StatusOr<ConnectedSocket> c = Accept(*l, absl::Now() + absl::Seconds(10));
  // ---
  ASSERT_TRUE(client->ok()) << client->status();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_GT(port, 0);
}

TEST(TransportExamples, UnixSocket) {
  const absl::Time deadline = Soon();
  // --- transport/unix_socket.h ---
  absl::StatusOr<Listener> server = ListenUnix("@framekit-test");
  absl::StatusOr<ConnectedSocket> client = ConnectUnix("@framekit-test", deadline);
  absl::StatusOr<std::pair<SocketFd, SocketFd>> pair = SocketPair();  // for tests
  // ---
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(pair.ok()) << pair.status();
  EXPECT_TRUE(Accept(*server, deadline).ok());
}

absl::Status ConnectedSocketExample(const std::string& server_address, absl::string_view request,
                                    absl::Time deadline) {
  // --- transport/connected_socket.h ---
  absl::StatusOr<ConnectedSocket> c = ConnectTcp(server_address, deadline);  // "host:port"
  if (!c.ok()) return c.status();
  std::string peer = c->peer.ToString();
  return WriteAll(c->fd.get(), request, deadline, IoOptions{nullptr, peer});
  // ---
}

TEST(TransportExamples, ConnectedSocket) {
  absl::StatusOr<Listener> listener = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(listener.ok()) << listener.status();
  std::string received;
  std::thread server([&] {
    absl::StatusOr<ConnectedSocket> c = Accept(*listener, Soon());
    if (!c.ok()) return;
    char buf[256];
    for (;;) {
      absl::StatusOr<size_t> n = ReadSome(c->fd.get(), absl::MakeSpan(buf), Soon());
      if (!n.ok() || *n == 0) return;
      received.append(buf, *n);
    }
  });
  const std::string request = "GET / HTTP/1.0\r\n\r\n";
  const absl::Status s =
      ConnectedSocketExample(listener->local_address().ToString(), request, Soon());
  server.join();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(received, request);
}

absl::StatusOr<SocketFd> SocketFdExample() {
  // --- transport/socket_fd.h ---
  SocketFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return SocketError(errno, "socket");
  EXPECT_GE(fd.get(), 0);  // test
  return fd;               // moved out; closed by whoever ends up owning it
  // ---
}

TEST(TransportExamples, SocketFd) {
  absl::StatusOr<SocketFd> fd = SocketFdExample();
  ASSERT_TRUE(fd.ok()) << fd.status();
  EXPECT_TRUE(fd->valid());
}

int closed_quietly = 0;
absl::Status CloseQuietly() {
  ++closed_quietly;
  return absl::OkStatus();
}

absl::Status ErrorsExample(int fd, absl::string_view bytes, absl::Time deadline) {
  // --- transport/errors.h ---
  absl::Status s = WriteAll(fd, bytes, deadline);
  if (IsPeerGone(s)) return CloseQuietly();  // expected: the other side went away
  if (!s.ok()) return s;                     // anything else is worth logging
  // ---
  return absl::OkStatus();
}

TEST(TransportExamples, Errors) {
  absl::StatusOr<std::pair<SocketFd, SocketFd>> pair = SocketPair();
  ASSERT_TRUE(pair.ok()) << pair.status();
  pair->second.reset();  // the peer goes away
  EXPECT_TRUE(ErrorsExample(pair->first.get(), "hello", Soon()).ok());
  EXPECT_EQ(closed_quietly, 1);
}

TEST(TransportExamples, IoOps) {
  absl::StatusOr<std::pair<SocketFd, SocketFd>> pair = SocketPair();
  ASSERT_TRUE(pair.ok()) << pair.status();
  ASSERT_TRUE(WriteAll(pair->second.get(), "x", Soon()).ok());
  const int fd = pair->first.get();
  char bytes[16];
  const absl::Span<char> buffer = absl::MakeSpan(bytes);
  const absl::Time deadline = Soon();
  // --- transport/io_ops.h ---
  struct Counter {
    int reads = 0;
  };
  Counter counter;
  IoOps ops = DefaultIoOps();
  ops.ctx = &counter;
  ops.read = [](void* ctx, int fd, void* buf, size_t n) {
    ++static_cast<Counter*>(ctx)->reads;
    return DefaultIoOps().read(nullptr, fd, buf, n);
  };
  IoOptions options;
  options.ops = &ops;
  absl::StatusOr<size_t> n = ReadSome(fd, buffer, deadline, options);
  // ---
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(counter.reads, 1);
  EXPECT_EQ(bytes[0], 'x');
}

absl::Status StreamIoExample(int fd, const iovec& header_iov, const iovec& payload_iov,
                             Decoder* decoder) {
  // --- transport/stream_io.h ---
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  if (absl::Status s = WriteAllV(fd, {header_iov, payload_iov}, deadline); !s.ok()) return s;
  if (absl::Status s = ShutdownWrite(fd); !s.ok()) return s;  // "no more requests"
  char buf[4096];
  for (;;) {
    absl::StatusOr<size_t> n = ReadSome(fd, absl::MakeSpan(buf), deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) break;  // peer finished too
    if (absl::Status s = decoder->Feed(absl::string_view(buf, *n)); !s.ok()) return s;
  }
  // ---
  return absl::OkStatus();
}

TEST(TransportExamples, StreamIo) {
  absl::StatusOr<std::pair<SocketFd, SocketFd>> pair = SocketPair();
  ASSERT_TRUE(pair.ok()) << pair.status();
  // The peer reads the request to its end, answers one frame and closes.
  std::thread peer([fd = std::move(pair->second)] {
    absl::StatusOr<uint64_t> n = DrainToEof(fd.get(), Soon());
    if (n.ok() && *n == 6) (void)WriteAll(fd.get(), absl::string_view("\0\0\0\2ok", 6), Soon());
  });
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
  ASSERT_TRUE(framer.ok());
  std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
  char header[] = {0, 0, 0, 2};
  char payload[] = {'h', 'i'};
  const iovec header_iov = {header, sizeof(header)};
  const iovec payload_iov = {payload, sizeof(payload)};
  const absl::Status s = StreamIoExample(pair->first.get(), header_iov, payload_iov, decoder.get());
  peer.join();
  ASSERT_TRUE(s.ok()) << s;
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "ok");
}

// The connection type poller.h's loop assumes: it reads what is readable and writes what it owes.
struct EchoConnection {
  SocketFd fd;
  std::string owed;
  bool done = false;
  void OnReadable() {
    char buf[4096];
    absl::StatusOr<size_t> n = ReadSome(fd.get(), absl::MakeSpan(buf), absl::InfinitePast());
    if (!n.ok() || *n == 0) {
      done = true;
      return;
    }
    owed.append(buf, *n);
    OnWritable();
  }
  void OnWritable() {
    if (!owed.empty() && WriteAll(fd.get(), owed, Soon()).ok()) owed.clear();
  }
};

using Connection = EchoConnection;

absl::Status PollerExample(const Listener& listener) {
  std::vector<std::unique_ptr<Connection>> owned;
  std::map<uint64_t, Connection*> connections;  // by token
  Poller* added_to = nullptr;
  auto AcceptAndAdd = [&] {
    absl::StatusOr<ConnectedSocket> c = Accept(listener, Soon());
    if (!c.ok()) return;
    const uint64_t token = owned.size() + 1;
    const int fd = c->fd.get();
    owned.push_back(std::make_unique<Connection>());
    owned.back()->fd = std::move(c->fd);
    connections[token] = owned.back().get();
    (void)added_to->Add(fd, Poller::kReadable, token);
  };
  // --- transport/poller.h ---
  absl::StatusOr<Poller> poller = Poller::Create();
  added_to = &*poller;  // test
  if (absl::Status s = poller->Add(listener.fd(), Poller::kReadable, /*token=*/uint64_t{0});
      !s.ok()) {
    return s;
  }
  std::vector<Poller::Event> events;
  for (;;) {
    if (absl::Status s = poller->Wait(absl::Seconds(1), &events); !s.ok()) return s;
    for (const Poller::Event& e : events) {
      if (e.token == 0) {
        AcceptAndAdd();
        continue;
      }
      Connection* c = connections[e.token];
      if (e.readable || e.hangup || e.error) c->OnReadable();  // ReadSome(..., InfinitePast())
      if (e.writable) c->OnWritable();                         // WriteSomeV(..., InfinitePast())
      if (c->done) return absl::OkStatus();                    // test
    }
  }
  // ---
}

TEST(TransportExamples, Poller) {
  absl::StatusOr<Listener> listener = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(listener.ok()) << listener.status();
  absl::Status loop;
  std::thread server([&] { loop = PollerExample(*listener); });
  absl::StatusOr<ConnectedSocket> client = ConnectTcp(listener->local_address().ToString(), Soon());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(WriteAll(client->fd.get(), "echo me", Soon()).ok());
  std::string echoed;
  char buf[64];
  while (echoed.size() < 7) {
    absl::StatusOr<size_t> n = ReadSome(client->fd.get(), absl::MakeSpan(buf), Soon());
    ASSERT_TRUE(n.ok() && *n > 0);
    echoed.append(buf, *n);
  }
  client->fd.reset();
  server.join();
  EXPECT_EQ(echoed, "echo me");
  EXPECT_TRUE(loop.ok()) << loop;
}

TEST(TransportExamples, FramedConnection) {
  absl::StatusOr<Listener> listener = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(listener.ok()) << listener.status();
  const std::string server_address = listener->local_address().ToString();
  const absl::Time deadline = Soon();
  // The server echoes one frame back.
  std::thread server([&] {
    absl::StatusOr<ConnectedSocket> accepted = Accept(*listener, deadline);
    if (!accepted.ok()) return;
    absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
    FramedConnection echo(std::move(*accepted), **framer);
    absl::StatusOr<std::optional<absl::string_view>> frame = echo.Receive(deadline);
    if (frame.ok() && frame->has_value()) (void)echo.Send(**frame, deadline);
  });
  // --- transport/framed_connection.h ---
  absl::StatusOr<ConnectedSocket> socket = ConnectTcp(server_address, deadline);  // "host:port"
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
  FramedConnection conn(std::move(*socket), **framer);
  absl::Status sent = conn.Send("ping", deadline);
  absl::StatusOr<std::optional<absl::string_view>> reply = conn.Receive(deadline);
  // ---
  server.join();
  ASSERT_TRUE(sent.ok()) << sent;
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_TRUE(reply->has_value());
  EXPECT_EQ(**reply, "ping");
}

}  // namespace
}  // namespace framekit
