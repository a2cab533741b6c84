// Tests for framekit/framing/byte_buffer.h: the buffer holds exactly the bytes committed and not
// consumed, contiguous, whatever the sequence of reads and consumes; each byte sits at an address
// congruent to its stream offset modulo 64 whenever that costs no extra memory.
#include "framekit/framing/byte_buffer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_framer.h"
#include "gtest/gtest.h"

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

TEST(ByteBufferTest, SmallStaysSmall) {
  ByteBuffer buffer;
  buffer.Append("hello");
  EXPECT_EQ(buffer.view(), "hello");
  EXPECT_LE(buffer.capacity(), 4096u);
}

// last_emptying_consume: the n of the Consume that emptied the buffer, only while it is empty.
TEST(ByteBufferTest, LastEmptyingConsume) {
  ByteBuffer buffer;
  EXPECT_EQ(buffer.last_emptying_consume(), 0u);
  Write(buffer, Pattern(300, 1));
  buffer.Consume(100);
  EXPECT_EQ(buffer.last_emptying_consume(), 0u);  // Not empty.
  buffer.Consume(200);
  EXPECT_EQ(buffer.last_emptying_consume(), 200u);
  ByteBuffer moved = std::move(buffer);
  EXPECT_EQ(moved.last_emptying_consume(), 200u);
  EXPECT_EQ(buffer.last_emptying_consume(), 0u);  // NOLINT(bugprone-use-after-move): reset
  EXPECT_TRUE(moved.TrimIfEmpty(0));
  EXPECT_EQ(moved.last_emptying_consume(), 200u);  // Still empty, still at that boundary.
  Write(moved, "x");
  EXPECT_EQ(moved.last_emptying_consume(), 0u);  // Bytes pending again.
  moved.Clear();
  EXPECT_EQ(moved.last_emptying_consume(), 0u);  // Emptied without a Consume.
}

// last_run: every byte between the buffer's last two empty states (reads, appends, borrowed
// bytes), only while it is empty; a Clear starts over.
TEST(ByteBufferTest, LastRunCountsEveryByteSinceTheBufferWasEmpty) {
  ByteBuffer buffer;
  EXPECT_EQ(buffer.last_run(), 0u);
  Write(buffer, Pattern(300, 1));
  buffer.Consume(300);
  EXPECT_EQ(buffer.last_run(), 300u);  // One read, consumed whole.
  Write(buffer, Pattern(500, 2));
  buffer.Consume(400);
  EXPECT_EQ(buffer.last_run(), 0u);  // Not empty.
  buffer.Append(Pattern(250, 3));
  buffer.Consume(350);
  EXPECT_EQ(buffer.last_run(), 750u);  // Two writes, three frames.
  const std::string borrowed = Pattern(90, 4);
  buffer.Borrow(borrowed);
  buffer.Consume(90);
  EXPECT_EQ(buffer.last_run(), 90u);
  ByteBuffer moved = std::move(buffer);
  EXPECT_EQ(moved.last_run(), 90u);
  EXPECT_EQ(buffer.last_run(), 0u);  // NOLINT(bugprone-use-after-move): reset
  Write(moved, Pattern(70, 5));
  moved.Clear();
  EXPECT_EQ(moved.last_run(), 0u);  // Emptied without a Consume.
  Write(moved, Pattern(30, 6));
  moved.Consume(30);
  EXPECT_EQ(moved.last_run(), 30u);  // The dropped 70 bytes are not counted.
}

uint64_t AddressPhase(const char* p) { return reinterpret_cast<uintptr_t>(p) % 64; }

// 4 KiB frames in 64 KiB reads: the partial frame left by each read is compacted, and every byte,
// moved or read, sits at an address congruent to its stream offset modulo 64 -- an address, not
// just an offset (plain new[] storage is only 16-aligned). A read whose source is laid out by
// stream offset is then a mutually aligned copy.
TEST(ByteBufferTest, BytesSitAtTheirStreamOffsetModulo64) {
  ByteBuffer buffer;
  uint64_t consumed = 0;
  uint64_t committed = 0;
  for (int i = 0; i < 50; ++i) {
    char* dst = buffer.Prepare(kRead);
    EXPECT_EQ(AddressPhase(dst), committed % 64) << "read " << i;
    std::memcpy(dst, Pattern(kRead, i).data(), kRead);
    buffer.Commit(kRead);
    committed += kRead;
    const size_t take =
        buffer.size() - (4100 * i) % 4000;  // Leaves a partial frame of < 4000 bytes.
    buffer.Consume(take);
    consumed += take;
    EXPECT_EQ(AddressPhase(buffer.data()), consumed % 64) << "read " << i;
  }
  EXPECT_GT(buffer.moved_bytes(), 0u);
  EXPECT_LE(buffer.capacity(), 128u * 1024);
}

