#include "framekit/transforms/transformed_framer.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/transforms/internal/stages.h"
#include "framekit/transforms/transform_registry.h"

namespace framekit {
namespace {

constexpr size_t kGrpcPrefix = 5;  // Compressed-Flag + Message-Length.

absl::Status StagePrefixed(size_t index, size_t count, const absl::Status& s) {
  return absl::Status(s.code(),
                      absl::StrCat("stage ", index + 1, " of ", count, ": ", s.message()));
}

// The `grpc` stage: "grpc" or "grpc:compress=BOOL", parsed with the shared spec parser.
absl::StatusOr<TransformedFramer::GrpcFlag> ParseGrpcStage(absl::string_view stage) {
  absl::StatusOr<TransformSettings> settings = ParseTransformSpec(stage);
  if (!settings.ok()) return settings.status();
  for (const auto& kv : settings->values()) {
    if (kv.first != "compress") {
      return absl::InvalidArgumentError(
          absl::StrCat("grpc: unknown key '", kv.first, "'; valid keys: compress"));
    }
  }
  if (settings->values().size() > 1) {
    return absl::InvalidArgumentError("grpc: key 'compress' given more than once");
  }
  absl::StatusOr<bool> compress = settings->GetBool("compress", true);
  if (!compress.ok()) return compress.status();
  return *compress ? TransformedFramer::GrpcFlag::kCompress : TransformedFramer::GrpcFlag::kPlain;
}

bool IsGrpcStage(absl::string_view stage) {
  return stage == "grpc" || absl::StartsWith(stage, "grpc:");
}

}  // namespace

absl::StatusOr<std::unique_ptr<TransformedFramer>> TransformedFramer::Create(
    absl::string_view spec) {
  absl::StatusOr<std::vector<absl::string_view>> stages =
      transforms_internal::SplitStages("transformed framer", spec);
  if (!stages.ok()) return stages.status();
  const size_t count = stages->size();
  std::unique_ptr<TransformedFramer> t(new TransformedFramer);
  t->stage_count_ = count;
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer((*stages)[0]);
  if (!framer.ok()) return StagePrefixed(0, count, framer.status());
  t->framer_ = *std::move(framer);
  size_t next = 1;
  if (count > 1 && IsGrpcStage((*stages)[1])) {
    absl::StatusOr<GrpcFlag> flag = ParseGrpcStage((*stages)[1]);
    if (!flag.ok()) return StagePrefixed(1, count, flag.status());
    const auto* length = dynamic_cast<const LengthHeaderFramer*>(t->framer_.get());
    LengthHeaderOptions options;
    if (length != nullptr) options = length->options();
    if (length == nullptr || options.width != 4 || options.order != ByteOrder::kBig ||
        options.length_offset != 1 || options.length_adjustment != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("stage 2 of ", count,
                       ": grpc: needs gRPC's framing, length:width=4,offset=1 "
                       "(big-endian, adjust=0), before it; got '",
                       t->framer_->Spec(), "'"));
    }
    options.strip = 0;
    absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> reader =
        LengthHeaderFramer::Create(options);
    if (!reader.ok()) return StagePrefixed(0, count, reader.status());
    t->grpc_reader_ = *std::move(reader);
    t->grpc_ = *flag;
    next = 2;
  }
  for (size_t i = next; i < count; ++i) {
    if (IsGrpcStage((*stages)[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "stage ", i + 1, " of ", count, ": grpc must come right after the framer (stage 2)"));
    }
  }
  absl::StatusOr<std::vector<std::unique_ptr<Transform>>> transforms =
      transforms_internal::MakeTransforms(*stages, next);
  if (!transforms.ok()) return transforms.status();
  t->transforms_ = *std::move(transforms);
  t->first_transform_stage_ = next;
  return t;
}

std::string TransformedFramer::Spec() const {
  std::string spec = transforms_internal::EscapeStage(framer_->Spec());
  if (grpc_ != GrpcFlag::kNone) {
    absl::StrAppend(&spec, "|grpc:compress=", grpc_ == GrpcFlag::kCompress ? "true" : "false");
  }
  for (const auto& t : transforms_) absl::StrAppend(&spec, "|", t->Spec());
  return spec;
}

absl::Status TransformedFramer::Encode(absl::string_view payload, std::string* out) const {
  const bool compress = grpc_ != GrpcFlag::kPlain && !transforms_.empty();
  std::string packed;
  absl::string_view body = payload;
  if (compress) {
    absl::Status s = transforms_internal::CompressAll(transforms_, first_transform_stage_,
                                                      stage_count_, payload, &packed);
    if (!s.ok()) return s;
    body = packed;
  }
  const size_t start = out->size();
  absl::Status s = framer_->Encode(body, out);  // All-or-error itself.
  if (!s.ok()) return s;
  if (grpc_ != GrpcFlag::kNone && compress) (*out)[start] = '\x01';  // The framer wrote 0.
  return absl::OkStatus();
}

std::unique_ptr<TransformedDecoder> TransformedFramer::NewDecoder() const {
  return std::make_unique<TransformedDecoder>(*this);
}

TransformedDecoder::TransformedDecoder(const TransformedFramer& framer)
    : framer_(framer),
      frames_(framer.grpc_reader_ != nullptr ? framer.grpc_reader_->NewDecoder()
                                             : framer.framer_->NewDecoder()) {}

absl::Status TransformedDecoder::Feed(absl::string_view bytes) {
  if (!status_.ok()) return status_;
  return frames_->Feed(bytes);
}

const absl::Status& TransformedDecoder::status() const {
  return status_.ok() ? frames_->status() : status_;
}

Decoder::Result TransformedDecoder::Fail(absl::Status status) {
  status_ = std::move(status);
  return Decoder::kError;
}

Decoder::Result TransformedDecoder::Next(absl::string_view* payload) {
  if (!status_.ok()) return Decoder::kError;
  absl::string_view frame;
  const Decoder::Result r = frames_->Next(&frame);
  if (r != Decoder::kFrame) return r;
  // Next consumed the frame: the stream offset is now its end.
  const uint64_t end = frames_->stream_offset();
  bool compressed = framer_.grpc_ == TransformedFramer::GrpcFlag::kNone;
  if (framer_.grpc_ != TransformedFramer::GrpcFlag::kNone) {
    const uint8_t flag = static_cast<uint8_t>(frame[0]);
    if (flag > 1) {
      return Fail(absl::InvalidArgumentError(absl::StrCat("grpc: Compressed-Flag ", flag,
                                                          " at stream offset ", end - frame.size(),
                                                          " is neither 0 nor 1")));
    }
    if (flag == 1 && framer_.transforms_.empty()) {
      return Fail(absl::InvalidArgumentError(
          absl::StrCat("grpc: Compressed-Flag 1 at stream offset ", end - frame.size(),
                       " but no transform is configured (no encoding was negotiated)")));
    }
    compressed = flag == 1;
    frame.remove_prefix(kGrpcPrefix);
  }
  if (!compressed || framer_.transforms_.empty()) {
    *payload = frame;
    return Decoder::kFrame;
  }
  absl::Status s =
      transforms_internal::DecompressAll(framer_.transforms_, framer_.first_transform_stage_,
                                         framer_.stage_count_, frame, &payload_, &scratch_);
  if (!s.ok()) {
    return Fail(absl::Status(
        s.code(), absl::StrCat("frame ending at stream offset ", end, ": ", s.message())));
  }
  *payload = payload_;
  return Decoder::kFrame;
}

absl::Status TransformedDecoder::Finish() {
  if (!status_.ok()) return status_;
  return frames_->Finish();
}

}  // namespace framekit
