#include "framekit/transport/framed_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/listener.h"
#include "framekit/transport/poller.h"
#include "framekit/transport/stream_io.h"
#include "framekit/transport/tcp.h"
#include "framekit/transport/testing/faulty_stream.h"
#include "framekit/transport/unix_socket.h"
#include "gtest/gtest.h"
#include "tests/transport/test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::LongDeadline;
using ::framekit::testing::RandomBytes;
using ::framekit::testing::ReadAll;

std::unique_ptr<Framer> MakeFramerOrDie(absl::string_view spec) {
  absl::StatusOr<std::unique_ptr<Framer>> f = MakeFramer(spec);
  EXPECT_TRUE(f.ok()) << spec << ": " << f.status();
  return f.ok() ? *std::move(f) : nullptr;
}

// Two connected sockets, `a` and `b`, with the name each has for the other.
struct Pair {
  SocketFd a, b;
  std::string a_peer = "pair-b", b_peer = "pair-a";
};

enum class Kind { kSocketPair, kUnix, kTcp };

std::string KindName(Kind k) {
  switch (k) {
    case Kind::kSocketPair:
      return "SocketPair";
    case Kind::kUnix:
      return "Unix";
    case Kind::kTcp:
      return "Tcp";
  }
  return "?";
}

Pair MakeConnected(Kind kind) {
  Pair p;
  if (kind == Kind::kSocketPair) {
    absl::StatusOr<std::pair<SocketFd, SocketFd>> sp = SocketPair();
    EXPECT_TRUE(sp.ok()) << sp.status();
    if (!sp.ok()) return p;
    p.a = std::move(sp->first);
    p.b = std::move(sp->second);
    return p;
  }
  static std::atomic<int> counter{0};
  absl::StatusOr<Listener> l = kind == Kind::kTcp
                                   ? ListenTcp("127.0.0.1:0")
                                   : ListenUnix(absl::StrCat("@framekit-framed-connection-test-",
                                                             ::getpid(), "-", ++counter));
  EXPECT_TRUE(l.ok()) << l.status();
  if (!l.ok()) return p;
  std::string where = l->local_address().ToString();
  absl::StatusOr<ConnectedSocket> c =
      kind == Kind::kTcp ? ConnectTcp(where, LongDeadline()) : ConnectUnix(where, LongDeadline());
  EXPECT_TRUE(c.ok()) << c.status();
  if (!c.ok()) return p;
  absl::StatusOr<ConnectedSocket> s = Accept(*l, LongDeadline());
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return p;
  p.a = std::move(c->fd);
  p.a_peer = c->peer.ToString();
  p.b = std::move(s->fd);
  p.b_peer = kind == Kind::kTcp ? s->peer.ToString() : "unix-client";
  return p;
}

// Random payloads the framer of `spec` accepts: exact size for "fixed", no '\n' for "delimiter",
// empty ones included wherever allowed.
std::vector<std::string> PayloadsFor(absl::string_view spec, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    size_t size;
    if (absl::StartsWith(spec, "fixed")) {
      size = 64;
    } else if (rng() % 10 == 0) {
      size = 0;
    } else if (rng() % 10 == 0) {
      size = 512 + rng() % 8000;  // by reference in SendBatch
    } else {
      size = rng() % 600;
    }
    std::string p = RandomBytes(size, rng());
    if (absl::StartsWith(spec, "delimiter")) {
      for (char& c : p) c = static_cast<char>('a' + static_cast<unsigned char>(c) % 26);
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Receives until a clean end of stream; fails the test on any error.
std::vector<std::string> ReceiveAll(FramedConnection& conn) {
  std::vector<std::string> got;
  for (;;) {
    absl::StatusOr<std::optional<absl::string_view>> f = conn.Receive(LongDeadline());
    EXPECT_TRUE(f.ok()) << f.status();
    if (!f.ok() || !f->has_value()) return got;
    got.emplace_back(**f);
  }
}

// ---- Fault injection: every framer kind, both directions cut, interrupted and refused ----

class FramedConnectionFaults : public ::testing::TestWithParam<const char*> {};

TEST_P(FramedConnectionFaults, EveryFrameArrivesIntactAndInOrderThroughShortOpsEintrEagain) {
  const std::string spec = GetParam();
  std::unique_ptr<Framer> framer = MakeFramerOrDie(spec);
  ASSERT_NE(framer, nullptr);
  Pair p = MakeConnected(Kind::kSocketPair);
  const std::vector<std::string> payloads = PayloadsFor(spec, 1500, 11);

  FaultyIo writer_faults(FaultyIo::Options{/*seed=*/3});
  FaultyIo reader_faults(FaultyIo::Options{/*seed=*/4});
  FramedConnectionOptions wo, ro;
  wo.io_ops = &writer_faults.ops();
  ro.io_ops = &reader_faults.ops();
  ro.read_size = 4096;
  FramedConnection writer(std::move(p.a), p.a_peer, *framer, wo);
  FramedConnection reader(std::move(p.b), p.b_peer, *framer, ro);

  absl::Status write_status;
  std::thread t([&] {
    // Alternate single sends and batches of varying length, so both paths meet the faults.
    std::mt19937_64 rng(5);
    size_t i = 0;
    while (i < payloads.size() && write_status.ok()) {
      if (rng() % 3 == 0) {
        write_status = writer.Send(payloads[i++], LongDeadline());
        continue;
      }
      size_t n = std::min<size_t>(1 + rng() % 100, payloads.size() - i);
      std::vector<absl::string_view> batch(payloads.begin() + i, payloads.begin() + i + n);
      write_status = writer.SendBatch(batch, LongDeadline());
      i += n;
    }
    if (write_status.ok()) write_status = writer.ShutdownWrite();
  });
  std::vector<std::string> got = ReceiveAll(reader);
  t.join();
  ASSERT_TRUE(write_status.ok()) << write_status;
  ASSERT_EQ(got.size(), payloads.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], payloads[i]) << "frame " << i;

  for (const FaultyIo* f : {&writer_faults, &reader_faults}) {
    FaultyIo::Stats s = f->stats();
    EXPECT_GT(s.shortened, 10u);
    EXPECT_GT(s.injected_eintr, 0u);
    EXPECT_GT(s.injected_eagain, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(AllFramerKinds, FramedConnectionFaults,
                         ::testing::Values("delimiter", "fixed:size=64", "length:width=4",
                                           "length:width=varint", "ascii:digits=5", "netstring"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name;
                           for (const char* c = info.param; *c; ++c) {
                             if (std::isalnum(static_cast<unsigned char>(*c))) name += *c;
                           }
                           return name;
                         });

// ---- Every transport: socketpair, Unix socket, loopback TCP ----

class FramedConnectionTransports : public ::testing::TestWithParam<Kind> {};

TEST_P(FramedConnectionTransports, SendSendBatchAndReceiveRoundTripBothWays) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(GetParam());
  ASSERT_TRUE(p.a.valid() && p.b.valid());
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  EXPECT_EQ(a.peer(), p.a_peer);
  EXPECT_EQ(&a.framer(), framer.get());

  FK_ASSERT_OK(a.Send("ping", LongDeadline()));
  absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ(**f, "ping");

  std::vector<absl::string_view> batch = {"one", "", "three"};
  FK_ASSERT_OK(b.SendBatch(batch, LongDeadline()));
  FK_ASSERT_OK(b.ShutdownWrite());
  EXPECT_EQ(ReceiveAll(a), std::vector<std::string>({"one", "", "three"}));
  EXPECT_EQ(a.decoder().stream_offset(), 3 * 4 + 3 + 0 + 5u);
}

TEST_P(FramedConnectionTransports, ConnectedSocketConstructorNamesThePeer) {
  if (GetParam() == Kind::kSocketPair) GTEST_SKIP() << "no address";
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(GetParam());
  ConnectedSocket cs;
  cs.fd = std::move(p.a);
  absl::StatusOr<SocketAddress> peer = SocketAddress::PeerOf(cs.fd.get());
  ASSERT_TRUE(peer.ok()) << peer.status();
  cs.peer = *peer;
  FramedConnection a(std::move(cs), *framer);
  EXPECT_EQ(a.peer(), peer->ToString());
  FK_ASSERT_OK(a.Send("x", LongDeadline()));
  absl::StatusOr<std::string> raw = ReadAll(p.b.get(), LongDeadline(), {}, 4);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, "1:x,");
}

INSTANTIATE_TEST_SUITE_P(Transports, FramedConnectionTransports,
                         ::testing::Values(Kind::kSocketPair, Kind::kUnix, Kind::kTcp),
                         [](const ::testing::TestParamInfo<Kind>& info) {
                           return KindName(info.param);
                         });

// ---- Many small frames, one large frame ----

TEST(FramedConnection, ThousandSmallFramesInOneSendBatchAllReceivedOverTcp) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kTcp);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> payloads;
  for (int i = 0; i < 1000; ++i) payloads.push_back(RandomBytes(16, i));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  std::thread t([&] {
    FK_EXPECT_OK(a.SendBatch(views, LongDeadline()));
    FK_EXPECT_OK(a.ShutdownWrite());
  });
  std::vector<std::string> got = ReceiveAll(b);
  t.join();
  EXPECT_EQ(got, payloads);
}

