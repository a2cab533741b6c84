#include "framekit/codecs/group_varint_codec.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "absl/base/internal/endian.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "framekit/codecs/codec_support.h"

namespace framekit {
namespace {

constexpr absl::string_view kName = "groupvarint";

// Indexed by a value's length in bytes (1-4).
constexpr uint32_t kMask[5] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF};
// The smallest value that needs that many bytes; anything less is overlong.
constexpr uint32_t kMin[5] = {0, 0, 0x100, 0x10000, 0x1000000};

inline uint32_t ZigZag32(uint32_t bits) {
  return (bits << 1) ^ static_cast<uint32_t>(static_cast<int32_t>(bits) >> 31);
}
inline int64_t UnZigZag32(uint32_t u) { return static_cast<int32_t>((u >> 1) ^ (0u - (u & 1))); }

// The decoded value as two's complement bits (sign-extended when zigzag).
template <bool kZigZag>
inline uint64_t ValueBits(uint32_t u) {
  return kZigZag ? static_cast<uint64_t>(UnZigZag32(u)) : u;
}

inline int Length(uint32_t tag, int k) { return static_cast<int>((tag >> (2 * k)) & 3) + 1; }

template <bool kZigZag, typename T>
absl::Status EncodeLoop(absl::Span<const T> values, std::string* out, size_t max_size) {
  const DomainCheck<T> check(kZigZag, 32);
  const size_t old = out->size();
  out->resize(old + max_size + 3);  // +3: a value is stored as 4 bytes, of which 1-4 are kept.
  unsigned char* const begin = reinterpret_cast<unsigned char*>(&(*out)[0]) + old;
  unsigned char* p = begin;
  const size_t n = values.size();
  bool ok = true;  // Checked in bulk: no branch per value; the rare bad one is located after.
  for (size_t g = 0; g < n; g += 4) {
    const size_t k = std::min<size_t>(4, n - g);
    unsigned char* const tag = p++;
    uint32_t lengths = 0;
    for (size_t j = 0; j < k; ++j) {
      const T v = values[g + j];
      ok &= check.Fits(v);
      const uint32_t bits = static_cast<uint32_t>(v);
      const uint32_t u = kZigZag ? ZigZag32(bits) : bits;
      const uint32_t len_minus_1 = (u > 0xFF) + (u > 0xFFFF) + (u > 0xFFFFFF);
      absl::little_endian::Store32(p, u);
      p += len_minus_1 + 1;
      lengths |= len_minus_1 << (2 * j);
    }
    *tag = static_cast<unsigned char>(lengths);
  }
  if (ABSL_PREDICT_FALSE(!ok)) {
    out->resize(old);
    size_t i = 0;
    while (check.Fits(values[i])) ++i;
    return EncodeRangeError(kName, i, values[i], kZigZag, 32);
  }
  out->resize(old + static_cast<size_t>(p - begin));
  return absl::OkStatus();
}

template <bool kZigZag, typename T>
absl::Status DecodeLoop(absl::string_view bytes, std::vector<T>* out) {
  // A uint32 always fits either type; a zigzag int32 does not fit uint64 when negative.
  constexpr bool kMayNotFit = kZigZag && !std::is_signed<T>::value;
  const DomainCheck<T> check(kZigZag, 64);
  const size_t n = bytes.size();
  const size_t old = out->size();
  out->resize(old + n / 5 * 4 + 3);  // Full groups take >= 5 bytes; a last one of k values k+1.
  T* const first = out->data() + old;
  T* o = first;
  const unsigned char* const p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto malformed = [&](size_t at, size_t index, absl::string_view what) {
    out->resize(old);
    return MalformedInputError(kName, at, index, what);
  };

  size_t i = 0;
  while (i < n) {
    const uint32_t tag = p[i];
    const size_t rem = n - i - 1;
    if (rem >= 16) {
      // Fast path: four masked 4-byte loads, all within the input; any problem is re-examined
      // by the exact path below, which reports it.
      const unsigned char* q = p + i + 1;
      bool bad = false;
      for (int k = 0; k < 4; ++k) {
        const int len = Length(tag, k);
        const uint32_t u = absl::little_endian::Load32(q) & kMask[len];
        bad |= u < kMin[len];
        const T v = static_cast<T>(ValueBits<kZigZag>(u));
        if (kMayNotFit) bad |= !check.Fits(v);
        o[k] = v;
        q += len;
      }
      if (ABSL_PREDICT_TRUE(!bad)) {
        o += 4;
        i = static_cast<size_t>(q - p);
        continue;
      }
    }
    // Exact path: the input's last group(s), and errors.
    const size_t index = static_cast<size_t>(o - first);
    size_t count = 4;
    size_t total = 0;
    for (int k = 0; k < 4; ++k) total += static_cast<size_t>(Length(tag, k));
    if (rem < total) {
      // A final group of 1-3 values: the payload ends right after them.
      size_t prefix = 0;
      count = 0;
      while (count < 3 && prefix < rem) prefix += static_cast<size_t>(Length(tag, count++));
      if (rem == 0 || prefix != rem) {
        return malformed(
            i, index,
            absl::StrCat("truncated group: tag ", absl::Hex(tag, absl::kZeroPad2),
                         " announces values of ", Length(tag, 0), ", ", Length(tag, 1), ", ",
                         Length(tag, 2), ", ", Length(tag, 3), " bytes; ", rem, " bytes remain"));
      }
      if ((tag >> (2 * count)) != 0) {
        return malformed(i, index,
                         absl::StrCat("non-canonical tag ", absl::Hex(tag, absl::kZeroPad2),
                                      ": the final group holds ", count,
                                      " values, so its unused lengths must be 0"));
      }
    }
    size_t at = i + 1;
    for (size_t k = 0; k < count; ++k) {
      const int len = Length(tag, static_cast<int>(k));
      uint32_t u = 0;
      for (int b = len - 1; b >= 0; --b) u = (u << 8) | p[at + static_cast<size_t>(b)];
      if (u < kMin[len]) {
        return malformed(at, index + k,
                         absl::StrCat("overlong (non-canonical) value: ", u, " in ", len,
                                      " bytes; it needs fewer"));
      }
      const T v = static_cast<T>(ValueBits<kZigZag>(u));
      if (kMayNotFit && !check.Fits(v)) {
        out->resize(old);
        return DecodeRangeError(kName, at, index + k, ValueBits<kZigZag>(u), kZigZag,
                                std::is_signed<T>::value);
      }
      *o++ = v;
      at += static_cast<size_t>(len);
    }
    i = at;
  }
  out->resize(old + static_cast<size_t>(o - first));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<GroupVarintCodec>> GroupVarintCodec::Create(
    GroupVarintCodecOptions options) {
  return std::unique_ptr<GroupVarintCodec>(new GroupVarintCodec(options));
}

std::string GroupVarintCodec::Spec() const {
  return absl::StrCat("groupvarint:zigzag=", options_.zigzag ? "true" : "false");
}

absl::Status GroupVarintCodec::EncodeUnsigned(absl::Span<const uint64_t> values,
                                              std::string* out) const {
  const size_t max = MaxEncodedSize(values.size());
  return options_.zigzag ? EncodeLoop<true>(values, out, max) : EncodeLoop<false>(values, out, max);
}
absl::Status GroupVarintCodec::EncodeSigned(absl::Span<const int64_t> values,
                                            std::string* out) const {
  const size_t max = MaxEncodedSize(values.size());
  return options_.zigzag ? EncodeLoop<true>(values, out, max) : EncodeLoop<false>(values, out, max);
}
absl::Status GroupVarintCodec::DecodeUnsigned(absl::string_view bytes,
                                              std::vector<uint64_t>* out) const {
  return options_.zigzag ? DecodeLoop<true>(bytes, out) : DecodeLoop<false>(bytes, out);
}
absl::Status GroupVarintCodec::DecodeSigned(absl::string_view bytes,
                                            std::vector<int64_t>* out) const {
  return options_.zigzag ? DecodeLoop<true>(bytes, out) : DecodeLoop<false>(bytes, out);
}

size_t GroupVarintCodec::MaxEncodedSize(size_t n_values) const {
  const size_t full = SaturatingMul(n_values / 4, kMaxGroupSize);
  const size_t tail = n_values % 4 == 0 ? 0 : 1 + 4 * (n_values % 4);
  return full > std::numeric_limits<size_t>::max() - tail ? std::numeric_limits<size_t>::max()
                                                          : full + tail;
}

CodecKind GroupVarintCodecKind() {
  CodecKind kind;
  kind.name = "groupvarint";
  kind.summary = "group varint: a tag byte of 4 2-bit lengths, then 4 values of 1-4 bytes (32-bit)";
  kind.keys = {{"zigzag", "int32 values zigzag-mapped (true) or uint32 (false); default false"}};
  kind.factory = [](const CodecSettings& settings) -> absl::StatusOr<std::unique_ptr<Codec>> {
    GroupVarintCodecOptions options;
    absl::StatusOr<bool> zigzag = settings.GetBool("zigzag", false);
    if (!zigzag.ok()) return zigzag.status();
    options.zigzag = *zigzag;
    absl::StatusOr<std::unique_ptr<GroupVarintCodec>> codec = GroupVarintCodec::Create(options);
    if (!codec.ok()) return codec.status();
    return std::unique_ptr<Codec>(*std::move(codec));
  };
  return kind;
}

}  // namespace framekit
