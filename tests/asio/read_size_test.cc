// How much each read asks for: frames larger than a read arrive one read each once their size is
// known (no first 64 KiB then last bytes), within the buffer a stream keeps anyway
// (max_idle_read_buffer), and frames whose size changes afterwards, or a header over the maximum,
// are handled as before. Every read the adapter starts is recorded by a stream wrapper over a Unix
// socket; a writer thread sends the frames.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/write.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/asio/error.h"
#include "framekit/asio/framed_stream.h"
#include "gtest/gtest.h"
#include "tests/asio/asio_test_util.h"

namespace framekit {
namespace {

using asio::FramedStream;
using asio::FramedStreamOptions;
using asio_testing::MakeFramerOrDie;
using asio_testing::RunUntil;
using asio_testing::unix_socket;
using boost::system::error_code;

// One read as the adapter started it: the bytes received before it, and the bytes it asked for.
struct Read {
  uint64_t received_before;
  size_t asked;
};

// A Unix socket that records every async_read_some (the handler is passed through untouched).
// `received` tells how many bytes the stream had received when the read started.
class RecordingSocket {
 public:
  using executor_type = unix_socket::executor_type;
  using lowest_layer_type = unix_socket::lowest_layer_type;

  RecordingSocket(unix_socket socket, std::shared_ptr<std::vector<Read>> reads,
                  std::shared_ptr<std::function<uint64_t()>> received)
      : socket_(std::move(socket)), reads_(std::move(reads)), received_(std::move(received)) {}

  executor_type get_executor() { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return socket_.lowest_layer(); }
  const lowest_layer_type& lowest_layer() const { return socket_.lowest_layer(); }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    reads_->push_back(Read{(*received_)(), boost::asio::buffer_size(buffers)});
    return socket_.async_read_some(buffers, std::forward<Token>(token));
  }
  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return socket_.async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  unix_socket socket_;
  std::shared_ptr<std::vector<Read>> reads_;
  std::shared_ptr<std::function<uint64_t()>> received_;
};

class ReadSizeTest : public ::testing::Test {
 protected:
  // A FramedStream over a recording socket; the writer thread writes into `peer_`.
  FramedStream<RecordingSocket>& Open(absl::string_view spec, FramedStreamOptions options = {}) {
    stream_.reset();  // Before its framer.
    framer_ = MakeFramerOrDie(spec);
    unix_socket a(io_), b(io_);
    boost::asio::local::connect_pair(a, b);
    peer_ = std::make_unique<unix_socket>(std::move(a));
    auto received = std::make_shared<std::function<uint64_t()>>();
    stream_ = std::make_unique<FramedStream<RecordingSocket>>(
        RecordingSocket(std::move(b), reads_, received), *framer_, options);
    *received = [s = stream_.get()] {
      return s->decoder().stream_offset() + s->decoder().buffered_bytes();
    };
    return *stream_;
  }

  // Writes `bytes` from a thread (they exceed the socket's buffer), then closes the peer. A write
  // cut short by the reader closing its end is not an error here.
  void PeerWritesAndCloses(std::string bytes) {
    writer_ = std::thread([this, bytes = std::move(bytes)] {
      error_code ignored;
      boost::asio::write(*peer_, boost::asio::buffer(bytes.data(), bytes.size()), ignored);
      peer_->close(ignored);
    });
  }

  // Reads frames one at a time (or in batches) until an error; returns them and sets *end. Tracks
  // the largest read buffer seen.
  std::vector<std::string> ReadUntilError(error_code* end, bool batches = false) {
    std::vector<std::string> got;
    bool done = false;
    std::function<void()> read = [&] {
      auto finish = [&](error_code ec) {
        max_capacity_ = std::max(max_capacity_, stream_->decoder().buffer_capacity());
        if (ec) {
          *end = ec;
          done = true;
          return false;
        }
        return true;
      };
      if (batches) {
        stream_->async_read_frames([&](absl::string_view f) { got.emplace_back(f); },
                                   [&, finish](error_code ec, size_t) {
                                     if (finish(ec)) read();
                                   });
      } else {
        stream_->async_read_frame([&, finish](error_code ec, absl::string_view f) {
          if (!finish(ec)) return;
          got.emplace_back(f);
          read();
        });
      }
    };
    read();
    EXPECT_TRUE(RunUntil(io_, [&] { return done; })) << "no error arrived";
    return got;
  }

  void TearDown() override {
    if (writer_.joinable()) writer_.join();
  }

