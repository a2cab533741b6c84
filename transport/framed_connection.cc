#include "framekit/transport/framed_connection.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/iovec_cursor.h"
#include "framekit/transport/stream_io.h"

namespace framekit {
namespace {

using framing_internal::CopyBytes;

constexpr size_t kMaxReadSize = size_t{16} << 20;

// The constructors cannot fail, so out-of-range options are clamped to the documented range.
FramedConnectionOptions Sanitize(FramedConnectionOptions o) {
  o.read_size = std::clamp<size_t>(o.read_size, 1, kMaxReadSize);
  o.max_queued_bytes = std::max<size_t>(o.max_queued_bytes, 1);
  return o;
}

// ReceiveBatch takes frames from the decoder this many at a time (NextBatch).
constexpr size_t kBatchFrames = 64;

// SendBatch keeps its scratch between calls up to this size (more than any usual batch needs).
constexpr size_t kMaxKeptScratch = size_t{4} << 20;

// Room reserved in the SendBatch scratch for the header of a payload sent by reference (beyond
// its trailer): the header is copied as a fixed kMaxHeaderSize block.
constexpr size_t kScratchSlack = FrameEnvelope::kMaxHeaderSize;

// Out of line: keeps the string formatting out of SendBatch's loop.
ABSL_ATTRIBUTE_NOINLINE absl::Status BatchError(const absl::Status& e, size_t i, size_t count) {
  return WithContext(e, absl::StrCat("SendBatch frame ", i, " of ", count));
}

struct iovec Iov(const char* data, size_t size) {
  return {const_cast<char*>(data), size};
}

}  // namespace

struct FramedConnection::State {
  State(SocketFd f, std::string p, const Framer& fr, FramedConnectionOptions o)
      : fd(std::move(f)),
        peer(std::move(p)),
        framer(&fr),
        options(Sanitize(o)),
        decoder(fr.NewDecoder()) {}

  IoOptions io() const { return IoOptions{options.io_ops, peer}; }

  // One ReadSome into the decoder's free space: read_size bytes, or what completes a large frame
  // (Decoder::NextReadSize). 0 is end of stream.
  absl::StatusOr<size_t> Fill(absl::Time deadline) {
    if (direct_read) return DirectReadPending();
    TrimIfOutgrown();  // Only if empty (nothing moves).
    const size_t want = decoder->NextReadSize(options.read_size);
    absl::Span<char> space = decoder->PrepareWrite(want);
    absl::StatusOr<size_t> n = ReadSome(fd.get(), space.subspan(0, want), deadline, io());
    if (n.ok()) decoder->CommitWrite(*n);
    maybe_frames = true;
    return n;
  }

  // The stream ended: OK if on a frame boundary, else the decoder's DataLoss (or earlier error).
  absl::Status AtEof() {
    read_eof = true;
    absl::Status s = decoder->Finish();
    if (s.ok()) return s;
    return WithContext(s, absl::StrCat("Receive from ", peer));
  }

  // Grows the send scratch to at least `n` bytes, keeping its first `used`.
  void GrowScratch(size_t used, size_t n) {
    size_t capacity = std::max(n, 2 * scratch_capacity);
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (used > 0) std::memcpy(bigger.get(), scratch.get(), used);
    scratch = std::move(bigger);
    scratch_capacity = capacity;
  }

  // After an unusually large batch, gives the memory back rather than holding it for good.
  void TrimSendBuffers() {
    if (scratch_capacity > kMaxKeptScratch) {
      scratch.reset();
      scratch_capacity = 0;
    }
    if (iov.capacity() * sizeof(struct iovec) > kMaxKeptScratch) {
      std::vector<struct iovec>().swap(iov);
      std::vector<size_t>().swap(scratch_iovs);
    }
  }

  SocketFd fd;
  std::string peer;
  const Framer* framer;
  FramedConnectionOptions options;

  // Receiving side.
  std::unique_ptr<Decoder> decoder;
  bool read_eof = false;

  // Receive() takes frames from the decoder kBatchFrames at a time (one virtual call per batch)
  // and hands them out one per call: ready[0, n) are decoded, and the connection's
  // [ready_next_, ready_end_) within them are not yet returned (the cursor lives in the
  // connection object so that the inline Receive can read it); ready_error is the error that ended
  // the batch, returned after those frames. Every receiving call hands these out first, and nothing
  // reads (which would move them) while any are left.
  absl::string_view ready[kBatchFrames];
  absl::Status ready_error;

