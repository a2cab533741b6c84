#include "framekit/coding/varint.h"

#include <cstdint>
#include <string>

#include "absl/random/random.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

std::string Encode(uint64_t value) {
  char buf[kMaxVarint64Size];
  return std::string(buf, EncodeVarint64(value, buf));
}

VarintStatus Decode(absl::string_view in, uint64_t* value, size_t* length) {
  return DecodeVarint64(in, value, length);
}

TEST(Varint, GoldenEncodings) {
  EXPECT_EQ(Encode(0), std::string("\x00", 1));
  EXPECT_EQ(Encode(1), "\x01");
  EXPECT_EQ(Encode(127), "\x7F");
  EXPECT_EQ(Encode(128), "\x80\x01");
  EXPECT_EQ(Encode(300), "\xAC\x02");
  EXPECT_EQ(Encode(16383), "\xFF\x7F");
  EXPECT_EQ(Encode(16384), "\x80\x80\x01");
  EXPECT_EQ(Encode(UINT64_MAX), "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01");
}

TEST(Varint, SizeMatchesEncodingAtEveryGroupBoundary) {
  for (int bits = 0; bits <= 64; ++bits) {
    const uint64_t v = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits);
    for (uint64_t x : {v - 1, v}) {
      EXPECT_EQ(Varint64Size(x), Encode(x).size()) << x;
    }
  }
  EXPECT_EQ(Varint64Size(0), 1u);
  EXPECT_EQ(Varint64Size(127), 1u);
  EXPECT_EQ(Varint64Size(128), 2u);
  EXPECT_EQ(Varint64Size(UINT64_MAX), kMaxVarint64Size);
}

TEST(Varint, RandomRoundTripsIgnoringTrailingBytes) {
  absl::BitGen gen;
  for (int i = 0; i < 20000; ++i) {
    // Spread over every length: a random value shifted right by a random amount.
    const uint64_t v = absl::Uniform<uint64_t>(gen) >> absl::Uniform(gen, 0, 64);
    const std::string wire = Encode(v) + "\xFF\x80 tail";
    uint64_t got = 0;
    size_t length = 0;
    ASSERT_EQ(Decode(wire, &got, &length), VarintStatus::kOk) << v;
    EXPECT_EQ(got, v);
    EXPECT_EQ(length, Varint64Size(v));
  }
}

TEST(Varint, NeedMoreAtEveryPrefixThenOk) {
  for (uint64_t v : {uint64_t{0}, uint64_t{300}, uint64_t{1} << 35, UINT64_MAX}) {
    const std::string wire = Encode(v);
    for (size_t n = 0; n < wire.size(); ++n) {
      uint64_t got = 12345;
      size_t length = 678;
      EXPECT_EQ(Decode(absl::string_view(wire).substr(0, n), &got, &length),
                VarintStatus::kNeedMore)
          << v << " prefix " << n;
      EXPECT_EQ(got, 12345u) << "outputs untouched unless kOk";
      EXPECT_EQ(length, 678u);
    }
  }
}

TEST(Varint, TenthByteAboveOneIsOverflow) {
  uint64_t v;
  size_t n;
  const std::string nine(9, '\xFF');
  EXPECT_EQ(Decode(nine + "\x01", &v, &n), VarintStatus::kOk);
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_EQ(n, 10u);
  EXPECT_EQ(Decode(nine + "\x02", &v, &n), VarintStatus::kOverflow);
  EXPECT_EQ(Decode(nine + "\x7F", &v, &n), VarintStatus::kOverflow);
  // 2^63 exactly, then one past 64 bits in the low byte positions.
  EXPECT_EQ(Decode(std::string(9, '\x80') + "\x01", &v, &n), VarintStatus::kOk);
  EXPECT_EQ(v, uint64_t{1} << 63);
}

TEST(Varint, ElevenByteEncodingIsOverflowNotNeedMore) {
  uint64_t v;
  size_t n;
  // Ten continuation bytes: decided at the 10th, without waiting for an 11th.
  EXPECT_EQ(Decode(std::string(10, '\x80'), &v, &n), VarintStatus::kOverflow);
  EXPECT_EQ(Decode(std::string(10, '\x80') + std::string("\x00", 1), &v, &n),
            VarintStatus::kOverflow);
  EXPECT_EQ(Decode(std::string(10, '\xFF'), &v, &n), VarintStatus::kOverflow);
}

TEST(Varint, NonCanonicalEncodingAcceptedAsProtobufDoes) {
  uint64_t v = 99;
  size_t n = 0;
  EXPECT_EQ(Decode(std::string("\x80\x00", 2), &v, &n), VarintStatus::kOk);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(n, 2u);
  EXPECT_NE(n, Varint64Size(v)) << "how a strict caller detects it";
  EXPECT_EQ(Decode(std::string("\xAC\x82\x80\x00", 4), &v, &n), VarintStatus::kOk);
  EXPECT_EQ(v, 300u);
  EXPECT_EQ(n, 4u);
  // The longest padded form: nine continuation bytes then 0.
  EXPECT_EQ(Decode(std::string(9, '\x80') + std::string("\x00", 1), &v, &n), VarintStatus::kOk);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(n, 10u);
}

}  // namespace
}  // namespace framekit
