// framekit/framing/delimiter_framer.h
//
// DelimiterFramer ends every frame with a delimiter: a byte sequence such as "\n", "\r\n", "\0" or
// any other 1..16 bytes. Decoders accept several delimiters at once; the match that starts earliest
// ends the frame, and of two that start at the same byte the longer wins. That choice is made only
// once enough bytes have arrived to know it, so a stream decodes the same however it was cut (with
// {"\r\n\r\n", "\r\n"}, a frame ending in "\r\n" waits for the next byte). The delimiter is
// stripped; an empty frame is a frame. The encoder writes the first delimiter and refuses a payload
// that would not decode back to itself (one containing a delimiter, or one whose tail together with
// the written delimiter forms an earlier match). The maximum applies while scanning: once no
// delimiter can start within the first `max_frame_size + 1` bytes the frame is refused
// (ResourceExhausted) without waiting for its end.
//
// Example:
//   DelimiterOptions options;
//   options.delimiters = {"\r\n", "\n"};  // Writes "\r\n"; accepts both.
//   absl::StatusOr<std::unique_ptr<DelimiterFramer>> framer = DelimiterFramer::Create(options);
//   DelimiterDecoder decoder = (*framer)->MakeDecoder();
//   decoder.Feed("GET /\r\nHost: x\n\n");
//   absl::string_view line;
//   while (decoder.Next(&line) == Decoder::kFrame) Handle(line);  // "GET /", "Host: x", ""
//
// Wire (delimiters {"\r\n", "\n"}):
//
//   before:  | G E T   / \r \n | H o s t :   x \n | \n |
//   after:   | "GET /"         | "Host: x"        | "" |
#ifndef FRAMEKIT_FRAMING_DELIMITER_FRAMER_H_
#define FRAMEKIT_FRAMING_DELIMITER_FRAMER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/copy_small.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"

namespace framekit {

struct DelimiterOptions {
  // The byte sequences that end a frame. Default {"\n"}. 1..8 of them, each 1..16 bytes, no
  // duplicates. The encoder writes the first, which therefore must not be a proper prefix of
  // another: with {"\r", "\r\n"}, frames "A" and "\nB" would go out as "A\r\nB\r" and come back as
  // "A", "B". List the longer one first instead.
  std::vector<std::string> delimiters = {"\n"};
  // The largest payload (delimiter excluded), in bytes. Default 1 MiB; any value, 0 allowing only
  // empty frames.
  uint64_t max_frame_size = kDefaultMaxFrameSize;
  // What the decoder does with a longer frame. Default kFail; kSkip reports it once, then drops its
  // bytes as they arrive, up to and including the next delimiter.
  TooLongPolicy on_too_long = TooLongPolicy::kFail;
};

namespace delimiter_internal {

// The delimiters in the form the scanner wants, shared (immutable) by a framer and its decoders.
struct DelimiterSet {
  // How candidate starts are found: one byte and done; memchr for the one byte every delimiter
  // starts with, then compare; or a table of first bytes.
  enum Mode : uint8_t { kOneByte, kOneFirstByte, kTable };

  // Returned by Decide(): a delimiter might start here but more bytes are needed to know.
  static constexpr size_t kUndecided = ~size_t{0};

  // The length of the delimiter ending a frame at `p` (the longest one that matches there), 0 if
  // none can start at `p`, or kUndecided. `data[0, size)` is the stream from the frame's start.
  size_t Decide(const char* data, size_t p, size_t size) const {
    const size_t avail = size - p;
    for (size_t i = 0; i < count; ++i) {  // Longest first: the first full match is the answer.
      // A byte loop: delimiters are at most 16 bytes, too short to be worth a memcmp call.
      const size_t n = len[i];
      const size_t m = avail < n ? avail : n;
      size_t k = 0;
      while (k < m && data[p + k] == bytes[i][k]) ++k;
      if (k == m) return m < n ? kUndecided : n;
    }
    return 0;
  }

