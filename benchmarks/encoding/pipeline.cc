// framekit/benchmarks/encoding/pipeline.cc
#include "pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/benchmarks/simulated_reads.h"
#include "framekit/codecs/codec.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/framing/netstring_framer.h"
#include "framekit/transforms/transformed_codec.h"
#include "framekit/transport/stream_io.h"

namespace framekit {
namespace encoding_bench {
namespace {

template <typename FramerT, typename DecoderT>
class PipelineT final : public Pipeline {
 public:
  PipelineT(std::unique_ptr<Framer> framer, std::unique_ptr<Codec> codec, size_t per_frame,
            bool strip_sep, bool is_signed)
      : framer_(std::move(framer)),
        codec_(std::move(codec)),
        per_frame_(per_frame),
        strip_sep_(strip_sep),
        is_signed_(is_signed) {}

  absl::Status Encode(const Dataset& d, std::string* wire) const override {
    const FramerT& framer = static_cast<const FramerT&>(*framer_);
    std::string scratch;
    const size_t n = d.size();
    for (size_t i = 0; i < n; i += per_frame_) {
      const size_t k = std::min(per_frame_, n - i);
      scratch.clear();
      absl::Status s =
          is_signed_ ? codec_->EncodeSigned(absl::MakeConstSpan(d.s).subspan(i, k), &scratch)
                     : codec_->EncodeUnsigned(absl::MakeConstSpan(d.u).subspan(i, k), &scratch);
      if (!s.ok()) return s;
      absl::string_view payload = scratch;
      if (strip_sep_)
        payload.remove_suffix(1);  // The delimiter the framer writes is the separator.
      s = framer.FramerT::Encode(payload, wire);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status DecodeStream(absl::string_view wire, DecodeTotals* t) const override {
    std::unique_ptr<Decoder> owner = framer_->NewDecoder();
    DecoderT& decoder = static_cast<DecoderT&>(*owner);
    Scratch scratch;
    // As a recv loop would (simulated_reads.h): reads of up to kChunk sized by NextReadSize.
    absl::Status s =
        FeedInReads(wire, kChunk, decoder, [&](DecoderT& d) { return Drain(d, t, &scratch); });
    if (!s.ok()) return s;
    return decoder.DecoderT::Finish();
  }

  absl::Status Receive(int fd, DecodeTotals* t, double* seconds) const override {
    std::unique_ptr<Decoder> owner = framer_->NewDecoder();
    DecoderT& decoder = static_cast<DecoderT&>(*owner);
    Scratch scratch;
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      const size_t want = decoder.NextReadSize(kChunk);
      absl::Span<char> dst = decoder.PrepareWrite(want).subspan(0, want);
      absl::StatusOr<size_t> n = ReadSome(fd, dst, deadline);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      decoder.CommitWrite(*n);
      absl::Status s = Drain(decoder, t, &scratch);
      if (!s.ok()) return s;
    }
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return decoder.DecoderT::Finish();
  }

 private:
  struct Scratch {
    std::vector<uint64_t> u;
    std::vector<int64_t> s;
  };

  absl::Status Drain(DecoderT& decoder, DecodeTotals* t, Scratch* scratch) const {
    absl::string_view frame;
    Decoder::Result r;
    while ((r = decoder.DecoderT::Next(&frame)) == Decoder::kFrame) {
      ++t->frames;
      absl::string_view bytes = frame;
      char joined[AsciiCodecMaxValue() + 1];
      if (strip_sep_) {  // Give the codec back the separator the delimiter stood for.
        if (frame.size() >= sizeof joined) return absl::InvalidArgumentError("frame too long");
        std::memcpy(joined, frame.data(), frame.size());
        joined[frame.size()] = '\n';
        bytes = absl::string_view(joined, frame.size() + 1);
      }
      if (is_signed_) {
        scratch->s.clear();
        absl::Status st = codec_->DecodeSigned(bytes, &scratch->s);
        if (!st.ok()) return st;
        for (int64_t v : scratch->s) t->sum += static_cast<uint64_t>(v);
        t->values += scratch->s.size();
      } else {
        scratch->u.clear();
        absl::Status st = codec_->DecodeUnsigned(bytes, &scratch->u);
        if (!st.ok()) return st;
        for (uint64_t v : scratch->u) t->sum += v;
        t->values += scratch->u.size();
      }
    }
    if (r == Decoder::kError) return decoder.status();
    return absl::OkStatus();
  }

  static constexpr size_t AsciiCodecMaxValue() { return 24; }

  std::unique_ptr<Framer> framer_;
  std::unique_ptr<Codec> codec_;
  size_t per_frame_;
  bool strip_sep_;
  bool is_signed_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> MakePipeline(const std::string& framer_spec,
                                                       const std::string& codec_spec,
                                                       size_t per_frame, bool strip_sep,
                                                       bool is_signed) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(framer_spec);
  if (!framer.ok()) return framer.status();
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec(codec_spec);
  if (!codec.ok()) return codec.status();
  const absl::string_view kind = (*framer)->kind();
  auto make = [&](auto* tag) -> std::unique_ptr<Pipeline> {
    using P = std::remove_pointer_t<decltype(tag)>;
    return std::make_unique<P>(*std::move(framer), *std::move(codec), per_frame, strip_sep,
                               is_signed);
  };
  if (kind == "delimiter") return make((PipelineT<DelimiterFramer, DelimiterDecoder>*)nullptr);
  if (kind == "fixed") return make((PipelineT<FixedLengthFramer, FixedLengthDecoder>*)nullptr);
  if (kind == "length") return make((PipelineT<LengthHeaderFramer, LengthHeaderDecoder>*)nullptr);
  if (kind == "ascii") return make((PipelineT<AsciiLengthFramer, AsciiLengthDecoder>*)nullptr);
  if (kind == "netstring") return make((PipelineT<NetstringFramer, NetstringDecoder>*)nullptr);
  return absl::InvalidArgumentError(absl::StrCat("no pipeline for framer kind ", kind));
}

uint64_t SumOf(const Dataset& d) {
  uint64_t sum = 0;
  for (uint64_t v : d.u) sum += v;
  for (int64_t v : d.s) sum += static_cast<uint64_t>(v);
  return sum;
}

}  // namespace encoding_bench
}  // namespace framekit
