#include "framekit/codecs/ascii_codec.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/codecs/testing/codec_test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::DecodeS;
using ::framekit::testing::DecodeU;
using ::framekit::testing::EncodeS;
using ::framekit::testing::EncodeU;
using ::framekit::testing::MustMake;

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

// Expects `bytes` refused with InvalidArgument whose message names the codec, `offset` and `what`.
void ExpectRefused(const Codec& codec, const std::string& bytes, size_t offset,
                   absl::string_view what) {
  const absl::Status s =
      codec.is_signed() ? DecodeS(codec, bytes).status() : DecodeU(codec, bytes).status();
  EXPECT_EQ(s.code(), kInvalid) << "'" << bytes << "': " << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), "ascii: ")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("byte offset ", offset, " ")))
      << "'" << bytes << "': " << s;
  EXPECT_TRUE(absl::StrContains(s.message(), what)) << "'" << bytes << "': " << s;
}

TEST(AsciiCodec, DefaultIsNewlineUnsigned) {
  auto codec = MustMake("ascii");
  EXPECT_EQ(codec->Spec(), "ascii:sep=\\n,signed=false");
  EXPECT_FALSE(codec->is_signed());
  EXPECT_EQ(codec->value_bits(), 64);
}

TEST(AsciiCodec, GoldenZeroIsTwoBytes) { EXPECT_EQ(*EncodeU(*MustMake("ascii"), {0}), "0\n"); }

TEST(AsciiCodec, GoldenValues) {
  EXPECT_EQ(*EncodeU(*MustMake("ascii"), {0, 300, 7}), "0\n300\n7\n");
  EXPECT_EQ(*EncodeU(*MustMake("ascii"), {UINT64_MAX}), "18446744073709551615\n");
  EXPECT_EQ(*EncodeS(*MustMake("ascii:signed=true"), {-1, 20, INT64_MIN, INT64_MAX}),
            "-1\n20\n-9223372036854775808\n9223372036854775807\n");
  EXPECT_EQ(*EncodeS(*MustMake("ascii:sep=\\x2C,signed=true"), {-7}), "-7,");
  EXPECT_EQ(*EncodeU(*MustMake("ascii:sep=|"), {1, 2}), "1|2|");
  EXPECT_EQ(*EncodeU(*MustMake("ascii:sep=\\0"), {1}), std::string("1\0", 2));
}

TEST(AsciiCodec, EmptySequenceIsEmptyPayload) {
  EXPECT_EQ(*EncodeU(*MustMake("ascii"), {}), "");
  EXPECT_TRUE(DecodeU(*MustMake("ascii"), "")->empty());
}

TEST(AsciiCodec, DecodeGolden) {
  EXPECT_EQ(*DecodeU(*MustMake("ascii"), "0\n300\n18446744073709551615\n"),
            (std::vector<uint64_t>{0, 300, UINT64_MAX}));
  EXPECT_EQ(*DecodeS(*MustMake("ascii:signed=true"),
                     "-9223372036854775808\n9223372036854775807\n-1\n0\n"),
            (std::vector<int64_t>{INT64_MIN, INT64_MAX, -1, 0}));
}

TEST(AsciiCodec, RoundTripsEveryDigitCount) {
  auto u = MustMake("ascii");
  auto s = MustMake("ascii:signed=true,sep=\\x20");
  std::vector<uint64_t> uv = {0, UINT64_MAX};
  std::vector<int64_t> sv = {0, INT64_MIN, INT64_MAX};
  for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10) {
    for (uint64_t v : {p - 1, p, p + 1, p * 9 + (p - 1)}) {
      uv.push_back(v);
      if (v <= uint64_t{INT64_MAX}) {
        sv.push_back(static_cast<int64_t>(v));
        sv.push_back(-static_cast<int64_t>(v));
      }
    }
  }
  EXPECT_EQ(*DecodeU(*u, *EncodeU(*u, uv)), uv);
  EXPECT_EQ(*DecodeS(*s, *EncodeS(*s, sv)), sv);
}

TEST(AsciiCodec, LeadingZeroRefused) {
  ExpectRefused(*MustMake("ascii"), "1\n007\n", 2, "leading zero");
  ExpectRefused(*MustMake("ascii"), "00\n", 0, "leading zero");
  ExpectRefused(*MustMake("ascii:signed=true"), "-01\n", 1, "leading zero");
}

TEST(AsciiCodec, NegativeZeroRefused) {
  ExpectRefused(*MustMake("ascii:signed=true"), "5\n-0\n", 2, "-0");
}

TEST(AsciiCodec, EmptyFieldRefused) {
  ExpectRefused(*MustMake("ascii"), "\n", 0, "empty field");
  ExpectRefused(*MustMake("ascii"), "1\n\n2\n", 2, "empty field");
}

TEST(AsciiCodec, LoneMinusRefused) {
  ExpectRefused(*MustMake("ascii:signed=true"), "-\n", 1, "'-' without digits");
  ExpectRefused(*MustMake("ascii:signed=true"), "--1\n", 1, "where a digit should be");
  ExpectRefused(*MustMake("ascii:signed=true"), "1\n-", 3, "input ends");
}