// copy_threshold 0: two iovecs per frame, so one SendBatch spans many IOV_MAX-sized writes.
TEST(FramedConnection, SendBatchByReferenceBeyondIovMaxAllReceivedOverUnixSocket) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kUnix);
  FramedConnectionOptions o;
  o.copy_threshold = 0;
  FramedConnection a(std::move(p.a), p.a_peer, *framer, o);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> payloads;
  for (int i = 0; i < 5000; ++i) payloads.push_back(RandomBytes(1 + i % 7, i));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  std::thread t([&] {
    FK_EXPECT_OK(a.SendBatch(views, LongDeadline()));
    FK_EXPECT_OK(a.ShutdownWrite());
  });
  std::vector<std::string> got = ReceiveAll(b);
  t.join();
  EXPECT_EQ(got, payloads);
}

TEST(FramedConnection, ThousandFramesInOneRawWriteAllAllReceived) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=varint");
  Pair p = MakeConnected(Kind::kTcp);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> payloads;
  std::string wire;
  for (int i = 0; i < 1000; ++i) {
    payloads.push_back(RandomBytes(i % 200, i));
    FK_ASSERT_OK(framer->Encode(payloads.back(), &wire));
  }
  std::thread t([&] {
    FK_EXPECT_OK(WriteAll(p.a.get(), wire, LongDeadline()));
    FK_EXPECT_OK(ShutdownWrite(p.a.get()));
  });
  std::vector<std::string> got = ReceiveAll(b);
  t.join();
  EXPECT_EQ(got, payloads);
}

// Many frames arriving together are cut from a few large reads, not one read per header.
TEST(FramedConnection, ReceiveReadsReadSizeChunksNotOneReadPerFrame) {
  struct Counter {
    std::atomic<int> reads{0};
  };
  static Counter counter;
  counter.reads = 0;
  IoOps ops = DefaultIoOps();
  ops.read = [](void*, int fd, void* buf, size_t n) {
    ++counter.reads;
    return DefaultIoOps().read(nullptr, fd, buf, n);
  };
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=2");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.io_ops = &ops;
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer, o);
  std::vector<std::string> payloads(1000, std::string(16, 'x'));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  FK_ASSERT_OK(a.SendBatch(views, LongDeadline()));  // 18 KB: fits the socket buffer
  FK_ASSERT_OK(a.ShutdownWrite());
  EXPECT_EQ(ReceiveAll(b).size(), 1000u);
  EXPECT_LE(counter.reads.load(), 4);  // one 18 KB read (maybe split by the kernel) and EOF
}

// Reads are sized by Decoder::NextReadSize: inside a large frame whose header is in, each read asks
// for exactly what completes the frame (at most read_size), so the frame is never moved; inside a
// small one, for its rest plus whole frames of its size; right after a frame of at most half a
// read, with nothing buffered, for whole frames of that size; after a larger one, for what the
// reads since the buffer was last empty took; any other read asks for read_size. Checked against
// the stream offsets of every read, whatever sizes the kernel returns.
TEST(FramedConnection, ReadsInsideALargeFrameAskForItsRest) {
  struct Log {
    std::mutex mu;
    std::vector<std::pair<size_t, ssize_t>> reads;  // (asked, returned)
  };
  static Log log;
  log.reads.clear();
  IoOps ops = DefaultIoOps();
  ops.read = [](void*, int fd, void* buf, size_t n) {
    const ssize_t got = DefaultIoOps().read(nullptr, fd, buf, n);
    std::lock_guard<std::mutex> lock(log.mu);
    log.reads.emplace_back(n, got);
    return got;
  };
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.io_ops = &ops;
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer, o);
  const std::vector<size_t> sizes = {100000, 40000, 1000, 65536, 65536, 10, 200000, 32000, 70000};
  std::vector<std::string> sent;
  for (size_t i = 0; i < sizes.size(); ++i) sent.push_back(RandomBytes(sizes[i], 40 + i));
  std::thread writer([&] {
    for (const std::string& f : sent) FK_EXPECT_OK(a.Send(f, LongDeadline()));
    FK_EXPECT_OK(a.ShutdownWrite());
  });
  const std::vector<std::string> got = ReceiveAll(b);
  writer.join();
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) EXPECT_TRUE(got[i] == sent[i]) << "frame " << i;

  std::vector<size_t> ends;  // Stream offset where each frame ends (4-byte header + payload).
  for (size_t s : sizes) ends.push_back((ends.empty() ? 0 : ends.back()) + 4 + s);
  const size_t read_size = FramedConnectionOptions().read_size;
  size_t offset = 0;
  size_t empty_at = 0;  // stream offset where the buffer was last empty at a read
  int hinted = 0;
  int large = 0;
  for (const auto& [asked, returned] : log.reads) {
    const size_t f = std::upper_bound(ends.begin(), ends.end(), offset) - ends.begin();
    size_t want = read_size;
    if (f < ends.size()) {
      const size_t start = ends[f] - 4 - sizes[f];
      const bool header_in = offset >= start + 4;
      const size_t frame = 4 + sizes[f];
      const size_t rest = ends[f] - offset;
      if (header_in && frame >= read_size / 2) want = std::min(read_size, rest);
      // A small frame: its rest plus whole frames of its size, ending on a guessed boundary, the
      // buffered part and the read within read_size.
      if (header_in && frame < read_size / 2) want = rest + (read_size - frame) / frame * frame;
      // Nothing buffered, right after a frame: whole frames of that frame's size.
      const size_t last = f > 0 ? 4 + sizes[f - 1] : 0;
      if (offset == start && f > 0 && last <= read_size / 2) {
        want = read_size - read_size % last;
      }
    }
    // Nothing buffered after a frame over half a read (the last one too): as many bytes as the
    // reads since the buffer was last empty took, at least read_size, within the room the buffer
    // has (which this model does not know: a range; read_size if the buffer was freed).
    const size_t last = f > 0 ? 4 + sizes[f - 1] : 0;
    const bool at_boundary = f > 0 && offset == ends[f - 1];
    if (at_boundary && last > read_size / 2) {
      const size_t run = offset - empty_at;
      EXPECT_GE(asked, read_size) << "read at stream offset " << offset;
      EXPECT_LE(asked, std::max(read_size, run)) << "read at stream offset " << offset;
      large += asked > read_size;
    } else {
      EXPECT_EQ(asked, want) << "read at stream offset " << offset;
    }
    if (at_boundary && returned > 0) empty_at = offset;  // not on EAGAIN: the read is retried
    hinted += want != read_size;
    if (returned > 0) offset += static_cast<size_t>(returned);  // -1: EAGAIN/EINTR, retried.
  }
  EXPECT_EQ(offset, ends.back());
  EXPECT_GT(hinted, 0);  // The large frames did take sized reads.
  EXPECT_GT(large, 0);   // ...and a frame larger than a read was asked for whole at least once.
}

TEST(FramedConnection, SixteenMibFrameOverLoopbackTcp) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=32MiB");
  Pair p = MakeConnected(Kind::kTcp);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  const std::string big = RandomBytes(16 << 20, 99);
  std::optional<std::string> got;
  absl::Status read_status;
  std::thread reader([&] {
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    if (!f.ok()) {
      read_status = f.status();
    } else if (f->has_value()) {
      got = std::string(**f);
    }
  });
  FK_EXPECT_OK(a.Send(big, LongDeadline()));
  reader.join();
  ASSERT_TRUE(read_status.ok()) << read_status;
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), big.size());
  EXPECT_TRUE(*got == big) << "bytes differ";
}

