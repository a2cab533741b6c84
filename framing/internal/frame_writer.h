// framekit/framing/internal/frame_writer.h
//
// Internal to framekit: the one encode path of the built-in framers. A framer states its wire rule
// and derives from FrameWriter<itself>, which writes every encoding form from that rule, the same
// way for every framer: Encode into a std::string (small frames in place after one growth, large
// ones appended as they are) and into a ByteBuffer, EncodeEnvelope, and EncodeBatchInto (pass 1
// checks and sizes every payload, pass 2 writes the frames into the caller's buffer).
//
// The rule, as private members of the framer (FrameWriter is its friend):
//   bool QuickAccept(absl::string_view payload) const;   inline; true: certainly encodable
//   absl::Status Check(absl::string_view payload) const;  the exact answer (when QuickAccept isn't)
//   size_t HeaderSize(size_t payload_size) const;         for an accepted payload
//   size_t WriteHeader(size_t payload_size, char* out) const;  writes it, returns HeaderSize
//   absl::string_view Trailer(size_t payload_size) const; storage outliving the framer's calls
// and optionally, to replace generic paths with faster ones of its own:
//   bool PayloadIsFrame(absl::string_view payload) const; true: no header, no trailer (fixed size)
//     with `static constexpr bool kHasPayloadIsFrame = true;` (the other cases go out of line)
//   bool BatchSize(payloads, size_t* total) const;        false: some payload needs Check
//   void WriteBatch(payloads, char* out) const;
//
// Example:
//   class TlvFramer final : public framing_internal::FrameWriter<TlvFramer> { ... rule ... };
#ifndef FRAMEKIT_FRAMING_INTERNAL_FRAME_WRITER_H_
#define FRAMEKIT_FRAMING_INTERNAL_FRAME_WRITER_H_

#include <cstddef>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/byte_buffer.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {
namespace framing_internal {

template <typename Rule>
class FrameWriter : public Framer {
 public:
  using Framer::Encode;

