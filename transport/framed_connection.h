// framekit/transport/framed_connection.h
//
// FramedConnection is the one adapter between framing and transport: a connected stream socket plus
// a Framer, sending payloads as frames and receiving frames as payloads. Framing knows nothing of
// sockets; stream_io knows nothing of frames; this file is where a byte from the network enters a
// Decoder and where a frame leaves for the caller.
//
//   Send / SendBatch ──► header+payload iovecs ──► WriteAllV ──► socket
//   socket ──► ReadSome into Decoder::PrepareWrite (64 KiB reads) ──► Decoder::Next ──► Receive
//                                                                          (or ReceiveBatch)
//
// Two ways to drive it, on the same object:
//   * Blocking style: Send, SendBatch and Receive wait (with poll) up to a deadline. They work on
//     blocking and non-blocking descriptors alike.
//   * Event-loop style, with a Poller on a non-blocking descriptor: ReadAvailable when readable
//     (never waits), Queue to buffer outgoing frames (bounded), FlushSome when writable.
//
// Sending: SendBatch writes many frames with one gathered write (in IOV_MAX-sized groups): headers
// and trailers are built in a scratch buffer; a payload larger than `copy_threshold` is sent by
// reference (never copied); a smaller one is copied next to its header, since for a few bytes a
// copy is cheaper than an iovec entry in the kernel. Each run of such small payloads is encoded
// into the scratch by one Framer::EncodeBatchInto call, not a call per frame.
//
// Receiving: frames are views into the decoder's buffer, valid until the next Receive /
// ReadAvailable call. A clean end of stream between frames is std::nullopt (Receive) or
// kEndOfStream (ReadAvailable); a peer that closes mid-frame is DataLoss; a bad frame is the
// decoder's error (ResourceExhausted, InvalidArgument: see framing/decoder.h); after an error the
// connection should be closed. Socket errors follow transport/errors.h (IsPeerGone, ...).
//
// Not thread-safe: one thread sends and receives, or one sender and one receiver thread may use
// Send*/Receive concurrently (the two directions share no state).
//
// Example (client):
//   absl::StatusOr<ConnectedSocket> socket = ConnectTcp(server_address, deadline);  // "host:port"
//   absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
//   FramedConnection conn(std::move(*socket), **framer);
//   absl::Status sent = conn.Send("ping", deadline);
//   absl::StatusOr<std::optional<absl::string_view>> reply = conn.Receive(deadline);
#ifndef FRAMEKIT_TRANSPORT_FRAMED_CONNECTION_H_
#define FRAMEKIT_TRANSPORT_FRAMED_CONNECTION_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/optimization.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/transport/connected_socket.h"
#include "framekit/transport/io_ops.h"
#include "framekit/transport/socket_fd.h"

namespace framekit {

struct FramedConnectionOptions {
  // Bytes asked of each read (the decoder's buffer grows to hold at least this much free space).
  // Reads are cut to end on a frame boundary when the size of the frame being received is known
  // (Decoder::NextReadSize): the rest of a large frame, or whole frames of a small one's size (or,
  // with nothing buffered, of the last frame's size), so that partial frames are not moved to make
  // room. Default 64 KiB; 1 .. 16 MiB.
  size_t read_size = 64 * 1024;
  // SendBatch/Queue copy payloads of at most this many bytes next to their header; larger
  // payloads go to the kernel by reference. Default 512; 0 sends every payload by reference.
  size_t copy_threshold = 512;
  // Event-loop style: the most bytes Queue() holds unwritten. Queue() past it is
  // ResourceExhausted (a peer that does not read must not grow memory without bound).
  // Default 4 MiB; >= 1.
  size_t max_queued_bytes = 4 << 20;
  // A read buffer holding no byte of any frame is freed, before the next read or at the end of
  // ReadAvailable, when it is larger than this and the last frames did not need more: it grew for
  // frames larger than the reads (up to the framer's max), and keeping it would hold that much per
  // connection for good. A stream of such frames keeps it (freeing and allocating megabytes per
  // frame costs more than the copy); the first reads that fit in this free it. A connection that
  // goes quiet right after large frames keeps it until then, or until ReleaseIdleMemory (the
  // server calls that on quiet connections). 0 frees it whenever it is empty, so an idle
  // connection holds no read buffer (each read then allocates one: cheap next to the read).
  // Default 128 KiB (two reads of the default size, what a stream of small frames of mixed sizes
  // can grow to; one size keeps to one read); any value.
  size_t max_idle_read_buffer = 128 * 1024;
  // System calls used (nullptr: the real ones). Tests pass a fault-injecting table.
  const IoOps* io_ops = nullptr;
};

class FramedConnection {
 public:
  // `framer` must outlive the connection. The socket may be blocking or not.
  FramedConnection(ConnectedSocket socket, const Framer& framer,
                   FramedConnectionOptions options = {});
  FramedConnection(SocketFd fd, std::string peer, const Framer& framer,
                   FramedConnectionOptions options = {});
  ~FramedConnection();
  FramedConnection(FramedConnection&&) noexcept;
  FramedConnection& operator=(FramedConnection&&) noexcept;

