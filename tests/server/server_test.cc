// framekit::Server over real loopback sockets: echo with every framer across several loops, many
// clients, backpressure from a client that stops reading, idle timeout, max connections, a bad
// client among good ones, shutdown with frames in flight, replies posted from another thread,
// Unix listeners with a file mode. Every wait has a deadline.
#include "framekit/server/server.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/unix_socket.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/transport/test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::LongDeadline;
using ::testing::HasSubstr;

class Echo : public ConnectionHandler {
 public:
  void OnFrame(Connection& conn, absl::string_view frame) override {
    absl::Status s = conn.Send(frame);
    EXPECT_TRUE(s.ok()) << s;
  }
};

HandlerFactory EchoFactory() {
  return [] { return std::make_unique<Echo>(); };
}

// Echo servers that count the connections each loop opened.
class LoopCounts {
 public:
  explicit LoopCounts(size_t loops) : counts_(loops) {}
  HandlerFactory Factory() {
    return [this] { return std::make_unique<Counting>(this); };
  }
  std::vector<int> Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_;
  }

 private:
  class Counting : public Echo {
   public:
    explicit Counting(LoopCounts* owner) : owner_(owner) {}
    void OnOpen(Connection& conn) override {
      std::lock_guard<std::mutex> lock(owner_->mu_);
      ++owner_->counts_[conn.loop_index()];
    }

   private:
    LoopCounts* owner_;
  };
  std::mutex mu_;
  std::vector<int> counts_;
};

// A server with its log lines captured.
struct TestServer {
  std::unique_ptr<Server> server;
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();

  std::string address(size_t i = 0) const { return server->local_addresses()[i].ToString(); }
  std::vector<std::string> Log() const {
    std::lock_guard<std::mutex> lock(*mu);
    return *lines;
  }
  // Waits until a log line contains `text`.
  bool WaitForLog(absl::string_view text) const {
    for (absl::Time end = LongDeadline(); absl::Now() < end;
         absl::SleepFor(absl::Milliseconds(5))) {
      for (const std::string& l : Log()) {
        if (absl::StrContains(l, text)) return true;
      }
    }
    return false;
  }
  int CountLog(absl::string_view text) const {
    int n = 0;
    for (const std::string& l : Log()) n += absl::StrContains(l, text) ? 1 : 0;
    return n;
  }
};

// io_uring rings and their provided-buffer rings count against RLIMIT_MEMLOCK on some kernels,
// and a closed ring's memory is freed asynchronously: dozens of servers in a row can exceed a
// default 8 MiB limit (ENOMEM). Raised where allowed (root, as CI runs).
[[maybe_unused]] const bool kMemlockRaised = [] {
  struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
  return ::setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0;
}();

// The backend every test of this file runs on (both, through the parameterised fixtures).
ServerOptions::Backend g_backend = ServerOptions::Backend::kEpoll;

std::string BackendName(ServerOptions::Backend b) {
  return b == ServerOptions::Backend::kIoUring ? "IoUring" : "Epoll";
}

TestServer Start(ServerOptions options, HandlerFactory factory) {
  TestServer t;
  options.backend = g_backend;
  if (options.listeners.empty()) options.listeners.push_back({"127.0.0.1:0"});
  auto mu = t.mu;
  auto lines = t.lines;
  options.log = [mu, lines](absl::string_view line) {
    std::lock_guard<std::mutex> lock(*mu);
    lines->emplace_back(line);
  };
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Create(std::move(options), std::move(factory));
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return t;
  t.server = std::move(*server);
  EXPECT_EQ(t.server->backend(), g_backend) << "no fallback expected";
  absl::Status s = t.server->Start();
  EXPECT_TRUE(s.ok()) << s;
  return t;
}

std::unique_ptr<Framer> Make(const std::string& spec) {
  absl::StatusOr<std::unique_ptr<Framer>> f = MakeFramer(spec);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? std::move(*f) : nullptr;
}

std::unique_ptr<FramedConnection> Dial(const std::string& address, const Framer& framer) {
  absl::StatusOr<ConnectedSocket> s = address[0] == '/' || address[0] == '@'
                                          ? ConnectUnix(address, LongDeadline())
                                          : ConnectTcp(address, LongDeadline());
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return nullptr;
  return std::make_unique<FramedConnection>(std::move(*s), framer);
}

// The next frame, or "<error: ...>" / "<eof>".
std::string Next(FramedConnection& c, absl::Time deadline = LongDeadline()) {
  absl::StatusOr<std::optional<absl::string_view>> f = c.Receive(deadline);
  if (!f.ok()) return absl::StrCat("<error: ", f.status().ToString(), ">");
  if (!f->has_value()) return "<eof>";
  return std::string(**f);
}

std::string Payload(int client, int frame, size_t size) {
  std::string p = absl::StrCat(client, ".", frame, ":");
  while (p.size() < size) p.push_back(static_cast<char>('a' + (p.size() + client + frame) % 26));
  p.resize(std::max(size, p.size()));
  return p;
}

// ---- Echo ----

