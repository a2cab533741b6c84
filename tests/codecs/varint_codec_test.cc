#include "framekit/codecs/varint_codec.h"

#include <cstdint>
#include <string>
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

void ExpectRefused(const Codec& codec, const std::string& bytes, size_t offset,
                   absl::string_view what) {
  const absl::Status s =
      codec.is_signed() ? DecodeS(codec, bytes).status() : DecodeU(codec, bytes).status();
  EXPECT_EQ(s.code(), kInvalid) << Hex(bytes) << ": " << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), "varint: ")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("byte offset ", offset, " ")))
      << Hex(bytes) << ": " << s;
  EXPECT_TRUE(absl::StrContains(s.message(), what)) << Hex(bytes) << ": " << s;
}

TEST(VarintCodec, DefaultIsUnsigned) {
  auto codec = MustMake("varint");
  EXPECT_EQ(codec->Spec(), "varint:zigzag=false");
  EXPECT_FALSE(codec->is_signed());
  EXPECT_EQ(MustMake("varint:zigzag=true")->Spec(), "varint:zigzag=true");
  EXPECT_TRUE(MustMake("varint:zigzag=true")->is_signed());
  EXPECT_EQ(codec->MaxEncodedSize(2), 20u);
}

TEST(VarintCodec, Golden300IsAC02) {
  EXPECT_EQ(Hex(*EncodeU(*MustMake("varint"), {300})), "ac 02");
  EXPECT_EQ(*DecodeU(*MustMake("varint"), Bytes("ac 02")), (std::vector<uint64_t>{300}));
}

TEST(VarintCodec, GoldenBoundaries) {
  auto codec = MustMake("varint");
  EXPECT_EQ(Hex(*EncodeU(*codec, {0, 1, 127, 128, 16383, 16384})), "00 01 7f 80 01 ff 7f 80 80 01");
  EXPECT_EQ(Hex(*EncodeU(*codec, {UINT64_MAX})), "ff ff ff ff ff ff ff ff ff 01");
  EXPECT_EQ(Hex(*EncodeU(*codec, {uint64_t{1} << 63})), "80 80 80 80 80 80 80 80 80 01");
}

TEST(VarintCodec, GoldenZigZag) {
  auto codec = MustMake("varint:zigzag=true");
  EXPECT_EQ(Hex(*EncodeS(*codec, {0, -1, 1, -2, 2})), "00 01 02 03 04");
  EXPECT_EQ(Hex(*EncodeS(*codec, {-64, 64})), "7f 80 01");
  EXPECT_EQ(Hex(*EncodeS(*codec, {INT64_MAX})), "fe ff ff ff ff ff ff ff ff 01");
  EXPECT_EQ(Hex(*EncodeS(*codec, {INT64_MIN})), "ff ff ff ff ff ff ff ff ff 01");
}

TEST(VarintCodec, RoundTripsEveryLength) {
  auto u = MustMake("varint");
  auto s = MustMake("varint:zigzag=true");
  std::vector<uint64_t> uv = {0, UINT64_MAX};
  std::vector<int64_t> sv = {0, -1, 1, INT64_MIN, INT64_MAX};
  for (int bits = 1; bits < 64; ++bits) {
    const uint64_t p = uint64_t{1} << bits;
    uv.insert(uv.end(), {p - 1, p, p + 1});
    if (bits < 63)
      sv.insert(sv.end(), {static_cast<int64_t>(p), -static_cast<int64_t>(p),
                           static_cast<int64_t>(p) - 1, 1 - static_cast<int64_t>(p)});
  }
  EXPECT_EQ(*DecodeU(*u, *EncodeU(*u, uv)), uv);
  EXPECT_EQ(*DecodeS(*s, *EncodeS(*s, sv)), sv);
}

TEST(VarintCodec, SmallValueRunsUseTheEightAtATimePath) {
  auto codec = MustMake("varint");
  std::vector<uint64_t> values;
  for (uint64_t i = 0; i < 100; ++i) values.push_back(i % 3 == 0 ? i * 1000 : i);
  EXPECT_EQ(*DecodeU(*codec, *EncodeU(*codec, values)), values);
}

TEST(VarintCodec, TruncatedRefused) {
  ExpectRefused(*MustMake("varint"), Bytes("80"), 0, "truncated varint");
  ExpectRefused(*MustMake("varint"), Bytes("01 ac"), 1, "truncated varint");
  ExpectRefused(*MustMake("varint"), Bytes("ff ff ff ff ff ff ff ff ff"), 0, "after 9 bytes");
  ExpectRefused(*MustMake("varint:zigzag=true"), Bytes("00 00 00 00 00 00 00 00 80"), 8,
                "truncated");
}

