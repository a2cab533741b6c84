// boost::asio::use_future: the io_context runs on its own thread; the test thread waits on futures.
// Results arrive as values (the frame, the byte count) and errors as boost::system::system_error
// carrying framekit's codes.
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>

#include "absl/strings/string_view.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio_testing::MakeFramerOrDie;
using asio_testing::tcp;
using boost::asio::use_future;

constexpr auto kWait = std::chrono::seconds(60);

TEST(FutureTest, ReadsAndWritesWithFutures) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=2,max=100");
  FramedStream<tcp::socket> a(std::move(sockets.first), *framer);
  FramedStream<tcp::socket> b(std::move(sockets.second), *framer);
  auto work = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });

  std::future<size_t> w1 = a.async_write_frame("hello", use_future);
  ASSERT_EQ(w1.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(w1.get(), 7u);
  const std::vector<absl::string_view> batch = {"one", "", "three"};
  std::future<size_t> w2 = a.async_write_frames(batch, use_future);
  ASSERT_EQ(w2.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(w2.get(), 2u * 3 + 3 + 0 + 5);

  std::future<absl::string_view> r1 = b.async_read_frame(use_future);
  ASSERT_EQ(r1.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(r1.get(), "hello");
  std::vector<std::string> got;
  std::future<size_t> r2 =
      b.async_read_frames([&](absl::string_view f) { got.emplace_back(f); }, use_future);
  ASSERT_EQ(r2.wait_for(kWait), std::future_status::ready);
  const size_t n = r2.get();
  EXPECT_EQ(n, got.size());
  EXPECT_GE(n, 1u);
  while (got.size() < 3) {
    std::future<absl::string_view> r = b.async_read_frame(use_future);
    ASSERT_EQ(r.wait_for(kWait), std::future_status::ready);
    got.emplace_back(r.get());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"one", "", "three"}));

  // Errors: a refused payload, then a frame over the maximum from the peer.
  std::future<size_t> w3 = a.async_write_frame(std::string(101, 'x'), use_future);
  ASSERT_EQ(w3.wait_for(kWait), std::future_status::ready);
  try {
    w3.get();
    ADD_FAILURE() << "no exception";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::frame_too_long) << e.what();
  }
  boost::asio::write(a.next_layer(), boost::asio::buffer(std::string("\0\xff", 2)));
  std::future<absl::string_view> r3 = b.async_read_frame(use_future);
  ASSERT_EQ(r3.wait_for(kWait), std::future_status::ready);
  try {
    r3.get();
    ADD_FAILURE() << "no exception";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::frame_too_long) << e.what();
  }
  EXPECT_EQ(b.last_status().code(), absl::StatusCode::kResourceExhausted);

  work.reset();
  io.stop();
  runner.join();
}

}  // namespace
}  // namespace framekit
