#include "framekit/codecs/binary_codec.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/codecs/testing/codec_test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::Bytes;
using ::framekit::testing::DecodeS;
using ::framekit::testing::DecodeU;
using ::framekit::testing::EncodeS;
using ::framekit::testing::EncodeU;
using ::framekit::testing::Hex;
using ::framekit::testing::MustMake;

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

TEST(BinaryCodec, DefaultIsWidth8Unsigned) {
  auto codec = MustMake("binary");
  EXPECT_EQ(codec->Spec(), "binary:width=8,signed=false");
  EXPECT_EQ(codec->name(), "binary");
  EXPECT_FALSE(codec->is_signed());
  EXPECT_EQ(codec->value_bits(), 64);
  EXPECT_EQ(codec->MaxEncodedSize(3), 24u);
}

TEST(BinaryCodec, GoldenWidth4OfOne) {
  EXPECT_EQ(Hex(*EncodeU(*MustMake("binary:width=4"), {1})), "00 00 00 01");
}

TEST(BinaryCodec, GoldenBigEndianEveryWidth) {
  EXPECT_EQ(Hex(*EncodeU(*MustMake("binary:width=2"), {0x0102, 0xFFFF})), "01 02 ff ff");
  EXPECT_EQ(Hex(*EncodeU(*MustMake("binary:width=4"), {1, 258})), "00 00 00 01 00 00 01 02");
  EXPECT_EQ(Hex(*EncodeU(*MustMake("binary"), {0x0102030405060708})), "01 02 03 04 05 06 07 08");
  EXPECT_EQ(Hex(*EncodeU(*MustMake("binary"), {0})), "00 00 00 00 00 00 00 00");
}

TEST(BinaryCodec, GoldenTwosComplement) {
  EXPECT_EQ(Hex(*EncodeS(*MustMake("binary:width=2,signed=true"), {-2, -32768, 32767})),
            "ff fe 80 00 7f ff");
  EXPECT_EQ(Hex(*EncodeS(*MustMake("binary:width=4,signed=true"), {-1})), "ff ff ff ff");
  EXPECT_EQ(Hex(*EncodeS(*MustMake("binary:signed=true"), {INT64_MIN})), "80 00 00 00 00 00 00 00");
  EXPECT_EQ(*DecodeS(*MustMake("binary:width=2,signed=true"), Bytes("ff fe 80 00")),
            (std::vector<int64_t>{-2, -32768}));
}

TEST(BinaryCodec, EmptyInputIsEmptySequence) {
  for (const char* spec : {"binary", "binary:width=2", "binary:width=4,signed=true"}) {
    EXPECT_EQ(*EncodeU(*MustMake(spec), {}), "") << spec;
    EXPECT_TRUE(DecodeU(*MustMake(spec), "")->empty()) << spec;
  }
}

TEST(BinaryCodec, Width2RoundTripsItsBounds) {
  auto u = MustMake("binary:width=2");
  const std::vector<uint64_t> uv = {0, 1, 255, 256, 65534, 65535};
  EXPECT_EQ(*DecodeU(*u, *EncodeU(*u, uv)), uv);
  auto s = MustMake("binary:width=2,signed=true");
  const std::vector<int64_t> sv = {-32768, -32767, -1, 0, 1, 32766, 32767};
  EXPECT_EQ(*DecodeS(*s, *EncodeS(*s, sv)), sv);
}

TEST(BinaryCodec, Width4RoundTripsItsBounds) {
  auto u = MustMake("binary:width=4");
  const std::vector<uint64_t> uv = {0, 1, 0xFFFFFFFE, 0xFFFFFFFF};
  EXPECT_EQ(*DecodeU(*u, *EncodeU(*u, uv)), uv);
  auto s = MustMake("binary:width=4,signed=true");
  const std::vector<int64_t> sv = {INT32_MIN, -1, 0, 1, INT32_MAX};
  EXPECT_EQ(*DecodeS(*s, *EncodeS(*s, sv)), sv);
}

TEST(BinaryCodec, Width8RoundTripsExtremes) {
  auto u = MustMake("binary");
  const std::vector<uint64_t> uv = {0, 1, uint64_t{INT64_MAX}, uint64_t{1} << 63, UINT64_MAX};
  EXPECT_EQ(*DecodeU(*u, *EncodeU(*u, uv)), uv);
  auto s = MustMake("binary:signed=true");
  const std::vector<int64_t> sv = {INT64_MIN, -1, 0, 1, INT64_MAX};
  EXPECT_EQ(*DecodeS(*s, *EncodeS(*s, sv)), sv);
}

