// framekit/asio/internal/ops.h -- not part of the API.
//
// The composed operations behind FramedStream (framed_stream.h), written for
// boost::asio::async_compose. Each one:
//   * never completes inside its initiating function: a result available without I/O (a frame
//     decoded ahead, an error, a busy stream, a refused payload) is deferred (DeferStep): to the
//     handler's associated executor when it has the stream's executor type (a plain callback, a
//     coroutine's), else to the stream's executor, which then dispatches to the handler's (a
//     strand, use_future's). Deferred to the handler's executor directly, a use_future handler's
//     step would run on Asio's system thread pool (system_executor), racing the io_context's
//     thread; deferred rather than posted, it goes to the running thread's private queue, where
//     post() would lock the scheduler and interrupt epoll (an eventfd write per frame on top of
//     the scheduler's pass);
//   * except one case: async_read_frame called by the handler of the stream's previous read, on the
//     stream's own executor, with its frame already decoded. The initiating function stores it;
//     the completion running that handler completes it once the handler has returned (not inside
//     any initiating function, on the executor the handler asked for, as dispatch would), up to
//     kMaxInlineReads in a row before deferring one, so that other handlers still get their turn.
//     Otherwise every frame would cost a pass through the io_context's scheduler (an epoll_wait
//     between any two handlers), which is most of a small frame's cost;
//   * reads straight into the decoder's buffer (Decoder::NextReadSize, PrepareWrite, CommitWrite);
//   * after every intermediate completion, checks that the FramedStream still exists before it
//     touches the stream again, and otherwise completes with operation_aborted.
#ifndef FRAMEKIT_ASIO_INTERNAL_OPS_H_
#define FRAMEKIT_ASIO_INTERNAL_OPS_H_

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/asio/error.h"
#include "framekit/asio/internal/shared_state.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framing_errors.h"

namespace framekit {
namespace asio {
namespace internal {

using boost::system::error_code;

// The end of a read that found end of stream: eof on a frame boundary, else the decoder's error
// (DataLoss: truncated_frame, or the fatal error that came before).
inline error_code EndOfStream(SharedState& s) {
  s.read_eof = true;
  absl::Status st = s.decoder->Finish();
  if (st.ok()) return boost::asio::error::eof;
  error_code ec = ErrorCodeFromStatus(st);
  s.SetReadStatus(std::move(st));
  return ec;
}

// Runs `self`'s next step later, from the io_context's loop: straight to the handler's executor
// when that is the stream's own (a plain callback), saving the work_dispatcher hop (a work count
// taken and released, a second dispatch); otherwise through the stream's executor, which then
// dispatches to the handler's (a strand, use_future's, a coroutine's).
template <typename Stream, typename Self>
void DeferStep(Stream& stream, Self&& self) {
  using StreamExecutor = typename std::decay<decltype(boost::asio::prefer(
      stream.get_executor(), boost::asio::execution::outstanding_work.tracked))>::type;
  if constexpr (std::is_same<boost::asio::associated_executor_t<std::decay_t<Self>>,
                             StreamExecutor>::value) {
    boost::asio::defer(std::forward<Self>(self));
  } else {
    boost::asio::defer(stream.get_executor(), std::forward<Self>(self));
  }
}

// Reads completed in a row by one completion (ReadFrameOp::Complete) before the next is deferred.
inline constexpr int kMaxInlineReads = 64;

// The stream whose read completion this thread is running, if any (ReadFrameOp::Complete).
inline thread_local const SharedState* tls_completing_reads_of = nullptr;

// True when `self`'s handler runs on `stream`'s own executor (a plain callback, a coroutine on
// it): then completing it from a completion of that stream is what dispatch would do.
template <typename Stream, typename Self>
bool OnStreamExecutor(Stream& stream, const Self& self) {
  using StreamExecutor = typename std::decay<decltype(boost::asio::prefer(
      stream.get_executor(), boost::asio::execution::outstanding_work.tracked))>::type;
  if constexpr (std::is_same<boost::asio::associated_executor_t<Self>, StreamExecutor>::value) {
    return boost::asio::get_associated_executor(self) ==
           boost::asio::prefer(stream.get_executor(),
                               boost::asio::execution::outstanding_work.tracked);
  } else {
    return false;
  }
}

// One freed PendingStep's memory per thread, for the next: in a chain of inline reads each step is
// allocated while the one before it still runs and freed just after, so one block alternates with
// another instead of a heap allocation per frame. Only a block of the same size is reused.
struct PendingStepBlock {
  void* block = nullptr;
  size_t size = 0;
  ~PendingStepBlock() { ::operator delete(block); }

