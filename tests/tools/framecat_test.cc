// framekit/tests/tools/framecat_test.cc
//
// framecat end to end: the built binary (//tools/framecat, found through the runfiles) runs as a
// subprocess -- an echo server on 127.0.0.1:0 (its port read from the "listening on" line it
// prints on stderr), a print server, a Unix-socket server, a --connect client fed through its
// stdin -- and the test talks to it over real loopback sockets with every framer: frames echoed
// intact (empty ones too), two concurrent clients, misbehaving clients closed without a reply and
// logged once while others are still served, a half-closing client getting every echo then EOF, a
// client that never reads dropped over --max_output_bytes, SIGTERM/SIGINT exiting 0.
//
// Everything waits with a deadline (kTimeout), so a failure fails the test instead of hanging it;
// a server still running at the end of a test is killed.
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/tests/testing/framecat_process.h"
#include "framekit/transport/address.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/socket_fd.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/unix_socket.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using test_support::CountLines;
using test_support::FramecatOptions;
using test_support::FramecatProcess;
using ::testing::HasSubstr;

// Generous: a loaded 2-core machine running other tests must pass.
constexpr absl::Duration kTimeout = absl::Seconds(30);
absl::Time Deadline() { return absl::Now() + kTimeout; }

// Options for a framecat client fed through its stdin.
FramecatOptions PipedStdin() {
  FramecatOptions options;
  options.pipe_stdin = true;
  return options;
}

// ---- A framecat server ----

// Stops the server with `sig` and expects it to exit with status 0.
void StopServer(FramecatProcess* server, int sig = SIGTERM) {
  ASSERT_NE(server, nullptr);
  server->Signal(sig);
  std::optional<int> status = server->Wait(Deadline());
  ASSERT_TRUE(status.has_value()) << "framecat did not stop on signal " << sig;
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "wait status " << *status << "; stderr:\n"
      << server->Stderr();
}

// ---- The test's side of a connection ----

class Peer {
 public:
  Peer(const Framer& framer, ConnectedSocket socket)
      : framer_(framer), socket_(std::move(socket)), decoder_(framer.NewDecoder()) {}

  static std::unique_ptr<Peer> Tcp(const Framer& framer, const std::string& address) {
    absl::StatusOr<ConnectedSocket> s = ConnectTcp(address, Deadline());
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return nullptr;
    return std::make_unique<Peer>(framer, std::move(*s));
  }

  int fd() const { return socket_.fd.get(); }
  // "127.0.0.1:PORT": how the server names this connection in its log.
  std::string local_address() const {
    absl::StatusOr<SocketAddress> a = SocketAddress::LocalOf(fd());
    return a.ok() ? a->ToString() : "?";
  }

  void SendRaw(absl::string_view bytes) {
    absl::Status s = WriteAll(fd(), bytes, Deadline());
    ASSERT_TRUE(s.ok()) << s;
  }
  void Send(const std::vector<std::string>& payloads) {
    std::string wire;
    for (const std::string& p : payloads) ASSERT_TRUE(framer_.Encode(p, &wire).ok()) << p;
    SendRaw(wire);
  }
  void ShutdownWrite() { ASSERT_TRUE(framekit::ShutdownWrite(fd()).ok()); }

  // The next `n` frames (fewer, with a test failure, if the stream ends or fails first).
  std::vector<std::string> Read(size_t n) {
    std::vector<std::string> frames;
    absl::Time deadline = Deadline();
    while (frames.size() < n) {
      absl::string_view frame;
      Decoder::Result r = decoder_->Next(&frame);
      if (r == Decoder::kFrame) {
        frames.emplace_back(frame);
        continue;
      }
      if (r == Decoder::kError) {
        ADD_FAILURE() << decoder_->status();
        break;
      }
      absl::Span<char> space = decoder_->PrepareWrite(64 * 1024);
      absl::StatusOr<size_t> got = ReadSome(fd(), space, deadline);
      if (!got.ok() || *got == 0) {
        ADD_FAILURE() << "after " << frames.size() << " of " << n
                      << " frames: " << (got.ok() ? "end of stream" : got.status().ToString());
        break;
      }
      decoder_->CommitWrite(*got);
    }
    return frames;
  }