TEST(FramedConnection, ReadSizeOfOneStillDeliversEveryFrame) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.read_size = 1;
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer, o);
  std::vector<absl::string_view> batch = {"hello", "", "world"};
  FK_ASSERT_OK(a.SendBatch(batch, LongDeadline()));
  FK_ASSERT_OK(a.ShutdownWrite());
  EXPECT_EQ(ReceiveAll(b), std::vector<std::string>({"hello", "", "world"}));
}

// ---- Ends of stream ----

// Writes `bytes` raw, closes the writing socket, and returns what Receive makes of the stream
// after the frames that were complete.
absl::Status ReceiveAfterPeerCloses(absl::string_view spec, absl::string_view bytes,
                                    int complete_frames) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie(spec);
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  FK_EXPECT_OK(WriteAll(p.a.get(), bytes, LongDeadline()));
  p.a.reset();
  for (int i = 0; i < complete_frames; ++i) {
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    EXPECT_TRUE(f.ok() && f->has_value()) << "frame " << i;
  }
  absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
  if (!f.ok()) return f.status();
  if (f->has_value()) return absl::InternalError("unexpected frame");
  return absl::OkStatus();
}

TEST(FramedConnection, PeerClosingMidHeaderIsDataLoss) {
  absl::Status s = ReceiveAfterPeerCloses("length:width=4", std::string("\0\0\0\2hi\0\0", 8), 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
}

TEST(FramedConnection, PeerClosingMidPayloadIsDataLoss) {
  absl::Status s =
      ReceiveAfterPeerCloses("length:width=4", std::string("\0\0\0\2hi\0\0\0\5abc", 12), 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  s = ReceiveAfterPeerCloses("delimiter", "line\npartial", 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
}

TEST(FramedConnection, CleanCloseBetweenFramesIsNulloptEveryTime) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  FK_ASSERT_OK(WriteAll(p.a.get(), "2:hi,0:,", LongDeadline()));
  p.a.reset();
  EXPECT_EQ(ReceiveAll(b), std::vector<std::string>({"hi", ""}));
  for (int i = 0; i < 2; ++i) {  // and stays there
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_FALSE(f->has_value());
  }
}

// ReceiveBatch: every frame of a 1,000-frame batch, in order, in far fewer calls than frames;
// then 0 at the clean end of stream, and again after it.
TEST(FramedConnection, ReceiveBatchDeliversManyFramesPerCallThenZeroAtEof) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kTcp);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> payloads;
  for (int i = 0; i < 1000; ++i) payloads.push_back(RandomBytes(16, i));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  std::thread t([&] {
    FK_EXPECT_OK(a.SendBatch(views, LongDeadline()));
    FK_EXPECT_OK(a.ShutdownWrite());
  });
  std::vector<std::string> got;
  size_t calls = 0;
  for (;;) {
    absl::StatusOr<size_t> n =
        b.ReceiveBatch([&](absl::string_view f) { got.emplace_back(f); }, LongDeadline());
    ASSERT_TRUE(n.ok()) << n.status();
    if (*n == 0) break;
    ++calls;
  }
  t.join();
  EXPECT_EQ(got, payloads);
  EXPECT_LT(calls, payloads.size() / 10);
  absl::StatusOr<size_t> again = b.ReceiveBatch([](absl::string_view) {}, LongDeadline());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

// Receive() decodes frames ahead in batches; whichever receiving call comes next must hand those
// out first, in order, before anything read later.
TEST(FramedConnection, ReceiveThenReceiveBatchThenReadAvailableKeepOrder) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("delimiter");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::string wire;
  for (int i = 0; i < 300; ++i) absl::StrAppend(&wire, i, "\n");
  FK_ASSERT_OK(WriteAll(p.a.get(), wire, LongDeadline()));
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
    got.emplace_back(**f);
  }
  absl::StatusOr<size_t> n =
      b.ReceiveBatch([&](absl::string_view frame) { got.emplace_back(frame); }, LongDeadline());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_GE(*n, 1u);
  if (got.size() < 300) {  // Else a Receive would wait for more bytes until its deadline.
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
    got.emplace_back(**f);
  }
  p.a.reset();
  for (;;) {
    absl::StatusOr<FramedConnection::ReadState> st =
        b.ReadAvailable([&](absl::string_view frame) { got.emplace_back(frame); });
    ASSERT_TRUE(st.ok()) << st.status();
    if (*st == FramedConnection::ReadState::kEndOfStream) break;
  }
  ASSERT_EQ(got.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(got[i], absl::StrCat(i));
}

// The batch form hands the frames of a read over in runs (up to 64), after any decoded ahead.
TEST(FramedConnection, ReadAvailableBatchDeliversRunsInOrder) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> payloads;
  for (int i = 0; i < 200; ++i) payloads.push_back(absl::StrCat("frame ", i));
  std::vector<absl::string_view> views(payloads.begin(), payloads.end());
  FK_ASSERT_OK(a.SendBatch(views, LongDeadline()));
  absl::StatusOr<std::optional<absl::string_view>> first = b.Receive(LongDeadline());
  ASSERT_TRUE(first.ok() && first->has_value());
  std::vector<std::string> got = {std::string(**first)};
  size_t runs = 0, largest = 0;
  while (got.size() < payloads.size()) {
    absl::StatusOr<FramedConnection::ReadState> st =
        b.ReadAvailableBatch([&](absl::Span<const absl::string_view> run) {
          ++runs;
          largest = std::max(largest, run.size());
          for (absl::string_view f : run) got.emplace_back(f);
        });
    ASSERT_TRUE(st.ok()) << st.status();
  }
  EXPECT_EQ(got, payloads);
  EXPECT_GT(largest, 1u);
  EXPECT_LE(largest, 64u);
  EXPECT_LT(runs, payloads.size() / 2);
}

TEST(FramedConnection, ReleaseIdleMemoryFreesEmptyBuffersButKeepsAPartialFrame) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  FK_ASSERT_OK(WriteAll(p.a.get(), "2:hi,5:he", LongDeadline()));
  std::vector<std::string> got;
  absl::StatusOr<FramedConnection::ReadState> st =
      b.ReadAvailable([&](absl::string_view f) { got.emplace_back(f); });
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(got, std::vector<std::string>{"hi"});
  b.ReleaseIdleMemory();
  EXPECT_GT(b.decoder().buffer_capacity(), 0u) << "a partial frame is kept";
  FK_ASSERT_OK(WriteAll(p.a.get(), "llo,", LongDeadline()));
  st = b.ReadAvailable([&](absl::string_view f) { got.emplace_back(f); });
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(got, (std::vector<std::string>{"hi", "hello"}));
  b.ReleaseIdleMemory();
  EXPECT_EQ(b.decoder().buffer_capacity(), 0u);
}

