// The example of framekit/asio/framed_stream.h, compiled and run: an echo session written exactly
// as the header shows it, driven by a client.
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "absl/strings/string_view.h"
#include "framekit/asio/framed_stream.h"
#include "framekit/framing/framer_spec.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

// ---- As in the header ----
using boost::asio::ip::tcp;
using Stream = framekit::asio::FramedStream<tcp::socket>;

void Echo(std::shared_ptr<Stream> stream) {
  stream->async_read_frame([stream](boost::system::error_code ec, absl::string_view frame) {
    if (ec) return;  // eof, a framing error (stream->last_status()), a socket error
    // `frame` lives until the next read, which starts only once the write is done.
    stream->async_write_frame(frame, [stream](boost::system::error_code ec, size_t) {
      if (!ec) Echo(stream);
    });
  });
}
// ----

TEST(HeaderExample, EchoSession) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  tcp::socket socket = std::move(sockets.second);

  std::unique_ptr<framekit::Framer> framer = *framekit::MakeFramer("length:width=4");
  auto stream = std::make_shared<Stream>(std::move(socket), *framer);
  Echo(stream);

  Stream client(std::move(sockets.first), *framer);
  std::string got;
  client.async_write_frame("ping", [](boost::system::error_code ec, size_t) { EXPECT_FALSE(ec); });
  client.async_read_frame([&](boost::system::error_code ec, absl::string_view f) {
    EXPECT_FALSE(ec);
    got = std::string(f);
  });
  ASSERT_TRUE(asio_testing::RunUntil(io, [&] { return !got.empty(); }));
  EXPECT_EQ(got, "ping");
  client.close();
  stream.reset();  // The session holds itself through its pending read until that read ends.
  io.run_for(std::chrono::seconds(1));
}

}  // namespace
}  // namespace framekit
