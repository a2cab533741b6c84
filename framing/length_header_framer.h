// framekit/framing/length_header_framer.h
//
// LengthHeaderFramer frames each payload behind a binary length: an optional run of `offset` bytes
// (ignored by the decoder, zeros from the encoder), then the length field, 1/2/4/8 bytes big- or
// little-endian or a LEB128 varint, then the payload. It covers Netty's
// LengthFieldBasedFrameDecoder / LengthFieldPrepender, tokio's LengthDelimitedCodec, gRPC's
// Length-Prefixed-Message (offset 1, width 4, big-endian) and protobuf's delimited messages
// (varint).
//
// The contract:
//   * payload length = length field + `length_adjustment`. A negative result is a malformed frame
//     (InvalidArgument).
//   * "max" is the largest PAYLOAD, header excluded, whatever the adjustment: a frame of exactly
//     max payload bytes is accepted (tokio #4815). The decoder checks the raw field with
//     overflow-safe arithmetic before buffering a single payload byte, so a hostile "4 GiB" header
//     costs nothing and fails at once with ResourceExhausted; an 8-byte field near 2^64 plus a
//     positive adjustment cannot wrap past the check (wangle).
//   * max is clamped to what the field can express, so the encoder never truncates a length into a
//     too-narrow field (tokio #5080): width 1 means max 255 + adjustment. Larger payloads are
//     refused (ResourceExhausted); with a positive adjustment, payloads shorter than it are refused
//     too (InvalidArgument), since their field would be negative.
//   * `strip` leading header bytes are dropped from each delivered frame (default: the whole
//     header).
//   * A varint header is at most 10 bytes; past 64 bits it is malformed; over-long encodings such
//     as `80 00` are accepted, as protobuf accepts them (see coding/varint.h).
//   * Headers may arrive split at any byte. TooLongPolicy::kSkip reports a too-long frame once,
//     then discards exactly its announced payload as it arrives (never buffering it, never reading
//     it as a header: cassandra-java-driver #748), then goes on with the next header.
//
// Example (gRPC framing):
//   LengthHeaderOptions options;
//   options.length_offset = 1;  // the Compressed-Flag byte
//   options.max_frame_size = 4 << 20;
//   absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer =
//       LengthHeaderFramer::Create(options);
//   std::string wire;
//   absl::Status s = (*framer)->Encode("hi", &wire);         // 00 | 00 00 00 02 | 68 69
//   LengthHeaderDecoder decoder = (*framer)->MakeDecoder();  // Next() is not a virtual call
//
// Wire diagrams (Netty style; strip=0 and adjust in docs/choosing-a-framer.md). A 12-byte payload
// "HELLO, WORLD", 2-byte big-endian field:
//
// width=2, strip=all (the default): the header is dropped.
//   BEFORE DECODE (14 bytes)         AFTER DECODE (12 bytes)
//   +--------+----------------+      +----------------+
//   | Length | Actual Content |----->| Actual Content |
//   | 0x000C | "HELLO, WORLD" |      | "HELLO, WORLD" |
//   +--------+----------------+      +----------------+
//
// offset=1, width=2, strip=1: skip a flag byte, keep the length field.
//   BEFORE DECODE (15 bytes)                AFTER DECODE (14 bytes)
//   +------+--------+----------------+      +--------+----------------+
//   | Flag | Length | Actual Content |----->| Length | Actual Content |
//   | 0x01 | 0x000C | "HELLO, WORLD" |      | 0x000C | "HELLO, WORLD" |
//   +------+--------+----------------+      +--------+----------------+
//
// width=varint (protobuf delimited), strip=all. A 300-byte payload:
//   BEFORE DECODE (302 bytes)        AFTER DECODE (300 bytes)
//   +--------+----------------+      +----------------+
//   | Varint | Actual Content |----->| Actual Content |
//   | AC 02  |  (300 bytes)   |      |  (300 bytes)   |
//   +--------+----------------+      +----------------+
#ifndef FRAMEKIT_FRAMING_LENGTH_HEADER_FRAMER_H_
#define FRAMEKIT_FRAMING_LENGTH_HEADER_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/frame_writer.h"
#include "framekit/framing/internal/length_header_internal.h"
#include "framekit/framing/internal/next_each_decoder.h"
#include "framekit/framing/internal/too_long_skipper.h"