// Completion-style input: whole frames come out as views into the caller's bytes; only a frame
// that straddles into the next input is copied.
TEST(FramedConnection, DeliverDecodesInPlaceAndCopiesOnlyTheStraddlingFrame) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  const std::string first = "2:hi,5:hello,3:ab";  // the last frame continues below
  std::vector<std::string> got;
  std::vector<const char*> where;
  auto collect = [&](absl::Span<const absl::string_view> run) {
    for (absl::string_view f : run) {
      got.emplace_back(f);
      where.push_back(f.data());
    }
  };
  absl::StatusOr<FramedConnection::ReadState> st = b.Deliver(first, collect);
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(got, (std::vector<std::string>{"hi", "hello"}));
  EXPECT_EQ(where[0], first.data() + 2) << "decoded in place";
  EXPECT_EQ(where[1], first.data() + 7);
  EXPECT_EQ(b.copied_in_bytes(), 4u) << "only '3:ab' is copied";
  EXPECT_EQ(b.delivered_in_place_bytes(), first.size() - 4);
  const std::string second = "c,1:z,";  // "c," completes "abc" (copied); "1:z," is whole
  st = b.Deliver(second, collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(got, (std::vector<std::string>{"hi", "hello", "abc", "z"}));
  EXPECT_EQ(b.copied_in_bytes(), 4u + 2u) << "only the straddling frame's missing 'c,'";
  EXPECT_EQ(where[3], second.data() + 4) << "the frames after it decoded in place";
  st = b.Deliver("0:,", collect);  // empty again: in place
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(got.back(), "");
  EXPECT_EQ(b.copied_in_bytes(), 6u);
  EXPECT_EQ(b.delivered_in_place_bytes(), first.size() - 4 + 4 + 3);
  st = b.DeliverEndOfStream(collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(*st, FramedConnection::ReadState::kEndOfStream);
}

// BeginDirectRead: a large frame's rest goes straight into the decoder, one read at a time, and
// so does the next large frame (header included); a small frame ends it. Nothing is copied after
// the first input, and every frame comes out whole and in order.
TEST(FramedConnection, DirectReadTakesALargeFramesRestAndTheLargeFramesAfterIt) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=8MiB");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  const std::string one = RandomBytes(1 << 20, 11);
  const std::string two = RandomBytes(300000, 12);
  std::string wire;
  FK_ASSERT_OK(framer->Encode(one, &wire));
  FK_ASSERT_OK(framer->Encode(two, &wire));
  FK_ASSERT_OK(framer->Encode("tail", &wire));
  std::vector<std::string> got;
  auto collect = [&](absl::Span<const absl::string_view> run) {
    for (absl::string_view f : run) got.emplace_back(f);
  };
  EXPECT_TRUE(b.BeginDirectRead(16 * 1024).empty()) << "no header yet";
  absl::StatusOr<FramedConnection::ReadState> st = b.Deliver(wire.substr(0, 1000), collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(b.BeginDirectRead(0).empty()) << "0: never";
  EXPECT_TRUE(b.BeginDirectRead(2 << 20).empty()) << "fewer bytes missing than the minimum";
  std::thread writer([&] { FK_EXPECT_OK(WriteAll(p.a.get(), wire.substr(1000), LongDeadline())); });
  size_t reads = 0;
  while (got.size() < 3) {
    const size_t offered = b.DirectReadSize(16 * 1024);
    absl::Span<char> space = b.BeginDirectRead(16 * 1024);
    ASSERT_FALSE(space.empty()) << "left the direct path after " << got.size() << " frames";
    EXPECT_EQ(space.size(), offered);
    EXPECT_EQ(b.DirectReadSize(16 * 1024), 0u) << "a read is outstanding";
    const size_t missing = b.decoder().frame_bytes_missing();
    if (missing > 0) {
      EXPECT_LE(space.size(), missing) << "a read past the frame being filled";
    }
    if (reads == 0) {
      // While the read is outstanding the decoder's buffer must not move: no other input.
      EXPECT_EQ(b.Deliver("x", collect).status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(b.Buffer("x").code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_TRUE(b.BeginDirectRead(16 * 1024).empty()) << "one read at a time";
    }
    absl::StatusOr<size_t> n = ReadSome(b.fd(), space, LongDeadline());
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    b.EndDirectRead(*n);
    ++reads;
    st = b.Deliver({}, collect);
    ASSERT_TRUE(st.ok()) << st.status();
  }
  writer.join();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got[0] == one) << "the first large frame differs";
  EXPECT_TRUE(got[1] == two) << "the second large frame differs";
  EXPECT_EQ(got[2], "tail");
  EXPECT_TRUE(b.BeginDirectRead(16 * 1024).empty()) << "a small frame ends the direct path";
  EXPECT_EQ(b.direct_read_bytes(), wire.size() - 1000);
  EXPECT_EQ(b.copied_in_bytes(), 1000u) << "only the first input's partial frame";
}

// Completion-style input in any mix -- ring-buffer chunks of any size through Deliver, direct
// reads of any length (cancelled ones included), deliveries stopped early and resumed -- gives
// exactly the frames that were sent, with every framer. The bytes come from memory: what is
// checked is the bookkeeping, not the socket.
TEST(FramedConnection, DeliverAndDirectReadsInAnyMixGiveTheFramesSent) {
  struct Case {
    const char* spec;
    size_t fixed;  // fixed-length frames: their size
  };
  const Case cases[] = {{"length:width=4,max=1MiB", 0},
                        {"length:width=varint,max=1MiB", 0},
                        {"netstring:max=1048576", 0},
                        {"ascii:digits=7,max=1048576", 0},
                        {"delimiter", 0},
                        {"fixed:size=30000", 30000}};
  for (const Case& k : cases) {
    for (uint32_t seed = 1; seed <= 6; ++seed) {
      SCOPED_TRACE(absl::StrCat(k.spec, " seed ", seed));
      std::mt19937 rng(seed);
      auto pick = [&](size_t lo, size_t hi) {
        return std::uniform_int_distribution<size_t>(lo, hi)(rng);
      };
      std::unique_ptr<Framer> framer = MakeFramerOrDie(k.spec);
      std::vector<std::string> sent;
      std::string wire;
      for (int f = 0; f < 40; ++f) {
        size_t size = k.fixed;
        if (size == 0) size = pick(0, 3) == 0 ? pick(16 * 1024, 200 * 1024) : pick(0, 300);
        std::string payload = RandomBytes(size, seed * 100 + f);
        if (absl::StartsWith(k.spec, "delimiter")) {
          std::replace(payload.begin(), payload.end(), '\n', 'n');
        }
        FK_ASSERT_OK(framer->Encode(payload, &wire));
        sent.push_back(std::move(payload));
      }
      Pair p = MakeConnected(Kind::kSocketPair);  // only to construct the connection
      FramedConnectionOptions options;
      options.read_size = pick(0, 1) ? 64 * 1024 : pick(1, 4096);
      options.max_idle_read_buffer = pick(0, 1) ? 0 : 128 * 1024;
      FramedConnection b(std::move(p.b), p.b_peer, *framer, options);
      std::vector<std::string> got;
      bool stop = false;
      auto collect = [&](absl::Span<const absl::string_view> run) {
        for (absl::string_view f : run) got.emplace_back(f);
        if (pick(0, 7) == 0) stop = true;  // "the output is full": hold the rest for a while
      };
      size_t pos = 0;
      size_t direct = 0;
      while (pos < wire.size() || stop) {
        if (stop) {
          stop = false;
          absl::StatusOr<FramedConnection::ReadState> st = b.Deliver({}, collect, &stop);
          ASSERT_TRUE(st.ok()) << st.status();
          continue;
        }
        const size_t min = pick(0, 2) == 0 ? 1 : 16 * 1024;
        absl::Span<char> space = b.BeginDirectRead(min);
        if (!space.empty()) {
          const size_t n = std::min({space.size(), wire.size() - pos,
                                     pick(0, 3) == 0 ? size_t{0} : pick(1, space.size())});
          std::memcpy(space.data(), wire.data() + pos, n);
          b.EndDirectRead(n);
          pos += n;
          direct += n;
          absl::StatusOr<FramedConnection::ReadState> st = b.Deliver({}, collect, &stop);
          ASSERT_TRUE(st.ok()) << st.status();
          continue;
        }
        const size_t n = std::min(wire.size() - pos, pick(1, 40000));
        absl::StatusOr<FramedConnection::ReadState> st =
            b.Deliver(absl::string_view(wire).substr(pos, n), collect, &stop);
        ASSERT_TRUE(st.ok()) << st.status();
        pos += n;
      }
      absl::StatusOr<FramedConnection::ReadState> st = b.DeliverEndOfStream(collect);
      ASSERT_TRUE(st.ok()) << st.status();
      EXPECT_EQ(*st, FramedConnection::ReadState::kEndOfStream);
      ASSERT_EQ(got.size(), sent.size());
      for (size_t i = 0; i < sent.size(); ++i) ASSERT_TRUE(got[i] == sent[i]) << "frame " << i;
      EXPECT_EQ(b.direct_read_bytes(), direct);
      EXPECT_GT(direct, 0u) << "the direct path was never taken";
    }
  }
}

// A header alone claims 8 MiB: the direct read asks for one read's worth, and each later read at
// most as much as is buffered, so memory follows the bytes that arrive, not the claim.
TEST(FramedConnection, DirectReadGrowsWithBytesReceivedNotWithAHeadersClaim) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=8MiB");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::string header;
  FK_ASSERT_OK(framer->Encode(std::string((8 << 20) - 16, 'h'), &header));
  header.resize(4);
  absl::StatusOr<FramedConnection::ReadState> st =
      b.Deliver(header, [](absl::Span<const absl::string_view>) { ADD_FAILURE() << "a frame"; });
  ASSERT_TRUE(st.ok()) << st.status();
  absl::Span<char> space = b.BeginDirectRead(1);
  EXPECT_EQ(space.size(), FramedConnectionOptions().read_size);
  EXPECT_LT(b.decoder().buffer_capacity(), size_t{1} << 20);
  const std::string chunk(space.size(), 'h');
  FK_ASSERT_OK(WriteAll(p.a.get(), chunk, LongDeadline()));
  size_t got = 0;
  while (got < chunk.size()) {
    absl::StatusOr<size_t> n = ReadSome(b.fd(), space.subspan(got), LongDeadline());
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    got += *n;
  }
  b.EndDirectRead(got);
  EXPECT_TRUE(b.BeginDirectRead(1).empty()) << "before the frames it may complete are delivered";
  st = b.Deliver({}, [](absl::Span<const absl::string_view>) { ADD_FAILURE() << "a frame"; });
  ASSERT_TRUE(st.ok()) << st.status();
  space = b.BeginDirectRead(1);
  EXPECT_EQ(space.size(), b.decoder().buffered_bytes()) << "at most what is buffered";
  EXPECT_LT(b.decoder().buffer_capacity(), size_t{1} << 20);
  b.EndDirectRead(0);  // cancelled: nothing joins the stream
  EXPECT_EQ(b.decoder().buffered_bytes(), 4 + chunk.size());
}

// Fixed-length frames have a known size before any byte: a direct read can be outstanding on an
// empty buffer, which ReleaseIdleMemory must then keep (the kernel writes into it).
TEST(FramedConnection, ReleaseIdleMemoryKeepsTheBufferADirectReadWritesInto) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("fixed:size=100000");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  absl::Span<char> space = b.BeginDirectRead(1);
  ASSERT_FALSE(space.empty());
  const size_t capacity = b.decoder().buffer_capacity();
  b.ReleaseIdleMemory();
  EXPECT_EQ(b.decoder().buffer_capacity(), capacity);
  const std::string frame = RandomBytes(100000, 13);
  std::thread writer([&] { FK_EXPECT_OK(WriteAll(p.a.get(), frame, LongDeadline())); });
  std::vector<std::string> got;
  auto collect = [&](absl::Span<const absl::string_view> run) {
    for (absl::string_view f : run) got.emplace_back(f);
  };
  while (got.empty()) {
    ASSERT_FALSE(space.empty());
    absl::StatusOr<size_t> n = ReadSome(b.fd(), space, LongDeadline());
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    b.EndDirectRead(*n);
    b.ReleaseIdleMemory();  // between reads: a partial frame is kept anyway
    absl::StatusOr<FramedConnection::ReadState> st = b.Deliver({}, collect);
    ASSERT_TRUE(st.ok()) << st.status();
    if (got.empty()) space = b.BeginDirectRead(1);
  }
  writer.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0] == frame);
}

