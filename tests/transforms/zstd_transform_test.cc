#include "framekit/transforms/zstd_transform.h"

#include <zstd.h>

#include <memory>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "framekit/transforms/transform_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<Transform> Make(const std::string& spec) {
  absl::StatusOr<std::unique_ptr<Transform>> t = MakeTransform(spec);
  EXPECT_TRUE(t.ok()) << spec << ": " << t.status();
  return t.ok() ? *std::move(t) : nullptr;
}

std::string Text(size_t n) {
  std::mt19937 rng(1);
  std::string s;
  while (s.size() < n) s += "word" + std::to_string(rng() % 1000) + " ";
  s.resize(n);
  return s;
}

// A frame as a streaming compressor writes it: no content size in the header.
std::string StreamedFrame(const std::string& data, int window_log = 0) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);  // 0: the level's own.
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  std::string out(ZSTD_compressBound(data.size()) + 64, '\0');
  ZSTD_outBuffer o = {&out[0], out.size(), 0};
  ZSTD_inBuffer i = {data.data(), data.size(), 0};
  size_t left;
  do {
    left = ZSTD_compressStream2(cctx, &o, &i, ZSTD_e_end);
  } while (left != 0 && !ZSTD_isError(left));
  ZSTD_freeCCtx(cctx);
  out.resize(o.pos);
  return out;
}

TEST(ZstdTransform, RoundTripsEmptySmallAndLargePayloads) {
  for (const char* spec : {"zstd", "zstd:level=-7", "zstd:level=19"}) {
    std::unique_ptr<Transform> t = Make(spec);
    const size_t large = std::string(spec) == "zstd:level=19" ? 100000 : size_t{3} << 20;
    for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, large}) {
      const std::string data = Text(n);
      std::string packed = "x", back = "y";
      ASSERT_TRUE(t->Compress(data, &packed).ok());
      ASSERT_TRUE(t->Decompress(absl::string_view(packed).substr(1), &back).ok()) << n;
      EXPECT_EQ(back, "y" + data) << spec << " n=" << n;
    }
  }
}

TEST(ZstdTransform, ContentSizeIsRecordedInTheFrame) {
  std::unique_ptr<Transform> t = Make("zstd");
  std::string packed;
  ASSERT_TRUE(t->Compress(Text(12345), &packed).ok());
  EXPECT_EQ(ZSTD_getFrameContentSize(packed.data(), packed.size()), 12345u);
}

TEST(ZstdTransform, EveryTruncationIsRefusedAndLeavesOutputUnchanged) {
  std::unique_ptr<Transform> t = Make("zstd");
  std::string packed;
  ASSERT_TRUE(t->Compress(Text(5000), &packed).ok());
  for (size_t n = 0; n < packed.size(); ++n) {
    std::string out = "keep";
    absl::Status s = t->Decompress(absl::string_view(packed).substr(0, n), &out);
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "prefix " << n;
    EXPECT_THAT(std::string(s.message()), HasSubstr("zstd: malformed input"));
    EXPECT_EQ(out, "keep");
  }
}

