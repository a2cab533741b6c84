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
//   absl::Status s = decoder.Feed("GET /\r\nHost: x\n\n");
//   absl::string_view line;
//   while (decoder.Next(&line) == Decoder::kFrame) Handle(line);  // "GET /", "Host: x", ""
//
// Wire (delimiters {"\r\n", "\n"}):
//
//   before:  | G E T   / \r \n | H o s t :   x \n | \n |
//   after:   | "GET /"         | "Host: x"        | "" |
#ifndef FRAMEKIT_FRAMING_DELIMITER_FRAMER_H_
#define FRAMEKIT_FRAMING_DELIMITER_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/delimiter_decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/internal/delimiter_internal.h"
#include "framekit/framing/internal/frame_writer.h"

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

class DelimiterFramer final : public framing_internal::FrameWriter<DelimiterFramer> {
 public:
  // Checks `options` (BadOptionError, InvalidArgument, naming the bad one).
  static absl::StatusOr<std::unique_ptr<DelimiterFramer>> Create(DelimiterOptions options);

  const DelimiterOptions& options() const { return options_; }

  absl::string_view kind() const override { return "delimiter"; }
  // "delimiter:delim=\r\n,delim=\n,max=1MiB,too_long=fail": every delimiter in order, then max and
  // too_long (fail|skip).
  std::string Spec() const override;
  uint64_t max_payload_size() const override { return options_.max_frame_size; }

  // Encode, EncodeEnvelope, EncodeBatchInto (FrameWriter's, inline into a caller holding the
  // concrete type) append payload + delimiters[0]: ResourceExhausted over the max; InvalidArgument
  // if the payload would not decode back to itself. No header; the trailer is delimiters[0].

  std::unique_ptr<Decoder> NewDecoder() const override;
  DelimiterDecoder MakeDecoder() const {
    return DelimiterDecoder(set_, options_.max_frame_size, options_.on_too_long);
  }

 private:
  DelimiterFramer(DelimiterOptions options,
                  std::shared_ptr<const delimiter_internal::DelimiterSet> set)
      : options_(std::move(options)), set_(std::move(set)), written_(options_.delimiters[0]) {}

  // OkStatus if `payload` can be sent. The common case (no byte of it can start a delimiter) is
  // inline; anything else goes to CheckCandidates.
  absl::Status CheckPayload(absl::string_view payload) const;
  // False if no byte of `payload` can start a delimiter (then it cannot hold one).
  bool MayHoldDelimiter(absl::string_view payload) const;

  // The wire rule FrameWriter encodes with (internal/frame_writer.h): the payload, then the
  // written delimiter. QuickAccept is CheckPayload's quick filter, without building a Status.
  friend class framing_internal::FrameWriter<DelimiterFramer>;
  bool QuickAccept(absl::string_view payload) const {
    return payload.size() <= options_.max_frame_size && !MayHoldDelimiter(payload);
  }
  absl::Status Check(absl::string_view payload) const { return CheckPayload(payload); }
  size_t HeaderSize(size_t /*payload_size*/) const { return 0; }
  size_t WriteHeader(size_t /*payload_size*/, char* /*out*/) const { return 0; }
  absl::string_view Trailer(size_t /*payload_size*/) const { return written_; }
  // The usual one-byte delimiter ("\n", "\0") as one store a frame; else FrameWriter's loop.
  void WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const {
    if (written_.size() != 1) return FrameWriter::WriteBatch(payloads, p);
    const char d = written_[0];
    for (const absl::string_view payload : payloads) {
      framing_internal::CopyBytes(p, payload.data(), payload.size());
      p += payload.size();
      *p++ = d;
    }
  }
  absl::Status CheckCandidates(absl::string_view payload) const;
  absl::Status PayloadTooLarge(size_t size) const;

  DelimiterOptions options_;
  std::shared_ptr<const delimiter_internal::DelimiterSet> set_;
  absl::string_view written_;  // options_.delimiters[0].
};

}  // namespace framekit

// The inline hot paths (internal).
#include "framekit/framing/internal/delimiter_inl.h"  // IWYU pragma: export

#endif  // FRAMEKIT_FRAMING_DELIMITER_FRAMER_H_