// Placement never costs memory: a full-capacity read into an emptied buffer whose next stream
// offset is not a multiple of 64 goes to the front rather than growing the buffer; the phase comes
// back once the buffer empties again.
TEST(ByteBufferTest, PlacementGivesWayRatherThanGrow) {
  ByteBuffer buffer;
  Write(buffer, Pattern(4096, 1));
  ASSERT_EQ(buffer.capacity(), 4096u);
  buffer.Consume(4096 - 100);
  buffer.Consume(100);  // Empty at stream offset 4096.
  Write(buffer, Pattern(36, 2));
  buffer.Consume(36);  // Empty at stream offset 4132 (phase 36).
  char* dst = buffer.Prepare(4096);
  EXPECT_EQ(buffer.capacity(), 4096u);  // Not grown for placement...
  EXPECT_EQ(AddressPhase(dst), 0u);     // ...so the read starts at the front.
  std::memcpy(dst, Pattern(4096, 3).data(), 4096);
  buffer.Commit(4096);
  EXPECT_EQ(buffer.view(), Pattern(4096, 3));
  buffer.Consume(4096);  // Empty at stream offset 8228 (phase 36).
  EXPECT_EQ(AddressPhase(buffer.Prepare(100)), 8228u % 64);
  EXPECT_EQ(buffer.capacity(), 4096u);
}

// TrimIfEmpty frees only an empty buffer over the limit, and the stream goes on after it with its
// placement intact: the next byte still lands at its stream offset's phase.
TEST(ByteBufferTest, TrimFreesOnlyAnEmptyBufferOverTheLimit) {
  ByteBuffer buffer;
  EXPECT_FALSE(buffer.TrimIfEmpty(0));  // Nothing allocated.
  Write(buffer, Pattern(100000, 1));
  const size_t grown = buffer.capacity();
  ASSERT_GE(grown, 100000u);
  EXPECT_FALSE(buffer.TrimIfEmpty(0));  // Bytes pending: never.
  buffer.Consume(99990);
  EXPECT_FALSE(buffer.TrimIfEmpty(0));
  buffer.Consume(10);                       // Empty at stream offset 100000 (phase 32).
  EXPECT_FALSE(buffer.TrimIfEmpty(grown));  // Not over the limit: kept.
  EXPECT_EQ(buffer.capacity(), grown);
  EXPECT_TRUE(buffer.TrimIfEmpty(grown - 1));
  EXPECT_EQ(buffer.capacity(), 0u);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(AddressPhase(buffer.Prepare(100)), 100000u % 64);
  EXPECT_EQ(buffer.capacity(), 4096u);  // Only what the next read asks for.
  const std::string next = Pattern(100, 2);
  std::memcpy(buffer.Prepare(100), next.data(), next.size());
  buffer.Commit(next.size());
  EXPECT_EQ(buffer.view(), next);
}

// TrimIfOutgrown keeps a buffer the last run (the reads between two empty states) needed, so a
// stream of large frames is not freed and re-allocated frame by frame; the first run that fits
// in the limit frees it. Bytes read in place (borrowed) never needed the buffer.
TEST(ByteBufferTest, TrimIfOutgrownKeepsWhatTheLastRunNeeded) {
  constexpr size_t kLimit = 128 * 1024;
  ByteBuffer buffer;
  EXPECT_FALSE(buffer.TrimIfOutgrown(kLimit));  // Nothing allocated.
  Write(buffer, Pattern(300000, 1));
  const size_t grown = buffer.capacity();
  ASSERT_GT(grown, kLimit);
  buffer.Consume(300000);
  EXPECT_FALSE(buffer.TrimIfOutgrown(kLimit));  // The run held 300000 bytes: kept.
  EXPECT_EQ(buffer.capacity(), grown);
  Write(buffer, Pattern(kLimit + 1, 2));  // One byte over the limit.
  buffer.Consume(kLimit + 1);
  EXPECT_FALSE(buffer.TrimIfOutgrown(kLimit));
  EXPECT_EQ(buffer.capacity(), grown);  // Reused, not re-allocated.
  // Small frames, each consumed before the next read.
  for (int i = 0; i < 3; ++i) {
    Write(buffer, Pattern(1000, 3 + i));
    buffer.Consume(1000);
  }
  EXPECT_TRUE(buffer.TrimIfOutgrown(kLimit));  // The last run held 1000 bytes.
  EXPECT_EQ(buffer.capacity(), 0u);

  Write(buffer, Pattern(300000, 6));
  buffer.Consume(300000);
  const std::string in_place = Pattern(kLimit * 2, 7);
  buffer.Borrow(in_place);  // A run read in place: no byte in the buffer's own storage.
  buffer.Consume(in_place.size());
  EXPECT_TRUE(buffer.TrimIfOutgrown(kLimit));
  buffer.Borrow(in_place);
  buffer.Consume(in_place.size() - 200000);
  EXPECT_EQ(buffer.Unborrow(), 200000u);  // The rest copied in: this run needs 200000 bytes.
  buffer.Consume(200000);
  EXPECT_FALSE(buffer.TrimIfOutgrown(kLimit));
  EXPECT_TRUE(buffer.TrimIfOutgrown(0));  // 0: whenever empty.
  Write(buffer, Pattern(300000, 8));
  buffer.Consume(300000);
  EXPECT_TRUE(buffer.TrimIfEmpty(kLimit));  // Unconditional, as for an idle connection.
}