class ServerTest : public ::testing::TestWithParam<ServerOptions::Backend> {
 protected:
  void SetUp() override { g_backend = GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Backends, ServerTest,
                         ::testing::Values(ServerOptions::Backend::kEpoll,
                                           ServerOptions::Backend::kIoUring),
                         [](const auto& info) { return BackendName(info.param); });

class EveryFramerTest
    : public ::testing::TestWithParam<std::tuple<ServerOptions::Backend, const char*>> {
 protected:
  void SetUp() override { g_backend = std::get<0>(GetParam()); }
};

TEST_P(EveryFramerTest, EchoesEveryFrameInOrderAcrossLoops) {
  const std::string spec = std::get<1>(GetParam());
  std::unique_ptr<Framer> framer = Make(spec);
  ServerOptions options;
  options.framer_spec = spec;
  options.loops = 3;
  TestServer t = Start(options, EchoFactory());
  ASSERT_NE(t.server, nullptr);
  constexpr int kClients = 6;
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(Dial(t.address(), *framer));
  const size_t size = absl::StartsWith(spec, "fixed") ? 8 : 0;
  for (int c = 0; c < kClients; ++c) {
    std::vector<std::string> payloads;
    for (int f = 0; f < 50; ++f)
      payloads.push_back(size ? Payload(c, f, size).substr(0, size) : Payload(c, f, f * 7 % 300));
    std::vector<absl::string_view> views(payloads.begin(), payloads.end());
    FK_ASSERT_OK(clients[c]->SendBatch(views, LongDeadline()));
    for (const std::string& p : payloads) ASSERT_EQ(Next(*clients[c]), p) << "client " << c;
  }
  for (auto& c : clients) FK_ASSERT_OK(c->ShutdownWrite());
  for (auto& c : clients) EXPECT_EQ(Next(*c), "<eof>");
  t.server->Shutdown(LongDeadline());
  ServerStats stats = t.server->stats();
  EXPECT_EQ(stats.accepted, static_cast<uint64_t>(kClients));
  EXPECT_EQ(stats.frames_in, static_cast<uint64_t>(kClients * 50));
  EXPECT_EQ(stats.frames_out, static_cast<uint64_t>(kClients * 50));
  EXPECT_EQ(stats.bytes_in, stats.bytes_out);
  EXPECT_EQ(stats.closed_by(CloseReason::kPeerClosed), static_cast<uint64_t>(kClients));
  EXPECT_EQ(stats.connections_open, 0u);
  EXPECT_TRUE(t.Log().empty()) << t.Log()[0];
}

INSTANTIATE_TEST_SUITE_P(
    Framers, EveryFramerTest,
    ::testing::Combine(::testing::Values(ServerOptions::Backend::kEpoll,
                                         ServerOptions::Backend::kIoUring),
                       ::testing::Values("length:width=4", "length:width=varint",
                                         "length:width=2,order=little,offset=1", "delimiter",
                                         "delimiter:delim=\\r\\n", "fixed:size=8", "ascii:digits=5",
                                         "netstring")));

// batch_sends = false (a write per frame, for measuring): the echoes still arrive whole and in
// order, including runs of many frames from one read.
TEST_P(ServerTest, UnbatchedSendsEchoEveryFrameInOrder) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  options.batch_sends = false;
  class BatchEcho : public ConnectionHandler {  // SendBatch per run of frames, as framecat does
   public:
    void OnFrame(Connection& conn, absl::string_view frame) override { (void)conn.Send(frame); }
    void OnFrames(Connection& conn, absl::Span<const absl::string_view> frames) override {
      absl::Status s = conn.SendBatch(frames);
      EXPECT_TRUE(s.ok()) << s;
    }
  };
  TestServer t = Start(options, [] { return std::make_unique<BatchEcho>(); });
  std::unique_ptr<FramedConnection> c = Dial(t.address(), *framer);
  std::vector<std::string> payloads;
  for (int f = 0; f < 300; ++f) payloads.push_back(Payload(1, f, 10 + f * 37 % 5000));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  FK_ASSERT_OK(c->SendBatch(views, LongDeadline()));
  for (const std::string& p : payloads) ASSERT_EQ(Next(*c), p);
  EXPECT_EQ(t.server->stats().frames_out, payloads.size());
}

TEST_P(ServerTest, ConnectionsAreSpreadOverEveryLoop) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  LoopCounts counts(4);
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 4;
  TestServer t = Start(options, counts.Factory());
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(Dial(t.address(), *framer));
    FK_ASSERT_OK(clients.back()->Send("hi", LongDeadline()));
    EXPECT_EQ(Next(*clients.back()), "hi");
  }
  EXPECT_THAT(counts.Get(), ::testing::ElementsAre(2, 2, 2, 2));
}

// SO_REUSEPORT: a listener per loop on one port; the kernel spreads the connections (by a hash,
// so not evenly), each loop accepts its own, and every one is served.
TEST_P(ServerTest, ReusePortListenerPerLoopServesEveryConnectionOnEveryLoop) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  LoopCounts counts(4);
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 4;
  options.reuse_port = true;
  TestServer t = Start(options, counts.Factory());
  ASSERT_EQ(t.server->local_addresses().size(), 1u);
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int i = 0; i < 64; ++i) {
    clients.push_back(Dial(t.address(), *framer));
    FK_ASSERT_OK(clients.back()->Send(absl::StrCat("hi ", i), LongDeadline()));
  }
  for (int i = 0; i < 64; ++i) EXPECT_EQ(Next(*clients[i]), absl::StrCat("hi ", i));
  int total = 0;
  for (int n : counts.Get()) {
    EXPECT_GT(n, 0) << "a loop got no connection (chance about 4e-8 if spread at random)";
    total += n;
  }
  EXPECT_EQ(total, 64);
}

// Hundreds of clients, thousands of frames each way, every byte checked, from one thread.
TEST_P(ServerTest, HundredsOfClientsThousandsOfFramesAllEchoed) {
  std::unique_ptr<Framer> framer = Make("length:width=varint");
  ServerOptions options;
  options.framer_spec = "length:width=varint";
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  constexpr int kClients = 200;
  constexpr int kFrames = 40;
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(Dial(t.address(), *framer));
  // Everyone sends first (the echoes wait in the kernel and the server's queues), then reads.
  for (int c = 0; c < kClients; ++c) {
    std::vector<std::string> payloads;
    for (int f = 0; f < kFrames; ++f)
      payloads.push_back(Payload(c, f, 1 + (c * 31 + f * 17) % 200));
    std::vector<absl::string_view> views(payloads.begin(), payloads.end());
    FK_ASSERT_OK(clients[c]->SendBatch(views, LongDeadline()));
  }
  for (int c = 0; c < kClients; ++c) {
    for (int f = 0; f < kFrames; ++f) {
      ASSERT_EQ(Next(*clients[c]), Payload(c, f, 1 + (c * 31 + f * 17) % 200));
    }
  }
  EXPECT_EQ(t.server->stats().frames_out, static_cast<uint64_t>(kClients * kFrames));
}

// ---- Backpressure ----

