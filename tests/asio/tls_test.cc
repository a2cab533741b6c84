// TLS: FramedStream over boost::asio::ssl::stream<tcp::socket>, with a self-signed certificate the
// test makes at run time (tls_testing.h) and a client that verifies it. Echo with every framer; a
// frame whose pieces arrive in separate TLS records with pauses between them (the read must wait,
// then deliver the whole frame); a peer that ends its TLS stream inside a frame.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"
#include "tests/asio/tls_testing.h"

namespace framekit {
namespace {

namespace ssl = boost::asio::ssl;
using asio::FramedStream;
using asio_testing::MakeFramerOrDie;
using asio_testing::RunUntil;
using asio_testing::tcp;
using boost::system::error_code;
using TlsStream = ssl::stream<tcp::socket>;

// Connected, handshaken TLS streams over loopback TCP: {client, server}.
std::pair<TlsStream, TlsStream> TlsPair(boost::asio::io_context& io,
                                        asio_testing::TlsContexts& contexts) {
  auto sockets = asio_testing::TcpPair(io);
  TlsStream client(std::move(sockets.first), *contexts.client);
  TlsStream server(std::move(sockets.second), *contexts.server);
  error_code client_ec = boost::asio::error::would_block, server_ec = client_ec;
  client.async_handshake(ssl::stream_base::client, [&](error_code ec) { client_ec = ec; });
  server.async_handshake(ssl::stream_base::server, [&](error_code ec) { server_ec = ec; });
  EXPECT_TRUE(RunUntil(io, [&] {
    return client_ec != boost::asio::error::would_block &&
           server_ec != boost::asio::error::would_block;
  }));
  EXPECT_FALSE(client_ec) << "client handshake: " << client_ec.message();
  EXPECT_FALSE(server_ec) << "server handshake: " << server_ec.message();
  return {std::move(client), std::move(server)};
}

class TlsTest : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  asio_testing::TlsContexts contexts_ = asio_testing::MakeSelfSignedTlsContexts();
};

// The server: echoes each read's frames in one write, until its read fails.
class TlsEchoServer {
 public:
  TlsEchoServer(TlsStream stream, const Framer& framer) : stream_(std::move(stream), framer) {}
  void Read() {
    copies_.clear();
    stream_.async_read_frames([this](absl::string_view f) { copies_.emplace_back(f); },
                              [this](error_code ec, size_t) {
                                if (ec) {
                                  done_ = true;
                                  return;
                                }
                                views_.assign(copies_.begin(), copies_.end());
                                stream_.async_write_frames(views_, [this](error_code ec, size_t) {
                                  if (ec) {
                                    done_ = true;
                                    return;
                                  }
                                  Read();
                                });
                              });
  }
  bool done() const { return done_; }

 private:
  FramedStream<TlsStream> stream_;
  std::vector<std::string> copies_;
  std::vector<absl::string_view> views_;
  bool done_ = false;
};

class TlsEchoTest : public TlsTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(TlsEchoTest, EveryFrameComesBackUnchanged) {
  const std::string spec = GetParam();
  std::unique_ptr<Framer> framer = MakeFramerOrDie(spec);
  auto streams = TlsPair(io_, contexts_);
  TlsEchoServer server(std::move(streams.second), *framer);
  FramedStream<TlsStream> client(std::move(streams.first), *framer);
  const std::vector<std::string> payloads = asio_testing::PayloadsFor(spec, 600, 5);
  const std::vector<absl::string_view> views(payloads.begin(), payloads.end());