  // Reads until the server closes; returns the bytes that came (after any decoded so far) and
  // fails the test if the connection is not closed (cleanly or by reset) before the deadline.
  std::string ReadUntilClosed() {
    std::string bytes(decoder_->buffered_bytes(), '?');
    char buf[64 * 1024];
    absl::Time deadline = Deadline();
    for (;;) {
      absl::StatusOr<size_t> got = ReadSome(fd(), absl::MakeSpan(buf), deadline);
      if (!got.ok()) {
        EXPECT_TRUE(IsPeerGone(got.status())) << got.status();
        return bytes;
      }
      if (*got == 0) return bytes;
      bytes.append(buf, *got);
    }
  }

  // One frame out, the same frame back.
  void ExpectEcho(const std::string& payload) {
    Send({payload});
    std::vector<std::string> back = Read(1);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0], payload);
  }

 private:
  const Framer& framer_;
  ConnectedSocket socket_;
  std::unique_ptr<Decoder> decoder_;
};

std::unique_ptr<Framer> Make(absl::string_view spec) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  EXPECT_TRUE(framer.ok()) << framer.status();
  return framer.ok() ? std::move(*framer) : nullptr;
}

// ---- Echo with every framer ----

class EchoTest : public ::testing::TestWithParam<const char*> {};

// What the server sends back for `payload`: the fixed framer pads, and delivers the padding.
std::string Echoed(absl::string_view spec, const std::string& payload) {
  if (absl::StartsWith(spec, "fixed")) return payload + std::string(8 - payload.size(), ' ');
  return payload;
}

std::vector<std::string> PayloadsFor(absl::string_view spec) {
  std::vector<std::string> payloads = {"hello", "", "x", "seven77", ""};
  if (absl::StartsWith(spec, "fixed")) return payloads;
  payloads.push_back(std::string("\x00\x01\xff", 3));
  if (absl::StartsWith(spec, "delimiter")) payloads.back() = std::string("\x00\x01\xff\r", 4);
  payloads.push_back(std::string(5000, 'z'));
  payloads.push_back("last");
  return payloads;
}

TEST_P(EchoTest, FramesComeBackIntactThenEofAfterHalfClose) {
  const std::string spec = GetParam();
  std::unique_ptr<Framer> framer = Make(spec);
  ASSERT_NE(framer, nullptr);
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer(spec);
  ASSERT_NE(server, nullptr);

  std::unique_ptr<Peer> peer = Peer::Tcp(*framer, server->address());
  ASSERT_NE(peer, nullptr);
  std::vector<std::string> payloads = PayloadsFor(spec);
  std::vector<std::string> expected;
  for (const std::string& p : payloads) expected.push_back(Echoed(spec, p));

  // All frames in one write.
  peer->Send(payloads);
  EXPECT_EQ(peer->Read(payloads.size()), expected);

  // The same frames a byte at a time: the server's decoder sees every split.
  std::string wire;
  for (const std::string& p : payloads) ASSERT_TRUE(framer->Encode(p, &wire).ok());
  for (char byte : wire) peer->SendRaw(absl::string_view(&byte, 1));
  EXPECT_EQ(peer->Read(payloads.size()), expected);

  // Frames, then half-close at once: every echo still comes, then end of stream.
  peer->Send(payloads);
  peer->ShutdownWrite();
  EXPECT_EQ(peer->Read(payloads.size()), expected);
  EXPECT_EQ(peer->ReadUntilClosed(), "");

  StopServer(server.get());
  EXPECT_EQ(CountLines(server->Stderr(), "closing"), 0) << server->Stderr();
}

INSTANTIATE_TEST_SUITE_P(EveryFramer, EchoTest,
                         ::testing::Values("delimiter", "delimiter:delim=\\r\\n",
                                           "fixed:size=8,pad=0x20", "length:width=4",
                                           "length:width=2,order=little", "length:width=varint",
                                           "ascii:digits=5", "netstring"));

// ---- Several clients ----