// A straddling frame whose size is not known yet (its length cut short) cannot be completed with
// its missing bytes alone: the next input goes behind it, copied, and its frames come out right.
TEST(FramedConnection, DeliverCopiesTheInputBehindAHeaderCutShort) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> got;
  auto collect = [&](absl::Span<const absl::string_view> run) {
    for (absl::string_view f : run) got.emplace_back(f);
  };
  const std::string wire = std::string("\0\0\0\2hi\0\0\0\3abc\0\0\0\1z", 18);
  absl::StatusOr<FramedConnection::ReadState> st = b.Deliver(wire.substr(0, 8), collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(b.copied_in_bytes(), 2u) << "two bytes of the second header";
  st = b.Deliver(wire.substr(8), collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(got, (std::vector<std::string>{"hi", "abc", "z"}));
  EXPECT_EQ(b.copied_in_bytes(), 2u + 10u);
}

// Frames of known size straddling input after input (20 frames of 10 bytes in 25-byte inputs):
// a frame cut by an input boundary is copied (its start, then its missing bytes), and every
// frame after it in the same input is decoded in place, not copied behind it.
TEST(FramedConnection, DeliverCopiesOnlyTheFramesThatStraddleInputs) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::string wire;
  std::vector<std::string> want;
  for (int i = 0; i < 20; ++i) {
    want.push_back(std::string(6, static_cast<char>('a' + i)));
    wire += std::string("\0\0\0\6", 4) + want.back();
  }
  std::vector<std::string> got;
  auto collect = [&](absl::Span<const absl::string_view> run) {
    for (absl::string_view f : run) got.emplace_back(f);
  };
  for (size_t at = 0; at < wire.size(); at += 25) {
    absl::StatusOr<FramedConnection::ReadState> st = b.Deliver(wire.substr(at, 25), collect);
    ASSERT_TRUE(st.ok()) << st.status() << " at " << at;
  }
  EXPECT_EQ(got, want);
  // Input boundaries at 25, 75, 125 and 175 cut a frame; 50, 100 and 150 fall between frames.
  EXPECT_EQ(b.copied_in_bytes(), 4u * 10u);
  EXPECT_EQ(b.delivered_in_place_bytes(), wire.size() - 40u);
}

TEST(FramedConnection, ReceiveBatchReportsMidFrameCloseAsDataLossAfterEarlierFrames) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  FK_ASSERT_OK(WriteAll(p.a.get(), "2:hi,5:hel", LongDeadline()));
  p.a.reset();
  std::vector<std::string> got;
  absl::Status last;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<size_t> n =
        b.ReceiveBatch([&](absl::string_view f) { got.emplace_back(f); }, LongDeadline());
    if (!n.ok()) {
      last = n.status();
      break;
    }
  }
  EXPECT_EQ(got, std::vector<std::string>({"hi"}));
  EXPECT_EQ(last.code(), absl::StatusCode::kDataLoss) << last;
}

TEST(FramedConnection, ReceiveBatchDeadlineExceededWhenNothingArrives) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("delimiter");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  absl::StatusOr<size_t> n =
      b.ReceiveBatch([](absl::string_view) {}, absl::Now() + absl::Milliseconds(50));
  EXPECT_EQ(n.status().code(), absl::StatusCode::kDeadlineExceeded) << n.status();
}

void ExpectSendToClosedPeerFails(Kind kind) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(kind);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  p.b.reset();
  // TCP may take the first write into the buffer before the RST comes back; the next one fails.
  const std::string chunk(64 * 1024, 'x');
  absl::Status s;
  for (int i = 0; i < 100 && s.ok(); ++i) s = a.Send(chunk, LongDeadline());
  EXPECT_TRUE(IsPeerGone(s)) << s;
  std::vector<absl::string_view> batch = {chunk, "y"};
  s = a.SendBatch(batch, LongDeadline());
  EXPECT_TRUE(IsPeerGone(s)) << s;  // and the process is still alive: no SIGPIPE
}

TEST(FramedConnection, SendToClosedPeerIsPeerGoneOverSocketPair) {
  ExpectSendToClosedPeerFails(Kind::kSocketPair);
}
TEST(FramedConnection, SendToClosedPeerIsPeerGoneOverTcp) {
  ExpectSendToClosedPeerFails(Kind::kTcp);
}

TEST(FramedConnection, ReceiveDeadlineExceededWhenNothingArrives) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kTcp);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  absl::Time start = absl::Now();
  absl::StatusOr<std::optional<absl::string_view>> f =
      b.Receive(absl::Now() + absl::Milliseconds(50));
  EXPECT_EQ(f.status().code(), absl::StatusCode::kDeadlineExceeded) << f.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(50));
  // Half a frame is no better; the bytes that did arrive stay buffered for the next call.
  FK_ASSERT_OK(WriteAll(p.a.get(), std::string("\0\0\0\3a", 5), LongDeadline()));
  f = b.Receive(absl::Now() + absl::Milliseconds(50));
  EXPECT_EQ(f.status().code(), absl::StatusCode::kDeadlineExceeded) << f.status();
  FK_ASSERT_OK(WriteAll(p.a.get(), "bc", LongDeadline()));
  f = b.Receive(LongDeadline());
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ(**f, "abc");
}

// ---- Bad frames and refused payloads ----

TEST(FramedConnection, BadFrameIsTheDecodersError) {
  struct Case {
    const char* spec;
    std::string wire;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"netstring", "01:a,", absl::StatusCode::kInvalidArgument},       // leading zero
      {"netstring", "1:ab", absl::StatusCode::kInvalidArgument},        // missing comma
      {"ascii:digits=5", "00x01", absl::StatusCode::kInvalidArgument},  // non-digit
      {"length:width=4,max=16", std::string("\0\0\0\x64", 4), absl::StatusCode::kResourceExhausted},
      {"delimiter:max=4", "toolong\n", absl::StatusCode::kResourceExhausted},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    std::unique_ptr<Framer> framer = MakeFramerOrDie(c.spec);
    Pair p = MakeConnected(Kind::kSocketPair);
    FramedConnection b(std::move(p.b), p.b_peer, *framer);
    FK_ASSERT_OK(WriteAll(p.a.get(), c.wire, LongDeadline()));
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    EXPECT_EQ(f.status().code(), c.code) << f.status();
    EXPECT_TRUE(b.decoder().failed());
  }
}