namespace framekit {

enum class ByteOrder { kBig, kLittle };

// `LengthHeaderOptions::width` for a LEB128 varint length field.
inline constexpr int kVarintWidth = 0;
// `LengthHeaderOptions::strip` for "drop the whole header" (whatever its size, e.g. a varint's).
inline constexpr size_t kStripWholeHeader = SIZE_MAX;

struct LengthHeaderOptions {
  // Bytes in the length field: 1, 2, 4 or 8; or kVarintWidth (0) for a LEB128 varint of 1 to 10
  // bytes. Default 4.
  int width = 4;
  // Byte order of a fixed-width field. Default big-endian (network order). Ignored for width 1
  // and varint (normalised to kBig there, so equal framers print equal specs).
  ByteOrder order = ByteOrder::kBig;
  // Bytes before the length field (gRPC: 1 flag byte). The decoder ignores them; the encoder
  // writes zeros. Default 0; at most 16.
  size_t length_offset = 0;
  // payload length = field value + adjustment, e.g. -4 when a 4-byte field counts itself. Default
  // 0. Must leave some payload size expressible: the field's largest value + adjustment >= 0, and
  // a positive adjustment <= the effective max.
  int64_t length_adjustment = 0;
  // Leading header bytes removed from each delivered frame: 0 to offset + width, or
  // kStripWholeHeader (default). For varint only 0 or kStripWholeHeader. A fixed strip equal to the
  // whole header is normalised to kStripWholeHeader.
  size_t strip = kStripWholeHeader;
  // Largest PAYLOAD in bytes (header excluded), default 1 MiB. Clamped to what the field can
  // express: (2^(8*width) - 1) + adjustment, e.g. 255 for width 1 (and to SIZE_MAX - 32).
  uint64_t max_frame_size = kDefaultMaxFrameSize;
  // What the decoder does with a frame over max. Default kFail (fatal).
  TooLongPolicy on_too_long = TooLongPolicy::kFail;
};

// Decodes a LengthHeaderFramer's frames. States, as tokio's LengthDelimitedCodec:
//   kHead     waiting for a complete header at the front of the buffer;
//   kData     header accepted; waiting until frame_size() bytes (header + payload) are buffered;
//   kDiscard  skipping a too-long frame (TooLongPolicy::kSkip): pending_length() payload bytes are
//             still to be dropped as they arrive.
class LengthHeaderDecoder final : public framing_internal::NextEachDecoder<LengthHeaderDecoder> {
 public:
  LengthHeaderDecoder(LengthHeaderDecoder&&) noexcept = default;
  enum class State { kHead, kData, kDiscard };

  // Always inlined where the static type is LengthHeaderDecoder (the class is final).
  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
  absl::Status Finish() override;

  State state() const { return state_; }
  // kData: the payload bytes the current header announced. kDiscard: the bytes still to discard.
  // kHead: 0.
  uint64_t pending_length() const {
    return state_ == State::kData ? pending_ : state_ == State::kDiscard ? skip_.left() : 0;
  }
  uint64_t frame_bytes_missing() const override {
    return state_ == State::kData && buffer().size() < frame_size_ ? frame_size_ - buffer().size()
                                                                   : 0;
  }

 private:
  friend class LengthHeaderFramer;
  explicit LengthHeaderDecoder(const length_header_internal::Layout& layout) : layout_(layout) {}

