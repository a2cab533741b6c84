// framekit/asio/internal/shared_state.h -- not part of the API.
//
// The state a FramedStream shares with its pending operations: the decoder (whose buffer a pending
// read writes into), the frames decoded ahead, the write scratch (headers and the buffer list a
// pending write sends from) and the last errors. Held by shared_ptr so that an operation still
// queued when the FramedStream is destroyed (a basic socket cancels its operations on destruction;
// they complete later with operation_aborted) touches no freed memory: it sees `alive == false`
// and completes without going back to the stream.
#ifndef FRAMEKIT_ASIO_INTERNAL_SHARED_STATE_H_
#define FRAMEKIT_ASIO_INTERNAL_SHARED_STATE_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"

namespace framekit {
namespace asio {
namespace internal {

// Frames taken from the decoder per NextBatch call.
inline constexpr size_t kBatchFrames = 64;
inline constexpr size_t kMaxReadSize = size_t{16} << 20;

// A buffer sequence over a range of const_buffer that it does not own: passed to async_write
// instead of the vector itself, which async_write would copy (an allocation per write).
class BufferRange {
 public:
  using value_type = boost::asio::const_buffer;
  using const_iterator = const boost::asio::const_buffer*;
  BufferRange(const boost::asio::const_buffer* begin, const boost::asio::const_buffer* end)
      : begin_(begin), end_(end) {}
  const_iterator begin() const { return begin_; }
  const_iterator end() const { return end_; }

 private:
  const boost::asio::const_buffer* begin_;
  const boost::asio::const_buffer* end_;
};

struct SharedState {
  SharedState(const Framer& f, size_t read, size_t idle)
      : framer(&f),
        decoder(f.NewDecoder()),
        read_size(std::clamp<size_t>(read, 1, kMaxReadSize)),
        max_idle_read_buffer(idle) {}

  // ---- Reading ----

  // A frame decoded ahead, or the error found behind them, or end of stream: something a read can
  // complete with without reading.
  bool HasReadResult() const {
    return ready_next != ready_end || !ready_error.ok() || read_eof;
  }

  // Takes up to kBatchFrames frames from the decoder into `ready` (only when it is empty, so the
  // views handed out earlier stay valid: NextBatch never moves buffered bytes). An error behind
  // them is kept in `ready_error`, for the read after the last of them.
  void DecodeAhead() {
    Decoder::Result stop;
    const size_t n = decoder->NextBatch(absl::MakeSpan(ready), &stop);
    ready_next = 0;
    ready_end = n;
    if (stop == Decoder::kError) ready_error = decoder->status();
  }

  // Takes the error found behind the decoded-ahead frames and records it as the last status.
  absl::Status TakeReadyError() {
    absl::Status e = std::move(ready_error);
    ready_error = absl::OkStatus();
    SetReadStatus(e);
    return e;
  }

  void SetReadStatus(absl::Status s) {
    read_status = std::move(s);
    last_failed_write.store(false, std::memory_order_relaxed);
  }
  void SetWriteStatus(absl::Status s) {
    write_status = std::move(s);
    last_failed_write.store(true, std::memory_order_relaxed);
  }

  // A read whose result was ready when the handler of this stream's previous read started it,
  // on the thread running that handler: that completion runs it once the handler has returned
  // (ops.h, ReadFrameOp::Complete) instead of a pass through the io_context per frame.
  struct PendingRead {
    virtual ~PendingRead() = default;
    virtual void Run() = 0;    // completes it here
    virtual void Defer() = 0;  // or through the io_context, as any other
  };
  std::unique_ptr<PendingRead> pending_read;

  const Framer* framer;
  std::unique_ptr<Decoder> decoder;
  size_t read_size;
  size_t max_idle_read_buffer;
  absl::string_view ready[kBatchFrames];
  size_t ready_next = 0;
  size_t ready_end = 0;
  absl::Status ready_error;
  bool read_eof = false;    // the peer ended its stream: no more reads
  bool reading = false;     // a read operation is outstanding
  bool writing = false;     // a write operation is outstanding
  bool alive = true;        // false once the FramedStream is destroyed
  absl::Status read_status;   // why the last failed read failed
  absl::Status write_status;  // why the last refused write was refused
  std::atomic<bool> last_failed_write{false};

  // ---- Writing (owned by the one outstanding write) ----
  std::vector<FrameEnvelope> envelopes;
  std::vector<boost::asio::const_buffer> buffers;
};

}  // namespace internal
}  // namespace asio
}  // namespace framekit

#endif  // FRAMEKIT_ASIO_INTERNAL_SHARED_STATE_H_