// With too_long=skip the decoder reports an over-max frame once and goes on: Receive passes the
// report on and delivers the next frame on the following call; ReadAvailable delivers the frames
// already read on its next call, without waiting for more bytes (the poller would not wake it).
TEST(FramedConnection, SkippedOverlongFrameIsReportedOnceThenTheNextFrameArrives) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring:max=4,too_long=skip");
  const std::string wire = "2:ab,7:toolong,2:cd,";
  {
    Pair p = MakeConnected(Kind::kSocketPair);
    FramedConnection b(std::move(p.b), p.b_peer, *framer);
    FK_ASSERT_OK(WriteAll(p.a.get(), wire, LongDeadline()));
    p.a.reset();
    absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
    ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
    EXPECT_EQ(**f, "ab");
    f = b.Receive(LongDeadline());
    EXPECT_EQ(f.status().code(), absl::StatusCode::kResourceExhausted) << f.status();
    f = b.Receive(LongDeadline());
    ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
    EXPECT_EQ(**f, "cd");
    f = b.Receive(LongDeadline());
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_FALSE(f->has_value());
  }
  {
    Pair p = MakeConnected(Kind::kSocketPair);
    FramedConnection b(std::move(p.b), p.b_peer, *framer);
    FK_ASSERT_OK(WriteAll(p.a.get(), wire, LongDeadline()));
    std::vector<std::string> got;
    auto collect = [&](absl::string_view f) { got.emplace_back(f); };
    absl::StatusOr<FramedConnection::ReadState> r = b.ReadAvailable(collect);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
    EXPECT_EQ(got, std::vector<std::string>({"ab"}));
    r = b.ReadAvailable(collect);  // nothing more to read; "cd" was already buffered
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, FramedConnection::ReadState::kOpen);
    EXPECT_EQ(got, std::vector<std::string>({"ab", "cd"}));
  }
}

// Nothing is readable on `fd` right now.
void ExpectNothingWritten(int fd) {
  char c;
  absl::StatusOr<size_t> n = ReadSome(fd, absl::MakeSpan(&c, 1), absl::InfinitePast());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kDeadlineExceeded) << n.status();
}

TEST(FramedConnection, SendBatchRefusingOneFrameWritesNothing) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=8");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  std::vector<absl::string_view> batch = {"ok", "ok too", "far too long", "ok"};
  absl::Status s = a.SendBatch(batch, LongDeadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  s = a.Send("far too long", LongDeadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  ExpectNothingWritten(p.b.get());
  FK_EXPECT_OK(a.SendBatch({}, LongDeadline()));
  ExpectNothingWritten(p.b.get());
}

// ---- SendBatch: copied or by reference, the same bytes ----

std::string WireOfSendBatch(const Framer& framer, size_t copy_threshold,
                            const std::vector<absl::string_view>& payloads) {
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.copy_threshold = copy_threshold;
  FramedConnection a(std::move(p.a), p.a_peer, framer, o);
  std::string wire;
  std::thread t([&] { wire = *ReadAll(p.b.get(), LongDeadline()); });
  FK_EXPECT_OK(a.SendBatch(payloads, LongDeadline()));
  FK_EXPECT_OK(a.ShutdownWrite());
  t.join();
  return wire;
}

TEST(FramedConnection, SendBatchCopyThresholdZeroAndDefaultGiveIdenticalBytes) {
  for (const char* spec : {"length:width=4", "delimiter:delim=\\r\\n", "netstring",
                           "ascii:digits=5", "length:width=varint"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = MakeFramerOrDie(spec);
    std::vector<std::string> storage;
    for (size_t n : {0, 1, 16, 511, 512, 513, 4000, 0, 3, 70000, 2, 2}) {
      storage.push_back(std::string(n, static_cast<char>('a' + storage.size())));
    }
    std::vector<absl::string_view> payloads(storage.begin(), storage.end());
    std::string expected;
    for (absl::string_view v : payloads) FK_ASSERT_OK(framer->Encode(v, &expected));
    EXPECT_TRUE(WireOfSendBatch(*framer, 0, payloads) == expected);
    EXPECT_TRUE(WireOfSendBatch(*framer, FramedConnectionOptions().copy_threshold, payloads) ==
                expected);
    EXPECT_TRUE(WireOfSendBatch(*framer, size_t{1} << 20, payloads) == expected);
  }
}

// A refusal inside a run of copied payloads, after a payload sent by reference, names the frame's
// index in the whole batch (not in its run) and writes nothing.
TEST(FramedConnection, SendBatchRefusalInsideACopiedRunNamesItsBatchIndex) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("delimiter");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.copy_threshold = 4;
  FramedConnection a(std::move(p.a), p.a_peer, *framer, o);
  // Runs: {"ab"}, then "by reference", then {"x", "y", "a\nb" (refused), "z"}.
  std::vector<absl::string_view> batch = {"ab", "by reference", "x", "y", "a\nb", "z"};
  absl::Status s = a.SendBatch(batch, LongDeadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "SendBatch frame 4 of 6: delimiter: ")) << s;
  ExpectNothingWritten(p.b.get());
}

TEST(FramedConnection, SendBatchRefusalOfAPayloadSentByReferenceNamesItsBatchIndex) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=8");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.copy_threshold = 4;
  FramedConnection a(std::move(p.a), p.a_peer, *framer, o);
  std::vector<absl::string_view> batch = {"ab", "abcdef", "x", "far too long", "y"};
  absl::Status s = a.SendBatch(batch, LongDeadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "SendBatch frame 3 of 5: length: ")) << s;
  ExpectNothingWritten(p.b.get());
}

// A framer that implements only EncodeEnvelope: SendBatch goes through Framer's default batch
// encoder for its copied runs. Header: the payload size in one byte; trailer "\r\n".
class OneByteLengthCrLfFramer final : public Framer {
 public:
  absl::string_view kind() const override { return "test"; }
  std::string Spec() const override { return "test"; }
  uint64_t max_payload_size() const override { return 255; }
  absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* envelope) const override {
    if (payload.size() > 255) return absl::OutOfRangeError("test: payload over 255 bytes");
    envelope->mutable_header()[0] = static_cast<char>(payload.size());
    envelope->set_header_size(1);
    envelope->set_trailer("\r\n");
    return absl::OkStatus();
  }
  std::unique_ptr<Decoder> NewDecoder() const override {
    return MakeFramerOrDie("length:width=1")->NewDecoder();  // Unused by these tests.
  }
};

TEST(FramedConnection, SendBatchWithAUserFramerGivesTheBytesOfEncode) {
  OneByteLengthCrLfFramer framer;
  std::vector<std::string> storage;
  for (size_t n : {0, 1, 16, 200, 3, 255, 2}) {
    storage.push_back(std::string(n, static_cast<char>('a' + storage.size())));
  }
  std::vector<absl::string_view> payloads(storage.begin(), storage.end());
  std::string expected;
  for (absl::string_view v : payloads) FK_ASSERT_OK(framer.Encode(v, &expected));
  EXPECT_TRUE(WireOfSendBatch(framer, 0, payloads) == expected);
  EXPECT_TRUE(WireOfSendBatch(framer, 16, payloads) == expected);
  EXPECT_TRUE(WireOfSendBatch(framer, 1 << 20, payloads) == expected);

  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, framer);
  storage.push_back(std::string(256, 'z'));
  payloads.assign(storage.begin(), storage.end());
  absl::Status s = a.SendBatch(payloads, LongDeadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "SendBatch frame 7 of 8: test: ")) << s;
  ExpectNothingWritten(p.b.get());
}

// ---- Event-loop style ----