// Random reads and consumes against a std::string model.
void RandomOpsMatchModel() {
  absl::BitGen gen;
  ByteBuffer buffer;
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
    // byte_buffer.h's bound (which fuzz/ checks too): 16 x the most ever pending after a read
    // up to 1 MiB, 4 x beyond; never less than 4 KiB.
    ASSERT_LE(buffer.capacity(),
              std::max({size_t{4096}, std::min<size_t>(16 * peak, 1 << 20), 4 * peak}));
  }
}

TEST(ByteBufferTest, RandomOpsMatchModel) { RandomOpsMatchModel(); }

TEST(ByteBufferTest, MoveTransfersStorage) {
  ByteBuffer a;
  Write(a, Pattern(kRead, 1));
  a.Consume(5);
  Write(a, Pattern(kRead, 2));
  const std::string expected(a.view());
  ByteBuffer b(std::move(a));
  EXPECT_EQ(b.view(), expected);
  ByteBuffer c;
  c.Append("old");
  c = std::move(b);
  EXPECT_EQ(c.view(), expected);
  c.Consume(c.size());
  EXPECT_TRUE(c.empty());
}

// A moved-from buffer holds nothing and takes new bytes like a new one.
TEST(ByteBufferTest, MovedFromIsEmptyAndUsable) {
  ByteBuffer a;
  a.Append(Pattern(10000, 3));
  ByteBuffer b(std::move(a));
  EXPECT_EQ(b.size(), 10000u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the state after a move is the point.
  EXPECT_EQ(a.capacity(), 0u);
  a.Append("again");
  EXPECT_EQ(a.view(), "again");
}

// 64 KiB frames read in 64 KiB pieces (each partial frame too large to compact cheaply): every
// frame comes out intact and the buffer stays within max(1 MiB, 4 x (frame + read)).
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
  EXPECT_LE(decoder->buffer_capacity(), std::max<size_t>(1 << 20, 4 * (kRead + 4 + kRead)));
}

// Frames of random sizes up to `max`, larger than a read, fed in reads sized by NextReadSize as a
// receive loop would (each read filled, as from a fast peer); returns the largest capacity the
// decoder's buffer reached. Every frame must come out intact.
size_t LargestCapacityForRandomFrames(const Framer& framer, size_t max, uint32_t seed,
                                      size_t frames_per_max) {
  std::mt19937 gen(seed);  // seeded: the same sizes every run
  std::string wire;
  std::vector<size_t> sizes;
  for (size_t total = 0; total < frames_per_max * max; total += sizes.back()) {
    sizes.push_back(1 + gen() % max);
    const std::string payload(sizes.back(), static_cast<char>('a' + sizes.size() % 26));
    EXPECT_TRUE(framer.Encode(payload, &wire).ok());
  }
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  size_t got = 0, largest = 0;
  for (size_t off = 0; off < wire.size();) {
    const size_t n = std::min(decoder->NextReadSize(kRead), wire.size() - off);
    std::memcpy(decoder->PrepareWrite(n).data(), wire.data() + off, n);
    decoder->CommitWrite(n);
    off += n;
    absl::string_view frame;
    Decoder::Result r;
    while ((r = decoder->Next(&frame)) == Decoder::kFrame) {
      EXPECT_LT(got, sizes.size());
      if (got >= sizes.size()) return largest;
      EXPECT_EQ(frame.size(), sizes[got]) << "frame " << got;
      const char fill = static_cast<char>('a' + (got + 1) % 26);
      EXPECT_EQ(frame.find_first_not_of(fill), absl::string_view::npos) << "frame " << got;
      ++got;
    }
    EXPECT_EQ(r, Decoder::kNeedMore) << decoder->status();
    largest = std::max(largest, decoder->buffer_capacity());
  }
  EXPECT_EQ(got, sizes.size());
  return largest;
}