  // The earliest start p in [from, limit) where a delimiter ends the frame: returns p and sets
  // `*len` to its length. Otherwise sets `*len` to 0 and returns the first start not yet ruled out:
  // the first undecided position, or `limit`. Requires from <= limit <= size.
  size_t Find(const char* data, size_t from, size_t limit, size_t size, size_t* len) const {
    *len = 0;
    if (from == limit) return limit;  // Also keeps a null `data` away from memchr.
    switch (mode) {
      case kOneByte: {
        const void* hit = std::memchr(data + from, first, limit - from);
        if (hit == nullptr) break;
        *len = 1;
        return static_cast<size_t>(static_cast<const char*>(hit) - data);
      }
      case kOneFirstByte:
        for (size_t i = from; i < limit;) {
          const void* hit = std::memchr(data + i, first, limit - i);
          if (hit == nullptr) break;
          const size_t p = static_cast<size_t>(static_cast<const char*>(hit) - data);
          const size_t n = Decide(data, p, size);
          if (n != 0) {
            *len = n == kUndecided ? 0 : n;
            return p;
          }
          i = p + 1;
        }
        break;
      case kTable:
        for (size_t p = from; p < limit; ++p) {
          if (!starts[static_cast<unsigned char>(data[p])]) continue;
          const size_t n = Decide(data, p, size);
          if (n != 0) {
            *len = n == kUndecided ? 0 : n;
            return p;
          }
        }
        break;
    }
    return limit;
  }

  static constexpr size_t kMaxCount = 8;
  static constexpr size_t kMaxSize = 16;

  Mode mode = kOneByte;
  char first = '\n';
  bool starts[256] = {};  // starts[b]: some delimiter begins with byte b.
  // The delimiters, longest first.
  size_t count = 0;
  uint8_t len[kMaxCount] = {};
  char bytes[kMaxCount][kMaxSize] = {};
};

// Bit i set iff p[i] == c, for i in [0, 64).
inline uint64_t ByteMask64(const char* p, char c) {
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const uint32_t bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
    mask |= static_cast<uint64_t>(bits) << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) mask |= static_cast<uint64_t>(p[i] == c) << i;
  return mask;
#endif
}

// True if some byte of p[0, n) is `c`, for n <= 16, without a libc call: two overlapping words
// covering the bytes, each tested for a byte equal to `c` at once (the exact "has a zero byte" word
// trick applied to word ^ c-in-every-byte).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ContainsByteSmall(const char* p, size_t n, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHighs = 0x8080808080808080u;
  const uint64_t pattern = kOnes * static_cast<uint8_t>(c);
  auto has_c = [&](uint64_t w) {
    w ^= pattern;
    return ((w - kOnes) & ~w & kHighs) != 0;
  };
  if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    return has_c(a) || has_c(b);
  }
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return has_c(a | (static_cast<uint64_t>(b) << 32));
  }
  return n > 0 && (p[0] == c || p[n / 2] == c || p[n - 1] == c);
}

}  // namespace delimiter_internal

class DelimiterFramer;

// Decodes a delimited stream; see the file comment. Make one with DelimiterFramer::MakeDecoder()
// (no virtual dispatch when called through this type) or NewDecoder(). Movable; a moved-from
// decoder may only be destroyed.
class DelimiterDecoder final : public Decoder {
 public:
  DelimiterDecoder(DelimiterDecoder&& other) noexcept;

  Result Next(absl::string_view* frame) override;
  // The same frames as Next(); short lines with a one-byte delimiter are taken a 64-byte window
  // at a time with the scan state in registers (RunWindows), everything else through Next().
  size_t NextBatch(absl::Span<absl::string_view> frames, Result* stop) override;
  absl::Status Finish() override;

  // Bytes of the current frame already ruled out as the start of a delimiter: the scan resumes
  // there, so each byte is examined once however the stream is fed. (For tests and diagnostics.)
  size_t scanned_bytes() const { return scan_; }
  // True while an over-long frame is being discarded (TooLongPolicy::kSkip).
  bool discarding() const { return discarding_; }

 private:
  friend class DelimiterFramer;
  DelimiterDecoder(std::shared_ptr<const delimiter_internal::DelimiterSet> set, uint64_t max,
                   TooLongPolicy policy)
      : set_(std::move(set)),
        max_(max),
        first_(set_->first),
        one_byte_(set_->mode == delimiter_internal::DelimiterSet::kOneByte),
        skip_(policy == TooLongPolicy::kSkip) {}

  Result NextGeneral(absl::string_view* frame);
  Result NextScan(absl::string_view* frame);
  size_t RunWindows(absl::string_view* out, size_t room);
  Result TooLong();

