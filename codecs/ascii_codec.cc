#include "framekit/codecs/ascii_codec.h"

#include <type_traits>

#include "absl/base/optimization.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "framekit/codecs/codec_support.h"
#include "framekit/spec/spec_values.h"

namespace framekit {
namespace {

constexpr absl::string_view kName = "ascii";

std::string Describe(char c) {
  return absl::StrFormat("byte 0x%02X ('%s')", static_cast<unsigned char>(c),
                         FormatEscapedBytes(absl::string_view(&c, 1)));
}

template <bool kSigned, typename T>
absl::Status EncodeLoop(char sep, absl::Span<const T> values, std::string* out) {
  const DomainCheck<T> check(kSigned, 64);
  const size_t old = out->size();
  // +1: FastIntToBuffer writes a NUL after the digits, which the separator then overwrites.
  out->resize(old + values.size() * AsciiCodec::kMaxValueSize + 1);
  char* const begin = &(*out)[0] + old;
  char* p = begin;
  for (size_t i = 0; i < values.size(); ++i) {
    const T v = values[i];
    if (ABSL_PREDICT_FALSE(!check.Fits(v))) {
      out->resize(old);
      return EncodeRangeError(kName, i, v, kSigned, 64);
    }
    using Domain = typename std::conditional<kSigned, int64_t, uint64_t>::type;
    p = absl::numbers_internal::FastIntToBuffer(static_cast<Domain>(v), p);
    *p++ = sep;
  }
  out->resize(old + static_cast<size_t>(p - begin));
  return absl::OkStatus();
}

// The slow path: says what is wrong with the field starting at `field` (absolute offsets).
absl::Status FieldError(absl::string_view bytes, size_t field, size_t index, char sep,
                        bool is_signed) {
  const size_t n = bytes.size();
  size_t i = field;
  const bool negative = is_signed && bytes[i] == '-';
  if (negative) ++i;
  const size_t digits = i;
  while (i < n && bytes[i] >= '0' && bytes[i] <= '9') ++i;
  if (i == digits) {
    if (i == n) return MalformedInputError(kName, i, index, "input ends where digits should be");
    if (bytes[i] == sep) {
      return MalformedInputError(kName, i, index,
                                 negative ? "'-' without digits" : "empty field (no digits)");
    }
    if (!is_signed && bytes[i] == '-') {
      return MalformedInputError(kName, i, index, "'-' in an unsigned codec (signed=false)");
    }
    return MalformedInputError(kName, i, index,
                               absl::StrCat(Describe(bytes[i]), " where a digit should be"));
  }
  if (bytes[digits] == '0' && i - digits > 1) {
    return MalformedInputError(kName, digits, index, "leading zero (non-canonical)");
  }
  if (negative && i - digits == 1 && bytes[digits] == '0') {
    return MalformedInputError(kName, field, index, "\"-0\" (non-canonical; write 0)");
  }
  const absl::string_view text = bytes.substr(digits, i - digits);
  const uint64_t max = !is_signed ? UINT64_MAX : negative ? uint64_t{1} << 63 : INT64_MAX;
  if (!ParseUnsigned(text, max).ok()) {
    return MalformedInputError(
        kName, field, index,
        absl::StrCat(negative ? "-" : "", text, " overflows ", is_signed ? "int64" : "uint64"));
  }
  if (i == n) {
    return MalformedInputError(kName, i, index,
                               absl::StrCat("missing final separator '",
                                            FormatEscapedBytes(absl::string_view(&sep, 1)), "'"));
  }
  return MalformedInputError(kName, i, index,
                             absl::StrCat(Describe(bytes[i]), " after the digits; expected '",
                                          FormatEscapedBytes(absl::string_view(&sep, 1)), "'"));
}

// One field per iteration: [-]digits sep. Up to 19 digits cannot overflow a uint64, so the
// digit loop needs no check; the rare 20th digit is checked on its own.
template <bool kSigned, typename T>
absl::Status DecodeLoop(char sep, absl::string_view bytes, std::vector<T>* out) {
  const DomainCheck<T> check(kSigned, 64);
  const size_t old = out->size();
  out->resize(old + bytes.size() / 2);  // Every field takes at least 2 bytes.
  T* const first = out->data() + old;
  T* o = first;
  const unsigned char* const begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* const end = begin + bytes.size();
  const unsigned char* p = begin;
  const auto fail = [&](const unsigned char* field) {
    out->resize(old);
    return FieldError(bytes, static_cast<size_t>(field - begin), static_cast<size_t>(o - first),
                      sep, kSigned);
  };
  while (p != end) {
    const unsigned char* const field = p;
    bool negative = false;
    if (kSigned && *p == '-') {
      negative = true;
      ++p;
    }
    const unsigned char* const digits = p;
    const unsigned char* const limit = end - p > 19 ? p + 19 : end;
    uint64_t v = 0;
    while (p != limit) {
      const unsigned d = static_cast<unsigned>(*p) - '0';
      if (d > 9) break;
      v = v * 10 + d;
      ++p;
    }
    if (p == limit && p != end) {  // A 20th digit?
      const unsigned d = static_cast<unsigned>(*p) - '0';
      if (d <= 9) {
        if (v > (UINT64_MAX - d) / 10) return fail(field);
        v = v * 10 + d;
        ++p;
        if (p != end && static_cast<unsigned>(*p) - '0' <= 9) return fail(field);
      }
    }
    const size_t n_digits = static_cast<size_t>(p - digits);
    if (ABSL_PREDICT_FALSE(n_digits == 0 || p == end || *p != static_cast<unsigned char>(sep) ||
                           (*digits == '0' && n_digits > 1))) {
      return fail(field);
    }
    ++p;
    uint64_t bits = v;
    if (kSigned) {
      if (negative) {
        if (ABSL_PREDICT_FALSE(v - 1 > uint64_t{INT64_MAX})) return fail(field);  // "-0" or < min
        bits = 0 - v;
      } else if (ABSL_PREDICT_FALSE(v > uint64_t{INT64_MAX})) {
        return fail(field);
      }
    }
    if (ABSL_PREDICT_FALSE(!check.Fits(static_cast<T>(bits)))) {
      out->resize(old);
      return DecodeRangeError(kName, static_cast<size_t>(field - begin),
                              static_cast<size_t>(o - first), bits, kSigned,
                              std::is_signed<T>::value);
    }
    *o++ = static_cast<T>(bits);
  }
  out->resize(old + static_cast<size_t>(o - first));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AsciiCodec>> AsciiCodec::Create(AsciiCodecOptions options) {
  const char sep = options.separator;
  if ((sep >= '0' && sep <= '9') || (options.is_signed && sep == '-')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ascii: bad option: separator '", FormatEscapedBytes(absl::string_view(&sep, 1)),
        "' could be part of a number; use a byte other than a digit",
        options.is_signed ? " or '-'" : ""));
  }
  return std::unique_ptr<AsciiCodec>(new AsciiCodec(options));
}

std::string AsciiCodec::Spec() const {
  return absl::StrCat("ascii:sep=", FormatEscapedBytes(absl::string_view(&options_.separator, 1)),
                      ",signed=", options_.is_signed ? "true" : "false");
}

absl::Status AsciiCodec::EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const {
  return options_.is_signed ? EncodeLoop<true>(options_.separator, values, out)
                            : EncodeLoop<false>(options_.separator, values, out);
}
absl::Status AsciiCodec::EncodeSigned(absl::Span<const int64_t> values, std::string* out) const {
  return options_.is_signed ? EncodeLoop<true>(options_.separator, values, out)
                            : EncodeLoop<false>(options_.separator, values, out);
}
absl::Status AsciiCodec::DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const {
  return options_.is_signed ? DecodeLoop<true>(options_.separator, bytes, out)
                            : DecodeLoop<false>(options_.separator, bytes, out);
}
absl::Status AsciiCodec::DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const {
  return options_.is_signed ? DecodeLoop<true>(options_.separator, bytes, out)
                            : DecodeLoop<false>(options_.separator, bytes, out);
}

size_t AsciiCodec::MaxEncodedSize(size_t n_values) const {
  return SaturatingMul(n_values, kMaxValueSize);
}

CodecKind AsciiCodecKind() {
  CodecKind kind;
  kind.name = "ascii";
  kind.summary = "ASCII decimal, each value followed by a separator byte (\"0\\n\")";
  kind.keys = {{"sep",
                "the byte after every value: a character, \\n, \\xHH, 0xHH or 0-255; "
                "default \\n; not a digit, nor '-' when signed"},
               {"signed", "allow a leading '-' (int64) or not (uint64); default false"}};
  kind.factory = [](const CodecSettings& settings) -> absl::StatusOr<std::unique_ptr<Codec>> {
    AsciiCodecOptions options;
    absl::StatusOr<uint8_t> sep = settings.GetByte("sep", '\n');
    if (!sep.ok()) return sep.status();
    options.separator = static_cast<char>(*sep);
    absl::StatusOr<bool> is_signed = settings.GetBool("signed", false);
    if (!is_signed.ok()) return is_signed.status();
    options.is_signed = *is_signed;
    absl::StatusOr<std::unique_ptr<AsciiCodec>> codec = AsciiCodec::Create(options);
    if (!codec.ok()) return settings.BadValue("sep", codec.status().message());
    return std::unique_ptr<Codec>(*std::move(codec));
  };
  return kind;
}

}  // namespace framekit