TEST(BinaryCodec, Width2RefusesOutOfRange) {
  auto u = MustMake("binary:width=2");
  absl::StatusOr<std::string> r = EncodeU(*u, {1, 65535, 65536});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "binary")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "index 2")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "65536")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "[0, 65535]")) << r.status();
  EXPECT_EQ(EncodeS(*u, {-1}).status().code(), kInvalid);

  auto s = MustMake("binary:width=2,signed=true");
  EXPECT_EQ(EncodeS(*s, {32768}).status().code(), kInvalid);
  r = EncodeS(*s, {0, -32769});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "index 1 (-32769)")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "[-32768, 32767]")) << r.status();
}

TEST(BinaryCodec, Width4RefusesOutOfRange) {
  EXPECT_EQ(EncodeU(*MustMake("binary:width=4"), {uint64_t{1} << 32}).status().code(), kInvalid);
  auto s = MustMake("binary:width=4,signed=true");
  EXPECT_EQ(EncodeS(*s, {int64_t{INT32_MAX} + 1}).status().code(), kInvalid);
  EXPECT_EQ(EncodeS(*s, {int64_t{INT32_MIN} - 1}).status().code(), kInvalid);
}

TEST(BinaryCodec, UnsignedRefusesNegativeSignedInput) {
  auto r = EncodeS(*MustMake("binary"), {5, -1});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "index 1 (-1)")) << r.status();
  // Non-negative int64 input is fine for an unsigned codec.
  EXPECT_EQ(Hex(*EncodeS(*MustMake("binary:width=2"), {258})), "01 02");
}

TEST(BinaryCodec, SignedRefusesUnsignedInputOverInt64Max) {
  auto s = MustMake("binary:signed=true");
  EXPECT_EQ(EncodeU(*s, {uint64_t{1} << 63}).status().code(), kInvalid);
  EXPECT_EQ(*DecodeU(*s, *EncodeU(*s, {uint64_t{INT64_MAX}})),
            (std::vector<uint64_t>{uint64_t{INT64_MAX}}));
}

TEST(BinaryCodec, DecodeSignedValueIntoUint64RefusesNegative) {
  auto r = DecodeU(*MustMake("binary:width=2,signed=true"), Bytes("00 01 ff ff"));
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "byte offset 2")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "-1")) << r.status();
}

TEST(BinaryCodec, DecodeUnsignedValueOverInt64MaxIntoInt64Refused) {
  auto r = DecodeS(*MustMake("binary"), Bytes("80 00 00 00 00 00 00 00"));
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "9223372036854775808")) << r.status();
  // Narrow unsigned values always fit int64.
  EXPECT_EQ(*DecodeS(*MustMake("binary:width=4"), Bytes("ff ff ff ff")),
            (std::vector<int64_t>{0xFFFFFFFF}));
}

TEST(BinaryCodec, DecodeRefusesPartialValue) {
  for (const char* spec : {"binary:width=2", "binary:width=4", "binary"}) {
    auto codec = MustMake(spec);
    const int w = codec->value_bits() / 8;
    for (int extra = 1; extra < w; ++extra) {
      const std::string bytes(static_cast<size_t>(2 * w + extra), '\0');
      auto r = DecodeU(*codec, bytes);
      EXPECT_EQ(r.status().code(), kInvalid) << spec << " +" << extra;
      EXPECT_TRUE(absl::StrContains(r.status().message(), absl::StrCat("byte offset ", 2 * w)))
          << r.status();
      EXPECT_TRUE(absl::StrContains(r.status().message(), "multiple of the width")) << r.status();
    }
  }
}

TEST(BinaryCodec, CreateRefusesBadWidth) {
  for (int width : {0, 1, 3, 5, 16, -8}) {
    BinaryCodecOptions options;
    options.width = width;
    auto codec = BinaryCodec::Create(options);
    EXPECT_EQ(codec.status().code(), kInvalid) << width;
  }
  BinaryCodecOptions options;
  options.width = 2;
  options.is_signed = true;
  auto codec = BinaryCodec::Create(options);
  ASSERT_TRUE(codec.ok());
  EXPECT_EQ((*codec)->Spec(), "binary:width=2,signed=true");
}

TEST(BinaryCodec, EncodeAppends) {
  auto codec = MustMake("binary:width=2");
  std::string out = "x";
  ASSERT_TRUE(codec->EncodeUnsigned(std::vector<uint64_t>{1}, &out).ok());
  ASSERT_TRUE(codec->EncodeUnsigned(std::vector<uint64_t>{2}, &out).ok());
  EXPECT_EQ(Hex(out), "78 00 01 00 02");
  std::vector<uint64_t> values = {9};
  ASSERT_TRUE(codec->DecodeUnsigned(out.substr(1), &values).ok());
  EXPECT_EQ(values, (std::vector<uint64_t>{9, 1, 2}));
}

}  // namespace
}  // namespace framekit