TEST_P(ServerTest, ClientThatStopsReadingPausesItsReadsNothingDroppedOthersServed) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  std::atomic<size_t> max_queued{0};
  std::atomic<int> unwritable{0}, writable_again{0};
  class Watch : public Echo {
   public:
    Watch(std::atomic<size_t>* m, std::atomic<int>* u, std::atomic<int>* w)
        : max_(m), unwritable_(u), writable_(w) {}
    void OnFrame(Connection& conn, absl::string_view frame) override {
      Echo::OnFrame(conn, frame);
      size_t q = conn.queued_bytes();
      size_t m = max_->load();
      while (q > m && !max_->compare_exchange_weak(m, q)) {
      }
    }
    void OnWritabilityChanged(Connection& conn) override {
      ++*(conn.writable() ? writable_ : unwritable_);
    }
    std::atomic<size_t>* max_;
    std::atomic<int>* unwritable_;
    std::atomic<int>* writable_;
  };
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  options.output_low_watermark = 16 * 1024;
  options.output_high_watermark = 64 * 1024;
  options.read_size = 16 * 1024;             // epoll: what one read takes in
  options.io_uring_buffer_size = 16 * 1024;  // io_uring: what one completion brings
  TestServer t = Start(
      options, [&] { return std::make_unique<Watch>(&max_queued, &unwritable, &writable_again); });

  std::unique_ptr<FramedConnection> hog = Dial(t.address(), *framer);
  std::unique_ptr<FramedConnection> good = Dial(t.address(), *framer);
  // The hog sends 32 MiB without reading: far more than the kernel buffers and the watermark.
  constexpr int kFrames = 2048;
  const std::string payload(16 * 1024, 'h');
  std::atomic<int> sent{0};
  std::thread sender([&] {
    for (int i = 0; i < kFrames; ++i) {
      absl::Status s = hog->Send(payload, LongDeadline());
      if (!s.ok()) {
        ADD_FAILURE() << s;
        return;
      }
      ++sent;
    }
  });
  // The hog is soon stuck: the server stopped reading it, the kernel buffers are full.
  for (absl::Time end = LongDeadline(); unwritable.load() == 0 && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_GE(unwritable.load(), 1);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_LT(sent.load(), kFrames) << "the server swallowed everything the hog sent";
  // Meanwhile the other client is served.
  for (int i = 0; i < 20; ++i) {
    FK_ASSERT_OK(good->Send(absl::StrCat("still here ", i), LongDeadline()));
    ASSERT_EQ(Next(*good), absl::StrCat("still here ", i));
  }
  // Bounded: at most the high watermark plus the echoes of one read.
  EXPECT_LE(max_queued.load(), options.output_high_watermark + options.read_size + 4 * 1024);
  // The hog reads again: every echo arrives, none dropped.
  for (int i = 0; i < kFrames; ++i) {
    std::string got = Next(*hog);
    if (got != payload) {
      sender.detach();
      FAIL() << "echo " << i << ": " << got.substr(0, 80);
    }
  }
  sender.join();
  EXPECT_GE(writable_again.load(), 1);
  EXPECT_GE(t.server->stats().paused, 1u);
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kOutputStalled), 0u);
  // Every byte counted once, those taken in while the hog was paused included.
  uint64_t good_bytes = 0;
  for (int i = 0; i < 20; ++i) good_bytes += 4 + absl::StrCat("still here ", i).size();
  const uint64_t want = kFrames * (4 + payload.size()) + good_bytes;
  for (absl::Time end = LongDeadline(); t.server->stats().bytes_in < want && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(t.server->stats().bytes_in, want);
}

TEST_P(ServerTest, OutputStallTimeoutDropsAClientThatNeverReads) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.output_high_watermark = 64 * 1024;
  options.output_stall_timeout = absl::Milliseconds(200);
  TestServer t = Start(options, EchoFactory());
  absl::StatusOr<ConnectedSocket> hog = ConnectTcp(t.address(), LongDeadline());
  ASSERT_TRUE(hog.ok());
  const std::string hog_name = SocketAddress::LocalOf(hog->fd.get())->ToString();
  std::string chunk;
  for (int i = 0; i < 16; ++i) FK_ASSERT_OK(framer->Encode(std::string(16 * 1024, 'x'), &chunk));
  absl::Status s;
  for (int i = 0; i < 4096 && s.ok(); ++i) s = WriteAll(hog->fd.get(), chunk, LongDeadline());
  EXPECT_TRUE(IsPeerGone(s)) << s;
  ASSERT_TRUE(t.WaitForLog(absl::StrCat("closing ", hog_name, ": RESOURCE_EXHAUSTED")));
  EXPECT_EQ(t.CountLog(hog_name), 1);
  EXPECT_THAT(t.Log()[0], HasSubstr("over the high watermark of 65536 bytes"));
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kOutputStalled), 1u);
}

// ---- Limits ----

TEST_P(ServerTest, IdleClientIsClosedActiveOneIsNot) {
  std::unique_ptr<Framer> framer = Make("delimiter");
  ServerOptions options;
  options.framer_spec = "delimiter";
  options.idle_timeout = absl::Milliseconds(300);
  TestServer t = Start(options, EchoFactory());
  std::unique_ptr<FramedConnection> idle = Dial(t.address(), *framer);
  std::unique_ptr<FramedConnection> busy = Dial(t.address(), *framer);
  FK_ASSERT_OK(idle->Send("one byte then nothing", LongDeadline()));
  EXPECT_EQ(Next(*idle), "one byte then nothing");
  const absl::Time start = absl::Now();
  for (int i = 0; absl::Now() - start < absl::Milliseconds(900); ++i) {
    FK_ASSERT_OK(busy->Send(absl::StrCat(i), LongDeadline()));
    ASSERT_EQ(Next(*busy), absl::StrCat(i));
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(Next(*idle), "<eof>");  // closed, after its echo
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kIdleTimeout), 1u);
  EXPECT_TRUE(t.WaitForLog("idle_timeout=300ms"));
}

TEST_P(ServerTest, OverMaxConnectionsIsClosedAtOnceAndCounted) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.max_connections = 2;
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  std::unique_ptr<FramedConnection> a = Dial(t.address(), *framer);
  std::unique_ptr<FramedConnection> b = Dial(t.address(), *framer);
  FK_ASSERT_OK(a->Send("a", LongDeadline()));
  FK_ASSERT_OK(b->Send("b", LongDeadline()));
  EXPECT_EQ(Next(*a), "a");
  EXPECT_EQ(Next(*b), "b");
  std::unique_ptr<FramedConnection> c = Dial(t.address(), *framer);
  (void)c->Send("c", LongDeadline());
  EXPECT_THAT(Next(*c), ::testing::AnyOf("<eof>", HasSubstr("peer closed")));
  EXPECT_EQ(t.server->stats().refused, 1u);
  FK_ASSERT_OK(a->Send("still", LongDeadline()));
  EXPECT_EQ(Next(*a), "still");
  // Once one closes, a new one is served.
  b.reset();
  for (absl::Time end = LongDeadline();
       t.server->stats().connections_open > 1 && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  std::unique_ptr<FramedConnection> d = Dial(t.address(), *framer);
  FK_ASSERT_OK(d->Send("d", LongDeadline()));
  EXPECT_EQ(Next(*d), "d");
}