TEST(FramedConnectionEventLoop, QueuePastMaxQueuedBytesIsResourceExhaustedWithNothingQueued) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.max_queued_bytes = 100;
  FramedConnection a(std::move(p.a), p.a_peer, *framer, o);
  const std::string payload(26, 'q');  // 30 bytes a frame
  for (int i = 0; i < 3; ++i) FK_ASSERT_OK(a.Queue(payload));
  EXPECT_EQ(a.queued_bytes(), 90u);
  absl::Status s = a.Queue(payload);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(a.queued_bytes(), 90u);
  FK_ASSERT_OK(a.Queue("123456"));  // exactly to the limit
  EXPECT_EQ(a.queued_bytes(), 100u);
  EXPECT_EQ(a.Queue("").code(), absl::StatusCode::kResourceExhausted);
  ExpectNothingWritten(p.b.get());

  FK_ASSERT_OK(a.FlushSome());
  EXPECT_EQ(a.queued_bytes(), 0u);
  FK_ASSERT_OK(a.Queue(payload));
  // A frame bigger than the whole queue never fits.
  EXPECT_EQ(a.Queue(std::string(200, 'x')).code(), absl::StatusCode::kResourceExhausted);
  FK_ASSERT_OK(a.FlushSome());
  FK_ASSERT_OK(a.ShutdownWrite());
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> got = ReceiveAll(b);
  EXPECT_EQ(got, std::vector<std::string>({payload, payload, payload, "123456", payload}));
}

TEST(FramedConnectionEventLoop, QueueRefusedByTheEncoderQueuesNothing) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("delimiter");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  EXPECT_EQ(a.Queue("has\nnewline").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.queued_bytes(), 0u);
}

TEST(FramedConnectionEventLoop, FlushSomeStopsWhenTheSocketIsFullAndResumesLater) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=4MiB");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.max_queued_bytes = 64 << 20;
  FramedConnection a(std::move(p.a), p.a_peer, *framer, o);
  std::vector<std::string> payloads;
  for (int i = 0; i < 8; ++i) {
    payloads.push_back(RandomBytes(1 << 20, i));
    FK_ASSERT_OK(a.Queue(payloads.back()));
  }
  FK_ASSERT_OK(a.FlushSome());  // never waits: the socket buffer takes far less than 8 MiB
  EXPECT_GT(a.queued_bytes(), 0u);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> got;
  while (got.size() < payloads.size()) {
    FK_ASSERT_OK(a.FlushSome());
    FK_ASSERT_OK(WaitReadable(b.fd(), LongDeadline()));
    absl::StatusOr<FramedConnection::ReadState> r =
        b.ReadAvailable([&](absl::string_view f) { got.emplace_back(f); });
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(*r, FramedConnection::ReadState::kOpen);
    if (a.queued_bytes() > 0) FK_ASSERT_OK(a.Queue("tail"));  // queueing while partly flushed
  }
  ASSERT_GE(got.size(), payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) EXPECT_TRUE(got[i] == payloads[i]) << i;
}

// A client queues frames; a server echoes them back; one thread drives both through a Poller.
// The client half-closes once everything is queued and flushed; the server sees its frames then
// kEndOfStream, flushes the echoes and half-closes too; the client sees the echoes then
// kEndOfStream.
void RunEchoThroughPoller(Kind kind, const char* spec, const IoOps* ops) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie(spec);
  Pair p = MakeConnected(kind);
  ASSERT_TRUE(p.a.valid() && p.b.valid());
  FramedConnectionOptions o;
  o.io_ops = ops;
  o.read_size = 1024;  // many wakeups
  o.max_queued_bytes = 16 << 10;
  FramedConnection client(std::move(p.a), p.a_peer, *framer, o);
  FramedConnection server(std::move(p.b), p.b_peer, *framer, o);
  absl::StatusOr<Poller> poller = Poller::Create();
  ASSERT_TRUE(poller.ok()) << poller.status();
  FK_ASSERT_OK(poller->Add(client.fd(), Poller::kReadable | Poller::kWritable, uint64_t{1}));
  FK_ASSERT_OK(poller->Add(server.fd(), Poller::kReadable, uint64_t{2}));

  const std::vector<std::string> payloads = PayloadsFor(spec, 3000, 21);
  size_t next_to_queue = 0;
  bool client_shut = false, server_eof = false, server_shut = false, client_eof = false;
  std::vector<std::string> echoed;
  std::vector<std::string> server_backlog;  // echoes the server could not queue yet
  absl::Status server_error;

  std::vector<Poller::Event> events;
  absl::Time deadline = LongDeadline();
  while (!client_eof) {
    ASSERT_LT(absl::Now(), deadline) << "stuck: echoed " << echoed.size();
    FK_ASSERT_OK(poller->Wait(absl::Seconds(5), &events));
    for (const Poller::Event& e : events) {
      if (e.token == 1) {
        if (e.writable) {
          while (next_to_queue < payloads.size() && client.Queue(payloads[next_to_queue]).ok()) {
            ++next_to_queue;
          }
          FK_ASSERT_OK(client.FlushSome());
          if (next_to_queue == payloads.size() && client.queued_bytes() == 0 && !client_shut) {
            FK_ASSERT_OK(client.ShutdownWrite());
            client_shut = true;
            FK_ASSERT_OK(poller->Modify(client.fd(), Poller::kReadable, uint64_t{1}));
          }
        }
        if (e.readable || e.hangup || e.error) {
          absl::StatusOr<FramedConnection::ReadState> r =
              client.ReadAvailable([&](absl::string_view f) { echoed.emplace_back(f); });
          ASSERT_TRUE(r.ok()) << r.status();
          if (*r == FramedConnection::ReadState::kEndOfStream) {
            client_eof = true;
            FK_ASSERT_OK(poller->Remove(client.fd()));
          }
        }
      } else {
        if ((e.readable || e.hangup || e.error) && !server_eof) {
          absl::StatusOr<FramedConnection::ReadState> r =
              server.ReadAvailable([&](absl::string_view f) { server_backlog.emplace_back(f); });
          ASSERT_TRUE(r.ok()) << r.status();
          server_eof = *r == FramedConnection::ReadState::kEndOfStream;
        }
        // Echo what fits; backpressure keeps the rest in the backlog.
        size_t taken = 0;
        while (taken < server_backlog.size() && server.Queue(server_backlog[taken]).ok()) ++taken;
        server_backlog.erase(server_backlog.begin(), server_backlog.begin() + taken);
        FK_ASSERT_OK(server.FlushSome());
        if (server_eof && server_backlog.empty() && server.queued_bytes() == 0 && !server_shut) {
          FK_ASSERT_OK(server.ShutdownWrite());
          server_shut = true;
          FK_ASSERT_OK(poller->Remove(server.fd()));
          continue;
        }
        if (!server_shut) {
          // Writable interest only while echoes wait, and stop reading once at end of stream.
          uint32_t interest = server_eof ? uint32_t{Poller::kNone} : uint32_t{Poller::kReadable};
          if (server.queued_bytes() > 0 || !server_backlog.empty()) interest |= Poller::kWritable;
          FK_ASSERT_OK(poller->Modify(server.fd(), interest, uint64_t{2}));
        }
      }
    }
  }
  ASSERT_EQ(echoed.size(), payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) ASSERT_EQ(echoed[i], payloads[i]) << "frame " << i;
}

TEST(FramedConnectionEventLoop, EchoThroughPollerOverTcpWithHalfClose) {
  RunEchoThroughPoller(Kind::kTcp, "length:width=4", nullptr);
}

TEST(FramedConnectionEventLoop, EchoThroughPollerOverUnixSocketWithHalfClose) {
  RunEchoThroughPoller(Kind::kUnix, "netstring", nullptr);
}

TEST(FramedConnectionEventLoop, EchoThroughPollerSurvivesShortOpsEintrEagain) {
  FaultyIo faults(FaultyIo::Options{/*seed=*/8});
  RunEchoThroughPoller(Kind::kSocketPair, "ascii:digits=5", &faults.ops());
  EXPECT_GT(faults.stats().injected_eagain, 0u);
}

TEST(FramedConnectionEventLoop, ReadAvailableGivesFramesThenEndOfStreamAfterHalfClose) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=varint");
  Pair p = MakeConnected(Kind::kTcp);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  std::vector<std::string> got;
  auto collect = [&](absl::string_view f) { got.emplace_back(f); };

  // Nothing there yet: kOpen at once, no frames.
  absl::StatusOr<FramedConnection::ReadState> r = b.ReadAvailable(collect);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, FramedConnection::ReadState::kOpen);
  EXPECT_TRUE(got.empty());

  std::vector<absl::string_view> batch = {"a", "", "ccc"};
  FK_ASSERT_OK(a.SendBatch(batch, LongDeadline()));
  FK_ASSERT_OK(a.ShutdownWrite());
  for (;;) {
    FK_ASSERT_OK(WaitReadable(b.fd(), LongDeadline()));
    r = b.ReadAvailable(collect);
    ASSERT_TRUE(r.ok()) << r.status();
    if (*r == FramedConnection::ReadState::kEndOfStream) break;
  }
  EXPECT_EQ(got, std::vector<std::string>({"a", "", "ccc"}));
  r = b.ReadAvailable(collect);  // stays at the end
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, FramedConnection::ReadState::kEndOfStream);

  // Half-closed, not closed: the other direction still works.
  FK_ASSERT_OK(b.Send("reply", LongDeadline()));
  absl::StatusOr<std::optional<absl::string_view>> f = a.Receive(LongDeadline());
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ(**f, "reply");
}