  void* Allocate(size_t n) {
    if (block != nullptr && size == n) return std::exchange(block, nullptr);
    return ::operator new(n);
  }
  void Free(void* p, size_t n) {
    if (block == nullptr) {
      block = p;
      size = n;
    } else {
      ::operator delete(p);
    }
  }
};
inline thread_local PendingStepBlock tls_pending_step_block;

template <typename Stream, typename Self>
class PendingStep final : public SharedState::PendingRead {
 public:
  PendingStep(Stream& stream, Self&& self) : stream_(stream), self_(std::move(self)) {}
  void Run() override { self_(); }
  void Defer() override;

  static void* operator new(size_t n) { return tls_pending_step_block.Allocate(n); }
  static void operator delete(void* p, size_t n) { tls_pending_step_block.Free(p, n); }

 private:
  Stream& stream_;
  Self self_;
};

template <typename Stream, typename Self>
void PendingStep<Stream, Self>::Defer() {
  DeferStep(stream_, std::move(self_));
}

// Issues one read into the decoder's free space: NextReadSize bytes (the rest of a large frame,
// whole frames of the last frame's size, or at a frame boundary after large frames as many bytes
// as they took); into memory the decoder owns and `s` keeps alive.
template <typename Stream, typename Self>
void ReadIntoDecoder(Stream& stream, SharedState& s, Self& self) {
  // Frees a buffer grown for one large frame once it holds nothing (only then: nothing moves).
  // At once, not only once outgrown as FramedConnection does: the read issued here pins the
  // buffer until bytes come, so an idle stream could never give a kept one back.
  s.decoder->TrimBuffer(s.max_idle_read_buffer);
  const size_t want = s.decoder->NextReadSize(s.read_size);
  absl::Span<char> space = s.decoder->PrepareWrite(want);
  stream.async_read_some(boost::asio::buffer(space.data(), want), std::move(self));
}

// async_read_frame: completes with (error_code, absl::string_view).
template <typename Stream>
class ReadFrameOp {
 public:
  ReadFrameOp(Stream& stream, std::shared_ptr<SharedState> shared)
      : stream_(stream), shared_(std::move(shared)) {}

  template <typename Self>
  void operator()(Self& self, error_code ec = {}, size_t n = 0) {
    SharedState& s = *shared_;
    switch (state_) {
      case kStart:
        if (s.reading) {  // A second read while one is outstanding: refused, nothing touched.
          ec_ = boost::asio::error::in_progress;
          state_ = kRefused;
          DeferStep(stream_, std::move(self));
          return;
        }
        s.reading = true;
        if (Decode(s)) {
          state_ = kDeliver;
          if (tls_completing_reads_of == &s && OnStreamExecutor(stream_, self)) {
            // Started by the handler the completion of this stream's last read is running: that
            // completion finishes this one when the handler returns (Complete).
            s.pending_read = std::make_unique<PendingStep<Stream, std::decay_t<Self>>>(
                stream_, std::move(self));
            return;
          }
          DeferStep(stream_, std::move(self));
          return;
        }
        state_ = kReading;
        ReadIntoDecoder(stream_, s, self);
        return;
      case kReading:
        if (!s.alive) return Complete(self, s, boost::asio::error::operation_aborted);
        if (n > 0) s.decoder->CommitWrite(n);
        if (ec == boost::asio::error::eof) return Complete(self, s, EndOfStream(s));
        if (ec) return Complete(self, s, ec);
        if (Decode(s)) return Complete(self, s, ec_);
        ReadIntoDecoder(stream_, s, self);
        return;
      case kDeliver:
        if (!s.alive) return Complete(self, s, boost::asio::error::operation_aborted);
        return Complete(self, s, ec_);
      case kRefused:
        self.complete(ec_, absl::string_view());
        return;
    }
  }

 private:
  enum State { kStart, kReading, kDeliver, kRefused };

  // Finds the result without reading: the next frame (into frame_), an error or end of stream
  // (into ec_). False if a read is needed.
  bool Decode(SharedState& s) {
    if (s.ready_next == s.ready_end && s.ready_error.ok() && !s.read_eof) s.DecodeAhead();
    if (s.ready_next != s.ready_end) {
      frame_ = s.ready[s.ready_next++];
      ec_ = error_code();
      return true;
    }
    if (!s.ready_error.ok()) {
      ec_ = ErrorCodeFromStatus(s.TakeReadyError());
      return true;
    }
    if (s.read_eof) {
      ec_ = EndOfStream(s);
      return true;
    }
    return false;
  }

