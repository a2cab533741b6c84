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
//   * "max" is the largest PAYLOAD, header excluded, whatever the adjustment: a frame of exactly max
//     payload bytes is accepted (tokio #4815). The decoder checks the raw field with overflow-safe
//     arithmetic before buffering a single payload byte, so a hostile "4 GiB" header costs nothing
//     and fails at once with ResourceExhausted; an 8-byte field near 2^64 plus a positive
//     adjustment cannot wrap past the check (wangle).
//   * max is clamped to what the field can express, so the encoder never truncates a length into a
//     too-narrow field (tokio #5080): width 1 means max 255 + adjustment. Larger payloads are refused
//     (ResourceExhausted); with a positive adjustment, payloads shorter than it are refused too
//     (InvalidArgument), since their field would be negative.
//   * `strip` leading header bytes are dropped from each delivered frame (default: the whole header).
//   * A varint header is at most 10 bytes; past 64 bits it is malformed; over-long encodings such as
//     `80 00` are accepted, as protobuf accepts them (see varint.h).
//   * Headers may arrive split at any byte. TooLongPolicy::kSkip reports a too-long frame once, then
//     discards exactly its announced payload as it arrives (never buffering it, never reading it as
//     a header: cassandra-java-driver #748), then goes on with the next header.
//
// Example (gRPC framing):
//   LengthHeaderOptions options;
//   options.length_offset = 1;          // the Compressed-Flag byte
//   options.max_frame_size = 4 << 20;
//   absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer = LengthHeaderFramer::Create(options);
//   std::string wire;
//   (*framer)->Encode("hi", &wire);     // 00 | 00 00 00 02 | 68 69
//   std::unique_ptr<LengthHeaderDecoder> decoder = (*framer)->NewLengthHeaderDecoder();
//
// Wire diagrams (Netty style). A 12-byte payload "HELLO, WORLD", 2-byte big-endian field:
//
// width=2, strip=all (the default): the header is dropped.
//   BEFORE DECODE (14 bytes)         AFTER DECODE (12 bytes)
//   +--------+----------------+      +----------------+
//   | Length | Actual Content |----->| Actual Content |
//   | 0x000C | "HELLO, WORLD" |      | "HELLO, WORLD" |
//   +--------+----------------+      +----------------+
//
// width=2, strip=0: the frame is delivered as it came.
//   BEFORE DECODE (14 bytes)         AFTER DECODE (14 bytes)
//   +--------+----------------+      +--------+----------------+
//   | Length | Actual Content |----->| Length | Actual Content |
//   | 0x000C | "HELLO, WORLD" |      | 0x000C | "HELLO, WORLD" |
//   +--------+----------------+      +--------+----------------+
//
// width=2, adjust=-2: the field counts its own 2 bytes (0x000E = 2 + 12).
//   BEFORE DECODE (14 bytes)         AFTER DECODE (12 bytes)
//   +--------+----------------+      +----------------+
//   | Length | Actual Content |----->| Actual Content |
//   | 0x000E | "HELLO, WORLD" |      | "HELLO, WORLD" |
//   +--------+----------------+      +----------------+
//
// offset=1, width=2, strip=1: skip a flag byte, keep the length field.
//   BEFORE DECODE (15 bytes)                AFTER DECODE (14 bytes)
//   +------+--------+----------------+      +--------+----------------+
//   | Flag | Length | Actual Content |----->| Length | Actual Content |
//   | 0x01 | 0x000C | "HELLO, WORLD" |      | 0x000C | "HELLO, WORLD" |
//   +------+--------+----------------+      +--------+----------------+
//
// offset=1, width=2, adjust=-3, strip=0: the field counts the whole 3-byte header.
//   BEFORE DECODE (15 bytes)                AFTER DECODE (15 bytes)
//   +------+--------+----------------+      +------+--------+----------------+
//   | Flag | Length | Actual Content |----->| Flag | Length | Actual Content |
//   | 0x01 | 0x000F | "HELLO, WORLD" |      | 0x01 | 0x000F | "HELLO, WORLD" |
//   +------+--------+----------------+      +------+--------+----------------+
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
#include "absl/base/internal/endian.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "framekit/framing/copy_small.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/coding/varint.h"

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