TEST(ZstdTransform, TrailingBytesAfterTheFrameAreRefused) {
  std::unique_ptr<Transform> t = Make("zstd");
  std::string packed;
  ASSERT_TRUE(t->Compress("hello", &packed).ok());
  const size_t frame = packed.size();
  std::string out;
  absl::Status s = t->Decompress(packed + "!!", &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(s.message()),
      HasSubstr("2 bytes after the end of the frame at byte offset " + std::to_string(frame)));
  // A second frame is trailing bytes too: one payload, one frame.
  s = t->Decompress(packed + packed, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(out.empty());
}

// libzstd also decodes legacy v0.x frames, whose decoders size their buffers from the frame and
// ignore windowLogMax: this 9-byte v0.7 frame (found by zstd_transform_fuzzer) made it allocate
// 40 MiB under a max of a few bytes. Only the current magic number is accepted; so no skippable
// frame either.
TEST(ZstdTransform, LegacyAndSkippableFramesAreRefusedByMagicNumber) {
  std::unique_ptr<Transform> t = Make("zstd:max=64");
  std::string out;
  const std::string legacy_v07("\x27\xb5\x2f\xfd\x00\x7a\xe6\x74\x65", 9);
  absl::Status s = t->Decompress(legacy_v07, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a zstd frame (bad magic number)"));
  const std::string skippable("\x50\x2a\x4d\x18\x00\x00\x00\x00", 8);
  s = t->Decompress(skippable, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(out.empty());
}

// The content checksum means a corrupted frame never decodes to different bytes: it is refused,
// or (a flipped bit the decoder never reads, such as padding) it decodes to the original.
TEST(ZstdTransform, CorruptedByteIsRefusedOrHarmless) {
  std::unique_ptr<Transform> t = Make("zstd");
  const std::string data = Text(3000);
  std::string packed;
  ASSERT_TRUE(t->Compress(data, &packed).ok());
  size_t refused = 0;
  for (size_t i = 0; i < packed.size(); ++i) {
    std::string bad = packed;
    bad[i] ^= 0x40;
    std::string out;
    absl::Status s = t->Decompress(bad, &out);
    if (s.ok()) {
      EXPECT_EQ(out, data) << "byte " << i;
    } else {
      ++refused;
      EXPECT_TRUE(out.empty());
    }
  }
  EXPECT_GT(refused, packed.size() * 9 / 10);
}

TEST(ZstdTransform, ClaimedSizeOverMaxIsRefusedBeforeDecoding) {
  std::unique_ptr<Transform> big = Make("zstd");
  std::unique_ptr<Transform> small = Make("zstd:max=1000");
  std::string packed;
  ASSERT_TRUE(big->Compress(std::string(1001, 'a'), &packed).ok());
  std::string out;
  absl::Status s = small->Decompress(packed, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("zstd: the frame claims 1001 bytes, over max=1000"));
  packed.clear();
  ASSERT_TRUE(big->Compress(std::string(1000, 'a'), &packed).ok());
  EXPECT_TRUE(small->Decompress(packed, &out).ok());  // Exactly max is fine.
  EXPECT_EQ(out.size(), 1000u);
}

TEST(ZstdTransform, FrameWithoutContentSizeDecodesInChunksUpToMax) {
  std::unique_ptr<Transform> t = Make("zstd:max=1MiB");
  for (size_t n : {size_t{0}, size_t{1}, size_t{100000}, size_t{1} << 20}) {
    const std::string data = Text(n);
    const std::string frame = StreamedFrame(data);
    ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
    std::string out = "p";
    absl::Status s = t->Decompress(frame, &out);
    ASSERT_TRUE(s.ok()) << n << ": " << s;
    EXPECT_EQ(out, "p" + data);
  }
  std::string out = "p";
  absl::Status s = t->Decompress(StreamedFrame(Text((1 << 20) + 1)), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("zstd: decompressed output exceeds max=1MiB"));
  EXPECT_EQ(out, "p");
}

TEST(ZstdTransform, StreamedFrameWithAWindowOverMaxIsRefused) {
  std::unique_ptr<Transform> t = Make("zstd:max=64KiB");
  // An 8 MiB window: its buffers would dwarf max.
  std::string out;
  absl::Status s = t->Decompress(StreamedFrame(Text(1 << 20), 23), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("max=64KiB"));
}

TEST(ZstdTransform, GarbageIsRefusedAsNotAFrame) {
  std::unique_ptr<Transform> t = Make("zstd");
  std::string out;
  for (absl::string_view in :
       {absl::string_view(""), absl::string_view("\x28\xb5"), absl::string_view("hello, world")}) {
    absl::Status s = t->Decompress(in, &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << in;
    EXPECT_THAT(std::string(s.message()), HasSubstr("zstd: malformed input"));
  }
}

TEST(ZstdTransform, CreateRefusesBadOptions) {
  ZstdTransformOptions options;
  options.level = 0;
  EXPECT_EQ(ZstdTransform::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.level = 3;
  options.max_decompressed_size = 0;
  EXPECT_EQ(ZstdTransform::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace framekit
