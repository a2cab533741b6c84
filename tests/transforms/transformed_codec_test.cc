#include "framekit/transforms/transformed_codec.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/transforms/transform_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* const kCodecs[] = {"binary:width=8", "ascii:sep=\\x2C", "varint", "groupvarint"};

std::vector<std::string> TransformSpecs() {
  std::vector<std::string> specs;
  for (const TransformKind& kind : RegisteredTransformKinds()) specs.push_back(kind.name);
  return specs;
}

// Values of every magnitude within `bits`.
std::vector<uint64_t> Values(size_t n, uint64_t seed, int bits = 64) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> values(n);
  for (uint64_t& v : values) v = (rng() >> (64 - bits)) >> (rng() % bits);
  return values;
}

TEST(TransformedCodec, EveryTransformTimesEveryCodecRoundTrips) {
  const std::vector<std::string> transforms = TransformSpecs();
  ASSERT_FALSE(transforms.empty());
  for (const char* codec_spec : kCodecs) {
    for (const std::string& t : transforms) {
      const std::string spec = std::string(codec_spec) + "|" + t;
      absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec(spec);
      ASSERT_TRUE(codec.ok()) << spec << ": " << codec.status();
      for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{100000}}) {
        const std::vector<uint64_t> values = Values(n, n, (*codec)->value_bits());
        std::string wire = "prefix";
        absl::Status e = (*codec)->EncodeUnsigned(values, &wire);
        ASSERT_TRUE(e.ok()) << spec << " n=" << n << ": " << e;
        ASSERT_THAT(wire, StartsWith("prefix"));
        std::vector<uint64_t> back = {7};
        absl::Status s = (*codec)->DecodeUnsigned(absl::string_view(wire).substr(6), &back);
        ASSERT_TRUE(s.ok()) << spec << " n=" << n << ": " << s;
        ASSERT_EQ(back.size(), n + 1);
        EXPECT_EQ(back[0], 7u);
        EXPECT_TRUE(std::equal(values.begin(), values.end(), back.begin() + 1)) << spec;
      }
    }
  }
}

TEST(TransformedCodec, SignedValuesRoundTripThroughZigzagCodecs) {
  for (const std::string& t : TransformSpecs()) {
    absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint:zigzag=true|" + t);
    ASSERT_TRUE(codec.ok()) << codec.status();
    EXPECT_TRUE((*codec)->is_signed());
    const std::vector<int64_t> values = {0, -1, 1, INT64_MIN, INT64_MAX, -1000};
    std::string wire;
    ASSERT_TRUE((*codec)->EncodeSigned(values, &wire).ok());
    std::vector<int64_t> back;
    ASSERT_TRUE((*codec)->DecodeSigned(wire, &back).ok());
    EXPECT_EQ(back, values);
  }
}

TEST(TransformedCodec, ChainedTransformsApplyInOrderAndUndoInReverse) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint|zstd|zstd:level=1");
  ASSERT_TRUE(codec.ok()) << codec.status();
  const std::vector<uint64_t> values = Values(5000, 3);
  std::string wire;
  ASSERT_TRUE((*codec)->EncodeUnsigned(values, &wire).ok());
  // By hand: varint, then zstd level 3, then zstd level 1.
  absl::StatusOr<std::unique_ptr<Codec>> varint = MakeCodec("varint");
  absl::StatusOr<std::unique_ptr<Transform>> z3 = MakeTransform("zstd:level=3");
  absl::StatusOr<std::unique_ptr<Transform>> z1 = MakeTransform("zstd:level=1");
  std::string a, b, c;
  ASSERT_TRUE((*varint)->EncodeUnsigned(values, &a).ok());
  ASSERT_TRUE((*z3)->Compress(a, &b).ok());
  ASSERT_TRUE((*z1)->Compress(b, &c).ok());
  EXPECT_EQ(wire, c);
  std::vector<uint64_t> back;
  ASSERT_TRUE((*codec)->DecodeUnsigned(wire, &back).ok());
  EXPECT_EQ(back, values);
}

TEST(TransformedCodec, SpecIsCanonicalAndRebuildsAnEqualCodec) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("ascii:sep=\\x7C|zstd");
  ASSERT_TRUE(codec.ok()) << codec.status();
  EXPECT_EQ((*codec)->Spec(), "ascii:sep=\\x7C,signed=false|zstd:level=3,max=64MiB");
  absl::StatusOr<std::unique_ptr<Codec>> again = MakeTransformedCodec((*codec)->Spec());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Spec(), (*codec)->Spec());
  EXPECT_EQ((*codec)->name(), "ascii");
}