namespace length_header_internal {

// How the length field is read and written; one value per width/order, so the hot paths switch
// once instead of testing width and order.
enum class FieldCodec : uint8_t { kU8, kBe16, kLe16, kBe32, kLe32, kBe64, kLe64, kVarint };

// Everything Create() derives from the options, shared by the framer and its decoders (copied, so
// a decoder may outlive its framer).
struct Layout {
  FieldCodec codec = FieldCodec::kBe32;
  size_t offset = 0;       // Bytes before the field.
  size_t header_size = 4;  // offset + width; for varint offset + 1 (the smallest header).
  bool strip_all = true;   // Strip the whole header (its size varies for varint).
  size_t strip = 0;        // When !strip_all: bytes stripped (<= header_size).
  int64_t adjustment = 0;
  uint64_t min_payload = 0;  // max(adjustment, 0): a smaller payload's field would be negative.
  uint64_t max_payload = 0;  // The effective max.
  // Valid field values are [min_field, min_field + field_span]; one unsigned compare checks both
  // ends. payload = field + adjustment, computed modulo 2^64, is exact inside that range.
  uint64_t min_field = 0;
  uint64_t field_span = 0;
  bool skip_too_long = false;
};

ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint64_t LoadField(FieldCodec codec, const char* p) {
  // The common network-order 4-byte field skips the jump table.
  if (ABSL_PREDICT_TRUE(codec == FieldCodec::kBe32)) return absl::big_endian::Load32(p);
  switch (codec) {
    case FieldCodec::kU8:
      return static_cast<uint8_t>(*p);
    case FieldCodec::kBe16:
      return absl::big_endian::Load16(p);
    case FieldCodec::kLe16:
      return absl::little_endian::Load16(p);
    case FieldCodec::kBe32:
      return absl::big_endian::Load32(p);
    case FieldCodec::kLe32:
      return absl::little_endian::Load32(p);
    case FieldCodec::kBe64:
      return absl::big_endian::Load64(p);
    case FieldCodec::kLe64:
      return absl::little_endian::Load64(p);
    case FieldCodec::kVarint:
      break;  // Variable size: parsed by the decoder's slow path.
  }
  return 0;
}

// Writes `field` (which fits) at `f` in the codec's layout; returns the bytes written (for a varint,
// 1 to 10). A template so that a batch loop can pick the codec once, outside the loop.
template <FieldCodec kCodec>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline size_t StoreField(uint64_t field, char* f) {
  switch (kCodec) {
    case FieldCodec::kU8:
      *f = static_cast<char>(static_cast<uint8_t>(field));
      return 1;
    case FieldCodec::kBe16:
      absl::big_endian::Store16(f, static_cast<uint16_t>(field));
      return 2;
    case FieldCodec::kLe16:
      absl::little_endian::Store16(f, static_cast<uint16_t>(field));
      return 2;
    case FieldCodec::kBe32:
      absl::big_endian::Store32(f, static_cast<uint32_t>(field));
      return 4;
    case FieldCodec::kLe32:
      absl::little_endian::Store32(f, static_cast<uint32_t>(field));
      return 4;
    case FieldCodec::kBe64:
      absl::big_endian::Store64(f, field);
      return 8;
    case FieldCodec::kLe64:
      absl::little_endian::Store64(f, field);
      return 8;
    case FieldCodec::kVarint:
      return EncodeVarint64(field, f);
  }
  return 0;
}

}  // namespace length_header_internal

// Decodes a LengthHeaderFramer's frames. States, as tokio's LengthDelimitedCodec:
//   kHead     waiting for a complete header at the front of the buffer;
//   kData     header accepted; waiting until frame_size() bytes (header + payload) are buffered;
//   kDiscard  skipping a too-long frame (TooLongPolicy::kSkip): pending_length() payload bytes are
//             still to be dropped as they arrive.
class LengthHeaderDecoder final : public Decoder {
 public:
  enum class State { kHead, kData, kDiscard };

  // Always inlined where the static type is LengthHeaderDecoder (the class is final).
  ABSL_ATTRIBUTE_ALWAYS_INLINE Result Next(absl::string_view* frame) override;
  size_t NextBatch(absl::Span<absl::string_view> frames, Result* stop) override {
    return NextEach(*this, frames, stop);
  }
  absl::Status Finish() override;