TEST_P(ServerTest, BadFrameClosesAfterTheRepliesOwedForEarlierFramesLoggedOnce) {
  std::unique_ptr<Framer> framer = Make("netstring:max=64");
  ServerOptions options;
  options.framer_spec = "netstring:max=64";
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  std::unique_ptr<FramedConnection> good = Dial(t.address(), *framer);
  absl::StatusOr<ConnectedSocket> bad = ConnectTcp(t.address(), LongDeadline());
  ASSERT_TRUE(bad.ok());
  const std::string bad_name = SocketAddress::LocalOf(bad->fd.get())->ToString();
  FK_ASSERT_OK(WriteAll(bad->fd.get(), "5:hello,05:oops,", LongDeadline()));
  absl::StatusOr<std::string> got = framekit::testing::ReadAll(bad->fd.get(), LongDeadline());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "5:hello,") << "the frame before the bad one is answered, the bad one is not";
  ASSERT_TRUE(t.WaitForLog(absl::StrCat("closing ", bad_name, ": INVALID_ARGUMENT")));
  EXPECT_EQ(t.CountLog(bad_name), 1);
  for (int i = 0; i < 5; ++i) {
    FK_ASSERT_OK(good->Send(absl::StrCat("good ", i), LongDeadline()));
    EXPECT_EQ(Next(*good), absl::StrCat("good ", i));
  }
  // Counted when the close completes, which may be just after the log line.
  for (absl::Time end = LongDeadline();
       t.server->stats().closed_by(CloseReason::kBadFrame) == 0 && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kBadFrame), 1u);
}

TEST_P(ServerTest, OverMaxHeaderIsRefusedBeforeItsPayload) {
  ServerOptions options;
  options.framer_spec = "length:width=4,max=1KiB";
  TestServer t = Start(options, EchoFactory());
  absl::StatusOr<ConnectedSocket> bad = ConnectTcp(t.address(), LongDeadline());
  ASSERT_TRUE(bad.ok());
  FK_ASSERT_OK(WriteAll(bad->fd.get(), std::string("\x00\x10\x00\x00", 4), LongDeadline()));
  absl::StatusOr<std::string> got = framekit::testing::ReadAll(bad->fd.get(), LongDeadline());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "");
  EXPECT_TRUE(t.WaitForLog("RESOURCE_EXHAUSTED"));
}

// ---- Lifecycle ----

TEST_P(ServerTest, ShutdownAnswersFramesAlreadySentThenCloses) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  constexpr int kClients = 10;
  constexpr int kFrames = 500;
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(Dial(t.address(), *framer));
    FK_ASSERT_OK(clients.back()->Send("hello", LongDeadline()));
    ASSERT_EQ(Next(*clients.back()), "hello");  // accepted and served
  }
  for (int c = 0; c < kClients; ++c) {
    std::vector<std::string> payloads;
    for (int f = 0; f < kFrames; ++f) payloads.push_back(Payload(c, f, 64));
    std::vector<absl::string_view> views(payloads.begin(), payloads.end());
    FK_ASSERT_OK(clients[c]->SendBatch(views, LongDeadline()));
  }
  std::thread stopper([&] { t.server->Shutdown(LongDeadline()); });
  for (int c = 0; c < kClients; ++c) {
    for (int f = 0; f < kFrames; ++f) ASSERT_EQ(Next(*clients[c]), Payload(c, f, 64));
    EXPECT_EQ(Next(*clients[c]), "<eof>");
  }
  stopper.join();
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kShutdown), static_cast<uint64_t>(kClients));
  EXPECT_EQ(t.server->stats().frames_out, static_cast<uint64_t>(kClients * (kFrames + 1)));
  // No longer accepting.
  absl::StatusOr<ConnectedSocket> late = ConnectTcp(t.address(), absl::Now() + absl::Seconds(2));
  EXPECT_FALSE(late.ok());
}

TEST_P(ServerTest, ShutdownDeadlineClosesConnectionsThatOweBytesToANonReader) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  // Whether the hog's output is above the watermark right now.
  std::atomic<bool> unwritable{false};
  class Watch : public Echo {
   public:
    explicit Watch(std::atomic<bool>* unwritable) : unwritable_(unwritable) {}
    void OnWritabilityChanged(Connection& conn) override { *unwritable_ = !conn.writable(); }
    std::atomic<bool>* unwritable_;
  };
  ServerOptions options;
  options.framer_spec = "length:width=4";
  TestServer t = Start(options, [&] { return std::make_unique<Watch>(&unwritable); });
  std::unique_ptr<FramedConnection> hog = Dial(t.address(), *framer);
  int small = 4096;  // so that the echoes back up in the server, not in the hog's kernel buffer
  ASSERT_EQ(::setsockopt(hog->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
  std::vector<std::string> payloads(256, std::string(64 * 1024, 'z'));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  std::thread sender([&] { (void)hog->SendBatch(views, absl::Now() + absl::Seconds(30)); });
  // Stuck: the hog's output is above the watermark and, for three samples 200 ms apart, the
  // server has neither read from the hog nor written to it (its kernel buffers toward the hog are
  // full). (On a slow machine -- ThreadSanitizer -- a shorter quiet spell can be a stall of the
  // loop, after which the output drains.)
  uint64_t last_in = ~uint64_t{0}, last_out = ~uint64_t{0};
  int quiet = 0;
  for (absl::Time end = LongDeadline(); absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(200))) {
    const ServerStats stats = t.server->stats();
    quiet =
        (unwritable && stats.bytes_in == last_in && stats.bytes_out == last_out) ? quiet + 1 : 0;
    if (quiet == 3) break;
    last_in = stats.bytes_in;
    last_out = stats.bytes_out;
  }
  ASSERT_EQ(quiet, 3) << "the hog never got stuck";
  const absl::Time start = absl::Now();
  t.server->Shutdown(absl::Now() + absl::Milliseconds(300));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  sender.join();
  EXPECT_EQ(t.server->stats().connections_open, 0u);
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kShutdown), 1u);
  EXPECT_EQ(t.CountLog("shutdown deadline passed with"), 1)
      << (t.Log().empty() ? "(no log)" : t.Log()[0]);
}