  // Completes this read; the outermost completion on the stream's executor then completes the
  // reads its handlers start whose frames are ready (see the file comment), up to kMaxInlineReads.
  template <typename Self>
  void Complete(Self& self, SharedState& s, error_code ec) {
    s.reading = false;
    // (The stream is touched only while it exists: s.alive.)
    if (tls_completing_reads_of == &s || !s.alive || !OnStreamExecutor(stream_, self)) {
      self.complete(ec, ec ? absl::string_view() : frame_);
      return;
    }
    const std::shared_ptr<SharedState> keep = shared_;  // this op's members end in complete()
    struct Restore {  // even if a handler throws (which the contract forbids)
      const SharedState* outer;
      ~Restore() { tls_completing_reads_of = outer; }
    } restore{tls_completing_reads_of};
    tls_completing_reads_of = &s;
    self.complete(ec, ec ? absl::string_view() : frame_);
    for (int n = 0; s.pending_read != nullptr; ++n) {
      std::unique_ptr<SharedState::PendingRead> next = std::move(s.pending_read);
      if (n == kMaxInlineReads) {
        tls_completing_reads_of = restore.outer;
        next->Defer();
        return;
      }
      next->Run();
    }
  }

  Stream& stream_;
  std::shared_ptr<SharedState> shared_;
  State state_ = kStart;
  error_code ec_;
  absl::string_view frame_;
};

// async_read_frames: calls on_frame(absl::string_view) for every complete frame, then completes
// with (error_code, size_t frames).
template <typename Stream, typename OnFrame>
class ReadFramesOp {
 public:
  ReadFramesOp(Stream& stream, std::shared_ptr<SharedState> shared, OnFrame on_frame)
      : stream_(stream), shared_(std::move(shared)), on_frame_(std::move(on_frame)) {}

  template <typename Self>
  void operator()(Self& self, error_code ec = {}, size_t n = 0) {
    SharedState& s = *shared_;
    switch (state_) {
      case kStart:
        if (s.reading) {
          state_ = kRefused;
          DeferStep(stream_, std::move(self));
          return;
        }
        s.reading = true;
        // Decoding ahead runs no user code, so it may happen here; the frames are handed to
        // on_frame only after the defer, outside the initiating function.
        if (!s.HasReadResult()) s.DecodeAhead();
        if (s.HasReadResult()) {
          state_ = kDeliver;
          DeferStep(stream_, std::move(self));
          return;
        }
        state_ = kReading;
        ReadIntoDecoder(stream_, s, self);
        return;
      case kReading:
        if (!s.alive) return Complete(self, s, boost::asio::error::operation_aborted);
        if (n > 0) s.decoder->CommitWrite(n);
        if (ec == boost::asio::error::eof) {
          const error_code end = Deliver(s);  // Whatever the last read completed, then the end.
          if (end || delivered_ > 0) return Complete(self, s, end);
          return Complete(self, s, EndOfStream(s));
        }
        if (ec) return Complete(self, s, ec);
        if (const error_code e = Deliver(s); e || delivered_ > 0) return Complete(self, s, e);
        ReadIntoDecoder(stream_, s, self);
        return;
      case kDeliver:
        if (!s.alive) return Complete(self, s, boost::asio::error::operation_aborted);
        if (const error_code e = Deliver(s); e || delivered_ > 0) return Complete(self, s, e);
        if (s.read_eof) return Complete(self, s, EndOfStream(s));
        state_ = kReading;
        ReadIntoDecoder(stream_, s, self);
        return;
      case kRefused:
        self.complete(boost::asio::error::in_progress, size_t{0});
        return;
    }
  }

 private:
  enum State { kStart, kReading, kDeliver, kRefused };

