#include "framekit/codecs/group_varint_codec.h"

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
  EXPECT_TRUE(absl::StartsWith(s.message(), "groupvarint: ")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("byte offset ", offset, " ")))
      << Hex(bytes) << ": " << s;
  EXPECT_TRUE(absl::StrContains(s.message(), what)) << Hex(bytes) << ": " << s;
}

// `groups` full groups of {1, 300, 70000, 2^32-1}: 4 values in 11 bytes, so inputs over 17 bytes
// exercise the fast path and the rest the exact path.
std::vector<uint64_t> Groups(int groups) {
  std::vector<uint64_t> v;
  for (int i = 0; i < groups; ++i) v.insert(v.end(), {1, 300, 70000, 0xFFFFFFFF});
  return v;
}

TEST(GroupVarintCodec, DefaultIsUint32) {
  auto codec = MustMake("groupvarint");
  EXPECT_EQ(codec->Spec(), "groupvarint:zigzag=false");
  EXPECT_FALSE(codec->is_signed());
  EXPECT_EQ(codec->value_bits(), 32);
  EXPECT_EQ(MustMake("groupvarint:zigzag=true")->Spec(), "groupvarint:zigzag=true");
  EXPECT_EQ(codec->MaxEncodedSize(0), 0u);
  EXPECT_EQ(codec->MaxEncodedSize(1), 5u);
  EXPECT_EQ(codec->MaxEncodedSize(4), 17u);
  EXPECT_EQ(codec->MaxEncodedSize(6), 26u);
}

TEST(GroupVarintCodec, GoldenFullGroupOfEveryLength) {
  EXPECT_EQ(Hex(*EncodeU(*MustMake("groupvarint"), {1, 300, 70000, 0xFFFFFFFF})),
            "e4 01 2c 01 70 11 01 ff ff ff ff");
}

TEST(GroupVarintCodec, GoldenSmallValues) {
  EXPECT_EQ(Hex(*EncodeU(*MustMake("groupvarint"), {1, 2, 3, 4})), "00 01 02 03 04");
  EXPECT_EQ(Hex(*EncodeU(*MustMake("groupvarint"), {0, 0, 0, 0})), "00 00 00 00 00");
}

TEST(GroupVarintCodec, GoldenFinalPartialGroup) {
  auto codec = MustMake("groupvarint");
  EXPECT_EQ(Hex(*EncodeU(*codec, {5})), "00 05");
  EXPECT_EQ(Hex(*EncodeU(*codec, {256, 7})), "01 00 01 07");
  EXPECT_EQ(Hex(*EncodeU(*codec, {1, 2, 3, 4, 0x10000})), "00 01 02 03 04 02 00 00 01");
  EXPECT_EQ(*DecodeU(*codec, Bytes("01 00 01 07")), (std::vector<uint64_t>{256, 7}));
}

TEST(GroupVarintCodec, GoldenZigZag) {
  auto codec = MustMake("groupvarint:zigzag=true");
  EXPECT_EQ(Hex(*EncodeS(*codec, {0, -1, 1, -2})), "00 00 01 02 03");
  EXPECT_EQ(Hex(*EncodeS(*codec, {INT32_MIN})), "03 ff ff ff ff");
  EXPECT_EQ(Hex(*EncodeS(*codec, {INT32_MAX})), "03 fe ff ff ff");
}

TEST(GroupVarintCodec, EmptySequenceIsEmptyPayload) {
  EXPECT_EQ(*EncodeU(*MustMake("groupvarint"), {}), "");
  EXPECT_TRUE(DecodeU(*MustMake("groupvarint"), "")->empty());
}

TEST(GroupVarintCodec, RoundTripsEveryCountAndLength) {
  auto u = MustMake("groupvarint");
  auto s = MustMake("groupvarint:zigzag=true");
  const std::vector<uint64_t> pool = {0,     1,        255,       256,       65535,
                                      65536, 0xFFFFFF, 0x1000000, 0xFFFFFFFF};
  const std::vector<int64_t> spool = {0, -1, 1, -128, 127, -32768, 32767, INT32_MIN, INT32_MAX};
  for (size_t n = 0; n < 40; ++n) {
    std::vector<uint64_t> uv;
    std::vector<int64_t> sv;
    for (size_t i = 0; i < n; ++i) {
      uv.push_back(pool[(i * 7 + n) % pool.size()]);
      sv.push_back(spool[(i * 5 + n) % spool.size()]);
    }
    EXPECT_EQ(*DecodeU(*u, *EncodeU(*u, uv)), uv) << n;
    EXPECT_EQ(*DecodeS(*s, *EncodeS(*s, sv)), sv) << n;
  }
}