TEST_P(ServerTest, HandlerRepliesFromAnotherThread) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  class Offload : public ConnectionHandler {
   public:
    void OnFrame(Connection& conn, absl::string_view frame) override {
      ConnectionHandle h = conn.handle();
      std::string copy(frame);
      workers_.emplace_back([h, copy] {
        absl::SleepFor(absl::Milliseconds(1));
        EXPECT_TRUE(h.Post([copy](Connection& c) { (void)c.Send(absl::StrCat("done: ", copy)); }));
      });
    }
    void OnClose(Connection&, const absl::Status&) override {
      for (std::thread& w : workers_) w.join();
    }
    std::vector<std::thread> workers_;
  };
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  TestServer t = Start(options, [] { return std::make_unique<Offload>(); });
  std::unique_ptr<FramedConnection> c = Dial(t.address(), *framer);
  std::set<std::string> expected, got;
  for (int i = 0; i < 50; ++i) {
    FK_ASSERT_OK(c->Send(absl::StrCat(i), LongDeadline()));
    expected.insert(absl::StrCat("done: ", i));
  }
  for (int i = 0; i < 50; ++i) got.insert(Next(*c));
  EXPECT_EQ(got, expected);
}

TEST_P(ServerTest, PostToAClosedConnectionIsDroppedAndToAStoppedServerFails) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  std::mutex mu;
  std::vector<ConnectionHandle> handles;
  class Keep : public Echo {
   public:
    Keep(std::mutex* mu, std::vector<ConnectionHandle>* h) : mu_(mu), h_(h) {}
    void OnOpen(Connection& conn) override {
      std::lock_guard<std::mutex> lock(*mu_);
      h_->push_back(conn.handle());
    }
    std::mutex* mu_;
    std::vector<ConnectionHandle>* h_;
  };
  ServerOptions options;
  options.framer_spec = "length:width=4";
  TestServer t = Start(options, [&] { return std::make_unique<Keep>(&mu, &handles); });
  std::unique_ptr<FramedConnection> c = Dial(t.address(), *framer);
  FK_ASSERT_OK(c->Send("x", LongDeadline()));
  EXPECT_EQ(Next(*c), "x");
  FK_ASSERT_OK(c->ShutdownWrite());
  EXPECT_EQ(Next(*c), "<eof>");
  ConnectionHandle h;
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(handles.size(), 1u);
    h = handles[0];
  }
  std::atomic<bool> ran{false};
  EXPECT_TRUE(h.Post([&](Connection&) { ran = true; }));  // the loop is alive
  t.server->Shutdown(LongDeadline());
  EXPECT_FALSE(ran.load()) << "work for a closed connection runs";
  EXPECT_FALSE(h.Post([](Connection&) {}));
}

TEST_P(ServerTest, UnixListenerWithFileModeAndTcpListenerWithOwnFramer) {
  // TEST_TMPDIR can be longer than a socket path may be (107 bytes).
  char dir[] = "/tmp/fk_server_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = absl::StrCat(dir, "/s.sock");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  ListenerOptions unix_listener;
  unix_listener.address = path;
  unix_listener.unix_mode = 0660;
  options.listeners.push_back(unix_listener);
  ListenerOptions tcp_listener;
  tcp_listener.address = "127.0.0.1:0";
  tcp_listener.framer_spec = "delimiter";
  options.listeners.push_back(tcp_listener);
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  std::unique_ptr<Framer> length = Make("length:width=4");
  std::unique_ptr<Framer> lines = Make("delimiter");
  std::unique_ptr<FramedConnection> u = Dial(path, *length);
  std::unique_ptr<FramedConnection> d = Dial(t.address(1), *lines);
  FK_ASSERT_OK(u->Send("over unix", LongDeadline()));
  FK_ASSERT_OK(d->Send("over tcp", LongDeadline()));
  EXPECT_EQ(Next(*u), "over unix");
  EXPECT_EQ(Next(*d), "over tcp");
  t.server.reset();
  EXPECT_NE(::stat(path.c_str(), &st), 0) << "the socket file is removed";
  ::rmdir(dir);
}

TEST_P(ServerTest, Ipv6Listener) {
  absl::StatusOr<Listener> probe = ListenTcp("[::1]:0");
  if (!probe.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << probe.status();
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.listeners.push_back({"[::1]:0"});
  TestServer t = Start(options, EchoFactory());
  std::unique_ptr<FramedConnection> c = Dial(t.address(), *framer);
  FK_ASSERT_OK(c->Send("v6", LongDeadline()));
  EXPECT_EQ(Next(*c), "v6");
}

TEST_P(ServerTest, BadOptionsAreRefusedWithTheLimit) {
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.listeners.push_back({"127.0.0.1:0"});
  options.output_low_watermark = 100;
  options.output_high_watermark = 50;
  absl::StatusOr<std::unique_ptr<Server>> s = Server::Create(options, EchoFactory());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("low 100, high 50"));
  options.output_low_watermark = 10;
  options.framer_spec = "length:width=3";
  s = Server::Create(options, EchoFactory());
  EXPECT_FALSE(s.ok());
  options.framer_spec = "";
  s = Server::Create(options, EchoFactory());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("no framer"));
  options.framer_spec = "length:width=4";
  options.listeners[0].unix_mode = 0600;
  s = Server::Create(options, EchoFactory());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("unix_mode"));
}

// ---- io_uring only ----

class UringTest : public ::testing::Test {
 protected:
  void SetUp() override { g_backend = ServerOptions::Backend::kIoUring; }
};