TEST(AsciiCodec, MinusRefusedWhenUnsigned) {
  ExpectRefused(*MustMake("ascii"), "-1\n", 0, "unsigned");
}

TEST(AsciiCodec, PlusSignRefused) {
  ExpectRefused(*MustMake("ascii"), "+1\n", 0, "0x2B");
  ExpectRefused(*MustMake("ascii:signed=true"), "+1\n", 0, "0x2B");
}

TEST(AsciiCodec, SpacesRefused) {
  ExpectRefused(*MustMake("ascii"), " 1\n", 0, "0x20");
  ExpectRefused(*MustMake("ascii"), "1 \n", 1, "after the digits");
  ExpectRefused(*MustMake("ascii"), "1\r\n", 1, "0x0D");
}

TEST(AsciiCodec, StrayCharacterRefused) {
  ExpectRefused(*MustMake("ascii"), "12\n3x\n", 4, "0x78");
  ExpectRefused(*MustMake("ascii"), "0x10\n", 1, "0x78");
  ExpectRefused(*MustMake("ascii"), "1.5\n", 1, "0x2E");
  ExpectRefused(*MustMake("ascii:sep=\\x2C"), "1\n", 1, "expected '\\x2C'");
}

TEST(AsciiCodec, MissingFinalSeparatorRefused) {
  ExpectRefused(*MustMake("ascii"), "1\n2", 3, "missing final separator");
  ExpectRefused(*MustMake("ascii"), "18446744073709551615", 20, "missing final separator");
}

TEST(AsciiCodec, OverflowRefused) {
  ExpectRefused(*MustMake("ascii"), "18446744073709551616\n", 0, "overflows uint64");
  ExpectRefused(*MustMake("ascii"), "99999999999999999999\n", 0, "overflows");
  ExpectRefused(*MustMake("ascii"), "1\n100000000000000000000\n", 2, "overflows");
  ExpectRefused(*MustMake("ascii"), "1234567890123456789012345\n", 0, "overflows");
  ExpectRefused(*MustMake("ascii:signed=true"), "9223372036854775808\n", 0, "overflows int64");
  ExpectRefused(*MustMake("ascii:signed=true"), "-9223372036854775809\n", 0, "overflows int64");
  ExpectRefused(*MustMake("ascii:signed=true"), "18446744073709551615\n", 0, "overflows");
}

TEST(AsciiCodec, DecodeOfNegativeIntoUint64Refused) {
  auto r = DecodeU(*MustMake("ascii:signed=true"), "3\n-4\n");
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "byte offset 2")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "-4")) << r.status();
  EXPECT_EQ(*DecodeU(*MustMake("ascii:signed=true"), "4\n"), (std::vector<uint64_t>{4}));
}

TEST(AsciiCodec, DecodeOverInt64MaxIntoInt64Refused) {
  auto r = DecodeS(*MustMake("ascii"), "9223372036854775808\n");
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_EQ(*DecodeS(*MustMake("ascii"), "9223372036854775807\n"),
            (std::vector<int64_t>{INT64_MAX}));
}

TEST(AsciiCodec, EncodeRefusesValuesOutsideDomain) {
  auto r = EncodeS(*MustMake("ascii"), {1, -1});
  EXPECT_EQ(r.status().code(), kInvalid);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "index 1 (-1)")) << r.status();
  EXPECT_EQ(EncodeU(*MustMake("ascii:signed=true"), {uint64_t{1} << 63}).status().code(), kInvalid);
}

TEST(AsciiCodec, SeparatorThatCouldBeANumberRefused) {
  for (char sep : {'0', '5', '9'}) {
    AsciiCodecOptions options;
    options.separator = sep;
    EXPECT_EQ(AsciiCodec::Create(options).status().code(), kInvalid) << sep;
  }
  AsciiCodecOptions options;
  options.separator = '-';
  EXPECT_TRUE(AsciiCodec::Create(options).ok());  // Unambiguous when unsigned.
  options.is_signed = true;
  EXPECT_EQ(AsciiCodec::Create(options).status().code(), kInvalid);
}

TEST(AsciiCodec, MinusSeparatorWhenUnsigned) {
  auto codec = MustMake("ascii:sep=-");
  EXPECT_EQ(*EncodeU(*codec, {1, 22}), "1-22-");
  EXPECT_EQ(*DecodeU(*codec, "1-22-"), (std::vector<uint64_t>{1, 22}));
  ExpectRefused(*codec, "1--", 2, "empty field");
}

TEST(AsciiCodec, MaxEncodedSizeCoversWidestValues) {
  auto s = MustMake("ascii:signed=true");
  EXPECT_EQ(s->MaxEncodedSize(2), 42u);
  EXPECT_EQ(EncodeS(*s, {INT64_MIN, INT64_MIN})->size(), 42u);
}

}  // namespace
}  // namespace framekit