  std::shared_ptr<const delimiter_internal::DelimiterSet> set_;
  uint64_t max_;
  char first_;     // set_->first, and
  bool one_byte_;  // set_->mode == kOneByte, at hand for the fast path.
  bool skip_;
  bool discarding_ = false;
  size_t scan_ = 0;  // Starts [0, scan_) of the pending bytes hold no delimiter.
  // Fast path: bit i of hits_ set iff stream byte hits_base_ + i is the delimiter; stream bytes
  // [hits_base_, hits_end_) have been compared. Positions below the scan point are stale.
  uint64_t hits_ = 0;
  uint64_t hits_base_ = 0;
  uint64_t hits_end_ = 0;
  bool long_lines_ = false;  // The last line had no delimiter in its first window: use memchr.
};

class DelimiterFramer final : public Framer {
 public:
  // Checks `options` (BadOptionError, InvalidArgument, naming the bad one).
  static absl::StatusOr<std::unique_ptr<DelimiterFramer>> Create(DelimiterOptions options);

  const DelimiterOptions& options() const { return options_; }

  absl::string_view kind() const override { return "delimiter"; }
  // "delimiter:delim=\r\n,delim=\n,max=1MiB,too_long=fail": every delimiter in order, then max and
  // too_long (fail|skip).
  std::string Spec() const override;
  uint64_t max_payload_size() const override { return options_.max_frame_size; }

  // Appends payload + delimiters[0]. ResourceExhausted over the max; InvalidArgument if the payload
  // would not decode back to itself.
  // Both outputs inline into a caller holding the concrete type: no call per frame (only the
  // std::string's own growth calls into libstdc++).
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   std::string* out) const override;
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status Encode(absl::string_view payload,
                                                   ByteBuffer* out) const override;
  // No header; the trailer is delimiters[0], owned by the framer.
  absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* envelope) const override;
  // Checks every payload as Encode does, then copies payloads and delimiters into the buffer.
  absl::StatusOr<size_t> EncodeBatchInto(absl::Span<const absl::string_view> payloads,
                                         absl::FunctionRef<char*(size_t)> get_buffer,
                                         size_t* refused_index) const override;

  std::unique_ptr<Decoder> NewDecoder() const override;
  DelimiterDecoder MakeDecoder() const { return DelimiterDecoder(set_, options_.max_frame_size,
                                                                 options_.on_too_long); }

 private:
  DelimiterFramer(DelimiterOptions options,
                  std::shared_ptr<const delimiter_internal::DelimiterSet> set)
      : options_(std::move(options)), set_(std::move(set)), written_(options_.delimiters[0]) {}

  // OkStatus if `payload` can be sent. The common case (no byte of it can start a delimiter) is
  // inline; anything else goes to CheckCandidates.
  absl::Status CheckPayload(absl::string_view payload) const;
  // False if no byte of `payload` can start a delimiter (then it cannot hold one).
  bool MayHoldDelimiter(absl::string_view payload) const;
  // Encode's path for an accepted payload over kEncodeInPlaceMax bytes: appended as it is, with
  // its header and trailer. Out of line, keeping the inline Encode small.
  void AppendLargeFrame(absl::string_view payload, std::string* out) const;
  absl::Status CheckCandidates(absl::string_view payload) const;
  absl::Status PayloadTooLarge(size_t size) const;

  DelimiterOptions options_;
  std::shared_ptr<const delimiter_internal::DelimiterSet> set_;
  absl::string_view written_;  // options_.delimiters[0].
};

// ---- Hot paths, inline so that a caller holding the concrete types pays no call. ----

inline Decoder::Result DelimiterDecoder::Next(absl::string_view* frame) {
  // Fast path, for one 1-byte delimiter with no error to keep or clear and nothing to skip. The
  // bytes are compared 64 at a time (NextScan) into a bitmask of delimiter positions kept in
  // stream coordinates -- valid whatever the buffer does meanwhile, since stream bytes never
  // change -- and this inline part pops the next position: short lines cost a few instructions
  // each instead of a memchr call each.
  if (one_byte_ && !discarding_ && status_.ok()) {
    const uint64_t base = consumed_;
    while (hits_ != 0) {
      const uint64_t at = hits_base_ + static_cast<uint64_t>(__builtin_ctzll(hits_));
      if (at < base + scan_) {  // Consumed, or ruled out by a scan elsewhere.
        hits_ &= hits_ - 1;
        continue;
      }
      const uint64_t p = at - base;
      if (p > max_) break;  // Over the max: NextScan reports it.
      hits_ &= hits_ - 1;
      *frame = absl::string_view(buffer_.data(), static_cast<size_t>(p));
      Consume(static_cast<size_t>(p) + 1);
      scan_ = 0;
      return kFrame;
    }
    return NextScan(frame);
  }
  return NextGeneral(frame);
}