// Two provided buffers for 40 busy connections: the ring runs dry again and again (ENOBUFS ends a
// connection's multishot recv), the recv is re-armed, and no byte is lost or reordered.
TEST_F(UringTest, TinyBufferRingRunsDryWithoutLosingBytes) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  options.io_uring_buffers = 2;
  options.io_uring_buffer_size = 1024;
  TestServer t = Start(options, EchoFactory());
  constexpr int kClients = 40;
  constexpr int kFrames = 200;
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(Dial(t.address(), *framer));
  std::vector<std::thread> senders;
  for (int c = 0; c < kClients; ++c) {
    senders.emplace_back([&, c] {
      std::vector<std::string> payloads;
      for (int f = 0; f < kFrames; ++f) payloads.push_back(Payload(c, f, 100 + (c + f) % 300));
      std::vector<absl::string_view> views(payloads.begin(), payloads.end());
      EXPECT_TRUE(clients[c]->SendBatch(views, LongDeadline()).ok());
    });
  }
  for (int c = 0; c < kClients; ++c) {
    for (int f = 0; f < kFrames; ++f) {
      ASSERT_EQ(Next(*clients[c]), Payload(c, f, 100 + (c + f) % 300)) << "client " << c;
    }
  }
  for (std::thread& th : senders) th.join();
  EXPECT_GT(t.server->stats().receive_buffers_exhausted, 0u) << "the ring never ran dry";
}

// Clients that reset their connection while the server has receives and sends in the kernel for
// them: the others are served, and (under ASan) nothing is used after it is freed.
TEST_F(UringTest, PeersResettingWithOperationsInFlight) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  std::unique_ptr<FramedConnection> good = Dial(t.address(), *framer);
  for (int round = 0; round < 20; ++round) {
    std::vector<absl::StatusOr<ConnectedSocket>> bad;
    for (int i = 0; i < 10; ++i) bad.push_back(ConnectTcp(t.address(), LongDeadline()));
    std::string wire;
    for (int f = 0; f < 64; ++f) FK_ASSERT_OK(framer->Encode(std::string(4000, 'r'), &wire));
    for (auto& b : bad) {
      ASSERT_TRUE(b.ok());
      (void)WriteAll(b->fd.get(), wire, LongDeadline());
      struct linger hard = {1, 0};  // close() sends a reset, unread echoes and all
      ::setsockopt(b->fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    }
    bad.clear();
    FK_ASSERT_OK(good->Send(absl::StrCat("round ", round), LongDeadline()));
    ASSERT_EQ(Next(*good), absl::StrCat("round ", round));
  }
  for (absl::Time end = LongDeadline();
       t.server->stats().connections_open > 1 && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(t.server->stats().connections_open, 1u);
}

// Shutdown with receives armed and sends in flight on many connections (clients that never read):
// the operations are cancelled, the loops drain them and return by the deadline.
TEST_F(UringTest, ShutdownCancelsPendingOperations) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.loops = 2;
  TestServer t = Start(options, EchoFactory());
  std::vector<absl::StatusOr<ConnectedSocket>> clients;
  std::string wire;
  for (int f = 0; f < 256; ++f) FK_ASSERT_OK(framer->Encode(std::string(4000, 's'), &wire));
  for (int i = 0; i < 30; ++i) {
    clients.push_back(ConnectTcp(t.address(), LongDeadline()));
    ASSERT_TRUE(clients.back().ok());
    (void)WriteAll(clients.back()->fd.get(), wire, absl::Now() + absl::Milliseconds(200));
  }
  const absl::Time start = absl::Now();
  t.server->Shutdown(absl::Now() + absl::Milliseconds(200));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(t.server->stats().connections_open, 0u);
}

// ---- io_uring direct reads of large frames (ServerOptions::io_uring_direct_read_min_bytes) ----

// Each test runs with direct reads off (0: every byte through the buffer ring, as a control) and
// from 16 KiB missing; the counters show which path served.
class DirectReadTest : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override { g_backend = ServerOptions::Backend::kIoUring; }
  ServerOptions Options(const std::string& spec) const {
    ServerOptions options;
    options.framer_spec = spec;
    options.loops = 2;
    options.io_uring_direct_read_min_bytes = GetParam();
    return options;
  }
  void ExpectPath(const Server& server) const {
    const ServerStats s = server.stats();
    if (GetParam() == 0) {
      EXPECT_EQ(s.receive_bytes_direct, 0u);
    } else {
      // How much depends on timing: a frame whose bytes are all in before the switch comes
      // through the ring (the benchmark measures the share).
      EXPECT_GT(s.receive_bytes_direct, 0u) << "every byte went through the ring";
    }
    EXPECT_LE(s.receive_bytes_direct + s.receive_bytes_copied, s.bytes_in);
  }
};

INSTANTIATE_TEST_SUITE_P(Threshold, DirectReadTest, ::testing::Values(size_t{0}, size_t{16384}),
                         [](const auto& info) {
                           return info.param == 0 ? std::string("Off")
                                                  : absl::StrCat("From", info.param);
                         });

