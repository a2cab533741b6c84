// Bad input and misuse: each gets a clear error code (framekit's category, with the decoder's
// status in last_status()), never a crash, a hang or an unbounded buffer. The peer is a raw Unix
// socket writing exact bytes.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "framekit/asio/error.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio_testing::MakeFramerOrDie;
using asio_testing::RunUntil;
using asio_testing::unix_socket;
using boost::system::error_code;

class ErrorsTest : public ::testing::Test {
 protected:
  // A FramedStream over one end of a socketpair; the test writes raw bytes into `peer_`.
  FramedStream<unix_socket>& Open(absl::string_view spec) {
    stream_.reset();  // Before its framer.
    peer_.reset();
    framer_ = MakeFramerOrDie(spec);
    unix_socket a(io_), b(io_);
    boost::asio::local::connect_pair(a, b);
    peer_ = std::make_unique<unix_socket>(std::move(a));
    stream_ = std::make_unique<FramedStream<unix_socket>>(std::move(b), *framer_);
    return *stream_;
  }
  void PeerWrites(absl::string_view bytes) {
    boost::asio::write(*peer_, boost::asio::buffer(bytes.data(), bytes.size()));
  }
  void PeerCloses() { peer_->close(); }

  // Reads frames one at a time until an error; returns them and sets *end.
  std::vector<std::string> ReadUntilError(error_code* end) {
    std::vector<std::string> got;
    bool done = false;
    std::function<void()> read = [&] {
      stream_->async_read_frame([&](error_code ec, absl::string_view f) {
        if (ec) {
          *end = ec;
          done = true;
          return;
        }
        got.emplace_back(f);
        read();
      });
    };
    read();
    EXPECT_TRUE(RunUntil(io_, [&] { return done; })) << "no error arrived";
    return got;
  }

  boost::asio::io_context io_;
  std::unique_ptr<Framer> framer_;
  std::unique_ptr<unix_socket> peer_;
  std::unique_ptr<FramedStream<unix_socket>> stream_;
};

TEST_F(ErrorsTest, CleanEndOfStreamIsEof) {
  Open("length:width=4");
  PeerWrites(std::string("\0\0\0\2hi", 6));
  PeerCloses();
  error_code end;
  EXPECT_EQ(ReadUntilError(&end), std::vector<std::string>{"hi"});
  EXPECT_EQ(end, boost::asio::error::eof) << end.message();
  EXPECT_TRUE(stream_->last_status().ok());
  // Reading again after the end gives the end again.
  error_code again;
  ReadUntilError(&again);
  EXPECT_EQ(again, boost::asio::error::eof);
}

TEST_F(ErrorsTest, PeerClosesMidFrameIsTruncated) {
  for (absl::string_view spec : {"length:width=4", "netstring", "delimiter", "fixed:size=8"}) {
    SCOPED_TRACE(spec);
    Open(spec);
    std::string wire;
    ASSERT_TRUE(framer_->Encode("12345678", &wire).ok());
    PeerWrites(wire + wire.substr(0, wire.size() - 3));  // one frame, then most of another
    PeerCloses();
    error_code end;
    EXPECT_EQ(ReadUntilError(&end), std::vector<std::string>{"12345678"});
    EXPECT_EQ(end, asio::error::truncated_frame) << end.message();
    EXPECT_EQ(stream_->last_status().code(), absl::StatusCode::kDataLoss);
    EXPECT_TRUE(absl::StrContains(stream_->last_status().message(), "pending"))
        << stream_->last_status();
  }
}

// A header announcing a payload over the maximum fails as soon as the header arrives: the peer
// keeps the connection open and sends nothing more, and nothing near the claimed size is buffered.
TEST_F(ErrorsTest, FrameOverMaximumFailsBeforeBuffering) {
  FramedStream<unix_socket>& s = Open("length:width=4,max=1KiB");
  PeerWrites(std::string("\0\0\0\3abc", 7));
  PeerWrites(std::string("\x10\0\0\0", 4));  // 256 MiB
  PeerWrites(std::string(3000, 'x'));        // some of it
  error_code end;
  EXPECT_EQ(ReadUntilError(&end), std::vector<std::string>{"abc"});
  EXPECT_EQ(end, asio::error::frame_too_long) << end.message();
  EXPECT_EQ(end, boost::system::errc::message_size);
  EXPECT_EQ(s.last_status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(s.last_status().message(), "268435456")) << s.last_status();
  EXPECT_LT(s.decoder().buffer_capacity(), size_t{1} << 20);
  // Fatal: the next read fails the same way, without reading.
  error_code again;
  ReadUntilError(&again);
  EXPECT_EQ(again, asio::error::frame_too_long);
}