  // Refills `ready` from the decoder; returns how many frames it holds. 0 with ready_error OK:
  // no frame, no error (read more).
  size_t DecodeAhead() {
    Decoder::Result r;
    const size_t n = decoder->NextBatch(absl::MakeSpan(ready), &r);
    if (r == Decoder::kError) ready_error = decoder->status();
    return n;
  }
  absl::Status TakeReadyError() {
    absl::Status e = std::move(ready_error);
    ready_error = absl::OkStatus();
    return WithContext(e, absl::StrCat("Receive from ", peer));
  }

  // Sending side (SendBatch), reused across calls so steady state allocates nothing.
  std::vector<struct iovec> iov;
  std::vector<size_t> scratch_iovs;  // indices into iov of the scratch regions
  std::unique_ptr<char[]> scratch;
  size_t scratch_capacity = 0;

  // Deliver(): bytes decoded in place / copied into the decoder.
  uint64_t delivered_in_place = 0;
  uint64_t copied_in = 0;
  // A caller's read into the decoder is outstanding (BeginDirectRead): its buffer must not move.
  bool direct_read = false;
  uint64_t direct_read_bytes = 0;
  size_t last_frame_size = 0;  // of the last frame delivered (Deliver, ReadAvailable*)
  // The buffer may hold a complete frame not delivered yet (bytes added since the decoder last
  // said kNeedMore): no direct read behind it until it is delivered.
  bool maybe_frames = false;

  absl::Status DirectReadPending() const {
    return absl::FailedPreconditionError(
        absl::StrCat("input for ", peer, " while a direct read into its decoder is outstanding"));
  }
  // Frees the decoder's buffer if empty and outgrown, unless a direct read is writing into it.
  void TrimIfOutgrown() {
    if (!direct_read) decoder->TrimBufferIfOutgrown(options.max_idle_read_buffer);
  }

