// framekit/framing/framer.h
//
// A Framer is an immutable, thread-safe description of one way to delimit messages on a byte
// stream: delimiter, fixed-length, binary length header, ASCII length (fixed digits or netstring),
// or a kind registered by the user. It encodes payloads into frames and makes Decoders that turn a
// stream back into payloads. Framers are built from an options struct (`XxxFramer::Create`) or from
// a spec string / config file (`MakeFramer`, framer_spec.h), and print their canonical spec.
//
// "Max" everywhere means one thing: the largest *payload* (the bytes Next() delivers, header,
// delimiter and padding excluded) a framer accepts, default 1 MiB. Encoders refuse larger payloads
// (ResourceExhausted); decoders refuse them before buffering their payload (see decoder.h).
//
// Encoding comes in these forms:
//   Encode(payload, &out)              appends header + payload + trailer to `out`, a std::string
//                                      or a ByteBuffer (byte_buffer.h). Into a ByteBuffer it is the
//                                      fast way to encode one frame at a time: the buffer grows
//                                      without a library call or a zero fill, which a std::string
//                                      cannot before C++23 (two out-of-line calls a frame, more
//                                      than a 16-byte frame's bytes cost), and through a built-in
//                                      framer's concrete type the whole encode is inline.
//   EncodeEnvelope(payload, &env)      fills only the header and trailer, so a transport can
//                                      writev(header, payload, trailer) without copying the
//                                      payload.
//   EncodeBatch(payloads, &out)        appends one frame per payload, small ones without a call
//                                      per frame: the fast way to encode many small frames into a
//                                      std::string. All-or-nothing: a refused payload leaves `out`
//                                      unchanged and the error, with the code Encode gives, begins
//                                      "payload <i> of <n>: ".
//   EncodeBatchInto(payloads, get_buffer, &refused_index)
//                                      the primitive under EncodeBatch, for callers that own their
//                                      memory: checks every payload, asks get_buffer once for the
//                                      exact size, writes the frames there.
// Every form writes the same bytes for the same payloads. A framer implements EncodeEnvelope; the
// others have default implementations built on it (so a user-registered framer gets batch encoding
// for free), which the built-in framers override with faster ones (EncodeBatch is not virtual: it
// is Encode and EncodeBatchInto put together).
//
// Example:
//   absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
//   std::string wire;
//   absl::Status s = (*framer)->Encode("hi", &wire);   // 00 00 00 02 68 69
//   std::vector<absl::string_view> batch = {"a", "bc"};
//   if (s.ok()) s = (*framer)->EncodeBatch(batch, &wire);
//                                            // ... 00 00 00 01 61 00 00 00 02 62 63
//   ByteBuffer out;                                  // e.g. a connection's send buffer
//   if (s.ok()) s = (*framer)->Encode("hi", &out);   // out.view(): 00 00 00 02 68 69
//   std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
//
// (tests/examples/*_examples_test.cc compile and run the headers' examples.)
#ifndef FRAMEKIT_FRAMING_FRAMER_H_
#define FRAMEKIT_FRAMING_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/byte_buffer.h"
#include "framekit/framing/decoder.h"

namespace framekit {

// The default maximum payload size of every framer: 1 MiB.
inline constexpr uint64_t kDefaultMaxFrameSize = uint64_t{1} << 20;

// What a decoder does with a frame whose payload would exceed the maximum.
enum class TooLongPolicy {
  kFail,  // Default: report ResourceExhausted and refuse all further input.
  kSkip,  // Report ResourceExhausted once, discard the frame's bytes, go on with the next frame.
};

// The bytes a framer puts around one payload: [header][payload][trailer]. The header lives in the
// envelope; the trailer is a view into storage owned by the framer (valid while the framer lives).
class FrameEnvelope {
 public:
  // Largest header any built-in framer writes (20 ASCII digits + ':'; 16 offset bytes + 10 varint).
  static constexpr size_t kMaxHeaderSize = 32;

  absl::string_view header() const { return absl::string_view(header_, header_size_); }
  absl::string_view trailer() const { return trailer_; }
  size_t overhead() const { return header_size_ + trailer_.size(); }