  boost::asio::io_context io_;
  std::unique_ptr<Framer> framer_;
  std::unique_ptr<unix_socket> peer_;
  std::shared_ptr<std::vector<Read>> reads_ = std::make_shared<std::vector<Read>>();
  std::unique_ptr<FramedStream<RecordingSocket>> stream_;
  std::thread writer_;
  size_t max_capacity_ = 0;
};

std::string Payload(size_t size, size_t seed) {
  std::string p(size, '\0');
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<char>((i * 131 + seed * 7919) >> 3);
  return p;
}

std::string Encode(const Framer& framer, const std::vector<std::string>& payloads) {
  std::string out;
  for (const std::string& p : payloads) EXPECT_TRUE(framer.Encode(p, &out).ok());
  return out;
}

// 64 KiB payloads (65540-byte frames) in 64 KiB reads: every read that starts on a frame boundary,
// after the first frame, asks for the whole frame (Decoder::NextReadSize; a plain 64 KiB read
// would leave the 4 bytes that end the frame to a second read), and the buffer stays within the
// idle bound.
TEST_F(ReadSizeTest, FramesLargerThanAReadTakeOneReadEach) {
  for (bool batches : {false, true}) {
    SCOPED_TRACE(batches ? "async_read_frames" : "async_read_frame");
    reads_->clear();
    max_capacity_ = 0;
    Open("length:width=4");
    std::vector<std::string> payloads;
    for (size_t i = 0; i < 40; ++i) payloads.push_back(Payload(64 * 1024, i));
    PeerWritesAndCloses(Encode(*framer_, payloads));
    error_code end;
    EXPECT_EQ(ReadUntilError(&end, batches), payloads);
    EXPECT_EQ(end, boost::asio::error::eof) << end.message();
    writer_.join();

    constexpr uint64_t kFrame = 64 * 1024 + 4;
    size_t boundary_reads = 0;
    for (const Read& r : *reads_) {
      if (r.received_before == 0 || r.received_before % kFrame != 0) continue;
      ++boundary_reads;
      EXPECT_EQ(r.asked, kFrame) << "read after " << r.received_before << " bytes";
    }
    EXPECT_GE(boundary_reads, payloads.size() - 1);  // and one more at the end, for the eof
    EXPECT_LE(max_capacity_, FramedStreamOptions().max_idle_read_buffer);
    // Only the first frame's start was moved (the buffer grew under it); no frame after it.
    EXPECT_LE(stream_->decoder().buffer_moved_bytes(), kFrame);
  }
}

// Sizes that change after large frames (smaller, much larger, empty), and a buffer freed whenever
// empty (max_idle_read_buffer 0): every frame arrives intact, and no read asks for more than the
// larger of read_size and max_idle_read_buffer.
TEST_F(ReadSizeTest, SizesChangingAfterLargeFramesArriveIntact) {
  const std::vector<size_t> sizes = {65536, 65536, 65536,  100000, 100000, 10,    0,
                                     65536, 65536, 300000, 65536,  70000,  70000, 5,
                                     40000, 40000, 40000,  65530,  65536,  1,     65536};
  for (size_t max_idle : {size_t{128} << 10, size_t{0}}) {
    for (bool batches : {false, true}) {
      SCOPED_TRACE(testing::Message() << "max_idle " << max_idle << " batches " << batches);
      reads_->clear();
      FramedStreamOptions options;
      options.max_idle_read_buffer = max_idle;
      Open("length:width=4", options);
      std::vector<std::string> payloads;
      for (size_t i = 0; i < sizes.size(); ++i) payloads.push_back(Payload(sizes[i], i));
      PeerWritesAndCloses(Encode(*framer_, payloads));
      error_code end;
      EXPECT_EQ(ReadUntilError(&end, batches), payloads);
      EXPECT_EQ(end, boost::asio::error::eof) << end.message();
      writer_.join();
      for (const Read& r : *reads_) {
        EXPECT_LE(r.asked, std::max(options.read_size, max_idle))
            << "read after " << r.received_before << " bytes";
      }
    }
  }
}

// After large frames have widened the reads, a header announcing more than the maximum is still
// refused when it arrives, and the buffer does not grow toward the announced size.
TEST_F(ReadSizeTest, FrameOverMaximumAfterLargeFramesIsRefusedWithoutGrowing) {
  Open("length:width=4,max=100KiB");
  std::vector<std::string> payloads;
  for (size_t i = 0; i < 4; ++i) payloads.push_back(Payload(64 * 1024, i));
  std::string bytes = Encode(*framer_, payloads);
  bytes += std::string("\x10\0\0\0", 4);  // 256 MiB
  bytes += std::string(300000, 'x');
  PeerWritesAndCloses(std::move(bytes));
  error_code end;
  EXPECT_EQ(ReadUntilError(&end), payloads);
  EXPECT_EQ(end, asio::error::frame_too_long) << end.message();
  EXPECT_EQ(stream_->last_status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LE(max_capacity_, FramedStreamOptions().max_idle_read_buffer);
  // Nothing more is read once the header is refused: the reader stops, so unblock the writer.
  stream_->close();
}

}  // namespace
}  // namespace framekit