  // Hands every complete buffered frame to on_frame_: first those decoded ahead, then the rest,
  // kBatchFrames at a time. Returns the decoder's error that stopped it, if any.
  error_code Deliver(SharedState& s) {
    while (s.ready_next != s.ready_end) {
      on_frame_(s.ready[s.ready_next++]);
      ++delivered_;
    }
    if (!s.ready_error.ok()) return ErrorCodeFromStatus(s.TakeReadyError());
    absl::string_view frames[kBatchFrames];
    Decoder::Result stop;
    do {
      const size_t got = s.decoder->NextBatch(absl::MakeSpan(frames), &stop);
      for (size_t i = 0; i < got; ++i) on_frame_(frames[i]);
      delivered_ += got;
    } while (stop == Decoder::kFrame);
    if (stop == Decoder::kError) {
      absl::Status st = s.decoder->status();
      error_code e = ErrorCodeFromStatus(st);
      s.SetReadStatus(std::move(st));
      return e;
    }
    return error_code();
  }

  template <typename Self>
  void Complete(Self& self, SharedState& s, error_code ec) {
    s.reading = false;
    self.complete(ec, delivered_);
  }

  Stream& stream_;
  std::shared_ptr<SharedState> shared_;
  OnFrame on_frame_;
  State state_ = kStart;
  size_t delivered_ = 0;
};

// async_write_frame / async_write_frames: one gathered write of header, payload and trailer per
// frame (payloads by reference, never copied); completes with (error_code, size_t bytes written).
template <typename Stream>
class WriteFramesOp {
 public:
  // `payloads` must stay valid until completion (the caller's contract); a single payload is kept
  // in the op itself.
  WriteFramesOp(Stream& stream, std::shared_ptr<SharedState> shared,
                absl::Span<const absl::string_view> payloads)
      : stream_(stream), shared_(std::move(shared)), payloads_(payloads) {}
  WriteFramesOp(Stream& stream, std::shared_ptr<SharedState> shared, absl::string_view payload)
      : stream_(stream), shared_(std::move(shared)), single_(payload), is_single_(true) {}

  template <typename Self>
  void operator()(Self& self, error_code ec = {}, size_t n = 0) {
    SharedState& s = *shared_;
    switch (state_) {
      case kStart: {
        if (s.writing) {
          ec_ = boost::asio::error::in_progress;
          state_ = kRefused;
          DeferStep(stream_, std::move(self));
          return;
        }
        const absl::Span<const absl::string_view> payloads =
            is_single_ ? absl::MakeConstSpan(&single_, 1) : payloads_;
        absl::Status st = Encode(s, payloads);
        if (!st.ok()) {  // Refused before any byte is written.
          ec_ = ErrorCodeFromStatus(st);
          s.SetWriteStatus(std::move(st));
          state_ = kRefused;
          DeferStep(stream_, std::move(self));
          return;
        }
        s.writing = true;
        state_ = kWriting;
        boost::asio::async_write(
            stream_, BufferRange(s.buffers.data(), s.buffers.data() + s.buffers.size()),
            std::move(self));
        return;
      }
      case kWriting:
        s.writing = false;
        self.complete(ec, n);
        return;
      case kRefused:
        self.complete(ec_, size_t{0});
        return;
    }
  }

 private:
  enum State { kStart, kWriting, kRefused };

  // Fills the shared envelopes and buffer list: [header][payload][trailer] per frame, empty pieces
  // left out. All or nothing: the first refused payload's status (prefixed with its index for a
  // batch), and nothing to write.
  static absl::Status Encode(SharedState& s, absl::Span<const absl::string_view> payloads) {
    s.envelopes.resize(payloads.size());
    s.buffers.clear();
    s.buffers.reserve(3 * payloads.size());
    for (size_t i = 0; i < payloads.size(); ++i) {
      FrameEnvelope& env = s.envelopes[i];
      absl::Status st = s.framer->EncodeEnvelope(payloads[i], &env);
      if (!st.ok()) {
        s.buffers.clear();
        return payloads.size() == 1 ? st : BatchPayloadError(st, i, payloads.size());
      }
      const absl::string_view header = env.header();
      const absl::string_view trailer = env.trailer();
      if (!header.empty()) s.buffers.emplace_back(header.data(), header.size());
      if (!payloads[i].empty()) s.buffers.emplace_back(payloads[i].data(), payloads[i].size());
      if (!trailer.empty()) s.buffers.emplace_back(trailer.data(), trailer.size());
    }
    return absl::OkStatus();
  }

  Stream& stream_;
  std::shared_ptr<SharedState> shared_;
  absl::Span<const absl::string_view> payloads_;
  absl::string_view single_;
  bool is_single_ = false;
  State state_ = kStart;
  error_code ec_;
};

}  // namespace internal
}  // namespace asio
}  // namespace framekit

#endif  // FRAMEKIT_ASIO_INTERNAL_OPS_H_
