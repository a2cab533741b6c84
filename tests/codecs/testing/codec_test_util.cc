#include "tests/codecs/testing/codec_test_util.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "framekit/codecs/codec_registry.h"

namespace framekit {
namespace testing {
namespace {

constexpr absl::string_view kPrefix = "prefix";

template <typename T>
absl::StatusOr<std::string> Encode(const Codec& codec, const std::vector<T>& values) {
  std::string out(kPrefix);
  absl::Status status = codec.Encode(values, &out);
  if (!status.ok()) {
    if (out != kPrefix)
      return absl::InternalError(absl::StrCat("output modified on error: ", status.ToString()));
    return status;
  }
  if (absl::string_view(out).substr(0, kPrefix.size()) != kPrefix) {
    return absl::InternalError("prefix of output overwritten");
  }
  if (codec.MaxEncodedSize(values.size()) < out.size() - kPrefix.size()) {
    return absl::InternalError("MaxEncodedSize is not an upper bound");
  }
  return out.substr(kPrefix.size());
}

template <typename T>
absl::StatusOr<std::vector<T>> Decode(const Codec& codec, absl::string_view bytes) {
  std::vector<T> out = {T{42}};
  absl::Status status = codec.Decode(bytes, &out);
  if (!status.ok()) {
    if (out != std::vector<T>{T{42}})
      return absl::InternalError(absl::StrCat("output modified on error: ", status.ToString()));
    return status;
  }
  if (out.empty() || out[0] != T{42}) return absl::InternalError("prefix of output overwritten");
  return std::vector<T>(out.begin() + 1, out.end());
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Hex(absl::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    absl::StrAppendFormat(&out, "%02x", c);
  }
  return out;
}

std::string Bytes(absl::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    if (c == ' ') continue;
    const int d = HexDigit(c);
    if (d < 0) {
      std::fprintf(stderr, "Bytes: bad hex '%s'\n", std::string(hex).c_str());
      std::abort();
    }
    if (hi < 0) {
      hi = d;
    } else {
      out.push_back(static_cast<char>(hi * 16 + d));
      hi = -1;
    }
  }
  if (hi >= 0) std::abort();
  return out;
}

std::unique_ptr<Codec> MustMake(absl::string_view spec) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec(spec);
  if (!codec.ok()) {
    std::fprintf(stderr, "MakeCodec(%s): %s\n", std::string(spec).c_str(),
                 codec.status().ToString().c_str());
    std::abort();
  }
  return *std::move(codec);
}

absl::StatusOr<std::string> EncodeU(const Codec& codec, const std::vector<uint64_t>& values) {
  return Encode(codec, values);
}
absl::StatusOr<std::string> EncodeS(const Codec& codec, const std::vector<int64_t>& values) {
  return Encode(codec, values);
}
absl::StatusOr<std::vector<uint64_t>> DecodeU(const Codec& codec, absl::string_view bytes) {
  return Decode<uint64_t>(codec, bytes);
}
absl::StatusOr<std::vector<int64_t>> DecodeS(const Codec& codec, absl::string_view bytes) {
  return Decode<int64_t>(codec, bytes);
}

}  // namespace testing
}  // namespace framekit