  // Event-loop output queue: bytes [out_offset, out.size()) are unwritten.
  std::string out;
  size_t out_offset = 0;
};

FramedConnection::FramedConnection(ConnectedSocket socket, const Framer& framer,
                                   FramedConnectionOptions options)
    : FramedConnection(std::move(socket.fd), socket.peer.ToString(), framer, options) {}

FramedConnection::FramedConnection(SocketFd fd, std::string peer, const Framer& framer,
                                   FramedConnectionOptions options)
    : state_(std::make_unique<State>(std::move(fd), std::move(peer), framer, options)) {}

FramedConnection::~FramedConnection() = default;
// The ready cursor points into *state_, which moves with it; the moved-from connection has none.
FramedConnection::FramedConnection(FramedConnection&& other) noexcept
    : state_(std::move(other.state_)),
      ready_next_(std::exchange(other.ready_next_, nullptr)),
      ready_end_(std::exchange(other.ready_end_, nullptr)) {}
FramedConnection& FramedConnection::operator=(FramedConnection&& other) noexcept {
  state_ = std::move(other.state_);
  ready_next_ = std::exchange(other.ready_next_, nullptr);
  ready_end_ = std::exchange(other.ready_end_, nullptr);
  return *this;
}

int FramedConnection::fd() const { return state_->fd.get(); }
const std::string& FramedConnection::peer() const { return state_->peer; }
const Framer& FramedConnection::framer() const { return *state_->framer; }
const Decoder& FramedConnection::decoder() const { return *state_->decoder; }

absl::Status FramedConnection::Send(absl::string_view payload, absl::Time deadline) {
  State& s = *state_;
  FrameEnvelope env;
  if (absl::Status e = s.framer->EncodeEnvelope(payload, &env); !e.ok()) return e;
  struct iovec iov[3];
  int n = 0;
  // WriteAllV skips empty iovecs, but leaving them out keeps the kernel's list short.
  if (!env.header().empty()) iov[n++] = Iov(env.header().data(), env.header().size());
  if (!payload.empty()) iov[n++] = Iov(payload.data(), payload.size());
  if (!env.trailer().empty()) iov[n++] = Iov(env.trailer().data(), env.trailer().size());
  return WriteAllV(s.fd.get(), absl::MakeConstSpan(iov, n), deadline, s.io());
}

absl::Status FramedConnection::SendBatch(absl::Span<const absl::string_view> payloads,
                                         absl::Time deadline) {
  State& s = *state_;
  const size_t threshold = s.options.copy_threshold;
  // Each run of consecutive payloads at or under the threshold is encoded whole into the scratch
  // by one EncodeBatchInto call (the framer's loop: no virtual call per frame); a larger payload
  // gets its header and trailer in the scratch and goes by reference in its own iovec. Consecutive
  // scratch bytes form one iovec. Nothing is written before every frame is encoded, so a refusal
  // leaves the stream untouched (all-or-error). Scratch iovecs hold offsets until the end, since
  // the scratch may move while it grows (it stops growing once it fits the usual batch).
  s.iov.clear();
  s.scratch_iovs.clear();
  size_t used = 0;
  size_t region = 0;  // start of the scratch bytes not yet covered by an iovec
  const size_t count = payloads.size();
  // Zeroed once, since the fixed-size header copy below reads all of an envelope's header bytes.
  FrameEnvelope env = {};
  for (size_t i = 0; i < count;) {
    size_t end = i;
    while (end < count && payloads[end].size() <= threshold) ++end;
    if (end > i) {
      size_t refused = 0;
      absl::StatusOr<size_t> n = s.framer->EncodeBatchInto(
          payloads.subspan(i, end - i),
          [&s, used](size_t size) {
            if (ABSL_PREDICT_FALSE(s.scratch_capacity - used < size))
              s.GrowScratch(used, used + size);
            return s.scratch.get() + used;
          },
          &refused);
      if (ABSL_PREDICT_FALSE(!n.ok())) return BatchError(n.status(), i + refused, count);
      used += *n;
      i = end;
      continue;
    }
    const absl::string_view payload = payloads[i];
    absl::Status e = s.framer->EncodeEnvelope(payload, &env);
    if (ABSL_PREDICT_FALSE(!e.ok())) return BatchError(e, i, count);
    const absl::string_view trailer = env.trailer();
    const size_t need = kScratchSlack + trailer.size();
    if (ABSL_PREDICT_FALSE(s.scratch_capacity - used < need)) s.GrowScratch(used, used + need);
    char* p = s.scratch.get() + used;
    // A constant-size copy is two vector moves; the bytes past the header are overwritten next or
    // left outside every iovec.
    std::memcpy(p, env.header().data(), FrameEnvelope::kMaxHeaderSize);
    const size_t at = used + env.header().size();
    if (at != region) {
      s.scratch_iovs.push_back(s.iov.size());
      s.iov.push_back({reinterpret_cast<void*>(region), at - region});
    }
    s.iov.push_back(Iov(payload.data(), payload.size()));
    region = at;
    CopyBytes(s.scratch.get() + at, trailer.data(), trailer.size());
    used = at + trailer.size();
    ++i;
  }
  if (used != region) {
    s.scratch_iovs.push_back(s.iov.size());
    s.iov.push_back({reinterpret_cast<void*>(region), used - region});
  }
  for (size_t k : s.scratch_iovs) {
    struct iovec& v = s.iov[k];
    v.iov_base = s.scratch.get() + reinterpret_cast<uintptr_t>(v.iov_base);
  }
  absl::Status status =
      s.iov.empty() ? absl::OkStatus() : WriteAllV(s.fd.get(), s.iov, deadline, s.io());
  s.TrimSendBuffers();
  return status;
}

size_t FramedConnection::DrainReady(absl::FunctionRef<void(absl::string_view)> on_frame) {
  const size_t n = static_cast<size_t>(ready_end_ - ready_next_);
  while (ready_next_ != ready_end_) on_frame(*ready_next_++);
  return n;
}

// Receive()'s path once the frames decoded ahead are all returned (the inline part hands those
// out): decode the next batch, or read.
absl::StatusOr<std::optional<absl::string_view>> FramedConnection::ReceiveSlow(
    absl::Time deadline) {
  State& s = *state_;
  for (;;) {
    if (ready_next_ != ready_end_) return Receive(deadline);
    if (!s.ready_error.ok()) return s.TakeReadyError();
    const size_t n = s.DecodeAhead();
    ready_next_ = s.ready;
    ready_end_ = s.ready + n;
    if (n > 0 || !s.ready_error.ok()) continue;
    if (s.read_eof) {
      absl::Status e = s.AtEof();
      if (!e.ok()) return e;
      return std::optional<absl::string_view>();
    }
    absl::StatusOr<size_t> got = s.Fill(deadline);
    if (!got.ok()) return got.status();
    if (*got == 0) {
      absl::Status e = s.AtEof();
      if (!e.ok()) return e;
      return std::optional<absl::string_view>();
    }
  }
}

absl::StatusOr<size_t> FramedConnection::ReceiveBatch(
    absl::FunctionRef<void(absl::string_view)> on_frame, absl::Time deadline) {
  State& s = *state_;
  Decoder& d = *s.decoder;
  absl::string_view frames[kBatchFrames];
  size_t delivered = DrainReady(on_frame);
  if (!s.ready_error.ok()) return s.TakeReadyError();
  for (;;) {
    Decoder::Result r;
    do {
      const size_t got = d.NextBatch(absl::MakeSpan(frames), &r);
      for (size_t i = 0; i < got; ++i) on_frame(frames[i]);
      delivered += got;
    } while (r == Decoder::kFrame);
    if (r == Decoder::kError) return WithContext(d.status(), absl::StrCat("Receive from ", s.peer));
    if (delivered > 0) return delivered;
    if (s.read_eof) {
      absl::Status e = s.AtEof();
      if (!e.ok()) return e;
      return size_t{0};
    }
    absl::StatusOr<size_t> n = s.Fill(deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) {
      absl::Status e = s.AtEof();
      if (!e.ok()) return e;
      return size_t{0};
    }
  }
}

absl::StatusOr<FramedConnection::ReadState> FramedConnection::ReadAvailable(
    absl::FunctionRef<void(absl::string_view)> on_frame) {
  return ReadAvailableBatch([on_frame](absl::Span<const absl::string_view> frames) {
    for (absl::string_view f : frames) on_frame(f);
  });
}

absl::Status FramedConnection::DeliverBuffered(
    absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames, const bool* stop,
    size_t max_run) {
  State& s = *state_;
  Decoder& d = *s.decoder;
  if (stop != nullptr && *stop) return absl::OkStatus();
  if (ready_next_ != ready_end_) {
    s.last_frame_size = ready_end_[-1].size();
    on_frames(absl::MakeConstSpan(ready_next_, ready_end_));
    ready_next_ = ready_end_;
  }
  if (!s.ready_error.ok()) return s.TakeReadyError();
  if (stop != nullptr && *stop) return absl::OkStatus();
  absl::string_view frames[kBatchFrames];
  Decoder::Result r;
  do {
    const size_t got =
        d.NextBatch(absl::MakeSpan(frames, std::clamp<size_t>(max_run, 1, kBatchFrames)), &r);
    if (got > 0) {
      s.last_frame_size = frames[got - 1].size();
      on_frames(absl::MakeConstSpan(frames, got));
    }
  } while (r == Decoder::kFrame && (stop == nullptr || !*stop));
  s.maybe_frames = r != Decoder::kNeedMore;  // stopped early, or a skipped frame: more may follow
  if (r == Decoder::kError) return WithContext(d.status(), absl::StrCat("Receive from ", s.peer));
  return absl::OkStatus();
}

absl::StatusOr<FramedConnection::ReadState> FramedConnection::Deliver(
    absl::string_view bytes, absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames,
    const bool* stop, size_t max_run) {
  State& s = *state_;
  // Frames decoded ahead point into the buffer that Feed may move: hand them out first.
  if (absl::Status e = DeliverBuffered(on_frames, stop, max_run); !e.ok()) return e;
  if (!bytes.empty()) {
    if (s.direct_read) return s.DirectReadPending();
    if (ready_next_ != ready_end_ || (stop != nullptr && *stop)) {
      // Not all taken: the new bytes queue behind what is buffered.
      if (absl::Status e = Buffer(bytes); !e.ok()) return e;
      return ReadState::kOpen;
    }
    if (s.decoder->buffered_bytes() == 0) {
      // Nothing pending: decode in place; only what a frame straddling into the next input left
      // over is copied, once every whole frame has been delivered from `bytes` itself.
      s.decoder->BorrowInput(bytes);
      absl::Status e = DeliverBuffered(on_frames, stop, max_run);
      const size_t copied = s.decoder->EndBorrow();
      s.delivered_in_place += bytes.size() - copied;
      s.copied_in += copied;
      if (!e.ok()) return e;
    } else if (const uint64_t missing = s.decoder->frame_bytes_missing();
               missing > 0 && missing < bytes.size()) {
      // A frame of known size straddles into `bytes`: copy only its missing bytes, deliver it,
      // and the decoder is empty again, so the rest decodes in place (one level deeper).
      if (absl::Status e = s.decoder->Feed(bytes.substr(0, missing)); !e.ok()) return e;
      s.copied_in += missing;
      if (absl::Status e = DeliverBuffered(on_frames, stop, max_run); !e.ok()) return e;
      return Deliver(bytes.substr(missing), on_frames, stop, max_run);
    } else {
      // The size of the buffered frame is not known yet (its header is incomplete, a delimiter, a
      // frame being skipped): `bytes` goes behind it.
      s.TrimIfOutgrown();  // if empty: nothing moves
      if (absl::Status e = s.decoder->Feed(bytes); !e.ok()) return e;
      s.copied_in += bytes.size();
      if (absl::Status e = DeliverBuffered(on_frames, stop, max_run); !e.ok()) return e;
    }
  }
  s.TrimIfOutgrown();  // the views are dead now
  return ReadState::kOpen;
}

absl::Status FramedConnection::Buffer(absl::string_view bytes) {
  if (state_->direct_read) return state_->DirectReadPending();
  // Frames decoded ahead point into the buffer that Feed may move.
  if (ready_next_ != ready_end_) {
    return absl::FailedPreconditionError("Buffer: frames decoded ahead are not delivered yet");
  }
  state_->maybe_frames = true;
  return state_->decoder->Feed(bytes);
}

absl::StatusOr<FramedConnection::ReadState> FramedConnection::DeliverEndOfStream(
    absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames) {
  State& s = *state_;
  if (absl::Status e = DeliverBuffered(on_frames); !e.ok()) return e;
  if (absl::Status e = s.AtEof(); !e.ok()) return e;
  return ReadState::kEndOfStream;
}

void FramedConnection::TakeQueued(std::string* out) {
  State& s = *state_;
  if (s.out_offset > 0) s.out.erase(0, s.out_offset);
  s.out_offset = 0;
  out->swap(s.out);
  s.out.clear();
}

absl::StatusOr<FramedConnection::ReadState> FramedConnection::ReadAvailableBatch(
    absl::FunctionRef<void(absl::Span<const absl::string_view>)> on_frames, const bool* stop) {
  State& s = *state_;
  // Delivers every buffered frame (until *stop); the error that stopped it, if any.
  auto deliver = [&]() -> absl::Status { return DeliverBuffered(on_frames, stop); };

  // Frames left behind by a skipped over-long frame (TooLongPolicy::kSkip) come out first; the
  // poller would not report the descriptor again for bytes already read.
  if (absl::Status e = deliver(); !e.ok()) return e;
  if (stop != nullptr && *stop) return ReadState::kOpen;  // the rest later; no read meanwhile
  if (s.read_eof) {
    if (absl::Status e = s.AtEof(); !e.ok()) return e;
    return ReadState::kEndOfStream;
  }
  absl::StatusOr<size_t> n = s.Fill(absl::InfinitePast());
  if (!n.ok()) {
    // With a past deadline, DeadlineExceeded only means nothing was there to read.
    if (absl::IsDeadlineExceeded(n.status())) return ReadState::kOpen;
    return n.status();
  }
  if (*n == 0) {
    if (absl::Status e = s.AtEof(); !e.ok()) return e;
    return ReadState::kEndOfStream;
  }
  if (absl::Status e = deliver(); !e.ok()) return e;
  // Every frame is delivered and the views are dead: a connection need not keep a large buffer
  // its frames no longer need (or, with max_idle_read_buffer = 0, any) until its next byte.
  s.TrimIfOutgrown();
  return ReadState::kOpen;
}

absl::Status FramedConnection::Queue(absl::string_view payload) {
  State& s = *state_;
  FrameEnvelope env;
  if (absl::Status e = s.framer->EncodeEnvelope(payload, &env); !e.ok()) return e;
  const size_t frame_size = env.overhead() + payload.size();
  const size_t queued = s.out.size() - s.out_offset;
  if (frame_size > s.options.max_queued_bytes - queued) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "Queue to ", s.peer, ": a frame of ", frame_size, " bytes would take the queue (", queued,
        " bytes unwritten) past max_queued_bytes=", s.options.max_queued_bytes));
  }
  // Reclaim the written prefix before growing: amortised, since at least half of it is dead.
  if (s.out_offset > 0 && s.out_offset >= s.out.size() / 2) {
    s.out.erase(0, s.out_offset);
    s.out_offset = 0;
  }
  s.out.append(env.header().data(), env.header().size());
  framing_internal::AppendToString(&s.out, payload.data(), payload.size());
  s.out.append(env.trailer().data(), env.trailer().size());
  return absl::OkStatus();
}

