// framekit/transforms/transformed_framer.h
//
// A framer whose payloads are transformed: Encode compresses a payload and frames the result; the
// decoder takes frames off the stream and hands back decompressed payloads. It also speaks gRPC's
// Length-Prefixed-Message with its Compressed-Flag (grpc/grpc doc/PROTOCOL-HTTP2.md):
//
//   Compressed-Flag (1 byte, 0 or 1) | Message-Length (4 bytes, big-endian) | Message
//   flag 1: Message is compressed with the negotiated encoding (here: the configured transforms);
//   flag 0: it is not.
//
// Composition grammar (the one of transformed_codec.h, with a framer as the first stage):
//   FRAMER[|grpc[:compress=BOOL]][|TRANSFORM]...
//   length:width=4|zstd:level=3                 every frame's payload is one zstd frame
//   delimiter|deflate                           (a compressor's output may hold any byte: pick a
//                                               length framer unless you know better)
//   length:width=4,offset=1|grpc                gRPC framing, never compressed; a flag of 1 is an
//                                               error (no transform configured)
//   length:width=4,offset=1|grpc|deflate        gRPC with grpc-encoding "deflate" (zlib format):
//                                               sends flag 1, reads flag 0 or 1
//   length:width=4,offset=1|grpc:compress=false|zstd
//                                               sends flag 0 uncompressed, still reads flag 1
// `grpc` comes right after the framer, which must be `length` with width=4, offset=1, big-endian,
// adjust=0 (its strip is ignored: the decoder reads the flag itself and delivers the Message).
// '|' separates stages only: write a '|' inside a value as \x7C.
//
// The decoding contract is Decoder's (framing/decoder.h) with these differences:
//   * Next() yields the payload after the transforms are undone: a view into the decoder's own
//     buffer when anything was decompressed, valid until the next call to Next, Feed,
//     PrepareWrite or Finish.
//   * The framer's max bounds the frame (the compressed bytes), each transform's max what it
//     decompresses. A frame the transforms refuse, and a gRPC flag other than 0 or 1 (or 1 with no
//     transform), is a fatal error: ResourceExhausted for output over a max, InvalidArgument
//     otherwise, the message naming the stage and where the frame is in the stream.
//
// Example:
//   absl::StatusOr<std::unique_ptr<TransformedFramer>> framer =
//       TransformedFramer::Create("length:width=4,offset=1|grpc|deflate");
//   std::string wire;
//   absl::Status s = (*framer)->Encode("hi", &wire);
//   // wire: 01 | 00 00 00 0a | 78 9c cb c8 04 00 01 3b 00 d2 (flag, length, zlib "hi")
//   std::unique_ptr<TransformedDecoder> decoder = (*framer)->NewDecoder();
//   if (s.ok()) s = decoder->Feed(wire);
//   absl::string_view payload;
//   if (s.ok() && decoder->Next(&payload) == Decoder::kFrame) Handle(payload);  // "hi"
#ifndef FRAMEKIT_TRANSFORMS_TRANSFORMED_FRAMER_H_
#define FRAMEKIT_TRANSFORMS_TRANSFORMED_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/transforms/transform.h"

namespace framekit {

class TransformedDecoder;

class TransformedFramer {
 public:
  // The gRPC Compressed-Flag handling, if any.
  enum class GrpcFlag {
    kNone,      // No flag: every payload goes through the transforms.
    kCompress,  // grpc (compress=true): send flag 1 compressed (flag 0 if no transform).
    kPlain,     // grpc:compress=false: send flag 0 uncompressed; read either.
  };

  // Builds "FRAMER[|grpc...][|TRANSFORM]..." from the global framer and transform registries.
  // InvalidArgument for an empty or bad stage (the stage's own error, prefixed "stage N of M: "),
  // or `grpc` after a framer that is not gRPC's length framing.
  static absl::StatusOr<std::unique_ptr<TransformedFramer>> Create(absl::string_view spec);

  TransformedFramer(const TransformedFramer&) = delete;
  TransformedFramer& operator=(const TransformedFramer&) = delete;

  const Framer& framer() const { return *framer_; }
  const std::vector<std::unique_ptr<Transform>>& transforms() const { return transforms_; }
  GrpcFlag grpc_flag() const { return grpc_; }

  // Canonical: each stage's canonical spec joined by '|', e.g.
  // "length:width=4,order=big,offset=1,...|grpc:compress=true|deflate:level=6,max=64MiB".
  std::string Spec() const;

  // Appends one frame carrying `payload` transformed (and the gRPC flag set) to `out`.
  // All-or-error: the transforms' errors name their stage, the framer's (a compressed payload
  // over its max: ResourceExhausted) are its own.
  absl::Status Encode(absl::string_view payload, std::string* out) const;

  std::unique_ptr<TransformedDecoder> NewDecoder() const;

 private:
  TransformedFramer() = default;
  friend class TransformedDecoder;

  std::unique_ptr<Framer> framer_;
  std::unique_ptr<Framer> grpc_reader_;  // kNone: null. Else framer_ with strip=0: sees the flag.
  std::vector<std::unique_ptr<Transform>> transforms_;
  GrpcFlag grpc_ = GrpcFlag::kNone;
  size_t stage_count_ = 1;
  size_t first_transform_stage_ = 1;  // 0-based stage index of transforms_[0].
};

// Decodes a TransformedFramer's stream. Not thread-safe (one per connection), like Decoder.
class TransformedDecoder {
 public:
  explicit TransformedDecoder(const TransformedFramer& framer);

  // As Decoder's (framing/decoder.h). After a fatal error Feed returns it.
  absl::Status Feed(absl::string_view bytes);
  absl::Span<char> PrepareWrite(size_t min_size) { return frames_->PrepareWrite(min_size); }
  void CommitWrite(size_t n) { frames_->CommitWrite(n); }

  // The next payload, transforms undone; see the header comment for how long the view lives.
  Decoder::Result Next(absl::string_view* payload);
  // As Decoder::Finish, or the fatal error.
  absl::Status Finish();

  const absl::Status& status() const;
  bool failed() const { return !status_.ok() || frames_->failed(); }
  // The frame decoder underneath (bytes buffered, stream offset, NextReadSize).
  const Decoder& frames() const { return *frames_; }

 private:
  Decoder::Result Fail(absl::Status status);

  const TransformedFramer& framer_;
  std::unique_ptr<Decoder> frames_;
  std::string payload_, scratch_;
  absl::Status status_;  // A fatal transform or flag error (frames_ has its own).
};

}  // namespace framekit

#endif  // FRAMEKIT_TRANSFORMS_TRANSFORMED_FRAMER_H_
