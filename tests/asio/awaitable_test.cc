// boost::asio::use_awaitable: the one C++20 target (BUILD: "-std=c++20" after the repo's c++17),
// showing that the C++17 library works from coroutines. An echo server and a client as coroutines
// over TCP; errors arrive as exceptions carrying framekit's codes.
#if __cplusplus < 202002L
#error "awaitable_test must be compiled with -std=c++20 (see tests/asio/BUILD.bazel)"
#endif

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>: include it first.
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#ifndef BOOST_ASIO_HAS_CO_AWAIT
#error "Asio sees no coroutine support"
#endif

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
using boost::asio::awaitable;
using boost::asio::use_awaitable;

// Echoes every batch of frames until the peer ends the stream (eof, thrown as system_error).
awaitable<void> EchoServer(FramedStream<tcp::socket>& stream, boost::system::error_code* end) {
  std::vector<std::string> copies;
  try {
    for (;;) {
      copies.clear();
      const size_t n = co_await stream.async_read_frames(
          [&](absl::string_view f) { copies.emplace_back(f); }, use_awaitable);
      EXPECT_EQ(n, copies.size());
      const std::vector<absl::string_view> views(copies.begin(), copies.end());
      co_await stream.async_write_frames(views, use_awaitable);
    }
  } catch (const boost::system::system_error& e) {
    *end = e.code();
  }
}

awaitable<void> Client(FramedStream<tcp::socket>& stream, const std::vector<std::string>& payloads,
                       std::vector<std::string>* got, bool* done) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    const size_t n = co_await stream.async_write_frame(payloads[i], use_awaitable);
    EXPECT_EQ(n, payloads[i].size() + 4);
  }
  for (size_t i = 0; i < payloads.size(); ++i) {
    absl::string_view f = co_await stream.async_read_frame(use_awaitable);
    got->emplace_back(f);
  }
  stream.next_layer().shutdown(tcp::socket::shutdown_send);
  *done = true;
}

TEST(AwaitableTest, EchoWithCoroutines) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  FramedStream<tcp::socket> client(std::move(sockets.first), *framer);
  FramedStream<tcp::socket> server(std::move(sockets.second), *framer);
  const std::vector<std::string> payloads = asio_testing::PayloadsFor("length", 300, 3);
  std::vector<std::string> got;
  bool client_done = false;
  boost::system::error_code server_end;
  auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  };
  boost::asio::co_spawn(io, EchoServer(server, &server_end), rethrow);
  boost::asio::co_spawn(io, Client(client, payloads, &got, &client_done), rethrow);
  ASSERT_TRUE(RunUntil(io, [&] { return client_done && server_end; }));
  EXPECT_EQ(server_end, boost::asio::error::eof) << server_end.message();
  EXPECT_EQ(got, payloads);
}

awaitable<void> ReadExpectingError(FramedStream<tcp::socket>& stream,
                                   boost::system::error_code* caught) {
  try {
    co_await stream.async_read_frame(use_awaitable);
  } catch (const boost::system::system_error& e) {
    *caught = e.code();
  }
}

TEST(AwaitableTest, FramingErrorIsThrown) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("netstring");
  FramedStream<tcp::socket> server(std::move(sockets.second), *framer);
  boost::asio::write(sockets.first, boost::asio::buffer(std::string("x:")));
  boost::system::error_code caught;
  boost::asio::co_spawn(io, ReadExpectingError(server, &caught), boost::asio::detached);
  ASSERT_TRUE(RunUntil(io, [&] { return bool(caught); }));
  EXPECT_EQ(caught, asio::error::malformed_frame) << caught.message();
  EXPECT_EQ(server.last_status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace framekit
