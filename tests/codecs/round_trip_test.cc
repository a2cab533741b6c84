// Properties every codec keeps, checked over every built-in configuration: round trips over
// extremes and seeded random values of every magnitude, concatenation, the domain rule for both
// signednesses, and MaxEncodedSize as an upper bound.
#include <cctype>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/benchmarks/encoding/value_distributions.h"
#include "framekit/codecs/codec.h"
#include "framekit/codecs/codec_registry.h"
#include "gtest/gtest.h"
#include "tests/codecs/testing/codec_test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::DecodeS;
using ::framekit::testing::DecodeU;
using ::framekit::testing::EncodeS;
using ::framekit::testing::EncodeU;
using ::framekit::testing::MustMake;

const char* const kSpecs[] = {
    "binary:width=2",
    "binary:width=2,signed=true",
    "binary:width=4",
    "binary:width=4,signed=true",
    "binary",
    "binary:signed=true",
    "ascii",
    "ascii:signed=true",
    "ascii:sep=\\x20",
    "varint",
    "varint:zigzag=true",
    "groupvarint",
    "groupvarint:zigzag=true",
};

// The domain's bounds: [min, max] of `bits`-bit signed or unsigned integers.
struct Bounds {
  int64_t smin;  // Signed codecs.
  int64_t smax;
  uint64_t umax;  // Unsigned codecs.
};

Bounds BoundsOf(const Codec& codec) {
  const int bits = codec.value_bits();
  Bounds b;
  b.smax = static_cast<int64_t>(~uint64_t{0} >> (65 - bits));
  b.smin = -b.smax - 1;
  b.umax = ~uint64_t{0} >> (64 - bits);
  return b;
}

// Values of every magnitude within the domain: extremes, each power of two and its neighbours,
// and seeded random values whose bit lengths are uniform over the domain's.
std::vector<int64_t> SignedValues(const Codec& codec) {
  const Bounds b = BoundsOf(codec);
  const int bits = codec.value_bits();
  std::vector<int64_t> v = {0, 1, -1, b.smin, b.smax, b.smin + 1, b.smax - 1};
  for (int n = 1; n < bits - 1; ++n) {
    const int64_t p = int64_t{1} << n;
    for (int64_t x : {p - 1, p, p + 1, -p, -p - 1, -p + 1}) v.push_back(x);
  }
  std::mt19937_64 rng(20240613);
  for (int i = 0; i < 2000; ++i) {
    const int len = static_cast<int>(rng() % static_cast<uint64_t>(bits));  // 0 .. bits-1
    const int64_t magnitude = len == 0 ? 0 : static_cast<int64_t>(rng() >> (64 - len));
    v.push_back(rng() % 2 ? magnitude : -magnitude - 1);
  }
  return v;
}

std::vector<uint64_t> UnsignedValues(const Codec& codec) {
  const Bounds b = BoundsOf(codec);
  const int bits = codec.value_bits();
  std::vector<uint64_t> v = {0, 1, b.umax, b.umax - 1};
  for (int n = 1; n < bits; ++n) {
    const uint64_t p = uint64_t{1} << n;
    for (uint64_t x : {p - 1, p, p + 1}) v.push_back(x);
  }
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const int len = static_cast<int>(rng() % static_cast<uint64_t>(bits + 1));  // 0 .. bits
    v.push_back(len == 0 ? 0 : rng() >> (64 - len));
  }
  return v;
}

class AllCodecs : public ::testing::TestWithParam<const char*> {};

TEST_P(AllCodecs, RoundTripsExtremesAndRandomValues) {
  auto codec = MustMake(GetParam());
  if (codec->is_signed()) {
    const std::vector<int64_t> values = SignedValues(*codec);
    ASSERT_GT(values.size(), 1000u);
    absl::StatusOr<std::string> bytes = EncodeS(*codec, values);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    absl::StatusOr<std::vector<int64_t>> back = DecodeS(*codec, *bytes);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, values);
  } else {
    const std::vector<uint64_t> values = UnsignedValues(*codec);
    ASSERT_GT(values.size(), 1000u);
    absl::StatusOr<std::string> bytes = EncodeU(*codec, values);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    absl::StatusOr<std::vector<uint64_t>> back = DecodeU(*codec, *bytes);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, values);
  }
}

