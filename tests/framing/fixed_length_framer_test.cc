#include "framekit/framing/fixed_length_framer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framer_spec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/framing/testing/decode_helpers.h"

namespace framekit {
namespace {

using ::framekit::testing::DecodeByteByByte;
using ::framekit::testing::DecodeInPieces;
using ::framekit::testing::DecodeOutcome;
using ::framekit::testing::DecodeWhole;
using ::framekit::testing::EncodeAll;
using ::framekit::testing::ExpectDecodesAtEverySplit;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::unique_ptr<FixedLengthFramer>> Create(uint64_t size,
                                                          std::optional<uint8_t> pad = std::nullopt,
                                                          uint64_t max = kDefaultMaxFrameSize) {
  FixedLengthOptions options;
  options.frame_size = size;
  options.pad = pad;
  options.max_frame_size = max;
  return FixedLengthFramer::Create(options);
}

std::unique_ptr<FixedLengthFramer> Make(uint64_t size, std::optional<uint8_t> pad = std::nullopt,
                                        uint64_t max = kDefaultMaxFrameSize) {
  absl::StatusOr<std::unique_ptr<FixedLengthFramer>> framer = Create(size, pad, max);
  EXPECT_TRUE(framer.ok()) << framer.status();
  return framer.ok() ? std::move(*framer) : nullptr;
}

TEST(FixedLengthFramerTest, FramesAtEverySplit) {
  auto framer = Make(4);
  ExpectDecodesAtEverySplit(*framer, "abcdefghijkl", {"abcd", "efgh", "ijkl"});
  ExpectDecodesAtEverySplit(*framer, "", {});
  ExpectDecodesAtEverySplit(*Make(1), std::string("a\0b", 3), {"a", std::string(1, '\0'), "b"});
}

TEST(FixedLengthFramerTest, ManyFramesInOneFeed) {
  auto framer = Make(16);
  std::string stream;
  std::vector<std::string> expected;
  for (int i = 0; i < 10000; ++i) {
    expected.push_back(absl::StrCat("frame ", 1000000 + i, "   ").substr(0, 16));
    stream += expected.back();
  }
  ASSERT_EQ(stream.size(), 16u * 10000);
  DecodeOutcome got = DecodeWhole(*framer, stream);
  EXPECT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.frames, expected);
}

TEST(FixedLengthFramerTest, DecoderDeliversPaddingToo) {
  auto framer = Make(8, ' ');
  const std::string wire = EncodeAll(*framer, {"BUY", "SELL 100", ""});
  EXPECT_EQ(wire, "BUY     SELL 100        ");
  ExpectDecodesAtEverySplit(*framer, wire, {"BUY     ", "SELL 100", "        "});
}

TEST(FixedLengthFramerTest, RandomRoundTrips) {
  std::mt19937 rng(7);
  for (uint64_t size : {1u, 3u, 16u, 100u}) {
    SCOPED_TRACE(size);
    for (bool padded : {false, true}) {
      auto framer = Make(size, padded ? std::optional<uint8_t>(0) : std::nullopt);
      std::vector<std::string> payloads, frames;
      for (int i = 0; i < 100; ++i) {
        // Unpadded framers only take exact sizes; padded ones anything up to size, empty included.
        const size_t n = padded ? rng() % (size + 1) : size;
        std::string payload(n, '\0');
        for (char& c : payload) c = static_cast<char>(rng());
        payloads.push_back(payload);
        frames.push_back(payload + std::string(size - n, '\0'));
      }
      const std::string wire = EncodeAll(*framer, payloads);
      ASSERT_EQ(wire.size(), size * payloads.size());
      EXPECT_EQ(DecodeWhole(*framer, wire).frames, frames);
      EXPECT_EQ(DecodeByteByByte(*framer, wire).frames, frames);
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<size_t> cuts;
        for (size_t i = 1; i < wire.size(); ++i) {
          if (rng() % 7 == 0) cuts.push_back(i);
        }
        std::unique_ptr<Decoder> decoder = framer->NewDecoder();
        DecodeOutcome got = DecodeInPieces(*decoder, wire, cuts);
        EXPECT_TRUE(got.status.ok()) << got.status;
        EXPECT_EQ(got.frames, frames);
      }
    }
  }
}

TEST(FixedLengthFramerTest, ShortPayloadPaddedFromFramerOwnedBytes) {
  auto framer = Make(6, 0x20);
  std::string out;
  ASSERT_TRUE(framer->Encode("ab", &out).ok());
  EXPECT_EQ(out, "ab    ");
  FrameEnvelope first, second;
  ASSERT_TRUE(framer->EncodeEnvelope("ab", &first).ok());
  ASSERT_TRUE(framer->EncodeEnvelope("", &second).ok());
  EXPECT_TRUE(first.header().empty());
  EXPECT_EQ(first.trailer(), "    ");
  EXPECT_EQ(second.trailer(), "      ");
  EXPECT_EQ(first.trailer().data(), second.trailer().data());  // One buffer, no per-call copy.
  FrameEnvelope exact;
  ASSERT_TRUE(framer->EncodeEnvelope("abcdef", &exact).ok());
  EXPECT_EQ(exact.overhead(), 0u);
}

TEST(FixedLengthFramerTest, ShortPayloadWithoutPadRefused) {
  auto framer = Make(4);
  std::string out = "keep";
  absl::Status status = framer->Encode("abc", &out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("pad"));
  EXPECT_EQ(out, "keep");
  FrameEnvelope envelope;
  EXPECT_EQ(framer->EncodeEnvelope("", &envelope).code(), absl::StatusCode::kInvalidArgument);
}

