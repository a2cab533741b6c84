#include "framekit/framing/length_header_framer.h"

#include <algorithm>
#include <utility>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/spec/spec_values.h"

namespace framekit {

using length_header_internal::FieldCodec;
using length_header_internal::Layout;

namespace {

constexpr absl::string_view kKind = "length";
constexpr size_t kMaxLengthOffset = 16;

// |v| of a negative int64 as uint64, INT64_MIN included.
uint64_t Magnitude(int64_t v) {
  return v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> LengthHeaderFramer::Create(
    LengthHeaderOptions options) {
  Layout layout;
  const bool varint = options.width == kVarintWidth;
  if (options.order != ByteOrder::kBig && options.order != ByteOrder::kLittle) {
    return BadOptionError(kKind, "order must be big or little");
  }
  if (options.width == 1 || varint) options.order = ByteOrder::kBig;  // Order means nothing there.
  const bool big = options.order == ByteOrder::kBig;
  switch (options.width) {
    case kVarintWidth:
      layout.codec = FieldCodec::kVarint;
      break;
    case 1:
      layout.codec = FieldCodec::kU8;
      break;
    case 2:
      layout.codec = big ? FieldCodec::kBe16 : FieldCodec::kLe16;
      break;
    case 4:
      layout.codec = big ? FieldCodec::kBe32 : FieldCodec::kLe32;
      break;
    case 8:
      layout.codec = big ? FieldCodec::kBe64 : FieldCodec::kLe64;
      break;
    default:
      return BadOptionError(
          kKind, absl::StrCat("width must be 1, 2, 4, 8 or varint, not ", options.width));
  }
  if (options.length_offset > kMaxLengthOffset) {
    return BadOptionError(kKind, absl::StrCat("offset must be at most ", kMaxLengthOffset, ", not ",
                                              options.length_offset));
  }
  if (options.on_too_long != TooLongPolicy::kFail && options.on_too_long != TooLongPolicy::kSkip) {
    return BadOptionError(kKind, "too_long must be fail or skip");
  }
  layout.offset = options.length_offset;
  layout.header_size = options.length_offset + (varint ? 1 : static_cast<size_t>(options.width));

  if (options.strip != kStripWholeHeader) {
    if (varint && options.strip != 0) {
      return BadOptionError(
          kKind, absl::StrCat("with width=varint, strip must be 0 or all, not ", options.strip));
    }
    if (!varint && options.strip > layout.header_size) {
      return BadOptionError(
          kKind, absl::StrCat("strip must be at most the header size (", layout.header_size,
                              ") or all, not ", options.strip));
    }
    if (!varint && options.strip == layout.header_size) options.strip = kStripWholeHeader;
  }
  layout.strip_all = options.strip == kStripWholeHeader;
  layout.strip = layout.strip_all ? 0 : options.strip;

  // The payload sizes the field can express: [max(adj, 0), field_max + adj].
  const uint64_t field_max =
      (varint || options.width == 8) ? UINT64_MAX : (uint64_t{1} << (8 * options.width)) - 1;
  const int64_t adj = options.length_adjustment;
  const uint64_t adj_magnitude = Magnitude(adj);
  uint64_t expressible_max;
  if (adj >= 0) {
    expressible_max =
        field_max > UINT64_MAX - adj_magnitude ? UINT64_MAX : field_max + adj_magnitude;
  } else {
    if (adj_magnitude > field_max) {
      return BadOptionError(
          kKind, absl::StrCat("adjust=", adj, " makes every length a ",
                              varint ? std::string("varint") : absl::StrCat(options.width, "-byte"),
                              " field can hold negative"));
    }
    expressible_max = field_max - adj_magnitude;
  }
  // Header + payload must fit a size_t.
  const uint64_t buffer_max = SIZE_MAX - FrameEnvelope::kMaxHeaderSize;
  const uint64_t max = std::min({options.max_frame_size, expressible_max, buffer_max});
  const uint64_t min_payload = adj > 0 ? adj_magnitude : 0;
  if (min_payload > max) {
    return BadOptionError(kKind,
                          absl::StrCat("adjust=", adj, " exceeds the largest payload size, ", max));
  }
  options.max_frame_size = max;
  layout.adjustment = adj;
  layout.min_payload = min_payload;
  layout.max_payload = max;
  // field = payload - adj. For adj < 0: min_field = |adj| and max + |adj| <= field_max.
  layout.min_field = adj < 0 ? adj_magnitude : 0;
  layout.field_span = max - min_payload;
  layout.skip_too_long = options.on_too_long == TooLongPolicy::kSkip;

  return std::unique_ptr<LengthHeaderFramer>(new LengthHeaderFramer(options, layout));
}

std::string LengthHeaderFramer::Spec() const {
  const LengthHeaderOptions& o = options_;
  return absl::StrCat("length:width=", o.width == kVarintWidth ? "varint" : absl::StrCat(o.width),
                      ",order=", o.order == ByteOrder::kBig ? "big" : "little",
                      ",offset=", o.length_offset, ",adjust=", o.length_adjustment,
                      ",strip=", o.strip == kStripWholeHeader ? "all" : absl::StrCat(o.strip),
                      ",max=", FormatSize(layout_.max_payload),
                      ",too_long=", o.on_too_long == TooLongPolicy::kSkip ? "skip" : "fail");
}

absl::Status LengthHeaderFramer::EncodeError(uint64_t payload_size) const {
  // framing_errors.h has no encoder-side builder; these mirror FrameTooLargeError's codes and
  // wording without a (meaningless) stream offset.
  if (payload_size > layout_.max_payload) {
    return absl::ResourceExhaustedError(absl::StrCat(kKind, ": cannot encode a ", payload_size,
                                                     "-byte payload, over the maximum of ",
                                                     layout_.max_payload, " bytes"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(kKind, ": cannot encode a ", payload_size, "-byte payload, shorter than adjust=",
                   layout_.adjustment, " (its length field would be negative)"));
}

bool LengthHeaderFramer::BatchSize(absl::Span<const absl::string_view> payloads,
                                   size_t* total_out) const {
  // Pass 1: every size accepted and the exact total known before the buffer is asked for. The
  // common case is a branch-free sum with one flag for any refusal; FrameWriter then finds the
  // first one. A frame is at most max + 26 bytes and max <= SIZE_MAX - 32, so only the running
  // total can overflow.
  size_t total = 0;
  bool refuse = false;
  if (layout_.codec != FieldCodec::kVarint) {
    for (const absl::string_view payload : payloads) {
      refuse |= !Encodable(payload.size());
      refuse |= __builtin_add_overflow(total, payload.size(), &total);
    }
    size_t headers = 0;
    refuse |= __builtin_mul_overflow(payloads.size(), layout_.header_size, &headers);
    refuse |= __builtin_add_overflow(total, headers, &total);
  } else {
    // Varint headers: one byte plus the offset each when every field is below 0x80, which the OR
    // of the fields tells without a per-payload size computation (small frames, the common
    // case); otherwise each header's size on its own.
    const uint64_t adjustment = static_cast<uint64_t>(layout_.adjustment);
    uint64_t fields = 0;
    for (const absl::string_view payload : payloads) {
      refuse |= !Encodable(payload.size());
      refuse |= __builtin_add_overflow(total, payload.size(), &total);
      fields |= payload.size() - adjustment;
    }
    size_t headers = 0;
    if (fields < 0x80) {
      refuse |= __builtin_mul_overflow(payloads.size(), layout_.offset + 1, &headers);
    } else {
      // Cannot wrap: <= 26 bytes a header, and a span of 16-byte views is far below SIZE_MAX / 26.
      for (const absl::string_view payload : payloads) headers += HeaderSize(payload.size());
    }
    refuse |= __builtin_add_overflow(total, headers, &total);
  }
  *total_out = total;
  return !refuse;
}

void LengthHeaderFramer::WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const {
  switch (layout_.codec) {
    case FieldCodec::kU8:
      WriteFrames<FieldCodec::kU8>(payloads, p);
      break;
    case FieldCodec::kBe16:
      WriteFrames<FieldCodec::kBe16>(payloads, p);
      break;
    case FieldCodec::kLe16:
      WriteFrames<FieldCodec::kLe16>(payloads, p);
      break;
    case FieldCodec::kBe32:
      WriteFrames<FieldCodec::kBe32>(payloads, p);
      break;
    case FieldCodec::kLe32:
      WriteFrames<FieldCodec::kLe32>(payloads, p);
      break;
    case FieldCodec::kBe64:
      WriteFrames<FieldCodec::kBe64>(payloads, p);
      break;
    case FieldCodec::kLe64:
      WriteFrames<FieldCodec::kLe64>(payloads, p);
      break;
    case FieldCodec::kVarint:
      WriteFrames<FieldCodec::kVarint>(payloads, p);
      break;
  }
}

template <FieldCodec kCodec>
void LengthHeaderFramer::WriteFrames(absl::Span<const absl::string_view> payloads, char* p) const {
  const size_t offset = layout_.offset;
  const uint64_t adjustment = static_cast<uint64_t>(layout_.adjustment);
  if (offset == 0) {  // The usual layout, without the offset bytes' branches.
    for (const absl::string_view payload : payloads) {
      p += length_header_internal::StoreField<kCodec>(payload.size() - adjustment, p);
      framing_internal::CopyBytes(p, payload.data(), payload.size());
      p += payload.size();
    }
    return;
  }
  for (const absl::string_view payload : payloads) {
    framing_internal::ZeroSmall(p, offset);
    p += offset;
    p += length_header_internal::StoreField<kCodec>(payload.size() - adjustment, p);
    framing_internal::CopyBytes(p, payload.data(), payload.size());
    p += payload.size();
  }
}

std::unique_ptr<Decoder> LengthHeaderFramer::NewDecoder() const {
  return std::make_unique<LengthHeaderDecoder>(MakeDecoder());
}

// ---- Decoder slow paths. ----

Decoder::Result LengthHeaderDecoder::RejectField(uint64_t field, size_t header_size) {
  const uint64_t offset = stream_offset();
  if (field < layout_.min_field) {
    return Fail(MalformedFrameError(
        kKind, offset,
        absl::StrCat("length field ", field, " with adjust=", layout_.adjustment,
                     " gives a negative payload length")));
  }
  // Too long. field + adjustment may exceed 2^64 (8-byte field, positive adjustment): saturate.
  uint64_t payload;
  if (layout_.adjustment >= 0) {
    const uint64_t adj = static_cast<uint64_t>(layout_.adjustment);
    payload = field > UINT64_MAX - adj ? UINT64_MAX : field + adj;
  } else {
    payload = field - layout_.min_field;
  }
  absl::Status status = FrameTooLargeError(kKind, offset, payload, layout_.max_payload);
  if (!layout_.skip_too_long) return Fail(std::move(status));
  Consume(header_size);
  skip_.Start(offset, payload);  // Saturated at 2^64 - 1 bytes: never reached in practice.
  state_ = State::kDiscard;
  DrainDiscard();
  // Stay in kDiscard even if the payload was all buffered: the next Next() clears the report.
  state_ = State::kDiscard;
  return Report(std::move(status));
}

void LengthHeaderDecoder::DrainDiscard() {
  Consume(skip_.Take(buffer().size()));
  if (!skip_.active()) state_ = State::kHead;
}

Decoder::Result LengthHeaderDecoder::NextSlow(absl::string_view* frame) {
  if (failed()) return kError;
  ClearError();
  for (;;) {
    switch (state_) {
      case State::kDiscard:
        DrainDiscard();
        if (state_ == State::kDiscard) return kNeedMore;
        break;  // Back to kHead: the next frame starts right after the skipped one.
      case State::kHead: {
        const size_t available = buffer().size();
        uint64_t field;
        size_t header_size;
        if (layout_.codec == FieldCodec::kVarint) {
          if (available < layout_.header_size) return kNeedMore;
          size_t varint_size = 0;
          const VarintStatus vs = DecodeVarint64(
              absl::string_view(buffer().data() + layout_.offset, available - layout_.offset),
              &field, &varint_size);
          if (vs == VarintStatus::kNeedMore) return kNeedMore;
          if (vs == VarintStatus::kOverflow) {
            return Fail(MalformedFrameError(kKind, stream_offset(),
                                            "varint length over 64 bits or over 10 bytes"));
          }
          header_size = layout_.offset + varint_size;
        } else {
          header_size = layout_.header_size;
          if (available < header_size) return kNeedMore;
          field =
              length_header_internal::LoadField(layout_.codec, buffer().data() + layout_.offset);
        }
        if (field - layout_.min_field > layout_.field_span) return RejectField(field, header_size);
        pending_ = field + static_cast<uint64_t>(layout_.adjustment);
        frame_size_ = header_size + static_cast<size_t>(pending_);
        frame_strip_ = layout_.strip_all ? header_size : layout_.strip;
        state_ = State::kData;
        break;
      }
      case State::kData:
        if (buffer().size() < frame_size_) return kNeedMore;
        *frame = absl::string_view(buffer().data() + frame_strip_, frame_size_ - frame_strip_);
        Consume(frame_size_);
        state_ = State::kHead;
        return kFrame;
    }
  }
}

absl::Status LengthHeaderDecoder::Finish() {
  if (failed()) return status();
  if (state_ == State::kDiscard) DrainDiscard();
  switch (state_) {
    case State::kHead:
      if (buffer().empty()) return absl::OkStatus();
      return TruncatedError(kKind, buffer().size(),
                            layout_.codec == FieldCodec::kVarint
                                ? std::string("varint header incomplete")
                                : absl::StrCat("header needs ", layout_.header_size, " bytes"));
    case State::kData:
      return TruncatedError(kKind, buffer().size(),
                            absl::StrCat("frame needs ", frame_size_, " bytes"));
    case State::kDiscard:
      // Its bytes were dropped as they came, so count them from the skipped frame's start, as the
      // ascii and netstring decoders do.
      return TruncatedError(kKind, skip_.SeenBy(stream_offset() + buffer().size()),
                            absl::StrCat("skipping a too-long frame, ", skip_.left(),
                                         " of its payload bytes never arrived"));
  }
  return absl::OkStatus();
}

}  // namespace framekit