// A delimiter that never comes: the frame is refused once it passes the maximum, not buffered
// without bound.
TEST_F(ErrorsTest, EndlessLineIsTooLong) {
  FramedStream<unix_socket>& s = Open("delimiter:max=4KiB");
  const std::string chunk(64 * 1024, 'a');
  bool writer_done = false;
  // More than the socket buffer holds: written asynchronously while the stream reads.
  boost::asio::async_write(*peer_, boost::asio::buffer(chunk),
                           [&](error_code, size_t) { writer_done = true; });
  error_code end;
  ReadUntilError(&end);
  EXPECT_EQ(end, asio::error::frame_too_long) << end.message();
  EXPECT_LT(s.decoder().buffer_capacity(), size_t{256} << 10);
  PeerCloses();
  RunUntil(io_, [&] { return writer_done; }, std::chrono::seconds(5));
}

// With too_long=skip, the over-long frame is reported once and discarded; reading goes on.
TEST_F(ErrorsTest, SkippedTooLongFrameIsReportedOnceThenReadingGoesOn) {
  Open("length:width=4,max=8,too_long=skip");
  std::string wire = std::string("\0\0\0\2ok", 6) + std::string("\0\0\0\x14", 4) +
                     std::string(20, 'z') + std::string("\0\0\0\5after", 9);
  PeerWrites(wire);
  std::vector<std::string> got;
  std::vector<error_code> codes;
  std::function<void()> read = [&] {
    stream_->async_read_frame([&](error_code ec, absl::string_view f) {
      codes.push_back(ec);
      if (!ec) got.emplace_back(f);
      if (codes.size() < 3) read();
    });
  };
  read();
  ASSERT_TRUE(RunUntil(io_, [&] { return codes.size() == 3; }));
  EXPECT_FALSE(codes[0]);
  EXPECT_EQ(codes[1], asio::error::frame_too_long);
  EXPECT_FALSE(codes[2]);
  EXPECT_EQ(got, (std::vector<std::string>{"ok", "after"}));
}

TEST_F(ErrorsTest, MalformedHeaders) {
  struct Case {
    const char* spec;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {"netstring", "01:a,"},              // leading zero
      {"netstring", "3:abc;"},             // missing comma
      {"ascii:digits=5", "12a45hello"},    // non-digit
      {"length:width=varint", std::string(11, '\xff')},  // varint over 64 bits
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    Open(c.spec);
    PeerWrites(c.bytes);
    error_code end;
    EXPECT_TRUE(ReadUntilError(&end).empty());
    EXPECT_EQ(end, asio::error::malformed_frame) << end.message();
    EXPECT_EQ(end, boost::system::errc::invalid_argument);
    EXPECT_EQ(stream_->last_status().code(), absl::StatusCode::kInvalidArgument);
  }
}

// The batch read delivers the good frames before the bad one, counts them, then reports the error.
TEST_F(ErrorsTest, BatchDeliversFramesBeforeTheError) {
  Open("netstring");
  PeerWrites("1:a,1:b,01:c,");
  std::vector<std::string> got;
  error_code end;
  size_t count = 99;
  bool done = false;
  stream_->async_read_frames([&](absl::string_view f) { got.emplace_back(f); },
                             [&](error_code ec, size_t n) {
                               end = ec;
                               count = n;
                               done = true;
                             });
  ASSERT_TRUE(RunUntil(io_, [&] { return done; }));
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(end, asio::error::malformed_frame);
}

// Payloads the framer refuses fail the write before any byte is written.
TEST_F(ErrorsTest, RefusedPayloadsWriteNothing) {
  FramedStream<unix_socket>& s = Open("length:width=1");
  error_code ec1, ec2;
  size_t n1 = 99, n2 = 99;
  bool done1 = false, done2 = false;
  const std::string big(300, 'x');
  s.async_write_frame(big, [&](error_code ec, size_t n) {
    ec1 = ec;
    n1 = n;
    done1 = true;
  });
  ASSERT_TRUE(RunUntil(io_, [&] { return done1; }));
  EXPECT_EQ(ec1, asio::error::frame_too_long);
  EXPECT_EQ(n1, 0u);
  EXPECT_EQ(s.last_status().code(), absl::StatusCode::kResourceExhausted);

  const std::vector<absl::string_view> batch = {"ok", big, "ok"};
  s.async_write_frames(batch, [&](error_code ec, size_t n) {
    ec2 = ec;
    n2 = n;
    done2 = true;
  });
  ASSERT_TRUE(RunUntil(io_, [&] { return done2; }));
  EXPECT_EQ(ec2, asio::error::frame_too_long);
  EXPECT_EQ(n2, 0u);
  EXPECT_TRUE(absl::StartsWith(s.last_status().message(), "payload 1 of 3: "))
      << s.last_status();
  EXPECT_EQ(peer_->available(), 0u);

  // The stream still writes what the framer accepts.
  bool done3 = false;
  s.async_write_frame("fine", [&](error_code ec, size_t n) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, 5u);
    done3 = true;
  });
  ASSERT_TRUE(RunUntil(io_, [&] { return done3; }));
  char buf[16];
  EXPECT_EQ(peer_->read_some(boost::asio::buffer(buf)), 5u);
  EXPECT_EQ(absl::string_view(buf, 5), absl::string_view("\4fine", 5));

  // A fixed-size framer refuses another size as malformed.
  FramedStream<unix_socket>& f = Open("fixed:size=4");
  error_code ec4;
  bool done4 = false;
  f.async_write_frame("abc", [&](error_code ec, size_t) {
    ec4 = ec;
    done4 = true;
  });
  ASSERT_TRUE(RunUntil(io_, [&] { return done4; }));
  EXPECT_EQ(ec4, asio::error::malformed_frame) << ec4.message();
}

