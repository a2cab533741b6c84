#include "framekit/codecs/binary_codec.h"

#include <type_traits>

#include "absl/base/internal/endian.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/codecs/codec_support.h"

namespace framekit {
namespace {

constexpr absl::string_view kName = "binary";

template <int W>
inline void StoreBigEndian(char* p, uint64_t v) {
  if (W == 8) absl::big_endian::Store64(p, v);
  if (W == 4) absl::big_endian::Store32(p, static_cast<uint32_t>(v));
  if (W == 2) absl::big_endian::Store16(p, static_cast<uint16_t>(v));
}

// The value's two's complement bits, sign-extended to 64 when kSigned.
template <int W, bool kSigned>
inline uint64_t LoadBigEndian(const char* p) {
  if (W == 8) return absl::big_endian::Load64(p);
  if (W == 4) {
    const uint32_t v = absl::big_endian::Load32(p);
    return kSigned ? static_cast<uint64_t>(int64_t{static_cast<int32_t>(v)}) : v;
  }
  const uint16_t v = absl::big_endian::Load16(p);
  return kSigned ? static_cast<uint64_t>(int64_t{static_cast<int16_t>(v)}) : v;
}

// Stores unconditionally and checks in bulk (no branch in the loop); the rare bad value is
// located afterwards and the output rolled back.
template <int W, typename T>
absl::Status EncodeLoop(bool codec_signed, absl::Span<const T> values, std::string* out) {
  const DomainCheck<T> check(codec_signed, W * 8);
  const size_t old = out->size();
  out->resize(old + values.size() * W);
  char* p = &(*out)[0] + old;
  bool ok = true;
  for (size_t i = 0; i < values.size(); ++i) {
    ok &= check.Fits(values[i]);
    StoreBigEndian<W>(p + i * W, static_cast<uint64_t>(values[i]));
  }
  if (ABSL_PREDICT_TRUE(ok)) return absl::OkStatus();
  out->resize(old);
  size_t i = 0;
  while (check.Fits(values[i])) ++i;
  return EncodeRangeError(kName, i, values[i], codec_signed, W * 8);
}

template <int W, bool kSigned, typename T>
absl::Status DecodeLoop(absl::string_view bytes, std::vector<T>* out) {
  const size_t n = bytes.size() / W;
  if (bytes.size() % W != 0) {
    return MalformedInputError(
        kName, n * W, n,
        absl::StrCat(bytes.size() % W, " trailing bytes; the input (", bytes.size(),
                     " bytes) must be a multiple of the width, ", W));
  }
  // Decoded values are in the codec's domain; only the caller's type can refuse them.
  const DomainCheck<T> check(kSigned, 64);
  const size_t old = out->size();
  out->resize(old + n);
  T* o = out->data() + old;
  const char* p = bytes.data();
  bool ok = true;
  for (size_t i = 0; i < n; ++i) {
    const T v = static_cast<T>(LoadBigEndian<W, kSigned>(p + i * W));
    ok &= check.Fits(v);
    o[i] = v;
  }
  if (ABSL_PREDICT_TRUE(ok)) return absl::OkStatus();
  out->resize(old);
  size_t i = 0;
  while (check.Fits(static_cast<T>(LoadBigEndian<W, kSigned>(p + i * W)))) ++i;
  return DecodeRangeError(kName, i * W, i, LoadBigEndian<W, kSigned>(p + i * W), kSigned,
                          std::is_signed<T>::value);
}

template <typename T>
absl::Status EncodeAny(const BinaryCodecOptions& options, absl::Span<const T> values,
                       std::string* out) {
  switch (options.width) {
    case 2:
      return EncodeLoop<2>(options.is_signed, values, out);
    case 4:
      return EncodeLoop<4>(options.is_signed, values, out);
    default:
      return EncodeLoop<8>(options.is_signed, values, out);
  }
}

template <typename T>
absl::Status DecodeAny(const BinaryCodecOptions& options, absl::string_view bytes,
                       std::vector<T>* out) {
  if (options.is_signed) {
    switch (options.width) {
      case 2:
        return DecodeLoop<2, true>(bytes, out);
      case 4:
        return DecodeLoop<4, true>(bytes, out);
      default:
        return DecodeLoop<8, true>(bytes, out);
    }
  }
  switch (options.width) {
    case 2:
      return DecodeLoop<2, false>(bytes, out);
    case 4:
      return DecodeLoop<4, false>(bytes, out);
    default:
      return DecodeLoop<8, false>(bytes, out);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<BinaryCodec>> BinaryCodec::Create(BinaryCodecOptions options) {
  if (options.width != 2 && options.width != 4 && options.width != 8) {
    return absl::InvalidArgumentError(
        absl::StrCat("binary: bad option: width is ", options.width, "; must be 2, 4 or 8"));
  }
  return std::unique_ptr<BinaryCodec>(new BinaryCodec(options));
}

std::string BinaryCodec::Spec() const {
  return absl::StrCat("binary:width=", options_.width,
                      ",signed=", options_.is_signed ? "true" : "false");
}

absl::Status BinaryCodec::EncodeUnsigned(absl::Span<const uint64_t> values,
                                         std::string* out) const {
  return EncodeAny(options_, values, out);
}
absl::Status BinaryCodec::EncodeSigned(absl::Span<const int64_t> values, std::string* out) const {
  return EncodeAny(options_, values, out);
}
absl::Status BinaryCodec::DecodeUnsigned(absl::string_view bytes,
                                         std::vector<uint64_t>* out) const {
  return DecodeAny(options_, bytes, out);
}
absl::Status BinaryCodec::DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const {
  return DecodeAny(options_, bytes, out);
}

size_t BinaryCodec::MaxEncodedSize(size_t n_values) const {
  return SaturatingMul(n_values, static_cast<size_t>(options_.width));
}

CodecKind BinaryCodecKind() {
  CodecKind kind;
  kind.name = "binary";
  kind.summary = "fixed width, network byte order (big-endian), unsigned or two's complement";
  kind.keys = {{"width", "bytes per value: 2, 4 or 8; default 8"},
               {"signed", "two's complement (true) or unsigned (false); default false"}};
  kind.factory = [](const CodecSettings& settings) -> absl::StatusOr<std::unique_ptr<Codec>> {
    BinaryCodecOptions options;
    absl::StatusOr<std::string> width = settings.GetChoice("width", "8", {"2", "4", "8"});
    if (!width.ok()) return width.status();
    options.width = (*width)[0] - '0';
    absl::StatusOr<bool> is_signed = settings.GetBool("signed", false);
    if (!is_signed.ok()) return is_signed.status();
    options.is_signed = *is_signed;
    absl::StatusOr<std::unique_ptr<BinaryCodec>> codec = BinaryCodec::Create(options);
    if (!codec.ok()) return codec.status();
    return std::unique_ptr<Codec>(*std::move(codec));
  };
  return kind;
}

}  // namespace framekit
