// framekit/framing/decoder.h
//
// Decoder turns a byte stream, split however the network split it, back into the frames that were
// sent. It is the one decoding contract every framer implements (as tokio-util's `Decoder`):
//
//   * Bytes enter through Feed() (a copy) or PrepareWrite()/CommitWrite() (a read straight into the
//     decoder's buffer, no copy). Pieces may be of any size: one byte, half a header, many frames.
//   * Frames leave through Next(), in order, as views into the decoder's buffer. A view stays valid
//     until the next Feed()/PrepareWrite(); copy it if you need it longer.
//   * Or many at once through NextBatch(), which fills an array of views: the same frames, in the
//     same order, as repeated Next() calls, for receivers that handle frames in bulk.
//   * At end of stream, Finish() says whether the stream ended on a frame boundary.
//
// Next() returns:
//   kFrame     `*frame` is the next complete frame.
//   kNeedMore  no complete frame is buffered; feed more bytes.
//   kError     status() says why. Fatal by default: the decoder then refuses all further input with
//              the same status. With `TooLongPolicy::kSkip`, a frame over the maximum is reported
//              once (kError, ResourceExhausted), its bytes are discarded as they arrive, and the
//              next call to Next() goes on with the following frame.
//
// Status codes (the same for every framer; messages name the framer, the limit and the byte offset
// in the stream):
//   ResourceExhausted  a frame's payload would exceed the configured maximum. Detected from the
//                      header (or, for delimiters, while scanning) before the payload is buffered.
//   InvalidArgument    a malformed header or trailer: a non-digit in an ASCII length, a
//                      leading zero in a netstring, a missing comma, a varint over 64 bits, a
//                      negative adjusted length. (Bad options are InvalidArgument too, but only
//                      ever at construction.)
//   DataLoss           Finish(): the stream ended inside a frame; says how many bytes were pending.
//
// Example:
//   std::unique_ptr<Decoder> decoder = framer->NewDecoder();
//   if (absl::Status s = decoder->Feed(bytes_from_the_socket); !s.ok()) return s;
//   absl::string_view frame;
//   Decoder::Result r;
//   while ((r = decoder->Next(&frame)) == Decoder::kFrame) Handle(frame);
//   if (r == Decoder::kError) return decoder->status();
#ifndef FRAMEKIT_FRAMING_DECODER_H_
#define FRAMEKIT_FRAMING_DECODER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/byte_buffer.h"

namespace framekit {

class Decoder {
 public:
  enum Result { kFrame, kNeedMore, kError };

  virtual ~Decoder() = default;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Appends a copy of `bytes` to the stream. After a fatal error, returns that error and buffers
  // nothing.
  absl::Status Feed(absl::string_view bytes) {
    if (failed_) return status_;
    buffer_.Append(bytes);
    return absl::OkStatus();
  }

  // Zero-copy input: returns at least `min_size` writable bytes at the end of the stream; write
  // into them (e.g. with recv) and call CommitWrite with the count written. Invalidates earlier
  // frames.
  absl::Span<char> PrepareWrite(size_t min_size) {
    char* p = buffer_.Prepare(min_size);
    return absl::Span<char>(p, buffer_.writable());
  }
  void CommitWrite(size_t n) { buffer_.Commit(n); }

  // Zero-copy input from memory the caller owns (an io_uring provided buffer): frames are decoded
  // from `bytes` in place and are views into it. Only while nothing is buffered
  // (buffered_bytes() == 0). The caller keeps `bytes` alive and unchanged until EndBorrow(),
  // which copies into the decoder's own buffer whatever is still pending (the start of a frame
  // that continues in the next input) and returns how many bytes that was. Feed/PrepareWrite end
  // the borrowing too; so does taking every byte.
  void BorrowInput(absl::string_view bytes) { buffer_.Borrow(bytes); }
  size_t EndBorrow() { return buffer_.Unborrow(); }