TEST_P(AllCodecs, EveryValueAloneRoundTrips) {
  // One value at a time: exercises the exact (tail) paths of bulk decoders.
  auto codec = MustMake(GetParam());
  if (codec->is_signed()) {
    for (int64_t v : SignedValues(*codec)) {
      ASSERT_EQ(*DecodeS(*codec, *EncodeS(*codec, {v})), std::vector<int64_t>{v}) << v;
    }
  } else {
    for (uint64_t v : UnsignedValues(*codec)) {
      ASSERT_EQ(*DecodeU(*codec, *EncodeU(*codec, {v})), std::vector<uint64_t>{v}) << v;
    }
  }
}

TEST_P(AllCodecs, DomainBoundsAcceptedAndNeighboursRefused) {
  auto codec = MustMake(GetParam());
  const Bounds b = BoundsOf(*codec);
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  if (codec->is_signed()) {
    EXPECT_TRUE(EncodeS(*codec, {b.smin, b.smax}).ok());
    if (b.smax < INT64_MAX) {
      EXPECT_EQ(EncodeS(*codec, {b.smax + 1}).status().code(), kInvalid);
    }
    if (b.smin > INT64_MIN) {
      EXPECT_EQ(EncodeS(*codec, {b.smin - 1}).status().code(), kInvalid);
    }
    // Through the unsigned entry point: [0, smax].
    EXPECT_TRUE(EncodeU(*codec, {static_cast<uint64_t>(b.smax)}).ok());
    EXPECT_EQ(EncodeU(*codec, {static_cast<uint64_t>(b.smax) + 1}).status().code(), kInvalid);
    EXPECT_EQ(EncodeU(*codec, {UINT64_MAX}).status().code(), kInvalid);
    // Decoding into uint64: non-negative values only.
    EXPECT_EQ(*DecodeU(*codec, *EncodeS(*codec, {b.smax})),
              std::vector<uint64_t>{static_cast<uint64_t>(b.smax)});
    EXPECT_EQ(DecodeU(*codec, *EncodeS(*codec, {-1})).status().code(), kInvalid);
  } else {
    EXPECT_TRUE(EncodeU(*codec, {0, b.umax}).ok());
    if (b.umax < UINT64_MAX) {
      EXPECT_EQ(EncodeU(*codec, {b.umax + 1}).status().code(), kInvalid);
    }
    EXPECT_EQ(EncodeU(*codec, {UINT64_MAX}).ok(), b.umax == UINT64_MAX);
    // Through the signed entry point: [0, min(umax, INT64_MAX)].
    EXPECT_EQ(EncodeS(*codec, {-1}).status().code(), kInvalid);
    EXPECT_EQ(EncodeS(*codec, {INT64_MIN}).status().code(), kInvalid);
    EXPECT_EQ(EncodeS(*codec, {INT64_MAX}).ok(), b.umax == UINT64_MAX);
    // Decoding into int64: values up to INT64_MAX.
    EXPECT_EQ(DecodeS(*codec, *EncodeU(*codec, {b.umax})).ok(), b.umax <= uint64_t{INT64_MAX});
    EXPECT_EQ(*DecodeS(*codec, *EncodeU(*codec, {7})), std::vector<int64_t>{7});
  }
}

