#include "framekit/framing/fixed_length_framer.h"

#include <limits>
#include <utility>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "framekit/framing/framing_errors.h"
#include "framekit/framing/internal/copy.h"
#include "framekit/spec/spec_values.h"

namespace framekit {
namespace {
constexpr absl::string_view kName = "fixed";
}  // namespace

absl::Status FixedLengthDecoder::Finish() {
  if (failed()) return status();
  if (buffer().empty()) return absl::OkStatus();
  return TruncatedError(kName, buffer().size(), absl::StrCat("a frame is ", frame_size_, " bytes"));
}

absl::StatusOr<std::unique_ptr<FixedLengthFramer>> FixedLengthFramer::Create(
    FixedLengthOptions options) {
  if (options.max_frame_size == 0) return BadOptionError(kName, "max must be at least 1");
  if (options.frame_size == 0) return BadOptionError(kName, "size is required and at least 1");
  if (options.frame_size > options.max_frame_size) {
    return BadOptionError(kName, absl::StrCat("size ", options.frame_size, " is over the max of ",
                                              options.max_frame_size));
  }
  if (options.frame_size > std::numeric_limits<size_t>::max() / 2) {
    return BadOptionError(kName,
                          absl::StrCat("size ", options.frame_size, " does not fit in memory"));
  }
  return std::unique_ptr<FixedLengthFramer>(new FixedLengthFramer(std::move(options)));
}

FixedLengthFramer::FixedLengthFramer(FixedLengthOptions options)
    : options_(std::move(options)), frame_size_(static_cast<size_t>(options_.frame_size)) {
  // Allocated once so that EncodeEnvelope can hand out padding as a view.
  if (options_.pad.has_value()) padding_.assign(frame_size_, static_cast<char>(*options_.pad));
}

std::string FixedLengthFramer::Spec() const {
  return absl::StrCat(
      kName, ":size=", options_.frame_size, ",pad=",
      options_.pad.has_value() ? absl::StrFormat("0x%02X", *options_.pad) : std::string("none"),
      ",max=", FormatSize(options_.max_frame_size));
}

std::unique_ptr<Decoder> FixedLengthFramer::NewDecoder() const {
  return std::make_unique<FixedLengthDecoder>(MakeDecoder());
}

absl::Status FixedLengthFramer::BadPayload(size_t size) const {
  if (size > frame_size_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        kName, ": cannot encode a ", size, "-byte payload in ", frame_size_, "-byte frames"));
  }
  return absl::InvalidArgumentError(absl::StrCat(kName, ": cannot encode a ", size,
                                                 "-byte payload in ", frame_size_,
                                                 "-byte frames without a pad byte"));
}

bool FixedLengthFramer::BatchSize(absl::Span<const absl::string_view> payloads,
                                  size_t* total) const {
  // Branch-free: one flag for any payload that is too long or would need a pad there is not.
  const bool cannot_pad = padding_.empty();
  bool suspect = false;
  for (const absl::string_view payload : payloads) {
    const size_t size = payload.size();
    suspect |= (size > frame_size_) | ((size != frame_size_) & cannot_pad);
  }
  suspect |= __builtin_mul_overflow(payloads.size(), frame_size_, total);
  return !suspect;
}

void FixedLengthFramer::WriteBatch(absl::Span<const absl::string_view> payloads, char* p) const {
  // Locals, not members: stores through a char* could alias the framer, so members would be
  // reloaded after every copy.
  const size_t frame_size = frame_size_;
  const char* const pad = padding_.data();  // frame_size pad bytes: any payload's padding.
  for (const absl::string_view payload : payloads) {
    framing_internal::CopyBytes(p, payload.data(), payload.size());
    if (payload.size() != frame_size) {
      framing_internal::CopyBytes(p + payload.size(), pad, frame_size - payload.size());
    }
    p += frame_size;
  }
}

}  // namespace framekit