  // Inline into a caller holding the concrete (final) framer: no call per frame.
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   std::string* out) const override {
    if (Rule::kHasPayloadIsFrame) {
      // The payload is usually the frame: that case inline, the rest out of line, so that the
      // out-of-line (virtual) Encode stays a compare and an append.
      if (ABSL_PREDICT_TRUE(rule().PayloadIsFrame(payload))) {
        AppendToString(out, payload.data(), payload.size());
        return absl::OkStatus();
      }
      return EncodeOutOfLine(payload, out);
    }
    return EncodeInline(payload, out);
  }

  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   ByteBuffer* out) const override {
    const Rule& r = rule();
    if (Rule::kHasPayloadIsFrame && ABSL_PREDICT_TRUE(r.PayloadIsFrame(payload))) {
      CopyBytes(out->Prepare(payload.size()), payload.data(), payload.size());
      out->Commit(payload.size());
      return absl::OkStatus();
    }
    if (ABSL_PREDICT_FALSE(!r.QuickAccept(payload))) {
      absl::Status refused = r.Check(payload);
      if (!refused.ok()) return refused;
    }
    const size_t size = payload.size();
    const absl::string_view trailer = r.Trailer(size);
    const size_t header = r.HeaderSize(size);
    const size_t frame = header + size + trailer.size();
    WriteFrame(payload, header, trailer, out->Prepare(frame));
    out->Commit(frame);
    return absl::OkStatus();
  }

  absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* envelope) const override {
    const Rule& r = rule();
    if (!r.QuickAccept(payload)) {
      absl::Status refused = r.Check(payload);
      if (!refused.ok()) return refused;
    }
    envelope->set_header_size(r.WriteHeader(payload.size(), envelope->mutable_header()));
    envelope->set_trailer(r.Trailer(payload.size()));
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> EncodeBatchInto(absl::Span<const absl::string_view> payloads,
                                         absl::FunctionRef<char*(size_t)> get_buffer,
                                         size_t* refused_index) const override {
    const Rule& r = rule();
    size_t total = 0;
    if (ABSL_PREDICT_FALSE(!r.BatchSize(payloads, &total))) {
      // Some payload needs the exact check (or the total overflows): find the first refusal.
      total = 0;
      for (size_t i = 0; i < payloads.size(); ++i) {
        *refused_index = i;
        absl::Status refused = r.Check(payloads[i]);
        if (!refused.ok()) return refused;
        const size_t size = payloads[i].size();
        if (__builtin_add_overflow(total, FrameSize(size), &total))
          return BatchTooLargeError(kind());
      }
    }
    r.WriteBatch(payloads, get_buffer(total));
    return total;
  }

 protected:
  FrameWriter() = default;

  // The generic paths; a rule may hide them with faster ones of its own.
  static constexpr bool kHasPayloadIsFrame = false;
  bool PayloadIsFrame(absl::string_view /*payload*/) const { return false; }
  // Pass 1, branch-free: one flag for any payload QuickAccept does not vouch for or an overflow.
  bool BatchSize(absl::Span<const absl::string_view> payloads, size_t* total) const {
    const Rule& r = rule();
    bool suspect = false;
    size_t sum = 0;
    for (const absl::string_view payload : payloads) {
      suspect |= !r.QuickAccept(payload);
      suspect |= __builtin_add_overflow(sum, FrameSize(payload.size()), &sum);
    }
    *total = sum;
    return !suspect;
  }
  // Pass 2: every payload accepted, the buffer exactly large enough.
  void WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const {
    const Rule& r = rule();
    for (const absl::string_view payload : payloads) {
      const size_t size = payload.size();
      const absl::string_view trailer = r.Trailer(size);
      const size_t header = r.HeaderSize(size);
      WriteFrame(payload, header, trailer, p);
      p += header + size + trailer.size();
    }
  }

 private:
  const Rule& rule() const { return static_cast<const Rule&>(*this); }

  ABSL_ATTRIBUTE_NOINLINE absl::Status EncodeOutOfLine(absl::string_view payload,
                                                       std::string* out) const {
    return EncodeInline(payload, out);
  }

  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status EncodeInline(absl::string_view payload,
                                                         std::string* out) const {
    const Rule& r = rule();
    if (ABSL_PREDICT_FALSE(!r.QuickAccept(payload))) {
      absl::Status refused = r.Check(payload);
      if (!refused.ok()) return refused;
    }
    const size_t size = payload.size();
    if (ABSL_PREDICT_FALSE(size > kEncodeInPlaceMax)) {
      AppendLargeFrame(payload, out);
      return absl::OkStatus();
    }
    // A small frame: one growth of `out` (geometric, as any append), then written in place.
    const absl::string_view trailer = r.Trailer(size);
    const size_t header = r.HeaderSize(size);
    if (header == 0 && trailer.empty()) {  // The payload is the frame (fixed size): one append.
      AppendToString(out, payload.data(), size);
      return absl::OkStatus();
    }
    const size_t old_size = out->size();
    out->append(header + size + trailer.size(), '\0');
    WriteFrame(payload, header, trailer, &(*out)[0] + old_size);
    return absl::OkStatus();
  }

  // A payload's frame size. A rule's HeaderSize and Trailer must take any size (a refused one's
  // result is ignored); for an accepted one it cannot overflow: each framer's max leaves room.
  size_t FrameSize(size_t size) const {
    const Rule& r = rule();
    return r.HeaderSize(size) + size + r.Trailer(size).size();
  }

  ABSL_ATTRIBUTE_ALWAYS_INLINE void WriteFrame(absl::string_view payload, size_t header,
                                               absl::string_view trailer, char* p) const {
    rule().WriteHeader(payload.size(), p);
    p += header;
    CopyBytes(p, payload.data(), payload.size());
    CopyBytes(p + payload.size(), trailer.data(), trailer.size());
  }

  // Encode's path for an accepted payload over kEncodeInPlaceMax bytes: header, payload and
  // trailer appended as they are (zero-filling room first would double the payload's writes).
  ABSL_ATTRIBUTE_NOINLINE void AppendLargeFrame(absl::string_view payload, std::string* out) const {
    const Rule& r = rule();
    char header[FrameEnvelope::kMaxHeaderSize];
    const size_t header_size = r.WriteHeader(payload.size(), header);
    if (header_size != 0) out->append(header, header_size);  // Else no call.
    AppendToString(out, payload.data(), payload.size());
    const absl::string_view trailer = r.Trailer(payload.size());
    if (!trailer.empty()) out->append(trailer.data(), trailer.size());  // Else no call.
  }
};

}  // namespace framing_internal
}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_INTERNAL_FRAME_WRITER_H_