TEST(FramedConnectionEventLoop, ReadAvailableReportsMidFrameCloseAndBadFrames) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  {
    Pair p = MakeConnected(Kind::kSocketPair);
    FramedConnection b(std::move(p.b), p.b_peer, *framer);
    FK_ASSERT_OK(WriteAll(p.a.get(), "2:hi,5:ab", LongDeadline()));
    p.a.reset();
    std::vector<std::string> got;
    absl::StatusOr<FramedConnection::ReadState> r;
    do {
      r = b.ReadAvailable([&](absl::string_view f) { got.emplace_back(f); });
    } while (r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
    EXPECT_EQ(got, std::vector<std::string>({"hi"}));
  }
  {
    Pair p = MakeConnected(Kind::kSocketPair);
    FramedConnection b(std::move(p.b), p.b_peer, *framer);
    FK_ASSERT_OK(WriteAll(p.a.get(), "2:hi,01:x,", LongDeadline()));
    std::vector<std::string> got;
    absl::StatusOr<FramedConnection::ReadState> r =
        b.ReadAvailable([&](absl::string_view f) { got.emplace_back(f); });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    EXPECT_EQ(got, std::vector<std::string>({"hi"}));
  }
}

// ---- Moves ----

TEST(FramedConnection, MovedConnectionKeepsItsSocketAndBufferedBytes) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  FK_ASSERT_OK(a.Send("one", LongDeadline()));
  FK_ASSERT_OK(WriteAll(a.fd(), "3:tw", LongDeadline()));  // half a frame, buffered by b
  absl::StatusOr<std::optional<absl::string_view>> f = b.Receive(LongDeadline());
  ASSERT_TRUE(f.ok() && f->has_value());
  const int fd = b.fd();
  FramedConnection moved(std::move(b));
  EXPECT_EQ(moved.fd(), fd);
  Pair other = MakeConnected(Kind::kSocketPair);
  FramedConnection assigned(std::move(other.a), "other", *framer);
  assigned = std::move(moved);
  EXPECT_EQ(assigned.fd(), fd);
  EXPECT_EQ(assigned.peer(), p.b_peer);
  FK_ASSERT_OK(WriteAll(a.fd(), "o,", LongDeadline()));
  f = assigned.Receive(LongDeadline());
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ(**f, "two");
}

// Receives the next frame on `conn` and checks it is `want`.
void ExpectNextFrame(FramedConnection& conn, absl::string_view want) {
  absl::StatusOr<std::optional<absl::string_view>> f = conn.Receive(LongDeadline());
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->has_value());
  EXPECT_TRUE(**f == want) << "got " << f->value().size() << " bytes, want " << want.size();
}

// Frames larger than the reads grow the read buffer to hold them. While such frames keep coming
// the buffer is kept between them (not freed and re-allocated per frame); once a read's frames
// fit in max_idle_read_buffer, the grown buffer is freed instead of holding 4 MiB for good.
TEST(FramedConnection, BufferGrownForLargeFramesIsKeptForThemAndFreedAfter) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=8MiB");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  const std::string large = RandomBytes(4 << 20, 7);
  std::thread writer([&] {
    FK_EXPECT_OK(a.Send(large, LongDeadline()));
    FK_EXPECT_OK(a.Send(large, LongDeadline()));
  });
  std::vector<std::string> got;
  auto collect = [&](absl::string_view frame) { got.emplace_back(frame); };
  // One ReadAvailable per readiness, as a server's loop drives it.
  auto read_until = [&](size_t frames) {
    absl::StatusOr<Poller> poller = Poller::Create();
    ASSERT_TRUE(poller.ok()) << poller.status();
    FK_ASSERT_OK(poller->Add(b.fd(), Poller::kReadable, uint64_t{1}));
    std::vector<Poller::Event> events;
    while (got.size() < frames) {
      FK_ASSERT_OK(poller->Wait(absl::Seconds(10), &events));
      ASSERT_FALSE(events.empty()) << "no frame " << got.size() + 1 << " within 10 s";
      absl::StatusOr<FramedConnection::ReadState> st = b.ReadAvailable(collect);
      ASSERT_TRUE(st.ok()) << st.status();
      ASSERT_EQ(*st, FramedConnection::ReadState::kOpen);
    }
  };
  read_until(1);
  EXPECT_GE(b.decoder().buffer_capacity(), size_t{4} << 20);  // Empty, and kept.
  read_until(2);
  writer.join();
  EXPECT_GE(b.decoder().buffer_capacity(), size_t{4} << 20);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0] == large && got[1] == large);
  got.clear();
  FK_ASSERT_OK(a.Send("small", LongDeadline()));
  read_until(1);
  EXPECT_EQ(got, std::vector<std::string>{"small"});
  EXPECT_LE(b.decoder().buffer_capacity(), FramedConnectionOptions().max_idle_read_buffer);
}

// With max_idle_read_buffer = 0, a connection driven by ReadAvailable holds no read buffer between
// bursts; frames still arrive whole and in order, including one split across bursts.
TEST(FramedConnection, IdleConnectionHoldsNoReadBufferWithZeroLimit) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnectionOptions o;
  o.max_idle_read_buffer = 0;
  FramedConnection b(std::move(p.b), p.b_peer, *framer, o);
  std::vector<std::string> got;
  auto collect = [&](absl::string_view frame) { got.emplace_back(frame); };
  FK_ASSERT_OK(WriteAll(p.a.get(), "3:one,3:two,", LongDeadline()));
  absl::StatusOr<FramedConnection::ReadState> st = b.ReadAvailable(collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(b.decoder().buffer_capacity(), 0u);  // Idle: nothing held.
  FK_ASSERT_OK(WriteAll(p.a.get(), "5:th", LongDeadline()));
  st = b.ReadAvailable(collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_GT(b.decoder().buffer_capacity(), 0u);  // A partial frame is kept, of course.
  FK_ASSERT_OK(WriteAll(p.a.get(), "ree,", LongDeadline()));
  st = b.ReadAvailable(collect);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(b.decoder().buffer_capacity(), 0u);
}

// Receive decodes up to 64 frames ahead and hands them out one per call from a cursor held in
// the connection object itself (the inline fast path): that cursor must move with the connection,
// and a move-assigned connection must drop its own.
TEST(FramedConnection, MovedConnectionKeepsFramesDecodedAhead) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Pair p = MakeConnected(Kind::kSocketPair);
  FramedConnection a(std::move(p.a), p.a_peer, *framer);
  FramedConnection b(std::move(p.b), p.b_peer, *framer);
  const std::vector<absl::string_view> first = {"f1", "f2", "f3", "f4"};
  FK_ASSERT_OK(a.SendBatch(first, LongDeadline()));  // One write: b decodes all four at once.
  ExpectNextFrame(b, "f1");
  FramedConnection moved(std::move(b));
  ExpectNextFrame(moved, "f2");

  // The assigned-to connection had frames of its own decoded ahead: they go with it.
  Pair other = MakeConnected(Kind::kSocketPair);
  FramedConnection other_sender(std::move(other.a), "other a", *framer);
  FramedConnection assigned(std::move(other.b), "other b", *framer);
  const std::vector<absl::string_view> stale = {"x1", "x2", "x3"};
  FK_ASSERT_OK(other_sender.SendBatch(stale, LongDeadline()));
  ExpectNextFrame(assigned, "x1");
  assigned = std::move(moved);
  ExpectNextFrame(assigned, "f3");
  ExpectNextFrame(assigned, "f4");
  a = FramedConnection(SocketFd(), "closed", *framer);  // Closes the sending side: end of stream.
  absl::StatusOr<std::optional<absl::string_view>> f = assigned.Receive(LongDeadline());
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->has_value());
}

}  // namespace
}  // namespace framekit