// Large and small frames mixed, with every framer that knows a frame's size before its payload:
// each echo intact and in order, while the connections switch between the ring and direct reads.
TEST_P(DirectReadTest, MixedSizesEchoIntactWithEveryFramerThatKnowsTheSize) {
  struct Case {
    const char* spec;
    std::vector<size_t> sizes;
  };
  const Case cases[] = {
      {"length:width=4,max=4MiB", {1, 100, 20000, 70000, 1 << 20, 16, 3 << 20, 40000, 300000}},
      {"netstring:max=4194304", {5, 300000, 17, 1 << 20, 65536, 2}},
      {"fixed:size=200000", {200000, 200000, 200000}},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.spec);
    std::unique_ptr<Framer> framer = Make(k.spec);
    TestServer t = Start(Options(k.spec), EchoFactory());
    constexpr int kClients = 3;
    constexpr int kRounds = 2;
    std::vector<std::unique_ptr<FramedConnection>> clients;
    for (int c = 0; c < kClients; ++c) clients.push_back(Dial(t.address(), *framer));
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
      threads.emplace_back([&, c] {
        for (int r = 0; r < kRounds; ++r) {
          for (size_t i = 0; i < k.sizes.size(); ++i) {
            const int f = r * 100 + static_cast<int>(i);
            EXPECT_TRUE(clients[c]->Send(Payload(c, f, k.sizes[i]), LongDeadline()).ok());
          }
        }
      });
      threads.emplace_back([&, c] {
        for (int r = 0; r < kRounds; ++r) {
          for (size_t i = 0; i < k.sizes.size(); ++i) {
            const int f = r * 100 + static_cast<int>(i);
            const std::string got = Next(*clients[c]);
            const std::string want = Payload(c, f, k.sizes[i]);
            EXPECT_TRUE(got == want) << "client " << c << " frame " << f << ": got " << got.size()
                                     << " bytes (" << got.substr(0, 80) << ")";
            if (got != want) return;
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();
    for (const std::string& line : t.Log()) ADD_FAILURE() << "server log: " << line;
    ExpectPath(*t.server);
  }
}

// A client that sends large frames and does not read the echoes: the server stops reading it
// above the high watermark, with a direct read outstanding or not, loses nothing, and every echo
// arrives once the client reads.
TEST_P(DirectReadTest, NonReaderOfLargeEchoesIsPausedThenGetsThemAll) {
  const std::string spec = "length:width=4,max=4MiB";
  std::unique_ptr<Framer> framer = Make(spec);
  TestServer t = Start(Options(spec), EchoFactory());
  std::unique_ptr<FramedConnection> client = Dial(t.address(), *framer);
  constexpr int kFrames = 12;
  std::thread sender([&] {
    for (int f = 0; f < kFrames; ++f) {
      EXPECT_TRUE(client->Send(Payload(0, f, 700000), LongDeadline()).ok());
    }
  });
  for (absl::Time end = LongDeadline(); t.server->stats().paused == 0 && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GT(t.server->stats().paused, 0u);
  absl::SleepFor(absl::Milliseconds(100));  // paused for a while
  for (int f = 0; f < kFrames; ++f) {
    const std::string got = Next(*client);
    ASSERT_TRUE(got == Payload(0, f, 700000)) << "frame " << f << ": got " << got.size();
  }
  sender.join();
  ExpectPath(*t.server);
}

// Clients that stop in the middle of a large frame while a direct read waits for its rest: one
// closes (the stream ended inside a frame), one resets, one goes idle (closed by idle_timeout),
// and one is still mid-frame at shutdown. Each read is cancelled and drained (under ASan: no
// write into freed memory), and a good client is served throughout.
TEST_P(DirectReadTest, PeersStoppingMidFrameWithADirectReadPending) {
  const std::string spec = "length:width=4,max=4MiB";
  std::unique_ptr<Framer> framer = Make(spec);
  ServerOptions options = Options(spec);
  options.idle_timeout = absl::Milliseconds(400);
  TestServer t = Start(options, EchoFactory());
  std::string wire;
  FK_ASSERT_OK(framer->Encode(std::string(1 << 20, 'm'), &wire));
  auto start_frame = [&]() -> absl::StatusOr<ConnectedSocket> {
    absl::StatusOr<ConnectedSocket> s = ConnectTcp(t.address(), LongDeadline());
    if (!s.ok()) return s;
    // A first part, then a second after the server has had time to switch to a direct read.
    if (absl::Status w = WriteAll(s->fd.get(), wire.substr(0, 100000), LongDeadline()); !w.ok()) {
      return w;
    }
    absl::SleepFor(absl::Milliseconds(50));
    if (absl::Status w = WriteAll(s->fd.get(), wire.substr(100000, 100000), LongDeadline());
        !w.ok()) {
      return w;
    }
    return s;
  };
  std::unique_ptr<FramedConnection> good = Dial(t.address(), *framer);
  absl::StatusOr<ConnectedSocket> closer = start_frame();
  absl::StatusOr<ConnectedSocket> resetter = start_frame();
  absl::StatusOr<ConnectedSocket> idler = start_frame();
  ASSERT_TRUE(closer.ok() && resetter.ok() && idler.ok());
  absl::SleepFor(absl::Milliseconds(50));
  if (GetParam() != 0) {
    EXPECT_GT(t.server->stats().receive_bytes_direct, 0u) << "no direct read was made";
  }
  closer->fd = SocketFd();
  struct linger hard = {1, 0};
  ::setsockopt(resetter->fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  resetter->fd = SocketFd();
  for (int i = 0; i < 5; ++i) {  // busy for longer than the idle timeout
    FK_ASSERT_OK(good->Send(absl::StrCat("ping ", i), LongDeadline()));
    ASSERT_EQ(Next(*good), absl::StrCat("ping ", i));
    absl::SleepFor(absl::Milliseconds(150));
  }
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kBadFrame), 1u) << "the closer";
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kSocketError), 1u) << "the resetter";
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kIdleTimeout), 1u) << "the idler";
  EXPECT_EQ(t.server->stats().connections_open, 1u);
  absl::StatusOr<ConnectedSocket> late = start_frame();
  ASSERT_TRUE(late.ok());
  absl::SleepFor(absl::Milliseconds(20));
  const absl::Time start = absl::Now();
  t.server->Shutdown(absl::Now() + absl::Milliseconds(300));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(t.server->stats().connections_open, 0u);
}

// ---- io_uring zero-copy sends (ServerOptions::io_uring_send_zc_min_bytes) ----

// Each test runs with send_zc off (0: the plain send path, as a control) and on for sends of
// 4 KiB and more; the counter shows which path served.
class SendZcTest : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override { g_backend = ServerOptions::Backend::kIoUring; }
  ServerOptions Options() const {
    ServerOptions options;
    options.framer_spec = "length:width=4,max=4MiB";
    options.max_output_bytes = 16 << 20;
    options.loops = 2;
    options.io_uring_send_zc_min_bytes = GetParam();
    return options;
  }
  void ExpectPath(const Server& server) const {
    if (GetParam() == 0) {
      EXPECT_EQ(server.stats().zero_copy_sends, 0u);
    } else {
      EXPECT_GT(server.stats().zero_copy_sends, 0u) << "no send went out as send_zc";
    }
  }
};

INSTANTIATE_TEST_SUITE_P(Threshold, SendZcTest, ::testing::Values(size_t{0}, size_t{4096}),
                         [](const auto& info) {
                           return info.param == 0 ? std::string("Plain")
                                                  : absl::StrCat("ZcFrom", info.param);
                         });