absl::Status FramedConnection::QueueBatch(absl::Span<const absl::string_view> payloads) {
  State& s = *state_;
  if (s.out_offset > 0 && s.out_offset >= s.out.size() / 2) {
    s.out.erase(0, s.out_offset);
    s.out_offset = 0;
  }
  const size_t before = s.out.size();
  if (absl::Status e = s.framer->EncodeBatch(payloads, &s.out); !e.ok()) return e;
  const size_t queued = s.out.size() - s.out_offset;
  if (queued > s.options.max_queued_bytes) {
    s.out.resize(before);
    return absl::ResourceExhaustedError(absl::StrCat(
        "QueueBatch to ", s.peer, ": ", payloads.size(), " frames of ",
        queued - (before - s.out_offset), " bytes would take the queue (", before - s.out_offset,
        " bytes unwritten) past max_queued_bytes=", s.options.max_queued_bytes));
  }
  return absl::OkStatus();
}

absl::Status FramedConnection::FlushSome() {
  State& s = *state_;
  while (s.out_offset < s.out.size()) {
    struct iovec v = Iov(s.out.data() + s.out_offset, s.out.size() - s.out_offset);
    IovecCursor cursor(absl::MakeConstSpan(&v, 1));
    absl::StatusOr<size_t> n = WriteSomeV(s.fd.get(), &cursor, absl::InfinitePast(), s.io());
    if (!n.ok()) {
      // With a past deadline, DeadlineExceeded only means the socket buffer is full for now.
      if (absl::IsDeadlineExceeded(n.status())) break;
      return n.status();
    }
    s.out_offset += *n;
  }
  if (s.out_offset == s.out.size()) {
    s.out.clear();  // keeps the capacity
    s.out_offset = 0;
  }
  return absl::OkStatus();
}

