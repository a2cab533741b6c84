// framekit/asio/framed_stream.h
//
// FramedStream is framekit inside Boost.Asio: any Asio stream (tcp::socket,
// local::stream_protocol::socket, ssl::stream<tcp::socket>, or any type meeting AsyncReadStream
// and AsyncWriteStream) plus a Framer, reading frames and writing payloads as frames with Asio's
// completion tokens. It is the Asio sibling of transport/framed_connection.h.
//
// Contract
//   Reading. async_read_frame(token) completes with (error_code, absl::string_view frame): the next
//     frame, a view into the decoder's buffer valid until the next read operation is started (copy
//     it to keep it). async_read_frames(on_frame, token) is the batch form: it waits until at least
//     one frame is complete, calls on_frame(absl::string_view) for every complete frame buffered
//     (thousands per read for small frames: no completion per frame), in order, and completes with
//     (error_code, size_t frames); each view is valid only during its call. Reads go straight into
//     the decoder's buffer (Decoder::NextReadSize / PrepareWrite: no copy), `read_size` bytes at a
//     time, cut to end on a frame boundary when the frame's size is known; at a frame boundary
//     after large frames that took more than `read_size` bytes, as many bytes again if the
//     buffer already has room for them (one read per 64 KiB frame rather than two).
//   Writing. async_write_frame(payload, token) and async_write_frames(payloads, token) complete
//     with (error_code, size_t bytes written): one gathered write (boost::asio::async_write) of
//     every frame's header, payload and trailer. Payloads are sent by reference, never copied:
//     the caller keeps them (and, for async_write_frames, the span's array) alive until
//     completion. A payload the framer refuses (over the maximum, the wrong fixed size) fails the
//     whole operation before any byte is written.
//   Errors. Socket and TLS errors are passed through. A clean end of stream between frames is
//     boost::asio::error::eof; the framing errors are in framekit's category (error.h):
//     error::frame_too_long (found from the header, before the payload is buffered),
//     error::malformed_frame, error::truncated_frame (the peer closed inside a frame). The
//     absl::Status behind the last one (framer, limit, stream offset) is last_status(). After a
//     framing error other than a skipped too-long frame (framer option too_long=skip), every read
//     fails the same way: close the stream.
//   One operation per direction. As Asio requires, at most one read (async_read_frame or
//     async_read_frames) and one write may be outstanding; a second one completes with
//     boost::asio::error::in_progress and changes nothing. on_frame must not start a read, and
//     must not throw (an exception leaves the read outstanding for good: close the stream).
//   Completion tokens. As for Asio's own operations (async_compose): a callback,
//     boost::asio::use_future, use_awaitable (C++20 code). No operation completes inside its
//     initiating function: a result available without I/O is deferred, and reaches the handler
//     through its associated executor (directly when that has the stream's executor type, else
//     through the stream's executor). One exception to "deferred": an async_read_frame that the
//     handler of this stream's previous read starts, on the stream's own executor, with its frame
//     already decoded, completes right after that handler returns, from the same completion, as
//     dispatch would (up to 64 in a row, then one is deferred so other handlers get their turn):
//     a frame then costs a handler call, not a pass through the io_context.
//   Cancellation and lifetime. cancel() and close() act on the lowest layer: outstanding operations
//     complete with boost::asio::error::operation_aborted. Destroying a FramedStream over a basic
//     socket with operations outstanding is safe, as for Asio's own sockets: they complete with
//     operation_aborted and touch nothing of the stream (the decoder is shared with them). An
//     ssl::stream must not be destroyed with operations outstanding (Asio's rule for it). The
//     framer must outlive the FramedStream and its operations. Not thread-safe: use one thread,
//     or a strand when several threads run the io_context, as for the underlying stream.
//
// Example (an echo session; compiled as tests/asio/header_example_test.cc):
//
//   using boost::asio::ip::tcp;
//   using Stream = framekit::asio::FramedStream<tcp::socket>;
//
//   void Echo(std::shared_ptr<Stream> stream) {
//     stream->async_read_frame([stream](boost::system::error_code ec, absl::string_view frame) {
//       if (ec) return;  // eof, a framing error (stream->last_status()), a socket error
//       // `frame` lives until the next read, which starts only once the write is done.
//       stream->async_write_frame(frame, [stream](boost::system::error_code ec, size_t) {
//         if (!ec) Echo(stream);
//       });
//     });
//   }
//
//   std::unique_ptr<framekit::Framer> framer = *framekit::MakeFramer("length:width=4");
//   auto stream = std::make_shared<Stream>(std::move(socket), *framer);
//   Echo(stream);
//
//   // Or inside a coroutine (C++20; tests/asio/awaitable_test.cc), frames in batches:
//   std::vector<std::string> frames;
//   size_t n = co_await stream->async_read_frames(
//       [&](absl::string_view f) { frames.emplace_back(f); }, boost::asio::use_awaitable);
#ifndef FRAMEKIT_ASIO_FRAMED_STREAM_H_
#define FRAMEKIT_ASIO_FRAMED_STREAM_H_

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/system/error_code.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/asio/error.h"
#include "framekit/asio/internal/ops.h"
#include "framekit/asio/internal/shared_state.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"