inline Decoder::Result DelimiterDecoder::NextGeneral(absl::string_view* frame) {
  if (failed_) return kError;
  ClearError();
  for (;;) {
    const char* data = buffer_.data();
    const size_t size = buffer_.size();
    size_t len;
    if (discarding_) {
      // Drop what is ruled out as we go; keep only an undecided tail (< longest delimiter).
      const size_t p = set_->Find(data, 0, size, size, &len);
      Consume(p + len);
      if (len == 0) return kNeedMore;
      discarding_ = false;
      continue;
    }
    // A delimiter may start at most at index max_ (an exactly-max payload); look no further.
    const size_t limit = max_ < size ? static_cast<size_t>(max_) + 1 : size;
    const size_t p = set_->Find(data, scan_, limit, size, &len);
    if (len != 0) {
      *frame = absl::string_view(data, p);
      Consume(p + len);
      scan_ = 0;
      return kFrame;
    }
    scan_ = p;
    if (p > max_) return TooLong();
    return kNeedMore;
  }
}

inline bool DelimiterFramer::MayHoldDelimiter(absl::string_view payload) const {
  const delimiter_internal::DelimiterSet& set = *set_;
  if (set.mode != delimiter_internal::DelimiterSet::kTable) {
    // Short payloads, the per-frame cost that matters, are checked inline; memchr for the rest.
    return payload.size() <= 16
               ? delimiter_internal::ContainsByteSmall(payload.data(), payload.size(), set.first)
               : std::memchr(payload.data(), set.first, payload.size()) != nullptr;
  }
  bool any = false;
  for (char c : payload) any |= set.starts[static_cast<unsigned char>(c)];
  return any;
}

inline absl::Status DelimiterFramer::CheckPayload(absl::string_view payload) const {
  if (payload.size() > options_.max_frame_size) return PayloadTooLarge(payload.size());
  if (!MayHoldDelimiter(payload)) return absl::OkStatus();
  return CheckCandidates(payload);
}

inline absl::Status DelimiterFramer::Encode(absl::string_view payload, std::string* out) const {
  absl::Status status = CheckPayload(payload);
  if (!status.ok()) return status;
  if (ABSL_PREDICT_FALSE(payload.size() > framing_internal::kEncodeInPlaceMax)) {
    AppendLargeFrame(payload, out);
    return absl::OkStatus();
  }
  // A small frame: one growth of `out` (geometric, as any append), then written in place.
  const size_t old_size = out->size();
  out->append(payload.size() + written_.size(), '\0');
  char* p = &(*out)[0] + old_size;
  framing_internal::CopySmall(p, payload.data(), payload.size());
  framing_internal::CopySmall(p + payload.size(), written_.data(), written_.size());
  return absl::OkStatus();
}

inline absl::Status DelimiterFramer::EncodeEnvelope(absl::string_view payload,
                                                    FrameEnvelope* envelope) const {
  absl::Status status = CheckPayload(payload);
  if (!status.ok()) return status;
  envelope->set_header_size(0);
  envelope->set_trailer(written_);
  return absl::OkStatus();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::Status DelimiterFramer::Encode(absl::string_view payload,
                                                                         ByteBuffer* out) const {
  absl::Status status = CheckPayload(payload);
  if (!status.ok()) return status;
  const size_t size = payload.size() + written_.size();
  char* p = out->Prepare(size);
  framing_internal::CopySmall(p, payload.data(), payload.size());
  framing_internal::CopySmall(p + payload.size(), written_.data(), written_.size());
  out->Commit(size);
  return absl::OkStatus();
}

}  // namespace framekit

#endif  // FRAMEKIT_FRAMING_DELIMITER_FRAMER_H_