TEST(FramecatTest, TwoConcurrentClientsInterleave) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer("length:width=4");
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> a = Peer::Tcp(*framer, server->address());
  std::unique_ptr<Peer> b = Peer::Tcp(*framer, server->address());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);

  // Step by step: each client's frame is answered while the other's connection stays open.
  a->Send({"a1"});
  b->Send({"b1"});
  b->Send({"b2"});
  EXPECT_EQ(b->Read(2), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(a->Read(1), (std::vector<std::string>{"a1"}));
  a->ExpectEcho("a2");
  b->ExpectEcho("");

  // Both at full speed at once, each sending and reading concurrently.
  auto run = [](Peer* peer, char tag) {
    std::vector<std::string> payloads;
    for (int i = 0; i < 2000; ++i) payloads.push_back(absl::StrCat(std::string(1, tag), i));
    std::thread sender([&] { peer->Send(payloads); });
    std::vector<std::string> back = peer->Read(payloads.size());
    sender.join();
    EXPECT_EQ(back, payloads);
  };
  std::thread ta(run, a.get(), 'a');
  std::thread tb(run, b.get(), 'b');
  ta.join();
  tb.join();
  StopServer(server.get());
}

TEST(FramecatTest, MisbehavingClientsAreClosedWithoutReplyAndLoggedOthersServed) {
  const std::string spec = "netstring:max=64";
  std::unique_ptr<Framer> framer = Make(spec);
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer(spec);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> good = Peer::Tcp(*framer, server->address());
  ASSERT_NE(good, nullptr);
  good->ExpectEcho("before");

  struct Case {
    const char* what;
    std::string bytes;
    bool half_close;
    const char* logged;  // in the log line
  };
  const Case cases[] = {
      {"leading zero", "05:hello,", false, "INVALID_ARGUMENT"},
      {"over the max", "100:", false, "RESOURCE_EXHAUSTED"},
      {"bad digit", "1x:a,", false, "INVALID_ARGUMENT"},
      {"missing comma", "1:ab", false, "INVALID_ARGUMENT"},
      {"EOF mid-frame", "5:he", true, "DATA_LOSS"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::unique_ptr<Peer> bad = Peer::Tcp(*framer, server->address());
    ASSERT_NE(bad, nullptr);
    const std::string name = bad->local_address();
    bad->SendRaw(c.bytes);
    if (c.half_close) bad->ShutdownWrite();
    EXPECT_EQ(bad->ReadUntilClosed(), "") << "no reply expected";
    const std::string log_prefix = absl::StrCat("framecat: closing ", name, ": ");
    ASSERT_TRUE(server->WaitForStderr(log_prefix, Deadline())) << server->Stderr();
    std::string err = server->Stderr();
    EXPECT_EQ(CountLines(err, log_prefix), 1) << err;
    size_t at = err.find(log_prefix);
    EXPECT_THAT(err.substr(at, err.find('\n', at) - at), HasSubstr(c.logged));
    good->ExpectEcho(c.what);  // the server keeps serving everyone else
  }
  std::unique_ptr<Peer> later = Peer::Tcp(*framer, server->address());
  ASSERT_NE(later, nullptr);
  later->ExpectEcho("after");
  StopServer(server.get());
}

TEST(FramecatTest, OverMaxLengthHeaderIsRefusedBeforeItsPayload) {
  const std::string spec = "length:width=4,max=1KiB";
  std::unique_ptr<Framer> framer = Make(spec);
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer(spec);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> bad = Peer::Tcp(*framer, server->address());
  ASSERT_NE(bad, nullptr);
  bad->SendRaw(std::string("\x00\x10\x00\x00", 4));  // claims 1 MiB, sends none of it
  EXPECT_EQ(bad->ReadUntilClosed(), "");
  EXPECT_TRUE(server->WaitForStderr("RESOURCE_EXHAUSTED", Deadline()));
  std::unique_ptr<Peer> good = Peer::Tcp(*framer, server->address());
  ASSERT_NE(good, nullptr);
  good->ExpectEcho(std::string(1024, 'm'));
  StopServer(server.get());
}

TEST(FramecatTest, HalfClosingClientGetsEveryEchoOwedThenEof) {
  // More than the socket buffers hold while the client is not reading: the server must keep the
  // rest queued after it sees end of stream and write it as the client reads.
  // (The bound is raised so that the kernel's buffers and the queue together hold it all.)
  std::unique_ptr<Framer> framer = Make("length:width=varint");
  std::unique_ptr<FramecatProcess> server =
      FramecatProcess::StartEchoServer("length:width=varint", {"--max_output_bytes=67108864"});
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> peer = Peer::Tcp(*framer, server->address());
  ASSERT_NE(peer, nullptr);
  std::vector<std::string> payloads;
  for (int i = 0; i < 8000; ++i) payloads.push_back(std::string(1000 + i % 7, 'a' + i % 26));
  peer->Send(payloads);  // ~8 MB, nothing read yet
  peer->ShutdownWrite();
  absl::SleepFor(absl::Milliseconds(200));  // let the server reach end of stream with bytes owed
  EXPECT_EQ(peer->Read(payloads.size()), payloads);
  EXPECT_EQ(peer->ReadUntilClosed(), "");
  StopServer(server.get());
  EXPECT_EQ(CountLines(server->Stderr(), "closing"), 0) << server->Stderr();
}

TEST(FramecatTest, ClientThatNeverReadsIsDroppedOthersServed) {
  const std::string spec = "length:width=4";
  std::unique_ptr<Framer> framer = Make(spec);
  std::unique_ptr<FramecatProcess> server =
      FramecatProcess::StartEchoServer(spec, {"--max_output_bytes=65536"});
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> good = Peer::Tcp(*framer, server->address());
  ASSERT_NE(good, nullptr);

  // A raw socket with a small receive buffer, so the server's echoes back up quickly.
  absl::StatusOr<SocketAddress> addr = SocketAddress::Parse(server->address());
  ASSERT_TRUE(addr.ok()) << addr.status();
  SocketFd hog(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(hog.valid());
  int small = 4096;
  ASSERT_EQ(::setsockopt(hog.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
  ASSERT_EQ(::connect(hog.get(), addr->get(), addr->size()), 0) << strerror(errno);
  absl::StatusOr<SocketAddress> hog_local = SocketAddress::LocalOf(hog.get());
  ASSERT_TRUE(hog_local.ok());

  std::string chunk;
  for (int i = 0; i < 16; ++i)
    ASSERT_TRUE(framer->Encode(std::string(16 * 1024, 'h'), &chunk).ok());
  std::atomic<bool> dropped{false};
  std::thread sender([&] {
    absl::Time deadline = Deadline();
    for (uint64_t sent = 0; sent < (uint64_t{1} << 30);) {
      absl::Status s = WriteAll(hog.get(), chunk, deadline);
      if (!s.ok()) {
        EXPECT_TRUE(IsPeerGone(s)) << s;
        dropped = IsPeerGone(s);
        return;
      }
      sent += chunk.size();
    }
  });
  // While the hog pushes, the other client is served.
  for (int i = 0; i < 20 && !dropped; ++i) good->ExpectEcho(absl::StrCat("still here ", i));
  sender.join();
  EXPECT_TRUE(dropped);
  const std::string log_prefix = absl::StrCat("framecat: closing ", hog_local->ToString(), ": ");
  ASSERT_TRUE(server->WaitForStderr(log_prefix, Deadline())) << server->Stderr();
  std::string err = server->Stderr();
  EXPECT_EQ(CountLines(err, log_prefix), 1) << err;
  EXPECT_THAT(err, HasSubstr("over the high watermark of 65536 bytes"));  // --max_output_bytes
  good->ExpectEcho("after the drop");
  StopServer(server.get());
}

// On both server backends (epoll: accept4 fails; io_uring: the multishot accept ends with EMFILE).
class OutOfDescriptorsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(OutOfDescriptorsTest, PausesAcceptingWithoutSpinningAndRecovers) {
  std::unique_ptr<Framer> framer = Make("delimiter");
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartServer(
      {"--listen=127.0.0.1:0", "--echo", absl::StrCat("--backend=", GetParam())}, /*max_fds=*/16);
  ASSERT_NE(server, nullptr);

  // More clients than the server has descriptors for: the kernel completes them all (backlog),
  // the server accepts until EMFILE.
  constexpr int kClients = 24;
  std::vector<std::unique_ptr<Peer>> peers;
  for (int i = 0; i < kClients; ++i) {
    peers.push_back(Peer::Tcp(*framer, server->address()));
    ASSERT_NE(peers.back(), nullptr);
    peers.back()->Send({absl::StrCat("client ", i)});
  }
  ASSERT_TRUE(server->WaitForStderr("pausing accepts", Deadline())) << server->Stderr();
  // Saturated: the pending connections keep the listener readable, yet the server idles.
  long before = server->CpuTicks();
  absl::SleepFor(absl::Milliseconds(500));
  long after = server->CpuTicks();
  ASSERT_GE(before, 0);
  EXPECT_LT(after - before, 10) << "the accept loop spins";
  // Each client gets its echo once those before it have closed and freed a descriptor.
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(peers[i]->Read(1), std::vector<std::string>{absl::StrCat("client ", i)});
    peers[i].reset();
  }
  StopServer(server.get());
  std::string err = server->Stderr();
  EXPECT_GE(CountLines(err, "pausing accepts"), 1);
  EXPECT_LE(CountLines(err, "pausing accepts"), kClients) << err;  // once per episode, not per try
}

// ---- Other modes ----

INSTANTIATE_TEST_SUITE_P(Backends, OutOfDescriptorsTest, ::testing::Values("epoll", "io_uring"));

TEST(FramecatTest, FramerConfigFile) {
  std::string dir = std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp";
  std::string path = absl::StrCat(dir, "/framecat-", ::getpid(), ".conf");
  {
    SocketFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(WriteAll(fd.get(),
                         "# two-byte little-endian lengths\nkind = length\nwidth = 2\n"
                         "order = little\n",
                         Deadline())
                    .ok());
  }
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartServer(
      {"--listen=127.0.0.1:0", "--echo", absl::StrCat("--framer_config=", path)});
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(server->Stderr(), HasSubstr("width=2,order=little"));
  std::unique_ptr<Framer> framer = Make("length:width=2,order=little");
  std::unique_ptr<Peer> peer = Peer::Tcp(*framer, server->address());
  ASSERT_NE(peer, nullptr);
  peer->ExpectEcho("configured");
  StopServer(server.get());
  ::unlink(path.c_str());
}

TEST(FramecatTest, UnixSocketEcho) {
  // A fresh directory: TEST_TMPDIR can be longer than a socket path may be, and in Bazel's
  // sandbox every test has the same pid, so "/tmp/framecat-PID.sock" would collide between runs.
  char dir[] = "/tmp/framecat_test_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = absl::StrCat(dir, "/echo.sock");
  std::unique_ptr<FramecatProcess> server =
      FramecatProcess::StartServer({absl::StrCat("--unix=", path), "--echo", "--framer=netstring"});
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(server->address(), path);
  std::unique_ptr<Framer> framer = Make("netstring");
  absl::StatusOr<ConnectedSocket> socket = ConnectUnix(path, Deadline());
  ASSERT_TRUE(socket.ok()) << socket.status();
  Peer peer(*framer, std::move(*socket));
  peer.ExpectEcho("over a unix socket");
  peer.ExpectEcho("");

  // framecat's own client on the same socket.
  std::unique_ptr<FramecatProcess> client =
      FramecatProcess::Start({absl::StrCat("--unix=", path), "--framer=netstring"}, PipedStdin());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->WriteStdin("one\ntwo\n", Deadline()).ok());
  client->CloseStdin();
  std::optional<int> status = client->Wait(Deadline());
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << client->Stderr();
  EXPECT_EQ(client->Stdout(), "one\ntwo\n");

  StopServer(server.get());
  struct stat st;
  EXPECT_NE(::stat(path.c_str(), &st), 0) << "the socket file should be removed at exit";
  ::rmdir(dir);
}

TEST(FramecatTest, ConnectModePrintsTheEchoesOfStdinLines) {
  for (const char* spec : {"delimiter", "length:width=4", "ascii:digits=5"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer(spec);
    ASSERT_NE(server, nullptr);
    std::unique_ptr<FramecatProcess> client = FramecatProcess::Start(
        {absl::StrCat("--connect=", server->address()), absl::StrCat("--framer=", spec)},
        PipedStdin());
    ASSERT_NE(client, nullptr);
    // An empty line is an empty frame; a last line without '\n' is a frame too.
    ASSERT_TRUE(client->WriteStdin("alpha\n\nbeta\ngamma", Deadline()).ok());
    client->CloseStdin();
    std::optional<int> status = client->Wait(Deadline());
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << client->Stderr();
    EXPECT_EQ(client->Stdout(), "alpha\n\nbeta\ngamma\n");
    StopServer(server.get());
  }
}

TEST(FramecatTest, ConnectModeLongInputDoesNotDeadlock) {
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer("length:width=4");
  ASSERT_NE(server, nullptr);
  std::unique_ptr<FramecatProcess> client = FramecatProcess::Start(
      {absl::StrCat("--connect=", server->address()), "--framer=length:width=4", "--hex"},
      PipedStdin());
  ASSERT_NE(client, nullptr);
  // ~8 MB each way: far more than the socket buffers, so sending and receiving must overlap.
  std::string input, expected;
  for (int i = 0; i < 80000; ++i) {
    std::string line = absl::StrCat(i, std::string(90, '.'));
    absl::StrAppend(&input, line, "\n");
    absl::StrAppend(&expected, absl::BytesToHexString(line), "\n");
  }
  std::thread feeder([&] {
    EXPECT_TRUE(client->WriteStdin(input, Deadline()).ok());
    client->CloseStdin();
  });
  std::optional<int> status = client->Wait(Deadline());
  feeder.join();
  ASSERT_TRUE(status.has_value()) << "client still running";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << client->Stderr();
  EXPECT_TRUE(client->Stdout() == expected) << "output differs (" << client->Stdout().size()
                                            << " bytes, expected " << expected.size() << ")";
  StopServer(server.get());
}

TEST(FramecatTest, PrintModePrintsEachFrameOnALineAsHex) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  std::unique_ptr<FramecatProcess> server =
      FramecatProcess::StartServer({"--listen=127.0.0.1:0", "--framer=length:width=4", "--hex"});
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> peer = Peer::Tcp(*framer, server->address());
  ASSERT_NE(peer, nullptr);
  peer->Send({std::string("\x00\x01", 2), "hi", "", "end"});
  peer->ShutdownWrite();
  EXPECT_EQ(peer->ReadUntilClosed(), "");  // nothing comes back, and the server closes
  EXPECT_TRUE(server->WaitForStdout("0001\n6869\n\n656e64\n", Deadline())) << server->Stdout();
  StopServer(server.get(), SIGINT);
  EXPECT_EQ(server->Stdout(), "0001\n6869\n\n656e64\n");
}

TEST(FramecatTest, SigtermWithClientsConnectedExitsZero) {
  std::unique_ptr<Framer> framer = Make("delimiter");
  std::unique_ptr<FramecatProcess> server = FramecatProcess::StartEchoServer("delimiter");
  ASSERT_NE(server, nullptr);
  std::unique_ptr<Peer> a = Peer::Tcp(*framer, server->address());
  ASSERT_NE(a, nullptr);
  a->ExpectEcho("ping");
  a->SendRaw("half a fra");
  StopServer(server.get());
  EXPECT_EQ(a->ReadUntilClosed(), "");
  EXPECT_THAT(server->Stderr(), HasSubstr("SIGTERM"));
}

TEST(FramecatTest, BadFlagsExitTwoAndHelpListsEveryFlag) {
  std::unique_ptr<FramecatProcess> bad =
      FramecatProcess::Start({"--listen=127.0.0.1:0", "--framer=bogus"});
  ASSERT_NE(bad, nullptr);
  std::optional<int> status = bad->Wait(Deadline());
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2) << *status;
  EXPECT_THAT(bad->Stderr(), HasSubstr("bogus"));

  std::unique_ptr<FramecatProcess> none = FramecatProcess::Start({});
  ASSERT_NE(none, nullptr);
  status = none->Wait(Deadline());
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2);

  std::unique_ptr<FramecatProcess> help = FramecatProcess::Start({"--help"});
  ASSERT_NE(help, nullptr);
  status = help->Wait(Deadline());
  ASSERT_TRUE(status.has_value());
  std::string text = help->Stdout() + help->Stderr();
  for (const char* flag :
       {"--framer ", "--framer_config", "--listen", "--connect ", "--unix", "--serve", "--echo",
        "--hex", "--max_output_bytes", "--max_connections", "--threads", "--idle_timeout",
        "--drop_stalled_after", "--backend", "--connect_timeout"}) {
    EXPECT_THAT(text, HasSubstr(flag));
  }
}

}  // namespace
}  // namespace framekit
