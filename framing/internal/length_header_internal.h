// framekit/framing/internal/length_header_internal.h
//
// Internal to framekit: the helpers of length_header_framer.h (types its classes hold, inline
// pieces of its hot paths). Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_INTERNAL_H_
#define FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/base/attributes.h"
#include "absl/base/internal/endian.h"
#include "absl/base/optimization.h"
#include "absl/strings/string_view.h"
#include "framekit/coding/varint.h"
#include "framekit/framing/framer.h"

namespace framekit {

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

// Writes `field` (which fits) at `f` in the codec's layout; returns the bytes written (for a
// varint, 1 to 10). A template so that a batch loop can pick the codec once, outside the loop.
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

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_INTERNAL_H_