size_t FramedConnection::DirectReadSize(size_t min_bytes) const {
  const State& s = *state_;
  const Decoder& d = *s.decoder;
  // Frames decoded ahead point into the buffer that PrepareWrite may move.
  if (min_bytes == 0 || s.direct_read || s.maybe_frames || ready_next_ != ready_end_ ||
      !s.ready_error.ok() || d.failed()) {
    return 0;
  }
  const uint64_t missing = d.frame_bytes_missing();
  if (missing >= min_bytes) {
    return static_cast<size_t>(
        std::min<uint64_t>(missing, std::max(s.options.read_size, d.buffered_bytes())));
  }
  if (s.last_frame_size >= min_bytes) {
    // Between large frames, or at the end of one: the next read goes straight in as well (the
    // next header with as much as the last frames took, into the buffer kept for them), so
    // that a run of large frames needs no switch back per frame. At most one such frame, or
    // one read: a buffer that grew while input was held must not make one read bring in
    // (and a handler answer) many frames at once.
    return std::min(d.NextReadSize(s.options.read_size),
                    std::max(s.options.read_size, s.last_frame_size));
  }
  return 0;
}

absl::Span<char> FramedConnection::BeginDirectRead(size_t min_bytes) {
  State& s = *state_;
  const size_t want = DirectReadSize(min_bytes);
  if (want == 0) return {};
  absl::Span<char> space = s.decoder->PrepareWrite(want);
  s.direct_read = true;
  return space.subspan(0, want);
}

void FramedConnection::EndDirectRead(size_t n) {
  State& s = *state_;
  if (!s.direct_read) return;
  s.direct_read = false;
  if (n == 0) return;
  s.decoder->CommitWrite(n);
  s.direct_read_bytes += n;
  s.maybe_frames = true;
}

uint64_t FramedConnection::direct_read_bytes() const { return state_->direct_read_bytes; }

void FramedConnection::ReleaseIdleMemory() {
  State& s = *state_;
  if (ready_next_ == ready_end_ && !s.direct_read) s.decoder->TrimBuffer(0);
  if (s.out_offset == s.out.size()) {
    std::string().swap(s.out);
    s.out_offset = 0;
  }
}

uint64_t FramedConnection::delivered_in_place_bytes() const { return state_->delivered_in_place; }
uint64_t FramedConnection::copied_in_bytes() const { return state_->copied_in; }

size_t FramedConnection::queued_bytes() const { return state_->out.size() - state_->out_offset; }

absl::Status FramedConnection::ShutdownWrite() { return framekit::ShutdownWrite(state_->fd.get()); }

}  // namespace framekit
