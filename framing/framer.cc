#include "framekit/framing/framer.h"

#include "absl/strings/str_cat.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"

namespace framekit {

using framing_internal::CopyBytes;

absl::Status Framer::Encode(absl::string_view payload, std::string* out) const {
  FrameEnvelope envelope;
  absl::Status status = EncodeEnvelope(payload, &envelope);
  if (!status.ok()) return status;
  out->append(envelope.header().data(), envelope.header().size());
  framing_internal::AppendToString(out, payload.data(), payload.size());
  out->append(envelope.trailer().data(), envelope.trailer().size());
  return absl::OkStatus();
}

absl::Status Framer::Encode(absl::string_view payload, ByteBuffer* out) const {
  FrameEnvelope envelope;
  absl::Status status = EncodeEnvelope(payload, &envelope);
  if (!status.ok()) return status;
  const absl::string_view header = envelope.header();
  const absl::string_view trailer = envelope.trailer();
  const size_t size = header.size() + payload.size() + trailer.size();
  char* p = out->Prepare(size);
  framing_internal::CopyBytes(p, header.data(), header.size());
  p += header.size();
  framing_internal::CopyBytes(p, payload.data(), payload.size());
  framing_internal::CopyBytes(p + payload.size(), trailer.data(), trailer.size());
  out->Commit(size);
  return absl::OkStatus();
}

namespace {

// EncodeBatch hands each run of consecutive payloads of at most kBatchInPlaceMax bytes to
// EncodeBatchInto, which writes the run in place after one growth of the string. The growth
// zero-fills the room first (std::string cannot grow uninitialized before C++23), which is cheap
// next to a call per small frame. A larger payload goes through Encode, which appends it as it is:
// zero-filling room for it first would double its memory writes, and a call per frame costs
// nothing at that size. (256: where the two cost the same, by benchmark; benchmarks/RESULTS.md.)
constexpr size_t kBatchInPlaceMax = 256;

}  // namespace

absl::Status Framer::EncodeBatch(absl::Span<const absl::string_view> payloads,
                                 std::string* out) const {
  const size_t old_size = out->size();
  const size_t count = payloads.size();
  for (size_t begin = 0; begin < count;) {
    if (payloads[begin].size() > kBatchInPlaceMax) {
      absl::Status status = Encode(payloads[begin], out);
      if (!status.ok()) {
        out->resize(old_size);
        return BatchPayloadError(status, begin, count);
      }
      ++begin;
      continue;
    }
    size_t end = begin + 1;
    while (end < count && payloads[end].size() <= kBatchInPlaceMax) ++end;
    size_t refused = 0;
    absl::StatusOr<size_t> written = EncodeBatchInto(
        payloads.subspan(begin, end - begin),
        [out](size_t size) {
          const size_t at = out->size();
          out->append(size, '\0');
          return &(*out)[0] + at;
        },
        &refused);
    if (!written.ok()) {
      out->resize(old_size);
      return BatchPayloadError(written.status(), begin + refused, count);
    }
    begin = end;
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Framer::EncodeBatchInto(absl::Span<const absl::string_view> payloads,
                                               absl::FunctionRef<char*(size_t)> get_buffer,
                                               size_t* refused_index) const {
  // Two passes: every payload is accepted (and the total known) before the buffer is asked for.
  // Keeping the envelopes instead would cost an allocation per call.
  FrameEnvelope envelope;
  size_t total = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    absl::Status status = EncodeEnvelope(payloads[i], &envelope);
    if (!status.ok()) {
      *refused_index = i;
      return status;
    }
    if (__builtin_add_overflow(total, envelope.overhead(), &total) ||
        __builtin_add_overflow(total, payloads[i].size(), &total)) {
      *refused_index = i;
      return BatchTooLargeError(kind());
    }
  }
  char* const begin = get_buffer(total);
  char* p = begin;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const absl::string_view payload = payloads[i];
    absl::Status status = EncodeEnvelope(payload, &envelope);
    const size_t left = total - static_cast<size_t>(p - begin);
    if (!status.ok() || envelope.overhead() > left || payload.size() > left - envelope.overhead()) {
      // EncodeEnvelope answered differently the second time: never write past the buffer.
      *refused_index = i;
      if (!status.ok()) return status;
      return absl::InternalError(absl::StrCat(
          kind(), ": EncodeEnvelope gave a different frame size for the same payload"));
    }
    CopyBytes(p, envelope.header().data(), envelope.header().size());
    p += envelope.header().size();
    CopyBytes(p, payload.data(), payload.size());
    p += payload.size();
    CopyBytes(p, envelope.trailer().data(), envelope.trailer().size());
    p += envelope.trailer().size();
  }
  if (p != begin + total) {
    *refused_index = payloads.size() - 1;
    return absl::InternalError(
        absl::StrCat(kind(), ": EncodeEnvelope gave a different frame size for the same payload"));
  }
  return total;
}

bool operator==(const Framer& a, const Framer& b) { return a.Spec() == b.Spec(); }

}  // namespace framekit