  // Writes in batches of up to 50 frames; reads one frame at a time.
  size_t sent = 0;
  bool write_failed = false;
  std::function<void()> write = [&] {
    if (sent == views.size()) return;
    const size_t n = std::min<size_t>(views.size() - sent, 1 + sent % 50);
    const absl::Span<const absl::string_view> batch(views.data() + sent, n);
    sent += n;
    client.async_write_frames(batch, [&](error_code ec, size_t) {
      if (ec) {
        ADD_FAILURE() << "write: " << ec.message();
        write_failed = true;
        return;
      }
      write();
    });
  };
  std::vector<std::string> got;
  error_code read_error;
  std::function<void()> read = [&] {
    client.async_read_frame([&](error_code ec, absl::string_view f) {
      if (ec) {
        read_error = ec;
        return;
      }
      got.emplace_back(f);
      if (got.size() < payloads.size()) read();
    });
  };
  server.Read();
  write();
  read();
  ASSERT_TRUE(RunUntil(
      io_, [&] { return got.size() == payloads.size() || read_error || write_failed; }));
  ASSERT_FALSE(read_error) << read_error.message();
  ASSERT_EQ(got.size(), payloads.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_TRUE(got[i] == payloads[i]) << "frame " << i;

  // Closing the client's socket ends the server's session (its read fails; it stops).
  client.close();
  EXPECT_TRUE(RunUntil(io_, [&] { return server.done(); }));
}

INSTANTIATE_TEST_SUITE_P(AllFramers, TlsEchoTest, ::testing::ValuesIn(asio_testing::AllSpecs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return asio_testing::SpecName(info.param);
                         });

// Writes `bytes` through the TLS stream in pieces cut at `cuts`, one TLS write (one record) per
// piece, with a pause after each piece but the last; calls `after_piece(i)` once piece i is
// written and the pause has passed.
void WriteInRecords(boost::asio::io_context& io, TlsStream& tls, const std::string& bytes,
                    const std::vector<size_t>& cuts, const std::function<void(size_t)>& after_piece,
                    bool* done) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io);
  auto step = std::make_shared<std::function<void(size_t)>>();
  *step = [&io, &tls, &bytes, cuts, after_piece, done, timer, step](size_t i) {
    const size_t begin = i == 0 ? 0 : cuts[i - 1];
    const size_t end = i < cuts.size() ? cuts[i] : bytes.size();
    boost::asio::async_write(
        tls, boost::asio::buffer(bytes.data() + begin, end - begin),
        [&io, cuts, after_piece, done, timer, step, i](error_code ec, size_t) {
          ASSERT_FALSE(ec) << ec.message();
          if (i == cuts.size()) {
            after_piece(i);
            *done = true;
            *step = nullptr;  // Breaks the cycle step -> lambda -> step.
            return;
          }
          timer->expires_after(std::chrono::milliseconds(30));
          timer->async_wait([after_piece, step, i](error_code) {
            after_piece(i);
            (*step)(i + 1);
          });
        });
  };
  (*step)(0);
}

// A frame written in TLS records cut inside its header, inside its payload and at the boundary
// between them; the reader sees each piece arrive (a pause after each) and must deliver nothing
// until the last one, then the whole frame; the frame after it (in the same last record) too.
class TlsSplitTest : public TlsTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(TlsSplitTest, FrameSplitAcrossRecords) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie(GetParam());
  auto streams = TlsPair(io_, contexts_);
  TlsStream client = std::move(streams.first);
  FramedStream<TlsStream> server(std::move(streams.second), *framer);

  std::string payload(900, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  std::string wire;
  ASSERT_TRUE(framer->Encode(payload, &wire).ok());
  const size_t first_frame = wire.size();
  ASSERT_TRUE(framer->Encode("next", &wire).ok());
  // Cuts: after 1 and 2 header bytes, in the middle of the payload, 1 byte before its end.
  const std::vector<size_t> cuts = {1, 2, first_frame / 2, first_frame - 1};

  std::vector<std::string> got;
  error_code read_error;
  size_t pieces_before_first_frame = 0;
  size_t pieces_written = 0;
  server.async_read_frame([&](error_code ec, absl::string_view f) {
    if (ec) {
      read_error = ec;
      return;
    }
    pieces_before_first_frame = pieces_written;
    got.emplace_back(f);
    server.async_read_frame([&](error_code ec, absl::string_view f) {
      if (ec) {
        read_error = ec;
        return;
      }
      got.emplace_back(f);
    });
  });
  bool written = false;
  WriteInRecords(io_, client, wire, cuts, [&](size_t i) { pieces_written = i + 1; }, &written);
  ASSERT_TRUE(RunUntil(io_, [&] { return got.size() == 2 || read_error; }));
  ASSERT_FALSE(read_error) << read_error.message();
  EXPECT_TRUE(got[0] == payload);
  EXPECT_EQ(got[1], "next");
  // No frame before the last piece was written: every earlier piece's pause passed without one
  // (the count is cuts.size() + 1 if the writer's completion ran before the reader's).
  EXPECT_GE(pieces_before_first_frame, cuts.size());
  RunUntil(io_, [&] { return written; });
}