  // For framers: the header is written into mutable_header() and its size set.
  char* mutable_header() { return header_; }
  void set_header_size(size_t n) { header_size_ = static_cast<uint8_t>(n); }
  void set_trailer(absl::string_view trailer) { trailer_ = trailer; }

 private:
  char header_[kMaxHeaderSize];
  uint8_t header_size_ = 0;
  absl::string_view trailer_;
};

class Framer {
 public:
  virtual ~Framer() = default;

  // The registered kind name: "delimiter", "fixed", "length", "ascii", "netstring", ...
  virtual absl::string_view kind() const = 0;

  // The canonical spec: every key spelled out in a fixed order; MakeFramer(Spec()) gives an equal
  // framer.
  virtual std::string Spec() const = 0;

  // The largest payload this framer encodes or decodes (the configured max, clamped to what the
  // header can express).
  virtual uint64_t max_payload_size() const = 0;

  // Appends one frame carrying `payload` to `*out`. On error `*out` is unchanged. `payload` must
  // not point into `*out` (growing `*out` may move it before the payload is copied).
  //
  // The two overloads write the same bytes. A subclass that overrides one should say
  // `using Framer::Encode;` so that the other stays visible through its own type.
  virtual absl::Status Encode(absl::string_view payload, std::string* out) const;
  // The same into a ByteBuffer: Prepare(frame size), write, Commit. The pending bytes before the
  // call are kept; the frame follows them.
  virtual absl::Status Encode(absl::string_view payload, ByteBuffer* out) const;

  // Fills `*envelope` with the header and trailer for `payload`, for vectored writes. Must give the
  // same answer every time for the same payload (framers are immutable): the default batch encoder
  // calls it twice per payload.
  virtual absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* envelope) const = 0;

  // Appends one frame per payload, in order, to `*out` -- the bytes Encode would append one by one.
  // Small payloads (up to 256 bytes) cost no call each: each run of them is encoded by one
  // EncodeBatchInto call into room made by one growth of `*out`; a larger payload goes through
  // Encode. All-or-nothing: if any payload is refused, `*out` is unchanged (its capacity may have
  // grown) and the status keeps the code and message Encode gives for that payload, prefixed with
  // "payload <i> of <n>: " (the first refused one, counting from 0). An empty batch appends
  // nothing. `payloads` must not point into `*out`.
  absl::Status EncodeBatch(absl::Span<const absl::string_view> payloads, std::string* out) const;

  // The primitive under EncodeBatch, for callers that manage their own memory. Checks every payload
  // and computes the exact size of their frames, then calls `get_buffer(size)` exactly once for a
  // buffer with room for `size` bytes (it may throw or abort instead of returning), writes the
  // frames there in order, and returns `size`, which may be 0 for an empty batch.
  //
  // On error it returns the status Encode gives for the first refused payload (unprefixed; or
  // ResourceExhausted for a payload whose frame would take the total past SIZE_MAX) and stores that
  // payload's index in `*refused_index`; whatever get_buffer returned holds unspecified bytes. The
  // built-in framers check every payload before calling get_buffer, so on error they have not
  // called it; the default implementation (EncodeEnvelope for each payload, then again while
  // writing) calls it only after every payload has been accepted once.
  //
  // `payloads` must not overlap the buffer get_buffer returns. Thread-safe, like every const
  // member. Example (into a raw buffer that grows as needed):
  //   size_t refused;
  //   absl::StatusOr<size_t> n = framer.EncodeBatchInto(
  //       payloads, [&](size_t size) { return buffer.Reserve(size); }, &refused);
  //   if (!n.ok()) return Refused(refused, n.status());
  //   buffer.Commit(*n);
  virtual absl::StatusOr<size_t> EncodeBatchInto(absl::Span<const absl::string_view> payloads,
                                                 absl::FunctionRef<char*(size_t)> get_buffer,
                                                 size_t* refused_index) const;

  // A new decoder in its initial state.
  virtual std::unique_ptr<Decoder> NewDecoder() const = 0;

 protected:
  Framer() = default;
};

// Framers are equal when their canonical specs are.
bool operator==(const Framer& a, const Framer& b);
inline bool operator!=(const Framer& a, const Framer& b) { return !(a == b); }

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FRAMER_H_
