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
// Wire diagrams, before and after decode: length_header_decoder.h.
#ifndef FRAMEKIT_FRAMING_LENGTH_HEADER_FRAMER_H_
#define FRAMEKIT_FRAMING_LENGTH_HEADER_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/frame_writer.h"
#include "framekit/framing/internal/length_header_internal.h"
#include "framekit/framing/length_header_decoder.h"

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

  bool Encodable(uint64_t payload_size) const;
  // Why a payload of that size cannot be encoded (out of line: error paths only).
  absl::Status EncodeError(uint64_t payload_size) const;
  // The header size for an Encodable payload size.
  size_t HeaderSize(uint64_t payload_size) const;
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
