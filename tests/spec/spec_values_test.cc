#include "framekit/spec/spec_values.h"

#include "gtest/gtest.h"

namespace framekit {
namespace {

TEST(ParseSize, UnitsAndPlainBytes) {
  EXPECT_EQ(*ParseSize("1024"), 1024u);
  EXPECT_EQ(*ParseSize("64KiB"), 65536u);
  EXPECT_EQ(*ParseSize("4MiB"), 4u << 20);
  EXPECT_EQ(*ParseSize("1GiB"), 1u << 30);
  EXPECT_EQ(*ParseSize("0"), 0u);
}

TEST(ParseSize, RefusesSignsSpacesAndOverflow) {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1KB", "KiB", "1.5MiB", "0x10",
                          "18446744073709551616", "17179869184GiB"}) {
    EXPECT_EQ(ParseSize(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(*ParseSize("18446744073709551615"), UINT64_MAX);
}

TEST(FormatSize, LargestExactUnitRoundTrips) {
  EXPECT_EQ(FormatSize(1 << 20), "1MiB");
  EXPECT_EQ(FormatSize(65536), "64KiB");
  EXPECT_EQ(FormatSize(1000), "1000");
  EXPECT_EQ(FormatSize(0), "0");
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{1023}, uint64_t{1} << 33, UINT64_MAX}) {
    EXPECT_EQ(*ParseSize(FormatSize(v)), v);
  }
}

TEST(ParseSigned, Extremes) {
  EXPECT_EQ(*ParseSigned("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(*ParseSigned("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseSigned("9223372036854775808").ok());
  EXPECT_FALSE(ParseSigned("-").ok());
  EXPECT_FALSE(ParseSigned("--1").ok());
}

TEST(ParseByte, DecimalHexAndEscapes) {
  EXPECT_EQ(*ParseByte("0x20"), 0x20);
  EXPECT_EQ(*ParseByte("32"), 32);
  EXPECT_EQ(*ParseByte("\\n"), '\n');
  EXPECT_EQ(*ParseByte("a"), 'a');
  EXPECT_EQ(*ParseByte("0"), '0');  // A single character is that character.
  EXPECT_FALSE(ParseByte("256").ok());
  EXPECT_FALSE(ParseByte("0x100").ok());
  EXPECT_FALSE(ParseByte("ab").ok());
}

TEST(EscapedBytes, AllEscapes) {
  EXPECT_EQ(*ParseEscapedBytes("\\r\\n"), "\r\n");
  EXPECT_EQ(*ParseEscapedBytes("\\t\\\\\\xFF"), "\t\\\xFF");
  EXPECT_EQ(*ParseEscapedBytes("\\0"), std::string(1, '\0'));
  for (const char* bad : {"\\", "\\x", "\\x4", "\\xG0", "\\q"}) {
    EXPECT_FALSE(ParseEscapedBytes(bad).ok()) << bad;
  }
}

TEST(EscapedBytes, FormatRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string formatted = FormatEscapedBytes(all);
  EXPECT_EQ(formatted.find(','), std::string::npos);
  EXPECT_EQ(formatted.find('='), std::string::npos);
  EXPECT_EQ(formatted.find(' '), std::string::npos);
  EXPECT_EQ(*ParseEscapedBytes(formatted), all);
}

}  // namespace
}  // namespace framekit
