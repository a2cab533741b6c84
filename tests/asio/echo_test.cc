// Echo over real sockets (TCP loopback and Unix) with every framer: a client sends payloads in
// batches (async_write_frames) and one by one (async_write_frame), a server echoes what each read
// completed (async_read_frames -> async_write_frames), and the client reads the frames back one at
// a time (async_read_frame) until end of stream. What comes back must be exactly what was sent.
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio_testing::AllSpecs;
using asio_testing::MakeFramerOrDie;
using asio_testing::PayloadsFor;
using asio_testing::RunUntil;
using boost::system::error_code;

// The server side: echoes every frame of each read back in one gathered write; at end of stream
// shuts down its sending side.
template <typename Socket>
class EchoSession : public std::enable_shared_from_this<EchoSession<Socket>> {
 public:
  EchoSession(Socket socket, const Framer& framer) : stream_(std::move(socket), framer) {}

  void Start() { Read(); }
  error_code end() const { return end_; }
  bool done() const { return done_; }
  size_t reads() const { return reads_; }

 private:
  void Read() {
    copies_.clear();
    auto self = this->shared_from_this();
    stream_.async_read_frames(
        [this](absl::string_view f) { copies_.emplace_back(f); },
        [this, self](error_code ec, size_t n) {
          ++reads_;
          if (ec) {
            end_ = ec;
            error_code ignored;
            stream_.next_layer().shutdown(Socket::shutdown_send, ignored);
            done_ = true;
            return;
          }
          EXPECT_EQ(n, copies_.size());
          views_.assign(copies_.begin(), copies_.end());
          stream_.async_write_frames(views_, [this, self](error_code ec, size_t) {
            if (ec) {
              ADD_FAILURE() << "server write: " << ec.message();
              done_ = true;
              return;
            }
            Read();
          });
        });
  }

  FramedStream<Socket> stream_;
  std::vector<std::string> copies_;
  std::vector<absl::string_view> views_;
  error_code end_;
  bool done_ = false;
  size_t reads_ = 0;
};

// The client side: sends `payloads` (batches of varying size, every 7th payload on its own), then
// shuts down its sending side; reads frames until end of stream.
template <typename Socket>
class EchoClient {
 public:
  EchoClient(Socket socket, const Framer& framer, const std::vector<std::string>& payloads)
      : stream_(std::move(socket), framer), payloads_(payloads) {
    views_.assign(payloads_.begin(), payloads_.end());
  }

  void Start() {
    Write();
    Read();
  }
  bool done() const { return write_done_ && read_done_; }
  const std::vector<std::string>& got() const { return got_; }
  error_code read_end() const { return read_end_; }

 private:
  void Write() {
    if (sent_ == views_.size()) {
      error_code ignored;
      stream_.next_layer().shutdown(Socket::shutdown_send, ignored);
      write_done_ = true;
      return;
    }
    auto next = [this](error_code ec, size_t bytes) {
      if (ec) {
        ADD_FAILURE() << "client write: " << ec.message();
        write_done_ = true;
        return;
      }
      EXPECT_GE(bytes, 0u);
      Write();
    };
    if (sent_ % 7 == 0) {
      stream_.async_write_frame(views_[sent_], next);
      ++sent_;
      return;
    }
    const size_t n = std::min(views_.size() - sent_, 1 + (sent_ * 13) % 97);
    const absl::Span<const absl::string_view> batch(views_.data() + sent_, n);
    sent_ += n;
    stream_.async_write_frames(batch, next);
  }

  void Read() {
    stream_.async_read_frame([this](error_code ec, absl::string_view frame) {
      if (ec) {
        read_end_ = ec;
        read_done_ = true;
        return;
      }
      got_.emplace_back(frame);
      Read();
    });
  }

  FramedStream<Socket> stream_;
  const std::vector<std::string>& payloads_;
  std::vector<absl::string_view> views_;
  size_t sent_ = 0;
  std::vector<std::string> got_;
  error_code read_end_;
  bool write_done_ = false;
  bool read_done_ = false;
};

template <typename Socket>
void RunEcho(boost::asio::io_context& io, std::pair<Socket, Socket> sockets,
             const std::string& spec) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie(spec);
  const std::vector<std::string> payloads = PayloadsFor(spec, 2000, 17);
  auto server = std::make_shared<EchoSession<Socket>>(std::move(sockets.second), *framer);
  EchoClient<Socket> client(std::move(sockets.first), *framer, payloads);
  server->Start();
  client.Start();
  ASSERT_TRUE(RunUntil(io, [&] { return client.done() && server->done(); }))
      << "echo did not finish";
  EXPECT_EQ(client.read_end(), boost::asio::error::eof) << client.read_end().message();
  EXPECT_EQ(server->end(), boost::asio::error::eof) << server->end().message();
  ASSERT_EQ(client.got().size(), payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) {
    ASSERT_TRUE(client.got()[i] == payloads[i]) << "frame " << i << " differs";
  }
  // Batching happened: the server's reads each carried many frames.
  EXPECT_LT(server->reads(), payloads.size());
}

class EchoTest : public ::testing::TestWithParam<std::tuple<bool, std::string>> {};

TEST_P(EchoTest, EveryFrameComesBackUnchanged) {
  boost::asio::io_context io;
  const bool unix_socket = std::get<0>(GetParam());
  const std::string& spec = std::get<1>(GetParam());
  if (unix_socket) {
    RunEcho(io, asio_testing::UnixPair(io), spec);
  } else {
    RunEcho(io, asio_testing::TcpPair(io), spec);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllFramers, EchoTest, ::testing::Combine(::testing::Bool(), ::testing::ValuesIn(AllSpecs())),
    [](const ::testing::TestParamInfo<EchoTest::ParamType>& info) {
      return std::string(std::get<0>(info.param) ? "Unix_" : "Tcp_") +
             asio_testing::SpecName(std::get<1>(info.param));
    });

// A frame much larger than one read (and than the socket buffers) crosses intact, and the read
// buffer grown for it is released afterwards (max_idle_read_buffer).
TEST(EchoLargeFrame, FourMiBFrameOverTcp) {
  boost::asio::io_context io;
  auto sockets = asio_testing::TcpPair(io);
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4,max=8MiB");
  FramedStream<asio_testing::tcp::socket> a(std::move(sockets.first), *framer);
  FramedStream<asio_testing::tcp::socket> b(std::move(sockets.second), *framer);
  std::string big(4 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 13);
  bool wrote = false, read = false, read_small = false;
  a.async_write_frame(big, [&](error_code ec, size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(n, big.size() + 4);
    a.async_write_frame("tail", [&](error_code ec, size_t) {
      EXPECT_FALSE(ec);
      wrote = true;
    });
  });
  b.async_read_frame([&](error_code ec, absl::string_view f) {
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(f == big);
    read = true;
    b.async_read_frame([&](error_code ec, absl::string_view f) {
      EXPECT_FALSE(ec);
      EXPECT_EQ(f, "tail");
      read_small = true;
    });
  });
  ASSERT_TRUE(RunUntil(io, [&] { return wrote && read && read_small; }));
  EXPECT_LE(b.decoder().buffer_capacity(), size_t{256} << 10);
}

}  // namespace
}  // namespace framekit