  // How many bytes the next read should ask for, for a reader whose usual read is `read_size` (> 0)
  // bytes. Call it once Next()/NextBatch() has returned kNeedMore. Returns `read_size` unless the
  // frame at the front of the buffer is partly buffered and its size F is known (from its header,
  // or from the options for fixed-length frames); then a read that ends on a frame boundary:
  //
  //   * a large frame (F >= read_size / 2): just the bytes that complete it, if fewer than
  //     `read_size`. (With 64 KiB frames in 64 KiB reads, every frame straddles two reads, and
  //     moving its partial bytes to make room was a second copy of half the stream.)
  //   * a small frame: the bytes that complete it plus as many more whole frames of the same size F
  //     as fit in `read_size` with the part already buffered, i.e. more than read_size - 2F, so
  //     that the buffer need not grow past one read. Frames of one size (one message type,
  //     fixed-length framing) then end exactly where each read ends.
  //   * nothing buffered, the last read's frames all taken: whole frames as large as the last one
  //     taken, if that was at most read_size / 2 (read_size - read_size % F). Without this, the
  //     read after an empty buffer would cut a frame, and the next one would land after it; reads
  //     would alternate between two halves of a buffer of two reads instead of reusing one.
  //   * nothing buffered after a frame larger than read_size / 2: as many bytes as the reads since
  //     the buffer was last empty took (at least read_size), within the room the buffer already
  //     has (it held them; nothing is allocated for the guess). A run of 64 KiB payloads (65540
  //     bytes framed) then takes one read per frame, not a 64 KiB read and then its last 4 bytes;
  //     40 KB frames, which two 64 KiB reads cut, take one read per two frames, not two.
  //
  // Either way, when the guess holds, every frame in the buffer is taken after the read, the buffer
  // is empty, and the next read lands at its front: no partial frame is ever moved to make room.
  // When it does not hold (sizes vary), the read still holds at least one whole frame's worth and
  // the partial frame is moved as before.
  //
  //   for (;;) {
  //     while (decoder.Next(&frame) == Decoder::kFrame) Handle(frame);
  //     const size_t want = decoder.NextReadSize(64 * 1024);
  //     ssize_t n = recv(fd, decoder.PrepareWrite(want).data(), want, 0);
  //     if (n <= 0) break;
  //     decoder.CommitWrite(n);
  //   }
  //
  // Example: 4100-byte frames, 64 KiB reads, 1000 bytes of a frame buffered. NextReadSize gives
  // 3100 + 14 * 4100 = 60500, which ends where the 15th frame ends (61500 bytes buffered, within
  // one read), not 4036 bytes into a 16th.
  size_t NextReadSize(size_t read_size) const {
    const uint64_t missing = frame_bytes_missing();
    const size_t half = read_size / 2;
    if (missing == 0) {  // Unknown (or complete).
      const size_t last = buffer_.last_emptying_consume();  // 0 unless the buffer is empty
      if (last <= half) return last != 0 ? read_size - read_size % last : read_size;
      const size_t run = buffer_.last_run();  // >= last
      return std::max(read_size, std::min(run, buffer_.capacity()));
    }
    const size_t buffered = buffer_.size();
    // A small frame: F = buffered + missing < half (written so that a missing count near 2^64,
    // which a huge max allows, cannot wrap the sum).
    if (buffered < half && missing < half - buffered) {
      const size_t frame = buffered + static_cast<size_t>(missing);
      const size_t rest = static_cast<size_t>(missing);
      return rest + (read_size - frame) / frame * frame;  // frame < half: at least one more.
    }
    if (missing < read_size) return static_cast<size_t>(missing);
    // Nothing of a frame larger than a read is in yet (fixed-length framing knows its size before
    // any byte): the whole frame, within the room the buffer has, as after a frame above.
    if (buffered == 0) {
      return std::max(read_size,
                      static_cast<size_t>(std::min<uint64_t>(missing, buffer_.capacity())));
    }
    return read_size;
  }

  // The bytes still to arrive before the frame at the front of the buffer is complete, when its
  // size is already known: from its header once that has been parsed by Next(), or from the
  // options for fixed-length frames. 0 when it is not known (no complete header yet; a delimiter;
  // a frame being skipped) or when that frame is already complete.
  virtual uint64_t frame_bytes_missing() const { return 0; }

  // The next frame; see the contract above.
  virtual Result Next(absl::string_view* frame) = 0;

