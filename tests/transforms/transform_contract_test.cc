// The Transform contract (transforms/transform.h), checked for every registered kind.
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Text(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) s += "word" + std::to_string(rng() % 1000) + " ";
  s.resize(n);
  return s;
}

std::string Random(size_t n) {
  std::mt19937 rng(7);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class TransformContract : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Transform> Make(const std::string& keys = "") const {
    const std::string spec = GetParam() + (keys.empty() ? "" : ":" + keys);
    absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(spec);
    EXPECT_TRUE(t.ok()) << spec << ": " << t.status();
    return t.ok() ? *std::move(t) : nullptr;
  }
  std::string Packed(const std::string& data) const {
    std::string packed;
    EXPECT_TRUE(Make()->Compress(data, &packed).ok());
    return packed;
  }
  // Checksummed formats refuse corruption; the others only promise bounds and no crash.
  bool checksummed() const { return GetParam() == "zstd" || GetParam() == "deflate"; }
};

TEST_P(TransformContract, RoundTripsEmptySmallLargeAndIncompressiblePayloads) {
  std::unique_ptr<Transform> t = Make();
  for (const std::string& data :
       {std::string(), std::string("a"), Text(1000), Text(3 << 20), Random(100000)}) {
    std::string packed = "head", back = "tail";
    ASSERT_TRUE(t->Compress(data, &packed).ok()) << data.size();
    ASSERT_THAT(packed, StartsWith("head"));
    absl::Status s = t->Decompress(absl::string_view(packed).substr(4), &back);
    ASSERT_TRUE(s.ok()) << data.size() << ": " << s;
    EXPECT_TRUE(back == "tail" + data) << GetParam() << " size " << data.size();
  }
}

TEST_P(TransformContract, CompressesRepetitiveText) {
  EXPECT_LT(Packed(Text(100000)).size(), 100000u / 2);
}

TEST_P(TransformContract, SpecRebuildsAnEqualTransform) {
  std::unique_ptr<Transform> t = Make("max=1KiB");
  EXPECT_THAT(t->Spec(), StartsWith(GetParam() + ":"));
  EXPECT_THAT(t->Spec(), HasSubstr("max=1KiB"));
  EXPECT_EQ(t->name(), GetParam());
  EXPECT_EQ(t->max_decompressed_size(), 1024u);
  absl::StatusOr<std::unique_ptr<Transform>> again = MakeTransform(t->Spec());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Spec(), t->Spec());
}

TEST_P(TransformContract, EveryTruncationIsRefusedAndLeavesOutputUnchanged) {
  std::unique_ptr<Transform> t = Make();
  for (const std::string& data : {std::string(), Text(3000), Random(3000)}) {
    const std::string packed = Packed(data);
    for (size_t n = 0; n < packed.size(); ++n) {
      std::string out = "keep";
      absl::Status s = t->Decompress(absl::string_view(packed).substr(0, n), &out);
      ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument)
          << GetParam() << " prefix " << n << " of " << packed.size() << ": " << s;
      EXPECT_THAT(std::string(s.message()), StartsWith(GetParam() + ": malformed input: "));
      EXPECT_EQ(out, "keep");
    }
  }
}

TEST_P(TransformContract, BytesAfterTheEndAreRefused) {
  std::unique_ptr<Transform> t = Make();
  for (const std::string& data : {std::string(), Text(3000)}) {
    const std::string packed = Packed(data);
    for (const std::string& extra : {std::string("\0", 1), std::string("garbage"), packed}) {
      std::string out = "keep";
      absl::Status s = t->Decompress(packed + extra, &out);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << GetParam() << ": " << s;
      EXPECT_EQ(out, "keep");
    }
  }
}

TEST_P(TransformContract, CorruptedInputIsRefusedOrStaysWithinBounds) {
  std::unique_ptr<Transform> t = Make();
  const std::string data = Text(3000);
  const std::string packed = Packed(data);
  size_t refused = 0;
  for (size_t i = 0; i < packed.size(); ++i) {
    for (int bit : {0x01, 0x40}) {
      std::string bad = packed;
      bad[i] ^= bit;
      std::string out = "keep";
      absl::Status s = t->Decompress(bad, &out);
      if (s.ok()) {
        if (checksummed()) {
          EXPECT_EQ(out, "keep" + data) << "byte " << i;
        }
        EXPECT_LE(out.size(), 4 + t->max_decompressed_size());
      } else {
        ++refused;
        EXPECT_THAT(s.code(), ::testing::AnyOf(absl::StatusCode::kInvalidArgument,
                                               absl::StatusCode::kResourceExhausted));
        EXPECT_EQ(out, "keep");
      }
    }
  }
  if (checksummed()) {
    EXPECT_GT(refused, packed.size() * 2 * 9 / 10);
  }
}

TEST_P(TransformContract, OutputOverMaxIsResourceExhaustedNamingMax) {
  std::unique_ptr<Transform> small = Make("max=1000");
  for (size_t n : {size_t{1001}, size_t{100000}}) {
    std::string out = "keep";
    absl::Status s = small->Decompress(Packed(Text(n)), &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << n << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("max=1000"));
    EXPECT_EQ(out, "keep");
  }
  std::string out;
  EXPECT_TRUE(small->Decompress(Packed(Text(1000)), &out).ok());  // Exactly max is fine.
  EXPECT_EQ(out, Text(1000));
}

TEST_P(TransformContract, GarbageIsRefused) {
  std::unique_ptr<Transform> t = Make();
  for (absl::string_view in : {absl::string_view(""), absl::string_view("hello, world"),
                               absl::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")}) {
    std::string out;
    absl::Status s = t->Decompress(in, &out);
    EXPECT_FALSE(s.ok()) << GetParam() << " '" << in << "'";
    EXPECT_TRUE(out.empty());
  }
}

TEST_P(TransformContract, ConcurrentCallsOnOneTransformAgree) {
  std::unique_ptr<Transform> t = Make();
  const std::string data = Text(50000);
  const std::string packed = Packed(data);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < 50; ++i) {
        std::string p, back;
        if (!t->Compress(data, &p).ok() || p != packed) ++failures[k];
        if (!t->Decompress(packed, &back).ok() || back != data) ++failures[k];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

INSTANTIATE_TEST_SUITE_P(AllKinds, TransformContract,
                         ::testing::Values("deflate", "lz4", "snappy", "zstd"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(TransformKinds, EveryRegisteredKindIsCoveredHere) {
  std::vector<std::string> names;
  for (const TransformKind& kind : RegisteredTransformKinds()) names.push_back(kind.name);
  EXPECT_EQ(names, (std::vector<std::string>{"deflate", "lz4", "snappy", "zstd"}));
}

}  // namespace
}  // namespace framekit