// Over `seeds` streams of random frames up to `max` (the framer `spec` + max; `overhead` bytes of
// framing each), the buffer stays within byte_buffer.h's bound for a decoder:
// max(1 MiB, 4 x (max frame + read)).
void ExpectWithinFourTimesMaxFramePlusRead(const std::string& spec, size_t max, size_t overhead,
                                           int seeds, size_t frames_per_max) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(absl::StrCat(spec, max));
  ASSERT_TRUE(framer.ok()) << framer.status();
  for (int seed = 1; seed <= seeds; ++seed) {
    const size_t largest = LargestCapacityForRandomFrames(**framer, max, seed, frames_per_max);
    EXPECT_LE(largest, std::max<size_t>(1 << 20, 4 * (max + overhead + kRead)))
        << spec << max << " seed " << seed;
  }
}

// Growing rather than moving a partial frame whenever it was over 1/8 of the buffer let these
// reach 8x.
TEST(ByteBufferTest, DelimiterFramesOfUnknownSizeKeepTheBufferWithinFourTimesMaxFramePlusRead) {
  for (size_t max : {size_t{256} << 10, size_t{4} << 20}) {
    ExpectWithinFourTimesMaxFramePlusRead("delimiter:max=", max, 1, 4, 12);
  }
}

// The same for frames whose size the header tells: before this bound, reads of the run rule
// (NextReadSize) that filled the buffer left a partial frame at its end, and it doubled to 8x.
TEST(ByteBufferTest, LengthFramesLargerThanAReadKeepTheBufferWithinFourTimesMaxFramePlusRead) {
  for (size_t max : {size_t{256} << 10, size_t{1} << 20}) {
    ExpectWithinFourTimesMaxFramePlusRead("length:width=4,max=", max, 4, 3, 64);
  }
}

}  // namespace
// Borrowing: pending bytes read in place; taking them all ends it, a partial remainder is copied
// into owned storage by Unborrow, and appending ends it (copying first) without losing a byte.
TEST(ByteBuffer, BorrowedBytesAreReadInPlaceAndTheRemainderCopiedOnUnborrow) {
  ByteBuffer b;
  b.Append("xy");
  b.Consume(2);
  const std::string input = "hello, world";
  b.Borrow(input);
  EXPECT_TRUE(b.borrowed());
  EXPECT_EQ(b.data(), input.data()) << "not copied";
  EXPECT_EQ(b.view(), input);
  b.Consume(7);
  EXPECT_EQ(b.data(), input.data() + 7);
  EXPECT_EQ(b.Unborrow(), 5u);  // "world" copied
  EXPECT_FALSE(b.borrowed());
  EXPECT_NE(b.data(), input.data() + 7);
  EXPECT_EQ(b.view(), "world");
  b.Append("!");
  EXPECT_EQ(b.view(), "world!");
}

TEST(ByteBuffer, ConsumingEveryBorrowedByteEndsTheBorrowingWithoutACopy) {
  ByteBuffer b;
  const std::string input = "abc";
  b.Borrow(input);
  b.Consume(3);
  EXPECT_FALSE(b.borrowed());
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.Unborrow(), 0u);
  char* p = b.Prepare(10);  // owned storage again, never the borrowed bytes
  EXPECT_TRUE(p < input.data() || p >= input.data() + input.size());
  std::memcpy(p, "0123456789", 10);
  b.Commit(10);
  EXPECT_EQ(b.view(), "0123456789");
  EXPECT_EQ(input, "abc") << "the borrowed bytes were written";
}

TEST(ByteBuffer, PrepareWhileBorrowedCopiesThePendingBytesFirst) {
  ByteBuffer b;
  const std::string input(100, 'b');
  b.Borrow(input);
  b.Consume(40);
  char* p = b.Prepare(4096);
  std::memset(p, 'n', 4096);
  b.Commit(4096);
  EXPECT_FALSE(b.borrowed());
  EXPECT_EQ(b.view(), std::string(60, 'b') + std::string(4096, 'n'));
  EXPECT_EQ(input, std::string(100, 'b'));
}

}  // namespace framekit