namespace framekit {
namespace asio {

struct FramedStreamOptions {
  // Bytes asked of each read (the decoder keeps at least this much free space); cut to end on a
  // frame boundary when the size of the frame being received is known (Decoder::NextReadSize).
  // After frames larger than this, a read at a frame boundary asks for as many bytes as they
  // took, within the buffer's free space (never allocating for it). Default 64 KiB; clamped to
  // 1 .. 16 MiB.
  size_t read_size = 64 * 1024;
  // Before a read, a read buffer holding no byte of any frame is freed if it is larger than this
  // (it grew for one large frame), even between large frames: the read pins the buffer while the
  // stream waits, so a buffer kept for the next large frame would stay with an idle stream.
  // Default 128 KiB; 0 frees it whenever it is empty.
  size_t max_idle_read_buffer = 128 * 1024;
};

template <typename AsyncStream>
class FramedStream {
 public:
  using next_layer_type = AsyncStream;
  using lowest_layer_type = typename AsyncStream::lowest_layer_type;
  using executor_type = typename AsyncStream::executor_type;
  // The token used when none is given: the executor's default (a callback is then required, as
  // for Asio's own operations, unless the executor names one, e.g. use_awaitable_t::as_default_on).
  using DefaultToken = typename boost::asio::default_completion_token<executor_type>::type;

  // Takes over `stream` (connected; for TLS, handshaken or not: the handshake is the caller's,
  // through next_layer()). `framer` must outlive this object and its operations.
  FramedStream(AsyncStream stream, const Framer& framer, FramedStreamOptions options = {})
      : stream_(std::move(stream)),
        shared_(std::make_shared<internal::SharedState>(framer, options.read_size,
                                                        options.max_idle_read_buffer)) {}

  ~FramedStream() {
    if (shared_ != nullptr) shared_->alive = false;
  }

  // Movable only while no operation is outstanding (operations refer to the stream).
  FramedStream(FramedStream&&) = default;
  FramedStream& operator=(FramedStream&& other) {
    if (this != &other) {
      if (shared_ != nullptr) shared_->alive = false;
      stream_ = std::move(other.stream_);
      shared_ = std::move(other.shared_);
    }
    return *this;
  }
  FramedStream(const FramedStream&) = delete;
  FramedStream& operator=(const FramedStream&) = delete;

  executor_type get_executor() { return stream_.get_executor(); }
  next_layer_type& next_layer() { return stream_; }
  const next_layer_type& next_layer() const { return stream_; }
  lowest_layer_type& lowest_layer() { return stream_.lowest_layer(); }
  const Framer& framer() const { return *shared_->framer; }
  // The decoder: stream offset, buffered bytes, buffer capacity.
  const Decoder& decoder() const { return *shared_->decoder; }

  // The status behind the last framing error of a read or write (OkStatus if none yet); read it in
  // the failed operation's handler.
  const absl::Status& last_status() const {
    return shared_->last_failed_write.load(std::memory_order_relaxed) ? shared_->write_status
                                                                      : shared_->read_status;
  }

  // Cancels outstanding operations (operation_aborted). Errors are ignored, as by
  // basic_socket::cancel(error_code&).
  void cancel() {
    boost::system::error_code ignored;
    stream_.lowest_layer().cancel(ignored);
  }
  // Closes the lowest layer; outstanding operations complete with operation_aborted. (For TLS,
  // an orderly shutdown first is the caller's: next_layer().async_shutdown.)
  void close() {
    boost::system::error_code ignored;
    stream_.lowest_layer().close(ignored);
  }

  // Reads the next frame. Completion: void(boost::system::error_code, absl::string_view); the view
  // is valid until the next read operation starts.
  template <typename CompletionToken = DefaultToken>
  auto async_read_frame(
      CompletionToken&& token = DefaultToken()) {
    return boost::asio::async_compose<CompletionToken,
                                      void(boost::system::error_code, absl::string_view)>(
        internal::ReadFrameOp<AsyncStream>(stream_, shared_), token, stream_);
  }

  // Reads until at least one frame is complete and calls on_frame(absl::string_view) for each
  // complete frame buffered. Completion: void(boost::system::error_code, size_t frames); on an
  // error, the frames before the bad one have been delivered (and counted).
  template <typename OnFrame,
            typename CompletionToken = DefaultToken>
  auto async_read_frames(OnFrame&& on_frame, CompletionToken&& token = DefaultToken()) {
    using Op = internal::ReadFramesOp<AsyncStream, std::decay_t<OnFrame>>;
    return boost::asio::async_compose<CompletionToken,
                                      void(boost::system::error_code, std::size_t)>(
        Op(stream_, shared_, std::forward<OnFrame>(on_frame)), token, stream_);
  }

  // Writes one frame. Completion: void(boost::system::error_code, size_t bytes written). `payload`
  // must stay valid until completion.
  template <typename CompletionToken = DefaultToken>
  auto async_write_frame(absl::string_view payload, CompletionToken&& token = DefaultToken()) {
    return boost::asio::async_compose<CompletionToken,
                                      void(boost::system::error_code, std::size_t)>(
        internal::WriteFramesOp<AsyncStream>(stream_, shared_, payload), token, stream_);
  }

  // Writes one frame per payload, in order, in one gathered write. All or nothing: a refused
  // payload ("payload <i> of <n>: ..." in last_status()) fails it before any byte is written.
  // Completion: void(boost::system::error_code, size_t bytes written). The payloads and the array
  // `payloads` views must stay valid until completion.
  template <typename CompletionToken = DefaultToken>
  auto async_write_frames(absl::Span<const absl::string_view> payloads,
                          CompletionToken&& token = DefaultToken()) {
    return boost::asio::async_compose<CompletionToken,
                                      void(boost::system::error_code, std::size_t)>(
        internal::WriteFramesOp<AsyncStream>(stream_, shared_, payloads), token, stream_);
  }

 private:
  AsyncStream stream_;
  std::shared_ptr<internal::SharedState> shared_;
};

}  // namespace asio
}  // namespace framekit

#endif  // FRAMEKIT_ASIO_FRAMED_STREAM_H_