  int fd() const;
  // The peer as it appears in error messages and logs ("127.0.0.1:4000", "/tmp/s.sock").
  const std::string& peer() const;
  const Framer& framer() const;

  // ---- Blocking style ----

  // Sends one frame. The payload is never copied.
  absl::Status Send(absl::string_view payload, absl::Time deadline = absl::InfiniteFuture());
  // Sends every payload as a frame, in order, in as few gathered writes as possible. All-or-error:
  // an encoder refusal (e.g. over max) is reported before any byte is written.
  absl::Status SendBatch(absl::Span<const absl::string_view> payloads,
                         absl::Time deadline = absl::InfiniteFuture());
  // The next frame, reading as needed; std::nullopt at a clean end of stream. Inline while frames
  // decoded ahead remain (up to 64 per decode), so a small frame costs no call.
  absl::StatusOr<std::optional<absl::string_view>> Receive(
      absl::Time deadline = absl::InfiniteFuture());

  // The batch form of Receive, for throughput: waits (up to `deadline`) until at least one frame
  // is complete, then calls `on_frame` for every complete frame buffered, in order -- one read of
  // up to `read_size` bytes may carry thousands of small frames, and they cost no call and no
  // result object each. Each view is valid only during its call. Returns the number of frames
  // delivered (>= 1), or 0 at a clean end of stream. On an error, frames before the bad one have
  // already been delivered.
  absl::StatusOr<size_t> ReceiveBatch(absl::FunctionRef<void(absl::string_view)> on_frame,
                                      absl::Time deadline = absl::InfiniteFuture());

  // ---- Event-loop style (non-blocking descriptor) ----

  enum class ReadState { kOpen, kEndOfStream };
  // The batch callbacks' type: runs of complete frames, each view valid during the call.
  using FramesFn = absl::FunctionRef<void(absl::Span<const absl::string_view>)>;
  // Reads what is available now (at most one read of `read_size`, never waiting) and calls
  // `on_frame` for each complete frame, in order; each view is valid only during its call.
  // kEndOfStream when the peer closed cleanly between frames (call no more).
  absl::StatusOr<ReadState> ReadAvailable(absl::FunctionRef<void(absl::string_view)> on_frame);
  // The batch form of ReadAvailable: `on_frames` gets the complete frames in runs of up to 64 (all
  // of one read's frames, in order, for small frames), so that a caller can answer them with one
  // QueueBatch. The views are valid only during the call.
  // `stop`, if given, is checked after each run: once it is true no more frames are delivered
  // (the rest stay buffered, and no read is made): a caller whose output is full stops taking
  // frames mid-read, and hands out the rest later with Deliver({}).
  absl::StatusOr<ReadState> ReadAvailableBatch(
      absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames,
      const bool* stop = nullptr);
  // ---- Completion style (io_uring): the bytes arrive without a read of ours ----

