// Cancellation and lifetime: cancel() and close() complete an outstanding read or write with
// operation_aborted and leave the stream usable (cancel) or closed (close); destroying the
// FramedStream, or the io_context, with an operation outstanding calls or frees every handler
// exactly once -- no handler dangles, nothing leaks (run under ASan/LSan by tools/sanitizers.sh).
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/write.hpp>

#include "absl/strings/string_view.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio_testing::MakeFramerOrDie;
using asio_testing::RunUntil;
using asio_testing::tcp;
using asio_testing::unix_socket;
using boost::system::error_code;

// Counts live handlers: each handler holds a Token; the count returns to 0 only if every handler
// was invoked-and-destroyed or destroyed.
struct Token {
  explicit Token(int* live) : live(live) { ++*live; }
  Token(const Token& o) : live(o.live) { ++*live; }
  ~Token() { --*live; }
  int* live;
};

TEST(CancelTest, CancelAbortsPendingReadAndStreamStaysUsable) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  FramedStream<tcp::socket> a(std::move(sockets.first), *framer);
  FramedStream<tcp::socket> b(std::move(sockets.second), *framer);
  error_code ec1;
  bool done1 = false;
  b.async_read_frame([&](error_code ec, absl::string_view) {
    ec1 = ec;
    done1 = true;
  });
  io.poll();  // The read is now waiting on the socket.
  EXPECT_FALSE(done1);
  b.cancel();
  ASSERT_TRUE(RunUntil(io, [&] { return done1; }));
  EXPECT_EQ(ec1, boost::asio::error::operation_aborted) << ec1.message();

  // A frame sent after the cancel is read whole.
  bool wrote = false, read = false;
  a.async_write_frame("after cancel", [&](error_code ec, size_t) {
    EXPECT_FALSE(ec);
    wrote = true;
  });
  b.async_read_frame([&](error_code ec, absl::string_view f) {
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(f, "after cancel");
    read = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return wrote && read; }));
}

// Cancelled in the middle of a frame: the part already received stays buffered and the frame is
// completed by the next read.
TEST(CancelTest, CancelMidFrameKeepsThePartReceived) {
  boost::asio::io_context io;
  unix_socket peer(io), s(io);
  boost::asio::local::connect_pair(peer, s);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  FramedStream<unix_socket> b(std::move(s), *framer);
  boost::asio::write(peer, boost::asio::buffer(std::string("\0\0\0\6hal", 7)));
  error_code ec1;
  bool done1 = false;
  b.async_read_frames([](absl::string_view) { ADD_FAILURE(); },
                      [&](error_code ec, size_t) {
                        ec1 = ec;
                        done1 = true;
                      });
  RunUntil(io, [&] { return b.decoder().buffered_bytes() == 7; }, std::chrono::seconds(10));
  b.cancel();
  ASSERT_TRUE(RunUntil(io, [&] { return done1; }));
  EXPECT_EQ(ec1, boost::asio::error::operation_aborted);
  boost::asio::write(peer, boost::asio::buffer(std::string("ves")));
  bool read = false;
  b.async_read_frame([&](error_code ec, absl::string_view f) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(f, "halves");
    read = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return read; }));
}

TEST(CancelTest, CloseAbortsPendingRead) {
  boost::asio::io_context io;
  auto sockets = asio_testing::UnixPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  FramedStream<unix_socket> b(std::move(sockets.second), *framer);
  error_code ec1;
  bool done1 = false;
  b.async_read_frames([](absl::string_view) {}, [&](error_code ec, size_t n) {
    ec1 = ec;
    EXPECT_EQ(n, 0u);
    done1 = true;
  });
  io.poll();
  b.close();
  ASSERT_TRUE(RunUntil(io, [&] { return done1; }));
  EXPECT_EQ(ec1, boost::asio::error::operation_aborted) << ec1.message();
  EXPECT_FALSE(b.lowest_layer().is_open());
}

// A write blocked on a peer that does not read (a frame much larger than the socket buffers) is
// aborted by cancel().
TEST(CancelTest, CancelAbortsBlockedWrite) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=64MiB");
  FramedStream<tcp::socket> a(std::move(sockets.first), *framer);
  const std::string big(32 << 20, 'w');
  error_code ec1;
  size_t written = 0;
  bool done = false;
  a.async_write_frame(big, [&](error_code ec, size_t n) {
    ec1 = ec;
    written = n;
    done = true;
  });
  io.poll();
  EXPECT_FALSE(done);
  a.cancel();
  ASSERT_TRUE(RunUntil(io, [&] { return done; }));
  EXPECT_EQ(ec1, boost::asio::error::operation_aborted) << ec1.message();
  EXPECT_LT(written, big.size());
}

// Destroying the FramedStream with a read outstanding: the socket's destruction cancels it, and its
// handler runs later with operation_aborted, without touching the destroyed stream.
TEST(CancelTest, DestroyingStreamWithPendingReadAbortsIt) {
  int live = 0;
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  error_code ec1;
  bool done1 = false;
  {
    FramedStream<tcp::socket> b(std::move(sockets.second), *framer);
    // A partial frame, so the decoder holds bytes that the pending read's handler outlives.
    boost::asio::write(sockets.first, boost::asio::buffer(std::string("\0\0\0\x09part", 8)));
    b.async_read_frame([&, t = Token(&live)](error_code ec, absl::string_view) {
      ec1 = ec;
      done1 = true;
    });
    RunUntil(io, [&] { return b.decoder().buffered_bytes() == 8; }, std::chrono::seconds(10));
    EXPECT_EQ(live, 1);
  }
  ASSERT_TRUE(RunUntil(io, [&] { return done1; }));
  EXPECT_EQ(ec1, boost::asio::error::operation_aborted) << ec1.message();
  EXPECT_EQ(live, 0);
}

// Destroying the stream and then the io_context without running it: the handlers are destroyed,
// never called, and nothing leaks (LSan checks the decoder shared with the operation).
TEST(CancelTest, DestroyingIoContextFreesPendingHandlers) {
  int live = 0;
  bool called = false;
  {
    boost::asio::io_context io;
    auto sockets = asio_testing::UnixPair(io);
    std::unique_ptr<Framer> framer = MakeFramerOrDie("delimiter");
    {
      FramedStream<unix_socket> b(std::move(sockets.second), *framer);
      b.async_read_frame([&, t = Token(&live)](error_code, absl::string_view) { called = true; });
      b.async_write_frame("bye", [&, t = Token(&live)](error_code, size_t) { called = true; });
      EXPECT_EQ(live, 2);
    }
  }
  EXPECT_FALSE(called);
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace framekit