TEST(FixedLengthFramerTest, ExactlyFrameSizeAcceptedOneMoreRefused) {
  for (std::optional<uint8_t> pad : {std::optional<uint8_t>(), std::optional<uint8_t>('.')}) {
    auto framer = Make(4, pad);
    EXPECT_EQ(framer->max_payload_size(), 4u);
    std::string out;
    EXPECT_TRUE(framer->Encode("abcd", &out).ok());
    EXPECT_EQ(framer->Encode("abcde", &out).code(), absl::StatusCode::kResourceExhausted);
    FrameEnvelope envelope;
    EXPECT_EQ(framer->EncodeEnvelope("abcde", &envelope).code(),
              absl::StatusCode::kResourceExhausted);
    EXPECT_EQ(out, "abcd");
  }
}

TEST(FixedLengthFramerTest, BufferStaysSmallAcrossManyFrames) {
  auto framer = Make(16);
  FixedLengthDecoder decoder = framer->MakeDecoder();
  const std::string chunk(1000, 'x');  // Not a multiple of 16: frames straddle feeds.
  absl::string_view frame;
  size_t frames = 0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(decoder.Feed(chunk).ok());
    while (decoder.Next(&frame) == Decoder::kFrame) {
      ASSERT_EQ(frame.size(), 16u);
      ++frames;
    }
    ASSERT_LT(decoder.buffered_bytes(), 16u);
  }
  EXPECT_EQ(frames, 1000u * 1000 / 16);
  EXPECT_LE(decoder.buffer_capacity(), 4096u);
  EXPECT_EQ(decoder.stream_offset(), frames * 16);
}

TEST(FixedLengthFramerTest, EofMidFrameIsDataLossWithPendingCount) {
  auto framer = Make(4);
  DecodeOutcome got = DecodeWhole(*framer, "abcdefg");
  EXPECT_THAT(got.frames, ElementsAre("abcd"));
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(got.status.message(), HasSubstr("3 bytes pending"));
  EXPECT_THAT(got.status.message(), HasSubstr("fixed"));
  ExpectDecodesAtEverySplit(*framer, "abcdefg", {"abcd"}, absl::StatusCode::kDataLoss);
}

TEST(FixedLengthFramerTest, NeverFailsSoFeedIsAlwaysAccepted) {
  // No byte sequence is malformed: there is no fatal state to refuse input from.
  auto framer = Make(2);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  absl::string_view frame;
  ASSERT_TRUE(decoder->Feed(std::string("\xff\0\n", 3)).ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_FALSE(decoder->failed());
  EXPECT_TRUE(decoder->status().ok());
  EXPECT_EQ(decoder->Finish().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(decoder->Feed("x").ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "\nx");
  EXPECT_TRUE(decoder->Finish().ok());
}

TEST(FixedLengthFramerTest, MovedDecoderKeepsItsState) {
  auto framer = Make(3);
  FixedLengthDecoder first = framer->MakeDecoder();
  ASSERT_TRUE(first.Feed("abcde").ok());
  absl::string_view frame;
  ASSERT_EQ(first.Next(&frame), Decoder::kFrame);
  FixedLengthDecoder second(std::move(first));
  EXPECT_EQ(second.stream_offset(), 3u);
  ASSERT_TRUE(second.Feed("f").ok());
  ASSERT_EQ(second.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "def");
  EXPECT_TRUE(second.Finish().ok());
}

TEST(FixedLengthFramerTest, BadOptionsAreInvalidArgument) {
  EXPECT_TRUE(Create(1).ok());
  EXPECT_TRUE(Create(1024, std::nullopt, 1024).ok());  // frame_size == max.
  const std::vector<absl::Status> bad = {
      Create(0).status(),                         // Required.
      Create(1025, std::nullopt, 1024).status(),  // Over max.
      Create(1, 0x20, 0).status(),                // max 0.
      Create(kDefaultMaxFrameSize + 1).status(),  // Over the default max.
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(bad[i].code(), absl::StatusCode::kInvalidArgument) << i << ": " << bad[i];
    EXPECT_THAT(bad[i].message(), HasSubstr("fixed: bad option")) << i;
  }
}

TEST(FixedLengthFramerTest, SpecIsCanonical) {
  EXPECT_EQ(Make(16)->kind(), "fixed");
  EXPECT_EQ(Make(16)->Spec(), "fixed:size=16,pad=none,max=1MiB");
  EXPECT_EQ(Make(16, 0x20)->Spec(), "fixed:size=16,pad=0x20,max=1MiB");
  EXPECT_EQ(Make(16, 0)->Spec(), "fixed:size=16,pad=0x00,max=1MiB");
  EXPECT_EQ(Make(2048, 0xAB, 4096)->Spec(), "fixed:size=2048,pad=0xAB,max=4KiB");
  EXPECT_EQ(Make(7, std::nullopt, 7)->Spec(), "fixed:size=7,pad=none,max=7");
}

TEST(FixedLengthFramerTest, SpecRoundTripsThroughMakeFramer) {
  for (const auto& framer :
       {Make(16), Make(16, 0x20), Make(16, 0), Make(2048, 0xAB, 4096), Make(7, std::nullopt, 7)}) {
    absl::StatusOr<std::unique_ptr<Framer>> parsed = MakeFramer(framer->Spec());
    ASSERT_TRUE(parsed.ok()) << framer->Spec() << ": " << parsed.status();
    EXPECT_EQ((*parsed)->Spec(), framer->Spec());
  }
}

}  // namespace
}  // namespace framekit