INSTANTIATE_TEST_SUITE_P(Framers, TlsSplitTest,
                         ::testing::Values("length:width=4", "length:width=varint",
                                           "ascii:digits=5", "netstring", "delimiter:delim=\\r\\n"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return asio_testing::SpecName(info.param);
                         });

// The peer ends its TLS stream (close_notify) inside a frame: truncated_frame, with the decoder's
// DataLoss status. Ended between frames: eof.
TEST_F(TlsTest, PeerEndsStreamMidFrameIsTruncated) {
  for (const bool mid_frame : {true, false}) {
    std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
    auto streams = TlsPair(io_, contexts_);
    TlsStream client = std::move(streams.first);
    FramedStream<TlsStream> server(std::move(streams.second), *framer);
    std::string wire;
    ASSERT_TRUE(framer->Encode("whole", &wire).ok());
    if (mid_frame) wire += std::string("\0\0\0\x10partial", 11);
    bool shut = false;
    boost::asio::async_write(client, boost::asio::buffer(wire), [&](error_code ec, size_t) {
      ASSERT_FALSE(ec);
      client.async_shutdown([&](error_code) { shut = true; });
    });
    std::vector<std::string> got;
    error_code end;
    std::function<void()> read = [&] {
      server.async_read_frame([&](error_code ec, absl::string_view f) {
        if (ec) {
          end = ec;
          return;
        }
        got.emplace_back(f);
        read();
      });
    };
    read();
    ASSERT_TRUE(RunUntil(io_, [&] { return bool(end); }));
    EXPECT_EQ(got, std::vector<std::string>{"whole"});
    if (mid_frame) {
      EXPECT_EQ(end, asio::error::truncated_frame) << end.message();
      EXPECT_EQ(server.last_status().code(), absl::StatusCode::kDataLoss) << server.last_status();
    } else {
      EXPECT_EQ(end, boost::asio::error::eof) << end.message();
    }
    // Answer the peer's close_notify so its shutdown completes, then close.
    bool server_shut = false;
    server.next_layer().async_shutdown([&](error_code) { server_shut = true; });
    RunUntil(io_, [&] { return shut && server_shut; }, std::chrono::seconds(5));
    server.close();
    client.lowest_layer().close();
  }
}

// A TLS peer that drops the TCP connection without close_notify: the transport or TLS error is
// passed through as Asio reports it (a reset, since the client leaves the server's session tickets
// unread, or ssl::error::stream_truncated), never mistaken for a clean end or a framing error.
TEST_F(TlsTest, TcpCloseWithoutCloseNotifyIsStreamTruncated) {
  std::unique_ptr<Framer> framer = MakeFramerOrDie("length:width=4");
  auto streams = TlsPair(io_, contexts_);
  TlsStream client = std::move(streams.first);
  FramedStream<TlsStream> server(std::move(streams.second), *framer);
  client.lowest_layer().close();
  error_code end;
  server.async_read_frame([&](error_code ec, absl::string_view) { end = ec; });
  ASSERT_TRUE(RunUntil(io_, [&] { return bool(end); }));
  EXPECT_TRUE(end == ssl::error::stream_truncated || end == boost::asio::error::connection_reset)
      << end.message();
  EXPECT_NE(end, boost::asio::error::eof);
  EXPECT_NE(&end.category(), &asio::error::framing_category());
}

}  // namespace
}  // namespace framekit
