// Tests for Decoder::NextReadSize and frame_bytes_missing (framekit/framing/decoder.h): a reader
// that sizes its reads with NextReadSize gets exactly the frames it would get with fixed-size
// reads, and a large frame's partial bytes are never moved to make room.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

constexpr size_t kRead = 64 * 1024;

std::unique_ptr<Framer> Make(const std::string& spec) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  EXPECT_TRUE(framer.ok()) << spec << ": " << framer.status();
  return framer.ok() ? *std::move(framer) : nullptr;
}

std::string Pattern(size_t n, size_t seed) {
  std::string s(n, '\0');
  // Letters only: no delimiter, no comma, no digit.
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

// Feeds the first `n` bytes of `wire` and takes every complete frame (there are none here).
void FeedPrefix(Decoder& decoder, absl::string_view wire, size_t n) {
  ASSERT_TRUE(decoder.Feed(wire.substr(0, n)).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kNeedMore) << decoder.status();
}

// One large payload (40000 bytes: more than half a 64 KiB read) in each framer whose sizes come
// from a header. Once the header is in, the decoder knows to the byte what the frame still needs,
// and NextReadSize asks for exactly that.
TEST(NextReadSizeTest, LargeFrameAsksForItsRest) {
  const std::string payload = Pattern(40000, 1);
  for (const std::string spec :
       {"length:width=4", "length:width=2,order=little", "length:width=varint",
        "length:width=4,offset=1", "ascii:digits=5", "netstring", "fixed:size=40000"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    ASSERT_NE(framer, nullptr);
    std::string wire;
    ASSERT_TRUE(framer->Encode(payload, &wire).ok());
    // Past the header (at most 6 bytes here), at a few points through the payload.
    for (size_t have : {size_t{7}, size_t{100}, size_t{20000}, wire.size() - 1}) {
      std::unique_ptr<Decoder> decoder = framer->NewDecoder();
      FeedPrefix(*decoder, wire, have);
      EXPECT_EQ(decoder->frame_bytes_missing(), wire.size() - have) << "after " << have;
      EXPECT_EQ(decoder->NextReadSize(kRead), wire.size() - have) << "after " << have;
      // Never more than the reader's own read size.
      EXPECT_EQ(decoder->NextReadSize(1000), std::min<size_t>(1000, wire.size() - have));
    }
  }
}

// The netstring's comma is part of the frame: with the payload complete, one byte is missing.
TEST(NextReadSizeTest, NetstringCountsItsComma) {
  std::unique_ptr<Framer> framer = Make("netstring");
  std::string wire;
  ASSERT_TRUE(framer->Encode(Pattern(50000, 2), &wire).ok());
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  FeedPrefix(*decoder, wire, wire.size() - 1);
  EXPECT_EQ(decoder->frame_bytes_missing(), 1u);
  EXPECT_EQ(decoder->NextReadSize(kRead), 1u);
}

// A small frame whose size is known: the read completes it and then takes as many more whole
// frames of that size as fit beside the 20 bytes already buffered, so that it ends on a frame
// boundary if the sizes repeat, and the buffer never needs more than one read's room.
TEST(NextReadSizeTest, SmallFrameReadEndsOnAFrameBoundary) {
  for (const std::string spec :
       {"length:width=4", "ascii:digits=5", "netstring", "fixed:size=64"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    std::string wire;
    ASSERT_TRUE(framer->Encode(Pattern(64, 3), &wire).ok());
    std::unique_ptr<Decoder> decoder = framer->NewDecoder();
    FeedPrefix(*decoder, wire, 20);
    const size_t frame = wire.size();  // 68, 69, 68 or 64 bytes.
    const size_t rest = frame - 20;
    EXPECT_EQ(decoder->frame_bytes_missing(), rest);
    const size_t want = decoder->NextReadSize(kRead);
    EXPECT_EQ(want, rest + (kRead - frame) / frame * frame);
    EXPECT_EQ((want - rest) % frame, 0u);
    EXPECT_GT(20 + want, kRead - frame);  // No room for one more frame.
    EXPECT_LE(20 + want, kRead);
  }
}

// The worked example in decoder.h: 4100-byte frames, 1000 bytes buffered.
TEST(NextReadSizeTest, WorkedExample) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  std::string wire;
  ASSERT_TRUE(framer->Encode(Pattern(4096, 9), &wire).ok());
  ASSERT_EQ(wire.size(), 4100u);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  FeedPrefix(*decoder, wire, 1000);
  EXPECT_EQ(decoder->NextReadSize(kRead), 3100u + 14 * 4100u);
}

// Every frame taken and nothing buffered: the next read asks for whole frames of the last one's
// size (1000 bytes: 65 of them, 65000), so that one size of frame keeps ending where reads end.
TEST(NextReadSizeTest, EmptyBufferAsksForFramesOfTheLastSize) {
  for (const std::string spec :
       {"length:width=4", "length:width=varint", "ascii:digits=5", "netstring", "delimiter"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    const size_t header = spec == "ascii:digits=5" ? 5 : spec == "netstring" ? 4 : 2;  // "995:"
    const size_t trailer = spec == "netstring" || spec == "delimiter" ? 1 : 0;
    const size_t payload =
        1000 - (spec == "delimiter" ? 0 : header) - trailer - (spec == "length:width=4" ? 2 : 0);
    std::string wire;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(framer->Encode(Pattern(payload, i), &wire).ok());
    ASSERT_EQ(wire.size(), 3000u);
    std::unique_ptr<Decoder> decoder = framer->NewDecoder();
    EXPECT_EQ(decoder->NextReadSize(kRead), kRead);  // Nothing taken yet.
    ASSERT_TRUE(decoder->Feed(wire).ok());
    absl::string_view frame;
    for (int i = 0; i < 3; ++i) ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
    ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
    EXPECT_EQ(decoder->NextReadSize(kRead), 65000u);
    EXPECT_EQ(decoder->NextReadSize(2999), 2000u);
    // 1000 > 1999 / 2: no frame-size guess; the 3000 bytes the buffer held since it was last
    // empty, in the room it has.
    EXPECT_EQ(decoder->NextReadSize(1999), 3000u);
    // Once bytes of the next frame are in, the guess no longer applies.
    ASSERT_TRUE(decoder->Feed(wire.substr(0, 1)).ok());
    ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
    EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
  }
}

// A last frame over half a read gives no guess: a full read.
TEST(NextReadSizeTest, EmptyBufferAfterALargeFrameAsksForAFullRead) {
  std::unique_ptr<Framer> framer = Make("length:width=4");
  std::string wire;
  ASSERT_TRUE(framer->Encode(Pattern(40000, 1), &wire).ok());
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed(wire).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
}

// Until a whole header is in, the size is unknown: a full read.
TEST(NextReadSizeTest, PartialHeaderIsUnknown) {
  for (const std::string spec :
       {"length:width=4", "length:width=varint", "ascii:digits=5", "netstring"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    std::string wire;
    ASSERT_TRUE(framer->Encode(Pattern(40000, 4), &wire).ok());
    std::unique_ptr<Decoder> decoder = framer->NewDecoder();
    FeedPrefix(*decoder, wire, 2);  // 2 bytes: no header of these is complete.
    EXPECT_EQ(decoder->frame_bytes_missing(), 0u);
    EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
  }
}

// A delimiter frame's size is never known in advance.
TEST(NextReadSizeTest, DelimiterNeverKnows) {
  std::unique_ptr<Framer> framer = Make("delimiter");
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  FeedPrefix(*decoder, Pattern(50000, 5), 50000);
  EXPECT_EQ(decoder->frame_bytes_missing(), 0u);
  EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
}

// A fixed-length frame's size is known before its first byte.
TEST(NextReadSizeTest, FixedKnowsBeforeAnyByte) {
  std::unique_ptr<Framer> framer = Make("fixed:size=100000");
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  EXPECT_EQ(decoder->frame_bytes_missing(), 100000u);
  EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
  // Small fixed frames: a whole number of them per read, from the first read on.
  std::unique_ptr<Decoder> small = Make("fixed:size=100")->NewDecoder();
  EXPECT_EQ(small->frame_bytes_missing(), 100u);
  EXPECT_EQ(small->NextReadSize(kRead), 65500u);
}

// A header may announce up to the maximum, and an 8-byte width allows lengths near 2^64: the
// size arithmetic must not wrap into a small read.
TEST(NextReadSizeTest, HugeAnnouncedLengthAsksForAFullRead) {
  std::unique_ptr<Framer> framer = Make("length:width=8,max=18000000000000000000");
  ASSERT_NE(framer, nullptr);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  const std::string header("\xf0\x00\x00\x00\x00\x00\x00\x00", 8);  // 1.7e19
  FeedPrefix(*decoder, header + "abc", 11);
  EXPECT_GT(decoder->frame_bytes_missing(), uint64_t{1} << 60);
  EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
}

// A frame being skipped (over the max, kSkip) has no size to complete.
TEST(NextReadSizeTest, SkippedFrameIsUnknown) {
  std::unique_ptr<Framer> framer = Make("length:width=4,max=1KiB,too_long=skip");
  ASSERT_NE(framer, nullptr);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  const std::string header("\x00\x01\x00\x00", 4);  // 65536 bytes announced.
  ASSERT_TRUE(decoder->Feed(header + Pattern(100, 6)).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);     // Reported once...
  ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);  // ...then discarded as it arrives.
  EXPECT_EQ(decoder->frame_bytes_missing(), 0u);
  EXPECT_EQ(decoder->NextReadSize(kRead), kRead);
}

struct Outcome {
  std::vector<std::string> frames;
  uint64_t moved = 0;
  size_t capacity = 0;
  size_t reads = 0;
  // The 64-byte lines where the third and later reads began (placement may start a read anywhere
  // in its line): one line when every such read reuses the front of the buffer.
  std::set<uintptr_t> read_lines;
};

// Reads `wire` as a recv loop would, each read `read(decoder)` bytes (at most what is left).
template <typename ReadSize>
Outcome ReadAll(const Framer& framer, absl::string_view wire, ReadSize read) {
  Outcome out;
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  size_t reads = 0;
  for (size_t off = 0; off < wire.size();) {
    const size_t n = std::min(read(*decoder), wire.size() - off);
    absl::Span<char> dst = decoder->PrepareWrite(n);
    EXPECT_GE(dst.size(), n);
    if (reads++ >= 2) out.read_lines.insert(reinterpret_cast<uintptr_t>(dst.data()) / 64);
    std::memcpy(dst.data(), wire.data() + off, n);
    decoder->CommitWrite(n);
    off += n;
    absl::string_view frame;
    Decoder::Result r;
    while ((r = decoder->Next(&frame)) == Decoder::kFrame) out.frames.emplace_back(frame);
    EXPECT_EQ(r, Decoder::kNeedMore) << decoder->status();
  }
  EXPECT_TRUE(decoder->Finish().ok());
  out.reads = reads;
  out.moved = decoder->buffer_moved_bytes();
  out.capacity = decoder->buffer_capacity();
  return out;
}

// `count` frames of `payload` bytes each (distinct contents), read once with reads sized by
// NextReadSize(kRead) and once with plain kRead reads.
struct BothWays {
  std::vector<std::string> sent;
  Outcome hinted;
  Outcome plain;
};
BothWays ReadBothWays(const Framer& framer, size_t payload, size_t count) {
  BothWays out;
  std::string wire;
  for (size_t i = 0; i < count; ++i) {
    out.sent.push_back(Pattern(payload, i));
    EXPECT_TRUE(framer.Encode(out.sent.back(), &wire).ok());
  }
  out.hinted = ReadAll(framer, wire, [](const Decoder& d) { return d.NextReadSize(kRead); });
  out.plain = ReadAll(framer, wire, [](const Decoder&) { return kRead; });
  return out;
}

// 64 KiB frames read in 64 KiB reads, the case that made every partial frame move: with reads sized
// by NextReadSize, at most one frame's bytes are ever moved (when the buffer first grows), the
// buffer stays at two reads, and the frames are the same as with plain 64 KiB reads.
TEST(NextReadSizeTest, LargeFramesAreNeverMoved) {
  for (const std::string spec :
       {"length:width=4", "length:width=varint", "ascii:digits=6", "netstring"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    const auto [sent, hinted, plain] = ReadBothWays(*framer, kRead, 40);
    EXPECT_TRUE(hinted.frames == sent);
    EXPECT_TRUE(plain.frames == sent);
    EXPECT_LE(hinted.moved, kRead + 16);
    EXPECT_LE(hinted.capacity, 2 * kRead);
    // What the hint saves: without it, partial frames move, or the buffer grows (and copies) to
    // move them less often.
    EXPECT_GT(plain.moved, 4 * kRead);
    EXPECT_GT(plain.capacity, hinted.capacity);
  }
}

// A run of frames larger than a read (64 KiB payloads, 65540-65543 bytes framed): once one has
// been assembled, each later one arrives in one read of its size, into the room the buffer already
// has, instead of a 64 KiB read and then its last few bytes (80 reads for 40 frames before). 40
// frames: 2 reads for the first, 1 for each of the rest, and only the first frame moved (plain
// 64 KiB reads, which ignore frames, take 41 too but move every frame's start).
TEST(NextReadSizeTest, LargeFramesOfOneSizeTakeOneReadEach) {
  for (const std::string spec : {"length:width=4", "length:width=varint", "netstring",
                                 "fixed:size=65540"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    const size_t size = spec.rfind("fixed", 0) == 0 ? 65540 : kRead;
    const auto [sent, hinted, plain] = ReadBothWays(*framer, size, 40);
    EXPECT_TRUE(hinted.frames == sent);
    EXPECT_TRUE(plain.frames == sent);
    EXPECT_EQ(hinted.reads, 41u);
    EXPECT_LE(hinted.moved, kRead + 16);  // once: the first frame, as the buffer grows
    EXPECT_GT(plain.moved, 4 * kRead);
    EXPECT_EQ(hinted.read_lines.size(), 1u);  // every later read at the empty buffer's front
    EXPECT_LE(hinted.capacity, 2 * kRead);
  }
}

// Frames of one size between half a read and a read (40,000-byte payloads): two 64 KiB reads cut
// a frame each time, so each read used to bring one frame and the start of the next, and the read
// completing it that one's rest (two reads per two frames). Once the buffer has emptied after such
// a pair, the next read asks for what the pair took (about 80 KB, within the room the buffer
// already has): one read per two frames, each landing at the empty buffer's front. (Fixed-length
// frames are asked for one whole frame per read from the first: their size is known before any
// byte.)
TEST(NextReadSizeTest, FramesOverHalfAReadTakeOneReadPerPair) {
  for (const std::string spec : {"length:width=4", "length:width=varint", "netstring"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    const auto [sent, hinted, plain] = ReadBothWays(*framer, 40000, 40);
    EXPECT_TRUE(hinted.frames == sent);
    EXPECT_TRUE(plain.frames == sent);
    EXPECT_EQ(hinted.reads, 21u);  // 2 for the first pair, then 1 per pair
    EXPECT_LT(hinted.reads, plain.reads);  // 25: 40 frames' bytes in 64 KiB reads
    EXPECT_LE(hinted.moved, size_t{40000});  // once: the first pair's second frame's start
    EXPECT_LE(hinted.capacity, 2 * kRead);
    EXPECT_EQ(hinted.read_lines.size(), 1u);
  }
}

// Frames of one size under half a read (4 KiB payloads: 4100-4101 bytes framed, which never
// divide a 64 KiB read): with plain 64 KiB reads each read ends inside a frame, whose bytes are
// then moved to make room (~3-5% of the stream); with reads sized by NextReadSize, nothing is moved
// after the first read. The first read (frame size not yet known) ends inside a frame, which is
// moved to the front; the next read completes it and takes the whole frames that fit beside it in
// one read's room; every later read is whole frames into the empty buffer's front. The buffer
// never grows past one read (two reads before: the read after the cut frame did not fit beside it).
TEST(NextReadSizeTest, SmallFramesOfOneSizeAreNeverMoved) {
  for (const std::string spec : {"length:width=4", "length:width=varint", "ascii:digits=5",
                                 "netstring", "fixed:size=4100"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    const size_t size = spec.rfind("fixed", 0) == 0 ? 4100 : 4096;
    const auto [sent, hinted, plain] = ReadBothWays(*framer, size, 200);
    EXPECT_TRUE(hinted.frames == sent);
    EXPECT_TRUE(plain.frames == sent);
    // Only the first read (before any header is known) can end inside a frame; from the third on,
    // every read lands at the front of the empty buffer.
    EXPECT_LE(hinted.moved, size + 8);
    EXPECT_LE(hinted.capacity, kRead);  // One read's room: the read after the cut frame fits.
    EXPECT_EQ(hinted.read_lines.size(), 1u);
    if (spec.rfind("fixed", 0) != 0) {
      EXPECT_GT(plain.moved, 4 * size);
    }
  }
}

// Random frame sizes, from 0 to 200 KiB (either side of the large-frame threshold) and from 0 to
// 5000 bytes (small frames, whose reads are cut to a guessed frame boundary that is then wrong), in
// random-size reads capped by NextReadSize: every frame arrives intact, in order.
TEST(NextReadSizeTest, RandomSizesRoundTrip) {
  absl::BitGen gen;
  for (const size_t max_size : {size_t{200 * 1024}, size_t{5000}}) {
    for (const std::string spec : {"length:width=4", "length:width=varint", "ascii:digits=7",
                                   "netstring", "fixed:size=70000", "fixed:size=300"}) {
      SCOPED_TRACE(spec + " max_size " + std::to_string(max_size));
      std::unique_ptr<Framer> framer = Make(spec);
      size_t fixed = 0;
      if (spec == "fixed:size=70000") fixed = 70000;
      if (spec == "fixed:size=300") fixed = 300;
      std::vector<std::string> sent;
      std::string wire;
      for (size_t i = 0; i < 60; ++i) {
        const size_t size = fixed != 0 ? fixed : absl::Uniform<size_t>(gen, 0, max_size);
        sent.push_back(Pattern(size, i));
        ASSERT_TRUE(framer->Encode(sent.back(), &wire).ok());
      }
      const size_t read_size = absl::Uniform<size_t>(gen, 1000, 2 * kRead);
      const Outcome got = ReadAll(*framer, wire, [&](const Decoder& d) {
        const size_t want = d.NextReadSize(read_size);
        EXPECT_GE(want, 1u);
        // At most a read, or the room the buffer has after a frame larger than a read.
        EXPECT_LE(want, std::max(read_size, d.buffer_capacity()));
        return absl::Uniform<size_t>(gen, 1, want + 1);  // recv may return less than asked.
      });
      EXPECT_TRUE(got.frames == sent);
    }
  }
}

}  // namespace
}  // namespace framekit