  // Hands `bytes` to the decoder, then delivers complete frames as ReadAvailableBatch does. When
  // nothing is buffered the frames are decoded from `bytes` in place (no copy) and only the start
  // of a frame that continues in the next input is copied; the next input then gives that frame
  // its missing bytes (copied) and the rest is decoded in place again. Only when the buffered
  // frame's size is not known yet (a header cut short, a delimiter, a frame being skipped) is all
  // of `bytes` copied behind it. `bytes` need live only during the call. Empty `bytes` delivers
  // what is buffered (after a skipped over-long frame). kOpen or the decoder's error. `stop` as for
  // ReadAvailableBatch; `max_run` caps the frames of one run (1 gives the caller a say after every
  // frame).
  absl::StatusOr<ReadState> Deliver(
      absl::string_view bytes,
      absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames,
      const bool* stop = nullptr, size_t max_run = 64);
  // Feeds `bytes` (copied) to the decoder without delivering any frame: for bytes that arrive
  // while the caller is not taking frames (a paused connection); Deliver({}) hands them out later.
  absl::Status Buffer(absl::string_view bytes);
  // The peer ended its stream: delivers what is buffered, then kEndOfStream on a frame boundary or
  // the decoder's DataLoss.
  absl::StatusOr<ReadState> DeliverEndOfStream(
      absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames);
  // Deliver()'s bytes so far: decoded in place, and copied into the decoder (frames straddling
  // two inputs, and input arriving behind a frame of unknown size).
  uint64_t delivered_in_place_bytes() const;
  uint64_t copied_in_bytes() const;
  // Large frames, read by the caller straight into the decoder (an io_uring recv into its
  // buffer): the one copy a read would make, where Deliver would copy from the caller's buffer a
  // second time. When every buffered frame has been delivered (Deliver found no more: not
  // stopped by `stop`, no Buffer or EndDirectRead since) and
  //   * the one at the front still misses at least `min_bytes` (its size known from its header,
  //     or from the options for fixed-length frames): returns the decoder's free space for a read
  //     of at most those missing bytes and at most max(read_size, the bytes buffered), so that
  //     memory grows with the bytes received, not with a header's claim (the max frame was
  //     checked on the header);
  //   * else, if the last frame delivered had at least `min_bytes` of payload: space for the read
  //     a ReadAvailable would make (Decoder::NextReadSize: after a large frame, as much as it
  //     took, within the buffer kept for it), but at most max(read_size, that frame's payload),
  //     so that a run of large frames stays on this path;
  // else an empty span (and `min_bytes` 0 is always empty): the caller goes back to Deliver. The
  // read must end with EndDirectRead before the connection is fed again: until then Deliver with
  // bytes, Buffer and the reads are FailedPrecondition, and nothing frees or moves the buffer
  // (ReleaseIdleMemory, trimming).
  //
  //   absl::Span<char> space = conn.BeginDirectRead(64 * 1024);
  //   if (!space.empty()) {
  //     ssize_t n = recv(conn.fd(), space.data(), space.size(), 0);  // or io_uring_prep_recv
  //     conn.EndDirectRead(n > 0 ? n : 0);
  //     conn.Deliver({}, on_frames);  // the frame, once its last byte is in
  //   }
  absl::Span<char> BeginDirectRead(size_t min_bytes);
  // The size of the span BeginDirectRead(min_bytes) would return now (0: none), without taking it.
  size_t DirectReadSize(size_t min_bytes) const;
  // The read into BeginDirectRead's span is over: its first `n` bytes (0: none, e.g. cancelled)
  // join the stream; Deliver({}) hands out the frames they complete.
  void EndDirectRead(size_t n);
  // Bytes received through BeginDirectRead/EndDirectRead.
  uint64_t direct_read_bytes() const;
  // Moves every queued byte into `*out` (swapped with it, so each keeps its capacity; `*out` must
  // be empty), for a send the caller submits and owns until it completes.
  void TakeQueued(std::string* out);

  // Frees the read buffer if it holds no byte of a frame, and the output queue's memory if nothing
  // is queued: for a server whose connection has gone quiet (max_idle_read_buffer frees the read
  // buffer only as part of a read). Invalidates earlier frames.
  void ReleaseIdleMemory();
  // Encodes one frame into the output queue (copied). ResourceExhausted, with nothing queued, if
  // it would take the queue past max_queued_bytes; the encoder's error if it refuses the payload.
  absl::Status Queue(absl::string_view payload);
  // Queue for many frames, all or nothing: on a refusal, or when the batch would take the queue
  // past max_queued_bytes (ResourceExhausted), nothing is queued.
  absl::Status QueueBatch(absl::Span<const absl::string_view> payloads);
  // Writes as much of the queue as the socket accepts now, never waiting.
  absl::Status FlushSome();
  // Bytes queued and not yet written; register for writability while this is non-zero.
  size_t queued_bytes() const;

  // ---- Both ----

  // Half-close: the peer reads end of stream; receiving still works.
  absl::Status ShutdownWrite();
  // The decoder, for its stream offset and buffered byte counts. Receive() takes up to 64 frames
  // from it at a time and hands them out one per call; frames taken and not yet returned count as
  // consumed there.
  const Decoder& decoder() const;

 private:
  struct State;
  absl::StatusOr<std::optional<absl::string_view>> ReceiveSlow(absl::Time deadline);
  // Hands every frame decoded ahead for Receive(), then every complete buffered frame, to
  // `on_frames`; the decoder's error that stopped it, if any.
  absl::Status DeliverBuffered(
      absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames,
      const bool* stop = nullptr, size_t max_run = 64);
  // Hands every frame decoded ahead for Receive() to `on_frame`; returns how many.
  size_t DrainReady(absl::FunctionRef<void(absl::string_view)> on_frame);

  std::unique_ptr<State> state_;
  // Frames decoded ahead (in *state_) and not yet returned by Receive(): [ready_next_, ready_end_).
  const absl::string_view* ready_next_ = nullptr;
  const absl::string_view* ready_end_ = nullptr;
};

inline absl::StatusOr<std::optional<absl::string_view>> FramedConnection::Receive(
    absl::Time deadline) {
  if (ABSL_PREDICT_TRUE(ready_next_ != ready_end_)) {
    // Built in place, field by field: copying a just-stored string_view or optional as one wide
    // load stalls on store forwarding, which costs more than the rest of this call.
    const absl::string_view& frame = *ready_next_++;
    const char* data = frame.data();
    const size_t size = frame.size();
    return absl::StatusOr<std::optional<absl::string_view>>(absl::in_place, std::in_place, data,
                                                            size);
  }
  return ReceiveSlow(deadline);
}

}  // namespace framekit

#endif  // FRAMEKIT_TRANSPORT_FRAMED_CONNECTION_H_