  State state() const { return state_; }
  // kData: the payload bytes the current header announced. kDiscard: the bytes still to discard.
  // kHead: 0.
  uint64_t pending_length() const { return state_ == State::kHead ? 0 : pending_; }
  uint64_t frame_bytes_missing() const override {
    return state_ == State::kData && buffer_.size() < frame_size_ ? frame_size_ - buffer_.size()
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
  uint64_t pending_ = 0;    // kData: the announced payload length. kDiscard: bytes still to drop.
  uint64_t skipped_frame_start_ = 0;  // kDiscard: stream offset of the skipped frame's header.
};

class LengthHeaderFramer final : public Framer {
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

  // Both outputs inline into a caller holding the concrete type: no call per frame (only the
  // std::string's own growth calls into libstdc++).
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   std::string* out) const override;
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   ByteBuffer* out) const override;
  absl::Status EncodeEnvelope(absl::string_view payload,
                              FrameEnvelope* envelope) const override;
  // Checks every size first, then writes each header and payload straight into the buffer, with
  // the header layout chosen once per batch.
  absl::StatusOr<size_t> EncodeBatchInto(absl::Span<const absl::string_view> payloads,
                                         absl::FunctionRef<char*(size_t)> get_buffer,
                                         size_t* refused_index) const override;

  std::unique_ptr<Decoder> NewDecoder() const override;
  // The concrete decoder, for hot loops: its Next() is final and inline.
  std::unique_ptr<LengthHeaderDecoder> NewLengthHeaderDecoder() const;

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
  // Encode's path for an accepted payload over kEncodeInPlaceMax bytes: header and payload appended
  // as they are. Out of line, keeping the inline Encode small.
  void AppendLargeFrame(absl::string_view payload, std::string* out) const;
  // EncodeBatchInto's error: the first payload refused (or whose frame takes the total past
  // SIZE_MAX), its index stored in `*refused_index`.
  absl::Status BatchRefusal(absl::Span<const absl::string_view> payloads,
                            size_t* refused_index) const;
  // EncodeBatchInto's writing pass for one codec: every payload has been accepted.
  template <length_header_internal::FieldCodec kCodec>
  void WriteFrames(absl::Span<const absl::string_view> payloads, char* p) const;

  LengthHeaderOptions options_;
  length_header_internal::Layout layout_;
};

// ---- Inline hot paths. ----