// Every distribution the encoding comparison measures (value_distributions.h) round-trips through
// every codec whose domain holds it; a codec whose domain does not (a 32-bit codec and u64, an
// unsigned one and negatives) refuses the dataset with InvalidArgument rather than truncating.
TEST_P(AllCodecs, RoundTripsEveryBenchmarkDistribution) {
  auto codec = MustMake(GetParam());
  const Bounds b = BoundsOf(*codec);
  for (const std::string& name : encoding_bench::DistributionNames()) {
    SCOPED_TRACE(name);
    const encoding_bench::Dataset data = encoding_bench::MakeDataset(name, 5000);
    ASSERT_EQ(data.size(), 5000u);
    if (data.is_signed) {
      bool fits = true;
      for (int64_t v : data.s) {
        fits &= codec->is_signed() ? v >= b.smin && v <= b.smax
                                   : v >= 0 && static_cast<uint64_t>(v) <= b.umax;
      }
      absl::StatusOr<std::string> bytes = EncodeS(*codec, data.s);
      ASSERT_EQ(bytes.ok(), fits) << bytes.status();
      if (!fits) {
        EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
        continue;
      }
      EXPECT_EQ(*DecodeS(*codec, *bytes), data.s);
    } else {
      bool fits = true;
      for (uint64_t v : data.u) {
        fits &= codec->is_signed() ? v <= static_cast<uint64_t>(b.smax) : v <= b.umax;
      }
      absl::StatusOr<std::string> bytes = EncodeU(*codec, data.u);
      ASSERT_EQ(bytes.ok(), fits) << bytes.status();
      if (!fits) {
        EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
        continue;
      }
      EXPECT_EQ(*DecodeU(*codec, *bytes), data.u);
    }
  }
}

TEST_P(AllCodecs, EncodingsConcatenate) {
  // encode(a) + encode(b) == encode(a ++ b). (groupvarint packs by four, so this holds for it
  // only when `a` is whole groups, as here.)
  auto codec = MustMake(GetParam());
  const std::vector<uint64_t> a = {1, 2, 3, 4}, b = {5, 300, 0};
  std::vector<uint64_t> ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  EXPECT_EQ(*EncodeU(*codec, a) + *EncodeU(*codec, b), *EncodeU(*codec, ab));
  EXPECT_EQ(*DecodeU(*codec, *EncodeU(*codec, a) + *EncodeU(*codec, b)), ab);
}

TEST_P(AllCodecs, RefusesStrayTrailingByte) {
  auto codec = MustMake(GetParam());
  const std::string good = *EncodeU(*codec, {1, 2, 3, 4});
  // A stray 0xFF after these values is never valid: not a multiple of the width, not a digit, a
  // truncated varint, a group tag with nothing after it. (After a final partial group it could
  // be groupvarint's next value, so the four values make a whole group.)
  absl::StatusOr<std::vector<uint64_t>> r = DecodeU(*codec, good + "\xff");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << GetParam();
  EXPECT_TRUE(absl::StrContains(r.status().message(), codec->name())) << r.status();
}

TEST_P(AllCodecs, MaxEncodedSizeIsABound) {
  auto codec = MustMake(GetParam());
  const Bounds b = BoundsOf(*codec);
  for (size_t n : {0, 1, 2, 3, 4, 5, 8, 9}) {
    std::string bytes = codec->is_signed() ? *EncodeS(*codec, std::vector<int64_t>(n, b.smin))
                                           : *EncodeU(*codec, std::vector<uint64_t>(n, b.umax));
    EXPECT_LE(bytes.size(), codec->MaxEncodedSize(n)) << n;
  }
  EXPECT_GT(codec->MaxEncodedSize(1), 0u);
  EXPECT_EQ(codec->MaxEncodedSize(~size_t{0}), ~size_t{0});  // Saturates.
}

INSTANTIATE_TEST_SUITE_P(Builtins, AllCodecs, ::testing::ValuesIn(kSpecs),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name;
                           for (const char* c = info.param; *c; ++c) {
                             name += (std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_');
                           }
                           return name;
                         });

}  // namespace
}  // namespace framekit
