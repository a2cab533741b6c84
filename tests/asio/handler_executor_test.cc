// A frame decoded ahead (no read needed) reaches the handler on the handler's associated executor,
// whichever way the adapter defers it: a strand (through the stream's executor, then dispatched),
// the same strand behind an any_io_executor (the stream's executor type: deferred to it directly),
// or none (a plain callback). Several io_context threads make a handler run outside its strand
// observable.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio_testing::MakeFramerOrDie;
using asio_testing::unix_socket;
using boost::system::error_code;
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

enum class Binding { kStrand, kStrandAsAnyIoExecutor };

// Reads `n` frames, all sent at once (so every one after the first is decoded ahead), with each
// handler bound to `strand` as `binding` says; counts the handlers that ran outside the strand.
void ReadInStrand(Binding binding) {
  boost::asio::io_context io;
  unix_socket a(io), b(io);
  boost::asio::local::connect_pair(a, b);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  Strand strand(io.get_executor());
  FramedStream<unix_socket> stream(std::move(b), *framer);
  constexpr int kFrames = 200;
  std::string bytes;
  for (int i = 0; i < kFrames; ++i) ASSERT_TRUE(framer->Encode(std::to_string(i), &bytes).ok());
  boost::asio::write(a, boost::asio::buffer(bytes));

  std::atomic<int> outside{0};
  std::vector<std::string> got;
  std::atomic<bool> done{false};
  std::function<void()> read = [&] {
    auto handler = [&](error_code ec, absl::string_view f) {
      if (!strand.running_in_this_thread()) ++outside;
      if (ec) {
        ADD_FAILURE() << ec.message();
        done = true;
        return;
      }
      got.emplace_back(f);
      if (got.size() == kFrames) {
        done = true;
        return;
      }
      read();
    };
    if (binding == Binding::kStrand) {
      stream.async_read_frame(boost::asio::bind_executor(strand, handler));
    } else {
      stream.async_read_frame(
          boost::asio::bind_executor(boost::asio::any_io_executor(strand), handler));
    }
  };
  boost::asio::post(strand, read);
  auto work = boost::asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { io.run(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  work.reset();
  io.stop();
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(done) << "timed out";
  ASSERT_EQ(got.size(), size_t{kFrames});
  for (int i = 0; i < kFrames; ++i) EXPECT_EQ(got[i], std::to_string(i));
  EXPECT_EQ(outside, 0) << "handlers run outside their strand";
}

TEST(HandlerExecutorTest, DecodedAheadFrameReachesAStrandBoundHandlerInItsStrand) {
  ReadInStrand(Binding::kStrand);
}

TEST(HandlerExecutorTest, DecodedAheadFrameReachesAnAnyIoExecutorStrandInItsStrand) {
  ReadInStrand(Binding::kStrandAsAnyIoExecutor);
}

}  // namespace
}  // namespace framekit