ABSL_ATTRIBUTE_ALWAYS_INLINE inline Decoder::Result LengthHeaderDecoder::Next(absl::string_view* frame) {
  using length_header_internal::FieldCodec;
  // Fast path: a fixed-width or short varint header at the front and no error pending (kHead with
  // no fatal error implies status_ is OK: a skipped frame's report always leaves kDiscard first).
  if (ABSL_PREDICT_TRUE(state_ == State::kHead && !failed_)) {
    const size_t available = buffer_.size();
    const char* p = buffer_.data();
    size_t header_size;
    uint64_t field;
    if (ABSL_PREDICT_TRUE(layout_.codec != FieldCodec::kVarint)) {
      header_size = layout_.header_size;
      if (ABSL_PREDICT_FALSE(available < header_size)) return kNeedMore;
      field = length_header_internal::LoadField(layout_.codec, p + layout_.offset);
    } else {
      // One- and two-byte varints (lengths below 16 KiB) inline; longer varints, and headers at
      // the very end of the buffer, take NextSlow's incremental parse.
      const size_t off = layout_.offset;
      if (ABSL_PREDICT_FALSE(available < off + 2)) return NextSlow(frame);
      const uint8_t b0 = static_cast<uint8_t>(p[off]);
      const uint8_t b1 = static_cast<uint8_t>(p[off + 1]);
      if (b0 < 0x80) {
        field = b0;
        header_size = off + 1;
      } else if (b1 < 0x80) {
        field = (b0 & 0x7Fu) | (static_cast<uint64_t>(b1) << 7);
        header_size = off + 2;
      } else {
        return NextSlow(frame);
      }
    }
    if (ABSL_PREDICT_FALSE(field - layout_.min_field > layout_.field_span)) {
      return RejectField(field, header_size);
    }
    // In range, so payload <= max <= SIZE_MAX - 32: no overflow.
    const uint64_t payload = field + static_cast<uint64_t>(layout_.adjustment);
    const size_t total = header_size + static_cast<size_t>(payload);
    const size_t strip = layout_.strip_all ? header_size : layout_.strip;
    if (ABSL_PREDICT_TRUE(available >= total)) {
      *frame = absl::string_view(p + strip, total - strip);
      Consume(total);
      return kFrame;
    }
    pending_ = payload;
    frame_size_ = total;
    frame_strip_ = strip;
    state_ = State::kData;
    return kNeedMore;
  }
  return NextSlow(frame);
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline size_t LengthHeaderFramer::WriteHeader(uint64_t payload_size,
                                                                           char* out) const {
  using length_header_internal::FieldCodec;
  using length_header_internal::StoreField;
  // Encodable() guarantees the field fits the width: StoreField's narrowing never truncates.
  const uint64_t field = payload_size - static_cast<uint64_t>(layout_.adjustment);
  // The common network-order 4-byte field with nothing before it skips the jump table (as
  // LoadField does).
  if (ABSL_PREDICT_TRUE(layout_.codec == FieldCodec::kBe32 && layout_.offset == 0)) {
    return StoreField<FieldCodec::kBe32>(field, out);
  }
  // Likewise a one-byte varint (a payload under 128 bytes) with nothing before it.
  if (layout_.codec == FieldCodec::kVarint && layout_.offset == 0 && field < 0x80) {
    *out = static_cast<char>(field);
    return 1;
  }
  const size_t offset = layout_.offset;
  framing_internal::ZeroSmall(out, offset);  // offset <= 16
  char* f = out + offset;
  switch (layout_.codec) {
    case FieldCodec::kU8:
      return offset + StoreField<FieldCodec::kU8>(field, f);
    case FieldCodec::kBe16:
      return offset + StoreField<FieldCodec::kBe16>(field, f);
    case FieldCodec::kLe16:
      return offset + StoreField<FieldCodec::kLe16>(field, f);
    case FieldCodec::kBe32:
      return offset + StoreField<FieldCodec::kBe32>(field, f);
    case FieldCodec::kLe32:
      return offset + StoreField<FieldCodec::kLe32>(field, f);
    case FieldCodec::kBe64:
      return offset + StoreField<FieldCodec::kBe64>(field, f);
    case FieldCodec::kLe64:
      return offset + StoreField<FieldCodec::kLe64>(field, f);
    case FieldCodec::kVarint:
      return offset + StoreField<FieldCodec::kVarint>(field, f);
  }
  return offset;
}

inline absl::Status LengthHeaderFramer::EncodeEnvelope(absl::string_view payload,
                                                       FrameEnvelope* envelope) const {
  if (ABSL_PREDICT_FALSE(!Encodable(payload.size()))) return EncodeError(payload.size());
  envelope->set_header_size(WriteHeader(payload.size(), envelope->mutable_header()));
  envelope->set_trailer(absl::string_view());
  return absl::OkStatus();
}

inline absl::Status LengthHeaderFramer::Encode(absl::string_view payload, std::string* out) const {
  const size_t size = payload.size();
  if (ABSL_PREDICT_FALSE(!Encodable(size))) return EncodeError(size);
  if (ABSL_PREDICT_FALSE(size > framing_internal::kEncodeInPlaceMax)) {
    AppendLargeFrame(payload, out);
    return absl::OkStatus();
  }
  // A small frame: one growth of `out` (geometric, as any append), then written in place.
  const size_t header_size = HeaderSize(size);
  const size_t old_size = out->size();
  out->append(header_size + size, '\0');
  char* p = &(*out)[0] + old_size;
  WriteHeader(size, p);
  framing_internal::CopySmall(p + header_size, payload.data(), size);
  return absl::OkStatus();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::Status LengthHeaderFramer::Encode(
    absl::string_view payload, ByteBuffer* out) const {
  const size_t size = payload.size();
  if (ABSL_PREDICT_FALSE(!Encodable(size))) return EncodeError(size);
  const size_t header_size = HeaderSize(size);
  char* p = out->Prepare(header_size + size);
  WriteHeader(size, p);
  framing_internal::CopySmall(p + header_size, payload.data(), size);
  out->Commit(header_size + size);
  return absl::OkStatus();
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_LENGTH_HEADER_FRAMER_H_
