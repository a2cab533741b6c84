#include "framekit/codecs/varint_codec.h"

#include <type_traits>

#include "absl/base/internal/endian.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/codecs/codec_support.h"
#include "framekit/coding/varint.h"

namespace framekit {
namespace {

constexpr absl::string_view kName = "varint";

inline uint64_t ZigZag(uint64_t bits) {
  return (bits << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(bits) >> 63);
}
inline uint64_t UnZigZag(uint64_t u) { return (u >> 1) ^ (0 - (u & 1)); }

template <bool kZigZag, typename T>
absl::Status EncodeLoop(absl::Span<const T> values, std::string* out) {
  const DomainCheck<T> check(kZigZag, 64);
  const size_t old = out->size();
  out->resize(old + values.size() * VarintCodec::kMaxVarintSize);
  unsigned char* const begin = reinterpret_cast<unsigned char*>(&(*out)[0]) + old;
  unsigned char* p = begin;
  for (size_t i = 0; i < values.size(); ++i) {
    const T v = values[i];
    if (ABSL_PREDICT_FALSE(!check.Fits(v))) {
      out->resize(old);
      return EncodeRangeError(kName, i, v, kZigZag, 64);
    }
    const uint64_t u = kZigZag ? ZigZag(static_cast<uint64_t>(v)) : static_cast<uint64_t>(v);
    p += EncodeVarint64(u, reinterpret_cast<char*>(p));
  }
  out->resize(old + static_cast<size_t>(p - begin));
  return absl::OkStatus();
}

template <bool kZigZag, typename T>
absl::Status DecodeLoop(absl::string_view bytes, std::vector<T>* out) {
  // Decoded values are in the 64-bit domain, so only a signedness mismatch can refuse one.
  constexpr bool kMayNotFit = kZigZag != std::is_signed<T>::value;
  const DomainCheck<T> check(kZigZag, 64);
  const size_t old = out->size();
  out->resize(old + bytes.size());  // Every varint takes at least a byte.
  T* const first = out->data() + old;
  T* o = first;
  const unsigned char* const begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* const end = begin + bytes.size();
  const unsigned char* p = begin;

  const auto value_of = [](uint64_t u) { return static_cast<T>(kZigZag ? UnZigZag(u) : u); };
  const auto range_error = [&](const unsigned char* at, uint64_t u) {
    out->resize(old);
    return DecodeRangeError(kName, static_cast<size_t>(at - begin), static_cast<size_t>(o - first),
                            kZigZag ? UnZigZag(u) : u, kZigZag, std::is_signed<T>::value);
  };
  const auto malformed = [&](const unsigned char* at, absl::string_view what) {
    out->resize(old);
    return MalformedInputError(kName, static_cast<size_t>(at - begin),
                               static_cast<size_t>(o - first), what);
  };

  while (p != end) {
    if (end - p >= 8) {
      const uint64_t word = absl::little_endian::Load64(p);
      // Bit 7 of each byte that ends a varint (high bit clear).
      const uint64_t stops = ~word & 0x8080808080808080u;
      if (stops == 0x8080808080808080u) {
        // Eight one-byte varints (small values): no length logic at all.
        bool ok = true;
        for (int k = 0; k < 8; ++k) {
          const T v = value_of(p[k]);
          if (kMayNotFit) ok &= check.Fits(v);
          o[k] = v;
        }
        if (kMayNotFit && ABSL_PREDICT_FALSE(!ok)) {
          while (check.Fits(value_of(*p))) ++p, ++o;
          return range_error(p, *p);
        }
        p += 8;
        o += 8;
        continue;
      }
      uint64_t u;
      size_t n;
      if (DecodeVarint64InWord(word, &u, &n)) {
        // Errors (over-long, out of range) fall through to the exact path below.
        const T v = value_of(u);
        const bool overlong = n > 1 && p[n - 1] == 0;
        if (ABSL_PREDICT_TRUE(!overlong && (!kMayNotFit || check.Fits(v)))) {
          *o++ = v;
          p += n;
          continue;
        }
      }
    }
    uint64_t u;
    size_t n;
    const size_t avail = static_cast<size_t>(end - p);
    switch (DecodeVarint64(absl::string_view(reinterpret_cast<const char*>(p), avail), &u, &n)) {
      case VarintStatus::kOk:
        break;
      case VarintStatus::kNeedMore:
        return malformed(p, absl::StrCat("truncated varint: the input ends after ", avail,
                                         " bytes with the continuation bit set"));
      case VarintStatus::kOverflow:
        return malformed(p, p[kMaxVarint64Size - 1] & 0x80
                                ? "varint longer than 10 bytes"
                                : "varint overflows 64 bits (10th byte over 01)");
    }
    if (ABSL_PREDICT_FALSE(n > 1 && p[n - 1] == 0)) {
      return malformed(p, absl::StrCat("overlong (non-canonical) varint: ", n,
                                       " bytes ending in 00; the value needs fewer"));
    }
    const T v = value_of(u);
    if (kMayNotFit && ABSL_PREDICT_FALSE(!check.Fits(v))) return range_error(p, u);
    *o++ = v;
    p += n;
  }
  out->resize(old + static_cast<size_t>(o - first));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<VarintCodec>> VarintCodec::Create(VarintCodecOptions options) {
  return std::unique_ptr<VarintCodec>(new VarintCodec(options));
}

std::string VarintCodec::Spec() const {
  return absl::StrCat("varint:zigzag=", options_.zigzag ? "true" : "false");
}

absl::Status VarintCodec::EncodeUnsigned(absl::Span<const uint64_t> values,
                                         std::string* out) const {
  return options_.zigzag ? EncodeLoop<true>(values, out) : EncodeLoop<false>(values, out);
}
absl::Status VarintCodec::EncodeSigned(absl::Span<const int64_t> values, std::string* out) const {
  return options_.zigzag ? EncodeLoop<true>(values, out) : EncodeLoop<false>(values, out);
}
absl::Status VarintCodec::DecodeUnsigned(absl::string_view bytes,
                                         std::vector<uint64_t>* out) const {
  return options_.zigzag ? DecodeLoop<true>(bytes, out) : DecodeLoop<false>(bytes, out);
}
absl::Status VarintCodec::DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const {
  return options_.zigzag ? DecodeLoop<true>(bytes, out) : DecodeLoop<false>(bytes, out);
}

size_t VarintCodec::MaxEncodedSize(size_t n_values) const {
  return SaturatingMul(n_values, kMaxVarintSize);
}

CodecKind VarintCodecKind() {
  CodecKind kind;
  kind.name = "varint";
  kind.summary = "LEB128 varint, 1-10 bytes a value; zigzag for signed";
  kind.keys = {{"zigzag", "int64 values zigzag-mapped (true) or uint64 (false); default false"}};
  kind.factory = [](const CodecSettings& settings) -> absl::StatusOr<std::unique_ptr<Codec>> {
    VarintCodecOptions options;
    absl::StatusOr<bool> zigzag = settings.GetBool("zigzag", false);
    if (!zigzag.ok()) return zigzag.status();
    options.zigzag = *zigzag;
    absl::StatusOr<std::unique_ptr<VarintCodec>> codec = VarintCodec::Create(options);
    if (!codec.ok()) return codec.status();
    return std::unique_ptr<Codec>(*std::move(codec));
  };
  return kind;
}

}  // namespace framekit