// Payloads from 1 B to 3 MiB, several clients at once: every echo intact and in order, although
// each zero-copy buffer is reused only after its notification.
TEST_P(SendZcTest, LargePayloadsEchoIntactAndInOrder) {
  std::unique_ptr<Framer> framer = Make("length:width=4,max=4MiB");
  TestServer t = Start(Options(), EchoFactory());
  const size_t sizes[] = {1, 4096, 65536, 1 << 20, 3 << 20, 100, 70000};
  constexpr int kClients = 4;
  std::vector<std::unique_ptr<FramedConnection>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(Dial(t.address(), *framer));
  // Each client sends and reads at once (a client read only after the others could block its
  // sender past the deadline on a slow machine: the server stops reading it above the watermark).
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < std::size(sizes); ++i) {
          const std::string p = Payload(c, round * 10 + static_cast<int>(i), sizes[i]);
          EXPECT_TRUE(clients[c]->Send(p, LongDeadline()).ok());
        }
      }
    });
    threads.emplace_back([&, c] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < std::size(sizes); ++i) {
          const std::string got = Next(*clients[c]);
          const std::string want = Payload(c, round * 10 + static_cast<int>(i), sizes[i]);
          EXPECT_TRUE(got == want)
              << "client " << c << " round " << round << " size " << sizes[i] << ": got "
              << got.size() << " bytes (" << got.substr(0, 80) << ")";
          if (got != want) return;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::string& line : t.Log()) ADD_FAILURE() << "server log: " << line;
  ExpectPath(*t.server);
}

// Clients that send large frames, never read their echoes and reset the connection while the
// server has zero-copy sends (and their notifications) in the kernel: each is closed and freed
// (under ASan: nothing used after it is freed), and a good client is still served.
TEST_P(SendZcTest, PeerResettingWithZeroCopySendsInFlightIsFreed) {
  std::unique_ptr<Framer> framer = Make("length:width=4,max=4MiB");
  TestServer t = Start(Options(), EchoFactory());
  std::unique_ptr<FramedConnection> good = Dial(t.address(), *framer);
  std::string wire;
  for (int f = 0; f < 8; ++f) FK_ASSERT_OK(framer->Encode(std::string(256 * 1024, 'r'), &wire));
  for (int round = 0; round < 5; ++round) {
    std::vector<absl::StatusOr<ConnectedSocket>> bad;
    for (int i = 0; i < 6; ++i) bad.push_back(ConnectTcp(t.address(), LongDeadline()));
    for (auto& b : bad) {
      ASSERT_TRUE(b.ok());
      (void)WriteAll(b->fd.get(), wire, absl::Now() + absl::Milliseconds(500));
    }
    absl::SleepFor(absl::Milliseconds(20));  // the echoes are being sent
    for (auto& b : bad) {
      struct linger hard = {1, 0};  // close() sends a reset, unread echoes and all
      ::setsockopt(b->fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    }
    bad.clear();
    const std::string p = Payload(0, round, 200000);
    FK_ASSERT_OK(good->Send(p, LongDeadline()));
    ASSERT_EQ(Next(*good), p);
  }
  for (absl::Time end = LongDeadline();
       t.server->stats().connections_open > 1 && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(t.server->stats().connections_open, 1u);
  ExpectPath(*t.server);
}

// Clients that never read, with tiny receive buffers: the server's last sends cannot leave its
// socket, so their zero-copy notifications never come by themselves. Shutdown still returns
// soon after its deadline (the sockets are reset) with every connection closed and freed.
TEST_P(SendZcTest, ShutdownWithNotificationsPendingReturnsByTheDeadline) {
  std::unique_ptr<Framer> framer = Make("length:width=4,max=4MiB");
  TestServer t = Start(Options(), EchoFactory());
  std::vector<std::unique_ptr<FramedConnection>> clients;
  std::vector<std::thread> senders;
  std::vector<std::string> payloads(24, std::string(128 * 1024, 'n'));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  for (int i = 0; i < 6; ++i) {
    clients.push_back(Dial(t.address(), *framer));
    int small = 4096;
    ASSERT_EQ(::setsockopt(clients.back()->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
  }
  for (auto& c : clients) {
    FramedConnection* conn = c.get();
    senders.emplace_back(
        [conn, &views] { (void)conn->SendBatch(views, absl::Now() + absl::Seconds(3)); });
  }
  // Until the server has sent what fits and stopped (its output above the watermark).
  uint64_t last_out = ~uint64_t{0};
  for (absl::Time end = LongDeadline(); absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(200));
    const uint64_t out = t.server->stats().bytes_out;
    if (out > 0 && out == last_out) break;
    last_out = out;
  }
  ExpectPath(*t.server);
  const absl::Time start = absl::Now();
  t.server->Shutdown(absl::Now() + absl::Milliseconds(300));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(t.server->stats().connections_open, 0u);
  EXPECT_EQ(t.server->stats().closed_by(CloseReason::kShutdown), clients.size());
  for (std::thread& th : senders) th.join();
}

TEST(BackendTest, AutoFallsBackToEpollWithOneLogLineAndServes) {
  g_backend = ServerOptions::Backend::kAuto;
  std::unique_ptr<Framer> framer = Make("length:width=4");
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.listeners.push_back({"127.0.0.1:0"});
  options.testing_io_uring_unavailable = true;
  std::vector<std::string> lines;
  options.log = [&lines](absl::string_view line) { lines.emplace_back(line); };
  options.backend = ServerOptions::Backend::kAuto;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Create(options, EchoFactory());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->backend(), ServerOptions::Backend::kEpoll);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("io_uring unavailable, using epoll"));
  EXPECT_THAT(lines[0], HasSubstr("testing_io_uring_unavailable"));
  FK_ASSERT_OK((*server)->Start());
  std::unique_ptr<FramedConnection> c = Dial((*server)->local_addresses()[0].ToString(), *framer);
  FK_ASSERT_OK(c->Send("served", LongDeadline()));
  EXPECT_EQ(Next(*c), "served");

  options.backend = ServerOptions::Backend::kIoUring;  // asked for explicitly: an error instead
  absl::StatusOr<std::unique_ptr<Server>> strict = Server::Create(options, EchoFactory());
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(strict.status().message(), HasSubstr("testing_io_uring_unavailable"));
}

TEST(BackendTest, AutoUsesIoUringWhereItCanBeSetUp) {
  ServerOptions options;
  options.framer_spec = "length:width=4";
  options.listeners.push_back({"127.0.0.1:0"});
  options.backend = ServerOptions::Backend::kAuto;
  std::vector<std::string> lines;
  options.log = [&lines](absl::string_view line) { lines.emplace_back(line); };
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Create(options, EchoFactory());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->backend(), ServerOptions::Backend::kIoUring)
      << (lines.empty() ? "" : lines[0]);
  EXPECT_TRUE(lines.empty());
}

}  // namespace
}  // namespace framekit
