// The examples at the top of transforms/ headers, compiled and run as written (see
// framing_examples_test.cc for the convention; examples_in_sync_test.py checks the blocks match).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/codecs/codec.h"
#include "framekit/framing/decoder.h"
#include "framekit/transforms/deflate_transform.h"
#include "framekit/transforms/lz4_transform.h"
#include "framekit/transforms/snappy_transform.h"
#include "framekit/transforms/transform.h"
#include "framekit/transforms/transform_registry.h"
#include "framekit/transforms/transformed_codec.h"
#include "framekit/transforms/transformed_framer.h"
#include "framekit/transforms/zstd_transform.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

TEST(TransformHeaderExamples, Transform) {
  // --- transforms/transform.h ---
  absl::StatusOr<std::unique_ptr<Transform>> zstd = MakeTransform("zstd:level=3");
  std::string packed, back;
  absl::Status s = (*zstd)->Compress("hello hello hello", &packed);
  if (s.ok()) s = (*zstd)->Decompress(packed, &back);  // back == "hello hello hello"
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(back, "hello hello hello");
}

TEST(TransformHeaderExamples, TransformRegistry) {
  // --- transforms/transform_registry.h ---
  absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform("deflate:level=9,max=1MiB");
  // (*t)->Spec() == "deflate:level=9,max=1MiB"
  // ---
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->Spec(), "deflate:level=9,max=1MiB");
}

TEST(TransformHeaderExamples, EachTransformsDefaultSpec) {
  {
    // --- transforms/zstd_transform.h ---
    absl::StatusOr<std::unique_ptr<ZstdTransform>> t = ZstdTransform::Create({});
    // ---
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ((*t)->Spec(), "zstd:level=3,max=64MiB");
  }
  {
    // --- transforms/lz4_transform.h ---
    absl::StatusOr<std::unique_ptr<Lz4Transform>> t = Lz4Transform::Create({});
    // ---
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ((*t)->Spec(), "lz4:level=0,max=64MiB");
  }
  {
    // --- transforms/snappy_transform.h ---
    absl::StatusOr<std::unique_ptr<SnappyTransform>> t = SnappyTransform::Create({});
    // ---
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ((*t)->Spec(), "snappy:max=64MiB");
  }
  {
    // --- transforms/deflate_transform.h ---
    absl::StatusOr<std::unique_ptr<DeflateTransform>> t = DeflateTransform::Create({});
    // ---
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ((*t)->Spec(), "deflate:level=6,max=64MiB");
  }
}

TEST(TransformHeaderExamples, TransformedCodec) {
  // --- transforms/transformed_codec.h ---
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeTransformedCodec("varint|zstd:level=3");
  std::string payload;
  const std::vector<uint64_t> values = {1, 300, 70000};
  absl::Status s = (*codec)->EncodeUnsigned(values, &payload);  // a zstd frame
  std::vector<uint64_t> back;
  if (s.ok()) s = (*codec)->DecodeUnsigned(payload, &back);  // {1, 300, 70000}
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(payload.substr(0, 4), "\x28\xb5\x2f\xfd");  // zstd's magic number
  EXPECT_EQ(back, values);
}

std::vector<std::string> handled;
void Handle(absl::string_view payload) { handled.emplace_back(payload); }

TEST(TransformHeaderExamples, TransformedFramer) {
  // --- transforms/transformed_framer.h ---
  absl::StatusOr<std::unique_ptr<TransformedFramer>> framer =
      TransformedFramer::Create("length:width=4,offset=1|grpc|deflate");
  std::string wire;
  absl::Status s = (*framer)->Encode("hi", &wire);
  // wire: 01 | 00 00 00 0a | 78 9c cb c8 04 00 01 3b 00 d2 (flag, length, zlib "hi")
  std::unique_ptr<TransformedDecoder> decoder = (*framer)->NewDecoder();
  if (s.ok()) s = decoder->Feed(wire);
  absl::string_view payload;
  if (s.ok() && decoder->Next(&payload) == Decoder::kFrame) Handle(payload);  // "hi"
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(wire, std::string("\x01\x00\x00\x00\x0a\x78\x9c\xcb\xc8\x04\x00\x01\x3b\x00\xd2", 15));
  EXPECT_EQ(handled, std::vector<std::string>{"hi"});
}

}  // namespace
}  // namespace framekit