TEST(TransformedCodec, CodecAloneIsTheCodec) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("binary:width=2");
  ASSERT_TRUE(codec.ok()) << codec.status();
  EXPECT_EQ((*codec)->Spec(), "binary:width=2,signed=false");
  EXPECT_EQ((*codec)->value_bits(), 16);
  std::string wire;
  ASSERT_TRUE((*codec)->EncodeUnsigned(std::vector<uint64_t>{1, 2}, &wire).ok());
  EXPECT_EQ(wire, std::string("\0\1\0\2", 4));
}

TEST(TransformedCodec, SpecErrorsNameTheStage) {
  struct Case {
    const char* spec;
    const char* message;
  };
  for (const Case& c :
       {Case{"", "stage 1 of 1 is empty"}, Case{"varint||zstd", "stage 2 of 3 is empty"},
        Case{"varint|", "stage 2 of 2 is empty"},
        Case{"varnt|zstd", "stage 1 of 2: unknown codec 'varnt'"},
        Case{"varint|zstdd", "stage 2 of 2: unknown transform 'zstdd'"},
        Case{"varint|zstd:level=99", "stage 2 of 2: zstd: bad value for 'level'"},
        Case{"ascii:sep=|", "stage 2 of 2 is empty"}}) {
    absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec(c.spec);
    ASSERT_EQ(codec.status().code(), absl::StatusCode::kInvalidArgument) << c.spec;
    EXPECT_THAT(std::string(codec.status().message()), HasSubstr(c.message)) << c.spec;
  }
}

TEST(TransformedCodec, EncodeErrorNamesTheCodecStageAndLeavesOutputUnchanged) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("binary:width=2|zstd");
  ASSERT_TRUE(codec.ok());
  std::string wire = "keep";
  absl::Status s = (*codec)->EncodeUnsigned(std::vector<uint64_t>{1, 70000}, &wire);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("stage 1 of 2 (binary): binary:"));
  EXPECT_EQ(wire, "keep");
}

TEST(TransformedCodec, CorruptedAndTruncatedInputNameTheTransformStage) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint|zstd");
  ASSERT_TRUE(codec.ok());
  std::string wire;
  ASSERT_TRUE((*codec)->EncodeUnsigned(Values(100, 1), &wire).ok());
  std::vector<uint64_t> back = {42};
  absl::Status s =
      (*codec)->DecodeUnsigned(absl::string_view(wire).substr(0, wire.size() - 1), &back);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("stage 2 of 2 (zstd): zstd: malformed input"));
  EXPECT_EQ(back, std::vector<uint64_t>{42});
  s = (*codec)->DecodeUnsigned("not zstd at all", &back);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back, std::vector<uint64_t>{42});
}

TEST(TransformedCodec, DecompressedBytesTheCodecRefusesNameTheCodecStage) {
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint|zstd");
  absl::StatusOr<std::unique_ptr<Transform>> zstd = MakeTransform("zstd");
  ASSERT_TRUE(codec.ok() && zstd.ok());
  std::string wire;
  ASSERT_TRUE((*zstd)->Compress("\x80", &wire).ok());  // A truncated varint, well compressed.
  std::vector<uint64_t> back;
  absl::Status s = (*codec)->DecodeUnsigned(wire, &back);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("stage 1 of 2 (varint): varint:"));
  EXPECT_TRUE(back.empty());
}

TEST(TransformedCodec, OverMaxStaysResourceExhausted) {
  absl::StatusOr<std::unique_ptr<Codec>> big = MakeTransformedCodec("binary:width=8|zstd");
  absl::StatusOr<std::unique_ptr<Codec>> small =
      MakeTransformedCodec("binary:width=8|zstd:max=1KiB");
  ASSERT_TRUE(big.ok() && small.ok());
  std::string wire;
  ASSERT_TRUE((*big)->EncodeUnsigned(std::vector<uint64_t>(1000, 0), &wire).ok());
  std::vector<uint64_t> back;
  absl::Status s = (*small)->DecodeUnsigned(wire, &back);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("max=1KiB"));
}

}  // namespace
}  // namespace framekit