TEST(VarintCodec, OverlongRefused) {
  ExpectRefused(*MustMake("varint"), Bytes("80 00"), 0, "overlong");
  ExpectRefused(*MustMake("varint"), Bytes("05 81 00"), 1, "overlong");
  ExpectRefused(*MustMake("varint"), Bytes("ff ff ff ff ff ff ff ff ff 00"), 0, "overlong");
  ExpectRefused(*MustMake("varint:zigzag=true"), Bytes("80 80 00"), 0, "overlong");
}

TEST(VarintCodec, MoreThanTenBytesRefused) {
  ExpectRefused(*MustMake("varint"), Bytes("ff ff ff ff ff ff ff ff ff 81 01"), 0,
                "longer than 10 bytes");
  ExpectRefused(*MustMake("varint"), Bytes("80 80 80 80 80 80 80 80 80 80 00"), 0,
                "longer than 10 bytes");
}

TEST(VarintCodec, OverflowPast64BitsRefused) {
  ExpectRefused(*MustMake("varint"), Bytes("ff ff ff ff ff ff ff ff ff 02"), 0, "overflows 64");
  ExpectRefused(*MustMake("varint"), Bytes("00 ff ff ff ff ff ff ff ff ff 7f"), 1, "overflows 64");
}

TEST(VarintCodec, OverlongRefusedWithEightBytesAhead) {
  // Followed by more bytes, so the branch-free 1-8 byte path sees them first.
  const std::string tail = Bytes("01 01 01 01 01 01 01 01");
  ExpectRefused(*MustMake("varint"), Bytes("80 00") + tail, 0, "overlong");
  ExpectRefused(*MustMake("varint"), Bytes("01 ff ff 00") + tail, 1, "overlong");
  ExpectRefused(*MustMake("varint"), Bytes("80 80 80 80 80 80 80 00") + tail, 0, "overlong");
  ExpectRefused(*MustMake("varint"), Bytes("80 80 80 80 80 80 80 80 00") + tail, 0, "overlong");
  EXPECT_EQ(DecodeU(*MustMake("varint"), Bytes("80 01") + tail)->front(), 128u);
}

TEST(VarintCodec, ZigZagNegativeIntoUint64RefusedWithEightBytesAhead) {
  auto r = DecodeU(*MustMake("varint:zigzag=true"), Bytes("02 ff 01 02 02 02 02 02 02 02"));
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "byte offset 1 (value 1) is -128"))
      << r.status();
}

TEST(VarintCodec, UnsignedRefusesNegativeInput) {
  auto r = EncodeS(*MustMake("varint"), {0, -1});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "index 1 (-1)")) << r.status();
}

TEST(VarintCodec, ZigZagRefusesUnsignedInputOverInt64Max) {
  auto r = EncodeU(*MustMake("varint:zigzag=true"), {uint64_t{1} << 63});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "9223372036854775808")) << r.status();
  EXPECT_EQ(Hex(*EncodeU(*MustMake("varint:zigzag=true"), {1})), "02");
}

TEST(VarintCodec, ZigZagNegativeIntoUint64Refused) {
  // In the eight-at-a-time path and in the one-at-a-time path.
  auto codec = MustMake("varint:zigzag=true");
  auto r = DecodeU(*codec, Bytes("02 04 06 08 0a 0c 01 0e"));
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "byte offset 6 (value 6) is -1"))
      << r.status();
  r = DecodeU(*codec, Bytes("02 03"));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "byte offset 1 (value 1) is -2"))
      << r.status();
  r = DecodeU(*codec, Bytes("ff 01"));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "is -128")) << r.status();
}

TEST(VarintCodec, UnsignedOverInt64MaxIntoInt64Refused) {
  auto codec = MustMake("varint");
  auto r = DecodeS(*codec, Bytes("80 80 80 80 80 80 80 80 80 01"));
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "does not fit int64")) << r.status();
  EXPECT_EQ(*DecodeS(*codec, Bytes("ff ff ff ff ff ff ff ff 7f")),
            (std::vector<int64_t>{INT64_MAX}));
}

TEST(VarintCodec, EncodeAppendsAndDecodeAppends) {
  auto codec = MustMake("varint");
  std::string out = "x";
  ASSERT_TRUE(codec->EncodeUnsigned(std::vector<uint64_t>{300}, &out).ok());
  EXPECT_EQ(Hex(out), "78 ac 02");
  std::vector<uint64_t> values = {7};
  ASSERT_TRUE(codec->DecodeUnsigned(out.substr(1), &values).ok());
  EXPECT_EQ(values, (std::vector<uint64_t>{7, 300}));
}

}  // namespace
}  // namespace framekit
