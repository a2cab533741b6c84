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
// Encoding comes in two forms:
//   Encode(payload, &out)              appends header + payload + trailer to `out`.
//   EncodeEnvelope(payload, &env)      fills only the header and trailer, so a transport can
//                                      writev(header, payload, trailer) without copying the payload.
//
// Example:
//   absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
//   std::string wire;
//   FRAMEKIT_RETURN_IF_ERROR((*framer)->Encode("hi", &wire));  // 00 00 00 02 68 69
//   std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
#ifndef FRAMEKIT_FRAMING_FRAMER_H_
#define FRAMEKIT_FRAMING_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
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

  // Appends one frame carrying `payload` to `*out`. On error `*out` is unchanged.
  virtual absl::Status Encode(absl::string_view payload, std::string* out) const;

  // Fills `*envelope` with the header and trailer for `payload`, for vectored writes.
  virtual absl::Status EncodeEnvelope(absl::string_view payload,
                                      FrameEnvelope* envelope) const = 0;

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