  Result NextSlow(absl::string_view* frame);
  // A field outside [min_field, min_field + field_span]: negative or too long.
  Result RejectField(uint64_t field, size_t header_size);
  // Drops buffered bytes of a skipped frame; back to kHead once it is all gone.
  void DrainDiscard();

  const length_header_internal::Layout layout_;
  State state_ = State::kHead;
  size_t frame_size_ = 0;   // kData: header + payload bytes of the frame being buffered.
  size_t frame_strip_ = 0;  // kData: leading bytes of that frame not delivered.
  uint64_t pending_ = 0;    // kData: the announced payload length.
  framing_internal::TooLongSkipper skip_;  // kDiscard: the frame being dropped.
};

class LengthHeaderFramer final : public framing_internal::FrameWriter<LengthHeaderFramer> {
 public:
  // Validates and normalises `options`; every problem is a BadOptionError (InvalidArgument).
  static absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> Create(LengthHeaderOptions options);

  // The options after normalisation: max clamped, order kBig where it is ignored, a fixed strip of
  // the whole header spelled kStripWholeHeader. Create(options()) gives an equal framer.
  const LengthHeaderOptions& options() const { return options_; }

  absl::string_view kind() const override { return "length"; }
  // e.g. "length:width=4,order=big,offset=0,adjust=0,strip=all,max=1MiB,too_long=fail"; max is the
  // effective (clamped) one.
  std::string Spec() const override;
  uint64_t max_payload_size() const override { return layout_.max_payload; }

  // Encode, EncodeEnvelope, EncodeBatchInto: FrameWriter's, from the rule below (inline into a
  // caller holding the concrete type). Its batch loops are this framer's own, with the header
  // layout chosen once per batch.

  std::unique_ptr<Decoder> NewDecoder() const override;
  // The concrete decoder, for hot loops: its Next() is final and inline.
  LengthHeaderDecoder MakeDecoder() const { return LengthHeaderDecoder(layout_); }

 private:
  LengthHeaderFramer(const LengthHeaderOptions& options,
                     const length_header_internal::Layout& layout)
      : options_(options), layout_(layout) {}

  bool Encodable(uint64_t payload_size) const {
    return payload_size - layout_.min_payload <= layout_.max_payload - layout_.min_payload;
  }
  // Why a payload of that size cannot be encoded (out of line: error paths only).
  absl::Status EncodeError(uint64_t payload_size) const;
  // The header size for an Encodable payload size.
  size_t HeaderSize(uint64_t payload_size) const {
    if (ABSL_PREDICT_TRUE(layout_.codec != length_header_internal::FieldCodec::kVarint)) {
      return layout_.header_size;
    }
    return layout_.offset + Varint64Size(payload_size - static_cast<uint64_t>(layout_.adjustment));
  }
  // Writes offset zeros and the field for an Encodable payload size; returns the header size.
  ABSL_ATTRIBUTE_ALWAYS_INLINE size_t WriteHeader(uint64_t payload_size, char* out) const;

  // The wire rule FrameWriter encodes with (internal/frame_writer.h).
  friend class framing_internal::FrameWriter<LengthHeaderFramer>;
  bool QuickAccept(absl::string_view payload) const { return Encodable(payload.size()); }
  absl::Status Check(absl::string_view payload) const {
    return Encodable(payload.size()) ? absl::OkStatus() : EncodeError(payload.size());
  }
  absl::string_view Trailer(size_t /*payload_size*/) const { return absl::string_view(); }
  // The batch loops: sizes summed without a per-payload header size where it is fixed, and the
  // writes with the field layout fixed for the whole loop (WriteFrames<codec>).
  bool BatchSize(absl::Span<const absl::string_view> payloads, size_t* total) const;
  void WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const;
  template <length_header_internal::FieldCodec kCodec>
  void WriteFrames(absl::Span<const absl::string_view> payloads, char* p) const;

  LengthHeaderOptions options_;
  length_header_internal::Layout layout_;
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/length_header_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_LENGTH_HEADER_FRAMER_H_
