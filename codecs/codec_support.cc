#include "framekit/codecs/codec_support.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace framekit {
namespace {

std::string DomainText(bool codec_signed, int bits) {
  if (codec_signed) {
    const int64_t max = static_cast<int64_t>(~uint64_t{0} >> (65 - bits));
    return absl::StrCat(bits, "-bit signed [", -max - 1, ", ", max, "]");
  }
  return absl::StrCat(bits, "-bit unsigned [0, ", ~uint64_t{0} >> (64 - bits), "]");
}

}  // namespace

absl::Status EncodeRangeError(absl::string_view codec, size_t index, int64_t value,
                              bool codec_signed, int bits) {
  return absl::InvalidArgumentError(absl::StrCat(codec, ": value at index ", index, " (", value,
                                                 ") is outside the codec's domain, ",
                                                 DomainText(codec_signed, bits)));
}

absl::Status EncodeRangeError(absl::string_view codec, size_t index, uint64_t value,
                              bool codec_signed, int bits) {
  return absl::InvalidArgumentError(absl::StrCat(codec, ": value at index ", index, " (", value,
                                                 ") is outside the codec's domain, ",
                                                 DomainText(codec_signed, bits)));
}

absl::Status MalformedInputError(absl::string_view codec, size_t offset, size_t index,
                                 absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(codec, ": malformed input at byte offset ", offset,
                                                 " (value ", index, "): ", what));
}

absl::Status DecodeRangeError(absl::string_view codec, size_t offset, size_t index, uint64_t bits,
                              bool codec_signed, bool target_signed) {
  const std::string value =
      codec_signed ? absl::StrCat(static_cast<int64_t>(bits)) : absl::StrCat(bits);
  return absl::InvalidArgumentError(
      absl::StrCat(codec, ": value at byte offset ", offset, " (value ", index, ") is ", value,
                   ", which does not fit ", target_signed ? "int64" : "uint64", "; decode into ",
                   target_signed ? "uint64" : "int64"));
}

}  // namespace framekit
