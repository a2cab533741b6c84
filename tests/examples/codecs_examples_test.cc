// The examples at the top of codecs/ and coding/ headers, compiled and run as written (see
// framing_examples_test.cc for the convention; examples_in_sync_test.py checks the blocks match).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/internal/endian.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/codecs/binary_codec.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/codecs/codec_support.h"
#include "framekit/coding/varint.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

TEST(CodecExamples, Codec) {
  // --- codecs/codec.h ---
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("binary:width=4");
  std::string payload;
  const std::vector<uint64_t> values = {1, 2};
  absl::Status s = (*codec)->EncodeUnsigned(values, &payload);  // 00 00 00 01 00 00 00 02
  std::vector<uint64_t> back;
  s = (*codec)->DecodeUnsigned(payload, &back);  // {1, 2}
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(payload, std::string("\0\0\0\1\0\0\0\2", 8));
  EXPECT_EQ(back, values);
}

TEST(CodecExamples, Varint) {
  // --- codecs/varint_codec.h ---
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("varint");
  std::string out;
  absl::Status s = (*codec)->EncodeUnsigned({300}, &out);  // AC 02
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out, "\xAC\x02");
}

TEST(CodecExamples, GroupVarint) {
  // --- codecs/group_varint_codec.h ---
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("groupvarint");
  std::string out;
  absl::Status s = (*codec)->EncodeUnsigned({1, 2, 3, 4}, &out);  // 00 01 02 03 04
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out, std::string("\0\1\2\3\4", 5));
}

TEST(CodecExamples, Ascii) {
  // --- codecs/ascii_codec.h ---
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("ascii:signed=true");
  std::string out;
  absl::Status s = (*codec)->EncodeSigned({-1, 20}, &out);  // "-1\n20\n"
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out, "-1\n20\n");
}

TEST(CodecExamples, Binary) {
  // --- codecs/binary_codec.h ---
  BinaryCodecOptions options;
  options.width = 4;
  absl::StatusOr<std::unique_ptr<BinaryCodec>> codec = BinaryCodec::Create(options);
  std::string out;
  absl::Status s = (*codec)->EncodeUnsigned({1, 258}, &out);  // 00 00 00 01 00 00 01 02
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out, std::string("\0\0\0\1\0\0\1\2", 8));
}

// codec_registry.h's user codec: 32-bit unsigned values, four little-endian bytes each. Its
// EncodeSigned is codec_support.h's example.
class Fixed32LeCodec : public Codec {
 public:
  absl::string_view name() const override { return "fixed32le"; }
  std::string Spec() const override { return "fixed32le"; }
  bool is_signed() const override { return false; }
  int value_bits() const override { return 32; }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t> values, std::string* out) const override {
    const DomainCheck<uint64_t> check(/*codec_signed=*/false, /*bits=*/32);
    for (size_t i = 0; i < values.size(); ++i) {
      if (!check.Fits(values[i])) return EncodeRangeError(name(), i, values[i], false, 32);
    }
    for (uint64_t v : values) Append(static_cast<uint32_t>(v), out);
    return absl::OkStatus();
  }
  absl::Status EncodeSigned(absl::Span<const int64_t> values, std::string* out) const override {
    // --- codecs/codec_support.h ---
    const DomainCheck<int64_t> check(/*codec_signed=*/false, /*bits=*/32);
    for (size_t i = 0; i < values.size(); ++i) {
      if (!check.Fits(values[i])) return EncodeRangeError(name(), i, values[i], false, 32);
    }
    // ---
    for (int64_t v : values) Append(static_cast<uint32_t>(v), out);
    return absl::OkStatus();
  }
  absl::Status DecodeUnsigned(absl::string_view bytes, std::vector<uint64_t>* out) const override {
    if (bytes.size() % 4 != 0) {
      return MalformedInputError(name(), bytes.size() / 4 * 4, bytes.size() / 4, "truncated");
    }
    for (size_t i = 0; i < bytes.size(); i += 4)
      out->push_back(absl::little_endian::Load32(&bytes[i]));
    return absl::OkStatus();
  }
  absl::Status DecodeSigned(absl::string_view bytes, std::vector<int64_t>* out) const override {
    std::vector<uint64_t> values;
    if (absl::Status s = DecodeUnsigned(bytes, &values); !s.ok()) return s;
    out->insert(out->end(), values.begin(), values.end());  // 32-bit values fit int64
    return absl::OkStatus();
  }
  size_t MaxEncodedSize(size_t n) const override { return 4 * n; }

 private:
  static void Append(uint32_t v, std::string* out) {
    char bytes[4];
    absl::little_endian::Store32(bytes, v);
    out->append(bytes, 4);
  }
};

TEST(CodecExamples, CodecRegistryAndSupport) {
  // --- codecs/codec_registry.h ---
  absl::Status s =
      RegisterCodecKind("fixed32le", "4-byte little-endian unsigned", {},
                        [](const CodecSettings&) -> absl::StatusOr<std::unique_ptr<Codec>> {
                          return std::make_unique<Fixed32LeCodec>();
                        });
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("fixed32le");
  // ---
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_TRUE(codec.ok()) << codec.status();
  std::string out;
  ASSERT_TRUE((*codec)->EncodeSigned({1, 258}, &out).ok());
  EXPECT_EQ(out, std::string("\1\0\0\0\2\1\0\0", 8));
  std::vector<int64_t> back;
  ASSERT_TRUE((*codec)->DecodeSigned(out, &back).ok());
  EXPECT_EQ(back, (std::vector<int64_t>{1, 258}));
  const absl::Status refused = (*codec)->EncodeSigned({7, -1}, &out);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("index 1 (-1)"), absl::string_view::npos) << refused;
}

TEST(CodecExamples, CodingVarint) {
  int outcomes = 0;
  // --- coding/varint.h ---
  char buf[kMaxVarint64Size];
  size_t n = EncodeVarint64(300, buf);  // n == 2, buf = AC 02
  uint64_t value;
  size_t length;
  switch (DecodeVarint64(absl::string_view(buf, n), &value, &length)) {
    case VarintStatus::kOk:
      EXPECT_EQ(value, 300u);  // test
      EXPECT_EQ(length, 2u);   // test
      ++outcomes;              // test
      break;                   // test
    case VarintStatus::kNeedMore:
      ADD_FAILURE();  // test
      break;          // test
    case VarintStatus::kOverflow:
      ADD_FAILURE();  // test
      break;          // test
  }
  // ---
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(absl::string_view(buf, n), "\xAC\x02");
  EXPECT_EQ(outcomes, 1);
}

}  // namespace
}  // namespace framekit