  // Up to frames.size() frames at once: exactly what that many Next() calls would give, stopping
  // early at the first kNeedMore or kError. Returns how many views were written to `frames` and
  // sets `*stop` to kFrame if the span filled, otherwise to the Result that ended the run (check
  // status() on kError, as after Next()). Views stay valid until the next Feed()/PrepareWrite().
  // The default calls Next(); a framer may override it with a loop that keeps its state in
  // registers (DelimiterDecoder does).
  virtual size_t NextBatch(absl::Span<absl::string_view> frames, Result* stop) {
    return NextEach(*this, frames, stop);
  }

  // End of stream. OkStatus if the stream ended on a frame boundary (call Next() until kNeedMore
  // first); DataLoss saying how many bytes were pending otherwise; the fatal error if one occurred.
  virtual absl::Status Finish() = 0;

  // The error behind the last kError (OkStatus if none, or if a skipped frame was already passed).
  const absl::Status& status() const { return status_; }
  // True once a fatal error has occurred.
  bool failed() const { return failed_; }
  // Bytes received and not yet delivered as (or discarded with) a frame.
  size_t buffered_bytes() const { return buffer_.size(); }
  // Bytes allocated for buffering. Grows only with bytes received, never with a header's claim.
  size_t buffer_capacity() const { return buffer_.capacity(); }
  // Frees the buffer if no byte is buffered and it holds more than `max_kept` bytes (0: whenever
  // it is empty), so that a buffer grown for one large frame, or an idle connection's, is not kept
  // for good; the next PrepareWrite/Feed allocates what it needs. Invalidates earlier frames.
  // Returns whether it freed.
  bool TrimBuffer(size_t max_kept) { return buffer_.TrimIfEmpty(max_kept); }
  // TrimBuffer, unless the frames since the buffer was last empty needed more than `max_kept`
  // bytes at once: between reads, a stream of large frames keeps its buffer; the first run of
  // reads that fits in `max_kept` frees it (ByteBuffer::TrimIfOutgrown).
  bool TrimBufferIfOutgrown(size_t max_kept) { return buffer_.TrimIfOutgrown(max_kept); }
  // Buffered bytes copied so far to make room for new input (see NextReadSize).
  uint64_t buffer_moved_bytes() const { return buffer_.moved_bytes(); }
  // Stream offset of the first buffered byte (= bytes consumed so far).
  uint64_t stream_offset() const { return consumed_; }

 protected:
  Decoder() = default;
  // Concrete decoders are movable (a moved-from one may only be destroyed or assigned to); this
  // carries the base state, so a field added here moves with every decoder.
  Decoder(Decoder&&) = default;
  Decoder& operator=(Decoder&&) = default;

  // The bytes received and not yet consumed (read them; consume through Consume()).
  const ByteBuffer& buffer() const { return buffer_; }

  // Consumes `n` buffered bytes, keeping the stream offset.
  void Consume(size_t n) {
    consumed_ += n;
    buffer_.Consume(n);
  }
  // Records a fatal error.
  Result Fail(absl::Status status) {
    status_ = std::move(status);
    failed_ = true;
    return kError;
  }
  // Records a non-fatal error (a skipped frame); cleared by ClearError() on the next call.
  Result Report(absl::Status status) {
    status_ = std::move(status);
    return kError;
  }
  void ClearError() {
    if (!status_.ok() && !failed_) status_ = absl::OkStatus();
  }

  // NextBatch by repeated Next(): for decoders without a faster loop. Called with the concrete
  // (final) type, Next() is a direct, inlinable call.
  template <typename D>
  static size_t NextEach(D& decoder, absl::Span<absl::string_view> frames, Result* stop) {
    for (size_t n = 0; n < frames.size(); ++n) {
      const Result r = decoder.Next(&frames[n]);
      if (r != kFrame) {
        *stop = r;
        return n;
      }
    }
    *stop = kFrame;
    return frames.size();
  }

 private:
  ByteBuffer buffer_;
  absl::Status status_;
  bool failed_ = false;
  uint64_t consumed_ = 0;
};

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_DECODER_H_
