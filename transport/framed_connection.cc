#include "framekit/transport/framed_connection.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/iovec_cursor.h"
#include "framekit/transport/stream_io.h"

namespace framekit {
namespace {

constexpr size_t kMaxReadSize = size_t{16} << 20;

// The constructors cannot fail, so out-of-range options are clamped to the documented range.
FramedConnectionOptions Sanitize(FramedConnectionOptions o) {
  o.read_size = std::clamp<size_t>(o.read_size, 1, kMaxReadSize);
  o.max_queued_bytes = std::max<size_t>(o.max_queued_bytes, 1);
  return o;
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

  // One ReadSome into the decoder's free space. 0 is end of stream.
  absl::StatusOr<size_t> Fill(absl::Time deadline) {
    absl::Span<char> space = decoder->PrepareWrite(options.read_size);
    absl::StatusOr<size_t> n =
        ReadSome(fd.get(), space.subspan(0, options.read_size), deadline, io());
    if (n.ok()) decoder->CommitWrite(*n);
    return n;
  }

  // The stream ended: OK if on a frame boundary, else the decoder's DataLoss (or earlier error).
  absl::Status AtEof() {
    read_eof = true;
    absl::Status s = decoder->Finish();
    if (s.ok()) return s;
    return WithContext(s, absl::StrCat("Receive from ", peer));
  }

  // Grows the send scratch to at least `n` bytes; contents are not kept (callers fill it afresh).
  char* ScratchFor(size_t n) {
    if (scratch_capacity < n) {
      scratch_capacity = std::max(n, 2 * scratch_capacity);
      scratch.reset(new char[scratch_capacity]);
    }
    return scratch.get();
  }

  SocketFd fd;
  std::string peer;
  const Framer* framer;
  FramedConnectionOptions options;

  // Receiving side.
  std::unique_ptr<Decoder> decoder;
  bool read_eof = false;

  // Sending side (SendBatch), reused across calls so steady state allocates nothing.
  std::vector<FrameEnvelope> envelopes;
  std::vector<struct iovec> iov;
  std::unique_ptr<char[]> scratch;
  size_t scratch_capacity = 0;

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
FramedConnection::FramedConnection(FramedConnection&&) noexcept = default;
FramedConnection& FramedConnection::operator=(FramedConnection&&) noexcept = default;

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

  // Pass 1: encode every envelope before writing anything (all-or-error), sizing the scratch.
  s.envelopes.resize(payloads.size());
  size_t copied = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    FrameEnvelope& env = s.envelopes[i];
    if (absl::Status e = s.framer->EncodeEnvelope(payloads[i], &env); !e.ok()) {
      return WithContext(e, absl::StrCat("SendBatch frame ", i, " of ", payloads.size()));
    }
    copied += env.overhead() + (payloads[i].size() <= threshold ? payloads[i].size() : 0);
  }

  // Pass 2: headers, trailers and small payloads go into the scratch; consecutive copied bytes
  // form one iovec, interrupted only by payloads sent by reference. The scratch is sized up front,
  // so pointers into it stay valid.
  char* const base = s.ScratchFor(copied);
  char* p = base;
  char* region = base;  // start of the scratch bytes not yet covered by an iovec
  s.iov.clear();
  for (size_t i = 0; i < payloads.size(); ++i) {
    const FrameEnvelope& env = s.envelopes[i];
    const absl::string_view payload = payloads[i];
    const absl::string_view header = env.header();
    std::memcpy(p, header.data(), header.size());
    p += header.size();
    if (payload.size() <= threshold) {
      if (!payload.empty()) std::memcpy(p, payload.data(), payload.size());
      p += payload.size();
    } else {
      if (p != region) s.iov.push_back(Iov(region, p - region));
      s.iov.push_back(Iov(payload.data(), payload.size()));
      region = p;
    }
    const absl::string_view trailer = env.trailer();
    if (!trailer.empty()) {
      std::memcpy(p, trailer.data(), trailer.size());
      p += trailer.size();
    }
  }
  if (p != region) s.iov.push_back(Iov(region, p - region));
  if (s.iov.empty()) return absl::OkStatus();
  return WriteAllV(s.fd.get(), s.iov, deadline, s.io());
}

absl::StatusOr<std::optional<absl::string_view>> FramedConnection::Receive(absl::Time deadline) {
  State& s = *state_;
  Decoder& d = *s.decoder;
  absl::string_view frame;
  for (;;) {
    switch (d.Next(&frame)) {
      case Decoder::kFrame:
        return std::optional<absl::string_view>(frame);
      case Decoder::kError:
        return WithContext(d.status(), absl::StrCat("Receive from ", s.peer));
      case Decoder::kNeedMore:
        break;
    }
    if (s.read_eof) {
      absl::Status e = s.AtEof();
      if (!e.ok()) return e;
      return std::optional<absl::string_view>();
    }
    absl::StatusOr<size_t> n = s.Fill(deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) {
      absl::Status e = s.AtEof();
      if (!e.ok()) return e;
      return std::optional<absl::string_view>();
    }
  }
}

absl::StatusOr<FramedConnection::ReadState> FramedConnection::ReadAvailable(
    absl::FunctionRef<void(absl::string_view)> on_frame) {
  State& s = *state_;
  Decoder& d = *s.decoder;
  absl::string_view frame;
  // Delivers every buffered frame; false (status in the decoder) on a bad frame.
  auto deliver = [&]() -> bool {
    for (;;) {
      switch (d.Next(&frame)) {
        case Decoder::kFrame:
          on_frame(frame);
          continue;
        case Decoder::kError:
          return false;
        case Decoder::kNeedMore:
          return true;
      }
    }
  };
  auto decoder_error = [&] { return WithContext(d.status(), absl::StrCat("Receive from ", s.peer)); };

  // Frames left behind by a skipped over-long frame (TooLongPolicy::kSkip) come out first; the
  // poller would not report the descriptor again for bytes already read.
  if (!deliver()) return decoder_error();
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
  if (!deliver()) return decoder_error();
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
  s.out.append(payload.data(), payload.size());
  s.out.append(env.trailer().data(), env.trailer().size());
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

size_t FramedConnection::queued_bytes() const { return state_->out.size() - state_->out_offset; }

absl::Status FramedConnection::ShutdownWrite() {
  return framekit::ShutdownWrite(state_->fd.get());
}

}  // namespace framekit
