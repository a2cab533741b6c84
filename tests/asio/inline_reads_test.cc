// async_read_frame started by the handler of the stream's previous read, with its frame already
// decoded, completes once that handler returns, from the same completion (ops.h): no pass through
// the io_context per frame, but never inside an initiating function, at most kMaxInlineReads in a
// row (other handlers keep their turn), and never for another stream or another executor.
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "framekit/asio/framed_stream.h"
#include "framekit/asio/internal/ops.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio_testing::MakeFramerOrDie;
using asio_testing::unix_socket;
using boost::system::error_code;

constexpr int kFrames = 100;

struct Fixture {
  Fixture() : a(io), b(io), framer(MakeFramerOrDie("length:width=4")) {
    boost::asio::local::connect_pair(a, b);
    std::string bytes;
    for (int i = 0; i < kFrames; ++i) EXPECT_TRUE(framer->Encode(std::to_string(i), &bytes).ok());
    boost::asio::write(a, boost::asio::buffer(bytes));
    stream.emplace(std::move(b), *framer);
  }
  boost::asio::io_context io;
  unix_socket a, b;
  std::unique_ptr<Framer> framer;
  std::optional<FramedStream<unix_socket>> stream;
};

TEST(InlineReads, ChainedReadsCompleteInOrderAtMostCapPerSchedulerPass) {
  Fixture f;
  std::vector<std::string> got;
  bool in_handler = false;
  int frames_this_pass = 0;
  int most_in_one_pass = 0;
  std::function<void()> read = [&] {
    f.stream->async_read_frame([&](error_code ec, absl::string_view frame) {
      ASSERT_FALSE(ec) << ec.message();
      EXPECT_FALSE(in_handler) << "a handler ran inside another (or inside an initiation)";
      in_handler = true;
      got.emplace_back(frame);
      ++frames_this_pass;
      if (got.size() < kFrames) read();  // returns before the next handler runs
      in_handler = false;
    });
  };
  read();
  while (got.size() < kFrames) {
    frames_this_pass = 0;
    ASSERT_EQ(f.io.run_one(), 1u) << "stalled after " << got.size() << " frames";
    most_in_one_pass = std::max(most_in_one_pass, frames_this_pass);
  }
  for (int i = 0; i < kFrames; ++i) ASSERT_EQ(got[i], std::to_string(i));
  // Frames decoded ahead come out several per pass, but never more than the cap plus the one
  // that began the pass.
  EXPECT_GT(most_in_one_pass, 1);
  EXPECT_LE(most_in_one_pass, asio::internal::kMaxInlineReads + 1);
}

TEST(InlineReads, OtherHandlersKeepTheirTurn) {
  Fixture f;
  int frames = 0;
  int ticks = 0;
  int longest_run = 0;
  int run = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    run = 0;
    if (frames < kFrames) boost::asio::post(f.io, tick);
  };
  std::function<void()> read = [&] {
    f.stream->async_read_frame([&](error_code ec, absl::string_view) {
      ASSERT_FALSE(ec) << ec.message();
      ++frames;
      longest_run = std::max(longest_run, ++run);
      if (frames < kFrames) read();
    });
  };
  boost::asio::post(f.io, tick);
  read();
  f.io.run();
  EXPECT_EQ(frames, kFrames);
  EXPECT_GE(ticks, kFrames / (asio::internal::kMaxInlineReads + 1));
  EXPECT_LE(longest_run, asio::internal::kMaxInlineReads + 1);
}

TEST(InlineReads, AReadOfAnotherStreamWaitsForItsOwnTurn) {
  Fixture f1, f2;
  bool first_handler_done = false;
  bool second_ran_inside_first = false;
  int done = 0;
  f1.stream->async_read_frame([&](error_code ec, absl::string_view) {
    ASSERT_FALSE(ec);
    // f2 has a frame decoded ahead only after its first read; start one read on f2 first.
    f2.stream->async_read_frame([&](error_code ec2, absl::string_view) {
      ASSERT_FALSE(ec2);
      second_ran_inside_first = !first_handler_done;
      ++done;
    });
    first_handler_done = true;
    ++done;
  });
  f1.io.run();
  f2.io.run();
  EXPECT_EQ(done, 2);
  EXPECT_FALSE(second_ran_inside_first);
}

TEST(InlineReads, AHandlerOnAStrandIsNotCompletedInline) {
  Fixture f;
  boost::asio::strand<boost::asio::io_context::executor_type> strand(f.io.get_executor());
  int frames = 0;
  int frames_this_pass = 0;
  int most_in_one_pass = 0;
  std::function<void()> read = [&] {
    f.stream->async_read_frame(
        boost::asio::bind_executor(strand, [&](error_code ec, absl::string_view) {
          ASSERT_FALSE(ec);
          ++frames;
          ++frames_this_pass;
          if (frames < kFrames) read();
        }));
  };
  read();
  while (frames < kFrames) {
    frames_this_pass = 0;
    ASSERT_EQ(f.io.run_one(), 1u);
    most_in_one_pass = std::max(most_in_one_pass, frames_this_pass);
  }
  EXPECT_LE(most_in_one_pass, 1);
}

// The stream is destroyed by the handler that started the next read: that read, stored for
// completion after the handler, completes with operation_aborted and touches nothing freed (ASan).
TEST(InlineReads, StreamDestroyedByTheHandlerAbortsTheStoredRead) {
  Fixture f;
  std::optional<error_code> second;
  f.stream->async_read_frame([&](error_code ec, absl::string_view) {
    ASSERT_FALSE(ec);
    f.stream->async_read_frame([&](error_code ec2, absl::string_view) { second = ec2; });
    f.stream.reset();
  });
  f.io.run();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, boost::asio::error::operation_aborted);
}

}  // namespace
}  // namespace framekit
