// framekit/framing/internal/length_header_inl.h
//
// Internal to framekit: the inline hot paths of length_header_framer.h, which includes this file at
// its end so that a caller holding the concrete (final) types pays no call. Not a public API.
#ifndef FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_INL_H_
#define FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_INL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/coding/varint.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/framing/length_header_framer.h"

namespace framekit {

inline bool LengthHeaderFramer::Encodable(uint64_t payload_size) const {
  return payload_size - layout_.min_payload <= layout_.max_payload - layout_.min_payload;
}

inline size_t LengthHeaderFramer::HeaderSize(uint64_t payload_size) const {
  if (ABSL_PREDICT_TRUE(layout_.codec != length_header_internal::FieldCodec::kVarint)) {
    return layout_.header_size;
  }
  return layout_.offset + Varint64Size(payload_size - static_cast<uint64_t>(layout_.adjustment));
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

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_LENGTH_HEADER_INL_H_