TEST(GroupVarintCodec, RefusesValuesOver32Bits) {
  auto r = EncodeU(*MustMake("groupvarint"), {1, 2, 3, 4, 5, uint64_t{1} << 32});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "index 5 (4294967296)")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "32-bit unsigned")) << r.status();
  EXPECT_EQ(EncodeS(*MustMake("groupvarint"), {-1}).status().code(), kInvalid);
  auto s = MustMake("groupvarint:zigzag=true");
  EXPECT_EQ(EncodeS(*s, {int64_t{INT32_MAX} + 1}).status().code(), kInvalid);
  EXPECT_EQ(EncodeS(*s, {int64_t{INT32_MIN} - 1}).status().code(), kInvalid);
  EXPECT_EQ(EncodeU(*s, {uint64_t{INT32_MAX} + 1}).status().code(), kInvalid);
}

TEST(GroupVarintCodec, TruncatedGroupRefused) {
  auto codec = MustMake("groupvarint");
  ExpectRefused(*codec, Bytes("00"), 0, "truncated group");                 // Tag alone.
  ExpectRefused(*codec, Bytes("00 01 02 03 04 00"), 5, "truncated group");  // Second tag alone.
  ExpectRefused(*codec, Bytes("01 05"), 0, "truncated group");  // 2-byte value, 1 byte left.
  ExpectRefused(*codec, Bytes("e4 01 2c 01 70 11 01 ff ff ff"), 0, "9 bytes remain");
}

TEST(GroupVarintCodec, NonzeroUnusedLengthInFinalGroupRefused) {
  // Tag 04 says lengths 1, 2, 1, 1; one 1-byte value follows, so it is a final group of one
  // whose unused lengths must be 0.
  ExpectRefused(*MustMake("groupvarint"), Bytes("04 07"), 0, "unused lengths must be 0");
  ExpectRefused(*MustMake("groupvarint"), Bytes("40 07 08 09"), 0, "unused lengths must be 0");
}

TEST(GroupVarintCodec, OverlongValueRefused) {
  auto codec = MustMake("groupvarint");
  ExpectRefused(*codec, Bytes("01 05 00"), 1, "overlong");
  ExpectRefused(*codec, Bytes("c0 01 02 03 ff 00 00 00"), 4, "overlong");
  // 2^24 in 4 bytes is canonical.
  EXPECT_EQ(*DecodeU(*codec, Bytes("c0 01 02 03 00 00 00 01")),
            (std::vector<uint64_t>{1, 2, 3, 0x1000000}));
}

TEST(GroupVarintCodec, OverlongValueInFastPathRefused) {
  // Two full groups (22 bytes), the first decoded by the fast path.
  auto codec = MustMake("groupvarint");
  const std::string second = *EncodeU(*codec, Groups(1));
  ASSERT_EQ(second.size(), 11u);
  // First value 01 00 (1 in two bytes).
  ExpectRefused(*codec, Bytes("e5 01 00 2c 01 70 11 01 ff ff ff ff") + second, 1, "overlong");
  // Second value 2c 00 (44 in two bytes).
  ExpectRefused(*codec, Bytes("e4 01 2c 00 70 11 01 ff ff ff ff") + second, 2, "overlong");
}

TEST(GroupVarintCodec, ZigZagNegativeIntoUint64Refused) {
  auto codec = MustMake("groupvarint:zigzag=true");
  auto r = DecodeU(*codec, Bytes("00 02 01"));
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "byte offset 2 (value 1) is -1"))
      << r.status();
  // Fast path: 5 full groups of 5 bytes; the second is decoded by the fast path.
  std::vector<int64_t> values(20, 3);
  values[5] = -3;
  std::string bytes = *EncodeS(*codec, values);
  r = DecodeU(*codec, bytes);
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "(value 5) is -3")) << r.status();
}

TEST(GroupVarintCodec, FastAndExactPathsAgree) {
  auto codec = MustMake("groupvarint");
  for (int groups = 1; groups <= 5; ++groups) {
    std::vector<uint64_t> values = Groups(groups);
    values.push_back(9);
    EXPECT_EQ(*DecodeU(*codec, *EncodeU(*codec, values)), values) << groups;
    EXPECT_EQ(*DecodeS(*codec, *EncodeU(*codec, values)),
              std::vector<int64_t>(values.begin(), values.end()));
  }
}

}  // namespace
}  // namespace framekit
