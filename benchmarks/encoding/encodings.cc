// framekit/benchmarks/encoding/encodings.cc
#include "encodings.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace framekit {
namespace encoding_bench {

std::vector<Encoding> Encodings(absl::Span<const TransformDef> transforms) {
  // ',' separates spec keys, so the batch separator is spelled \x2C.
  const std::string ascii_many = "ascii:sep=\\x2C";
  std::vector<Encoding> out = {
      {"ascii+delim", "ascii", "ascii", ascii_many, "signed=true", "delimiter", 0, true},
      {"ascii+ascii5", "ascii", "ascii", "ascii", "signed=true", "ascii:digits=5"},
      {"ascii+netstring", "ascii", "ascii", "ascii", "signed=true", "netstring"},
      {"bin8+fixed", "binary", "binary:width=8", "binary:width=8", "signed=true", "", 8},
      {"bin4+fixed", "binary", "binary:width=4", "binary:width=4", "signed=true", "", 4},
      {"bin8+len4", "binary", "binary:width=8", "binary:width=8", "signed=true", "length:width=4"},
      {"bin4+len4", "binary", "binary:width=4", "binary:width=4", "signed=true", "length:width=4"},
      {"varint+lenvar", "varint", "varint", "varint", "zigzag=true", "length:width=varint"},
      {"varint+len4", "varint", "varint", "varint", "zigzag=true", "length:width=4"},
      {"gvarint+len4", "groupvarint", "groupvarint", "groupvarint", "zigzag=true",
       "length:width=4"},
  };
  struct Base {
    const char* short_name;
    const char* family;
    std::string one, many;
    const char* signed_param;
  };
  const Base bases[] = {
      {"ascii", "ascii", "ascii", ascii_many, "signed=true"},
      {"bin8", "binary", "binary:width=8", "binary:width=8", "signed=true"},
      {"varint", "varint", "varint", "varint", "zigzag=true"},
      {"gvarint", "groupvarint", "groupvarint", "groupvarint", "zigzag=true"},
  };
  for (const TransformDef& t : transforms) {
    for (const Base& b : bases) {
      Encoding e;
      e.name = absl::StrCat(b.short_name, "+", t.label, "+lenvar");
      e.codec_family = b.family;
      e.codec_one = b.one;
      e.codec_many = b.many;
      e.signed_param = b.signed_param;
      e.framer = "length:width=varint";
      e.transform = t.spec;
      e.transform_label = t.label;
      out.push_back(e);
    }
  }
  return out;
}

std::string CodecSpec(const Encoding& e, int per_message, bool is_signed) {
  std::string spec = per_message == 1 ? e.codec_one : e.codec_many;
  if (is_signed) absl::StrAppend(&spec, absl::StrContains(spec, ':') ? "," : ":", e.signed_param);
  if (!e.transform.empty()) absl::StrAppend(&spec, "|", e.transform);
  return spec;
}

std::string FramerSpec(const Encoding& e, int per_message) {
  if (e.fixed_width > 0) {
    return absl::StrCat("fixed:size=", e.fixed_width * static_cast<size_t>(per_message));
  }
  return e.framer;
}

bool StripsSeparator(const Encoding& e, int per_message) {
  return per_message == 1 && e.delimiter_is_separator;
}

}  // namespace encoding_bench
}  // namespace framekit
