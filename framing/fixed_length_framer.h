// framekit/framing/fixed_length_framer.h
//
// FixedLengthFramer cuts the stream into frames of exactly `frame_size` bytes: no header, no
// delimiter, so every byte sequence is a valid stream and decoding never fails; only Finish() can
// (DataLoss, when the stream stops inside a frame). The decoder delivers all `frame_size` bytes,
// padding included: stripping is the application's business, since a pad byte may be data. The
// encoder pads a shorter payload with `pad` when that is set and refuses it (InvalidArgument)
// otherwise; a longer payload is over the maximum and always refused (ResourceExhausted).
//
// Example:
//   FixedLengthOptions options;
//   options.frame_size = 8;
//   options.pad = ' ';
//   absl::StatusOr<std::unique_ptr<FixedLengthFramer>> framer = FixedLengthFramer::Create(options);
//   std::string wire;
//   absl::Status s = (*framer)->Encode("BUY", &wire);  // "BUY     "
//   if (s.ok()) s = (*framer)->Encode("SELL 100", &wire);  // "SELL 100"
//   FixedLengthDecoder decoder = (*framer)->MakeDecoder();
//   if (s.ok()) s = decoder.Feed(wire);  // Next(): "BUY     ", "SELL 100"
//
// Wire (frame_size 8, pad ' '):
//
//   before:  | B U Y _ _ _ _ _ | S E L L _ 1 0 0 |
//   after:   | "BUY     "      | "SELL 100"      |
#ifndef FRAMEKIT_FRAMING_FIXED_LENGTH_FRAMER_H_
#define FRAMEKIT_FRAMING_FIXED_LENGTH_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/fixed_length_decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/frame_writer.h"

namespace framekit {

struct FixedLengthOptions {
  // Bytes in every frame. Required: no default (0 is refused); 1 .. max_frame_size.
  uint64_t frame_size = 0;
  // Byte appended to shorter payloads. Default unset: the encoder refuses them. When set, the
  // framer keeps `frame_size` pad bytes for EncodeEnvelope's trailer.
  std::optional<uint8_t> pad;
  // Upper bound for frame_size (a guard for sizes read from config). Default 1 MiB; >= 1.
  uint64_t max_frame_size = kDefaultMaxFrameSize;
};

class FixedLengthFramer final : public framing_internal::FrameWriter<FixedLengthFramer> {
 public:
  // Checks `options` (BadOptionError, InvalidArgument, naming the bad one).
  static absl::StatusOr<std::unique_ptr<FixedLengthFramer>> Create(FixedLengthOptions options);

  const FixedLengthOptions& options() const { return options_; }

  absl::string_view kind() const override { return "fixed"; }
  // "fixed:size=16,pad=0x20,max=1MiB"; an unset pad is spelled "pad=none". size is plain decimal,
  // max a FormatSize size, pad 0xHH.
  std::string Spec() const override;
  // frame_size: every frame's payload is exactly that long.
  uint64_t max_payload_size() const override { return options_.frame_size; }

  // Encode, EncodeEnvelope, EncodeBatchInto (FrameWriter's, inline into a caller holding the
  // concrete type) append the payload and its padding: ResourceExhausted when longer than
  // frame_size, InvalidArgument when shorter and no pad is set. No header; the trailer (the
  // padding) is a view into framer-owned pad bytes.

  std::unique_ptr<Decoder> NewDecoder() const override;
  FixedLengthDecoder MakeDecoder() const { return FixedLengthDecoder(frame_size_); }

 private:
  explicit FixedLengthFramer(FixedLengthOptions options);

  // The error for a payload of `size` != frame_size that cannot be padded.
  absl::Status BadPayload(size_t size) const;

  // The wire rule FrameWriter encodes with (internal/frame_writer.h): the payload, then padding.
  friend class framing_internal::FrameWriter<FixedLengthFramer>;
  bool QuickAccept(absl::string_view payload) const {
    return payload.size() == frame_size_ || (payload.size() < frame_size_ && !padding_.empty());
  }
  absl::Status Check(absl::string_view payload) const {
    return QuickAccept(payload) ? absl::OkStatus() : BadPayload(payload.size());
  }
  size_t HeaderSize(size_t /*payload_size*/) const { return 0; }
  size_t WriteHeader(size_t /*payload_size*/, char* /*out*/) const { return 0; }
  absl::string_view Trailer(size_t payload_size) const {
    // Empty if exact; clamped, so that sizing a refused payload is harmless.
    return absl::string_view(padding_.data(),
                             payload_size < frame_size_ ? frame_size_ - payload_size : 0);
  }
  // The usual case, one compare: a payload of exactly frame_size is the frame.
  static constexpr bool kHasPayloadIsFrame = true;
  bool PayloadIsFrame(absl::string_view payload) const { return payload.size() == frame_size_; }
  // Every frame is frame_size bytes: the total is one multiply, and the writes need no sizes.
  bool BatchSize(absl::Span<const absl::string_view> payloads, size_t* total) const;
  void WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const;

  FixedLengthOptions options_;
  size_t frame_size_;
  std::string padding_;  // frame_size_ pad bytes when a pad is set; else empty.
};

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_FIXED_LENGTH_FRAMER_H_