// A second read (or write) while one is outstanding is refused with in_progress; the first one is
// unaffected.
TEST_F(ErrorsTest, SecondOutstandingOperationIsRefused) {
  FramedStream<unix_socket>& s = Open("length:width=4");
  error_code first, second;
  absl::string_view first_frame;
  bool first_done = false, second_done = false;
  s.async_read_frame([&](error_code ec, absl::string_view f) {
    first = ec;
    first_frame = f;
    first_done = true;
  });
  s.async_read_frames([](absl::string_view) { ADD_FAILURE() << "refused read delivered"; },
                      [&](error_code ec, size_t n) {
                        second = ec;
                        EXPECT_EQ(n, 0u);
                        second_done = true;
                      });
  ASSERT_TRUE(RunUntil(io_, [&] { return second_done; }));
  EXPECT_EQ(second, boost::asio::error::in_progress);
  EXPECT_FALSE(first_done);
  PeerWrites(std::string("\0\0\0\2hi", 6));
  ASSERT_TRUE(RunUntil(io_, [&] { return first_done; }));
  EXPECT_FALSE(first);
  EXPECT_EQ(first_frame, "hi");
}

// No operation completes inside its initiating function, even when its result is already known.
TEST_F(ErrorsTest, NeverCompletesInline) {
  FramedStream<unix_socket>& s = Open("length:width=4");
  PeerWrites(std::string("\0\0\0\1a\0\0\0\1b", 10));
  bool done = false;
  s.async_read_frame([&](error_code ec, absl::string_view) {
    EXPECT_FALSE(ec);
    done = true;
  });
  ASSERT_TRUE(RunUntil(io_, [&] { return done; }));
  // "b" is decoded ahead now: the next read has its result without I/O.
  bool inline_call = true, second_done = false;
  s.async_read_frame([&](error_code ec, absl::string_view f) {
    EXPECT_FALSE(inline_call) << "completed inside async_read_frame";
    EXPECT_FALSE(ec);
    EXPECT_EQ(f, "b");
    second_done = true;
  });
  inline_call = false;
  ASSERT_TRUE(RunUntil(io_, [&] { return second_done; }));
  bool refused_inline = true, refused_done = false;
  s.async_write_frames(std::vector<absl::string_view>{}, [&](error_code ec, size_t n) {
    EXPECT_FALSE(refused_inline);
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, 0u);
    refused_done = true;
  });
  refused_inline = false;
  ASSERT_TRUE(RunUntil(io_, [&] { return refused_done; }));
}

TEST(ErrorCategory, NamesAndConditions) {
  const boost::system::error_code ec = asio::error::truncated_frame;
  EXPECT_STREQ(ec.category().name(), "framekit");
  EXPECT_TRUE(absl::StrContains(ec.message(), "truncated")) << ec.message();
  EXPECT_EQ(ec, boost::system::errc::io_error);
  EXPECT_EQ(asio::ErrorCodeFromStatus(absl::OkStatus()), error_code());
  EXPECT_EQ(asio::ErrorCodeFromStatus(absl::ResourceExhaustedError("x")),
            asio::error::frame_too_long);
  EXPECT_EQ(asio::ErrorCodeFromStatus(absl::InvalidArgumentError("x")),
            asio::error::malformed_frame);
  EXPECT_EQ(asio::ErrorCodeFromStatus(absl::DataLossError("x")), asio::error::truncated_frame);
  EXPECT_EQ(asio::ErrorCodeFromStatus(absl::InternalError("x")), asio::error::framing_failed);
}

}  // namespace
}  // namespace framekit
