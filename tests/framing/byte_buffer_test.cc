// Tests for framekit/framing/byte_buffer.h: the linear and mirrored-ring layouts hold exactly the
// bytes committed and not consumed, contiguous, whatever the sequence of reads and consumes.
#include "framekit/framing/byte_buffer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "gtest/gtest.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/length_header_framer.h"

namespace framekit {
namespace {

constexpr size_t kRead = 64 * 1024;

std::string Pattern(size_t n, size_t seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
  return s;
}

// Writes `bytes` through Prepare/Commit, as a read would.
void Write(ByteBuffer& buffer, absl::string_view bytes) {
  char* dst = buffer.Prepare(bytes.size());
  ASSERT_GE(buffer.writable(), bytes.size());
  if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
  buffer.Commit(bytes.size());
}

TEST(ByteBufferTest, SmallStaysLinear) {
  ByteBuffer buffer;
  buffer.Append("hello");
  EXPECT_EQ(buffer.view(), "hello");
  EXPECT_FALSE(buffer.mirrored());
  EXPECT_LE(buffer.capacity(), 4096u);
}

TEST(ByteBufferTest, BecomesRingAtThreshold) {
  ByteBuffer buffer;
  Write(buffer, Pattern(kRead, 1));
  buffer.Consume(100);  // A large partial frame stays: the next read needs 128 KiB - 100.
  Write(buffer, Pattern(kRead, 2));
#if defined(__linux__)
  EXPECT_TRUE(buffer.mirrored()) << "memfd_create/mmap refused: the ring is untested here";
#endif
  EXPECT_GE(buffer.capacity(), ByteBuffer::kMirrorMinCapacity);
  EXPECT_EQ(buffer.view(), Pattern(kRead, 1).substr(100) + Pattern(kRead, 2));
}

// Small partial frames (4 KiB frames in 64 KiB reads) are cheap to compact: the buffer stays
// linear, so every read lands 64-byte aligned.
TEST(ByteBufferTest, SmallPartialFramesStayLinearAndAligned) {
  ByteBuffer buffer;
  for (int i = 0; i < 50; ++i) {
    char* dst = buffer.Prepare(kRead);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(dst) % 64, 0u) << "read " << i;
    std::memcpy(dst, Pattern(kRead, i).data(), kRead);
    buffer.Commit(kRead);
    buffer.Consume(buffer.size() - (4100 * i) % 4000);  // A partial frame of < 4000 bytes.
  }
  EXPECT_FALSE(buffer.mirrored());
  EXPECT_LE(buffer.capacity(), 128u * 1024);
}

TEST(ByteBufferTest, NoMirrorWhenDisallowed) {
  ByteBuffer buffer(/*allow_mirror=*/false);
  for (int i = 0; i < 8; ++i) {
    Write(buffer, Pattern(kRead, i));
    buffer.Consume(kRead - 1000);
  }
  EXPECT_FALSE(buffer.mirrored());
  EXPECT_EQ(buffer.size(), 8 * 1000u);
}

// The point of the ring: pending bytes that run past the end of the pages are still one view,
// and nothing moves to make room.
TEST(ByteBufferTest, RingWrapsWithoutMoving) {
  ByteBuffer buffer;
  Write(buffer, Pattern(kRead, 1));
  buffer.Consume(10);
  Write(buffer, Pattern(kRead, 2));  // Now a ring of 256 KiB.
  if (!buffer.mirrored()) GTEST_SKIP() << "no mirrored mapping on this system";
  buffer.Consume(buffer.size() - 7);
  const size_t capacity = buffer.capacity();
  std::string model(buffer.view());
  // Walk the ring several times round with reads that straddle the end.
  for (int lap = 0; lap < 20; ++lap) {
    const char* before = buffer.data();
    const size_t room = buffer.writable();
    ASSERT_GE(room, 1000u);
    const std::string chunk = Pattern(std::min<size_t>(room, 50000), lap);
    Write(buffer, chunk);
    model += chunk;
    EXPECT_EQ(buffer.data(), before) << "a write with room moved the pending bytes";
    EXPECT_EQ(buffer.capacity(), capacity);
    ASSERT_EQ(buffer.view(), model);
    const size_t consume = model.size() - 7;  // Keep a few bytes so the buffer never resets.
    buffer.Consume(consume);
    model.erase(0, consume);
    ASSERT_EQ(buffer.view(), model);
    ASSERT_LT(buffer.data(), before + 2 * capacity);
  }
}

TEST(ByteBufferTest, RingGrowsKeepingBytes) {
  ByteBuffer buffer;
  std::string model;
  for (int i = 0; i < 6; ++i) {  // Pending grows past several capacities.
    const std::string chunk = Pattern(kRead + 123, i);
    Write(buffer, chunk);
    model += chunk;
    ASSERT_EQ(buffer.view(), model);
  }
  buffer.Consume(model.size());
  EXPECT_TRUE(buffer.empty());
  EXPECT_LE(buffer.capacity(), 1u << 20);
}

// Random reads and consumes against a std::string model, in both layouts.
void RandomOpsMatchModel(bool allow_mirror) {
  absl::BitGen gen;
  ByteBuffer buffer(allow_mirror);
  std::string model;
  size_t seed = 0;
  size_t peak = 0;  // Most bytes ever pending right after a write.
  for (int step = 0; step < 3000; ++step) {
    const int op = absl::Uniform(gen, 0, 3);
    if (op < 2) {
      const size_t n = absl::Uniform<size_t>(gen, 0, op == 0 ? 100 : 70000);
      const std::string chunk = Pattern(n, ++seed);
      if (absl::Bernoulli(gen, 0.5)) {
        buffer.Append(chunk);
      } else {
        Write(buffer, chunk);
      }
      model += chunk;
      peak = std::max(peak, model.size());
    } else if (!model.empty()) {
      const size_t n = absl::Uniform<size_t>(gen, 0, model.size() + 1);
      buffer.Consume(n);
      model.erase(0, n);
    }
    ASSERT_EQ(buffer.size(), model.size());
    ASSERT_TRUE(buffer.view() == model) << "step " << step;
    // Never more than 16 x the most ever pending after a read (the bound fuzz/ checks), or 4 KiB.
    ASSERT_LE(buffer.capacity(), std::max<size_t>(4096, 16 * peak));
  }
  if (!allow_mirror) EXPECT_FALSE(buffer.mirrored());
}

TEST(ByteBufferTest, RandomOpsMatchModelRing) { RandomOpsMatchModel(true); }
TEST(ByteBufferTest, RandomOpsMatchModelLinear) { RandomOpsMatchModel(false); }

TEST(ByteBufferTest, MoveTransfersStorage) {
  ByteBuffer a;
  Write(a, Pattern(kRead, 1));
  a.Consume(5);
  Write(a, Pattern(kRead, 2));
  const std::string expected(a.view());
  const bool mirrored = a.mirrored();
  ByteBuffer b(std::move(a));
  EXPECT_EQ(b.view(), expected);
  EXPECT_EQ(b.mirrored(), mirrored);
  ByteBuffer c;
  c.Append("old");
  c = std::move(b);
  EXPECT_EQ(c.view(), expected);
  c.Consume(c.size());
  EXPECT_TRUE(c.empty());
}

// The case the ring exists for: 64 KiB frames read in 64 KiB pieces. Every frame comes out intact
// and the buffer stays near frame + read, not 16 x that.
TEST(ByteBufferTest, LargeFramesInLargeReads) {
  auto framer = LengthHeaderFramer::Create(LengthHeaderOptions{});
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::string wire;
  std::vector<std::string> sent;
  for (int i = 0; i < 40; ++i) {
    sent.push_back(Pattern(kRead, i));
    ASSERT_TRUE((*framer)->Encode(sent.back(), &wire).ok());
  }
  std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
  size_t got = 0;
  for (size_t off = 0; off < wire.size(); off += kRead) {
    const size_t n = std::min(kRead, wire.size() - off);
    absl::Span<char> dst = decoder->PrepareWrite(n);
    ASSERT_GE(dst.size(), n);
    std::memcpy(dst.data(), wire.data() + off, n);
    decoder->CommitWrite(n);
    absl::string_view frame;
    Decoder::Result r;
    while ((r = decoder->Next(&frame)) == Decoder::kFrame) {
      ASSERT_LT(got, sent.size());
      ASSERT_TRUE(frame == sent[got]) << "frame " << got;
      ++got;
    }
    ASSERT_EQ(r, Decoder::kNeedMore) << decoder->status();
  }
  EXPECT_EQ(got, sent.size());
  EXPECT_TRUE(decoder->Finish().ok());
  EXPECT_LE(decoder->buffer_capacity(), 256u * 1024);
}

}  // namespace
}  // namespace framekit
