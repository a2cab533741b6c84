#include "framekit/framing/ascii_length_framer.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

std::unique_ptr<AsciiLengthFramer> Make(int digits = 5, uint64_t max = kDefaultMaxFrameSize,
                                        TooLongPolicy policy = TooLongPolicy::kFail) {
  AsciiLengthOptions options;
  options.digits = digits;
  options.max_frame_size = max;
  options.on_too_long = policy;
  absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> framer = AsciiLengthFramer::Create(options);
  EXPECT_TRUE(framer.ok()) << framer.status();
  return std::move(framer).value();
}

// Where a stream fed one byte at a time first makes Next() return kError.
struct FirstError {
  int64_t after_byte = -1;  // Index of the byte whose arrival produced the error; -1 if none.
  absl::Status status;
};

FirstError FeedUntilError(const Framer& framer, absl::string_view stream) {
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  absl::string_view frame;
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_TRUE(decoder->Feed(stream.substr(i, 1)).ok());
    Decoder::Result r;
    while ((r = decoder->Next(&frame)) == Decoder::kFrame) {
    }
    if (r == Decoder::kError) return {static_cast<int64_t>(i), decoder->status()};
  }
  return {};
}

// Checks that `stream` is refused with `code` exactly when byte `index` arrives, and that the
// error names that byte's stream offset.
void ExpectRefusedAt(const Framer& framer, absl::string_view stream, int64_t index,
                     absl::StatusCode code) {
  FirstError got = FeedUntilError(framer, stream);
  EXPECT_EQ(got.after_byte, index) << absl::CHexEscape(stream) << ": " << got.status;
  EXPECT_EQ(got.status.code(), code) << absl::CHexEscape(stream) << ": " << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), absl::StrCat("stream offset ", index, ":")) ||
              absl::StrContains(got.status.message(), absl::StrCat("stream offset ", index, " ")))
      << got.status;
}

// Decodes `stream` cut at `cuts`, going on after non-fatal (skip) errors, which appear in the
// result as "<error CODE>"; a fatal error or Finish()'s error ends it as "<fatal CODE>".
std::vector<std::string> DecodeThroughSkips(const Framer& framer, absl::string_view stream,
                                            std::vector<size_t> cuts) {
  std::unique_ptr<Decoder> decoder = framer.NewDecoder();
  std::vector<std::string> out;
  cuts.push_back(stream.size());
  size_t start = 0;
  for (size_t end : cuts) {
    if (!decoder->Feed(stream.substr(start, end - start)).ok()) {
      out.push_back("<feed refused>");
      return out;
    }
    start = end;
    absl::string_view frame;
    for (;;) {
      Decoder::Result r = decoder->Next(&frame);
      if (r == Decoder::kNeedMore) break;
      if (r == Decoder::kFrame) {
        out.emplace_back(frame);
      } else if (decoder->failed()) {
        out.push_back(
            absl::StrCat("<fatal ", absl::StatusCodeToString(decoder->status().code()), ">"));
        return out;
      } else {
        out.push_back(
            absl::StrCat("<error ", absl::StatusCodeToString(decoder->status().code()), ">"));
      }
    }
  }
  absl::Status finish = decoder->Finish();
  if (!finish.ok()) {
    out.push_back(absl::StrCat("<fatal ", absl::StatusCodeToString(finish.code()), ">"));
  }
  return out;
}

void ExpectSkipsAtEverySplit(const Framer& framer, absl::string_view stream,
                             const std::vector<std::string>& expected) {
  EXPECT_EQ(DecodeThroughSkips(framer, stream, {}), expected) << "whole";
  std::vector<size_t> every;
  for (size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  EXPECT_EQ(DecodeThroughSkips(framer, stream, every), expected) << "byte by byte";
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    EXPECT_EQ(DecodeThroughSkips(framer, stream, {cut}), expected) << "cut at " << cut;
  }
}

// ---- Encoding ----

TEST(AsciiLengthFramer, GoldenHelloIsFiveDigitHeader) {
  auto framer = Make();
  std::string wire = "prefix:";
  ASSERT_TRUE(framer->Encode("hello", &wire).ok());
  EXPECT_EQ(wire, "prefix:00005hello");  // Appends.
  FrameEnvelope envelope;
  ASSERT_TRUE(framer->EncodeEnvelope("hello", &envelope).ok());
  EXPECT_EQ(envelope.header(), "00005");
  EXPECT_EQ(envelope.trailer(), "");
  EXPECT_EQ(envelope.overhead(), 5u);
}

TEST(AsciiLengthFramer, EmptyPayloadIsAllZeroHeader) {
  auto framer = Make();
  EXPECT_EQ(EncodeAll(*framer, {""}), "00000");
  ExpectDecodesAtEverySplit(*framer, "00000", {""});
}

TEST(AsciiLengthFramer, HeaderWidthFollowsDigits) {
  EXPECT_EQ(EncodeAll(*Make(1), {"hello"}), "5hello");
  EXPECT_EQ(EncodeAll(*Make(3), {std::string(123, 'x')}), "123" + std::string(123, 'x'));
  EXPECT_EQ(EncodeAll(*Make(20, UINT64_MAX), {"hi"}), "00000000000000000002hi");
  ExpectDecodesAtEverySplit(*Make(20, UINT64_MAX), "00000000000000000002hi", {"hi"});
  ExpectDecodesAtEverySplit(*Make(1), "5hello0", {"hello", ""});
}

TEST(AsciiLengthFramer, EncodeRefusesOverMaxAndLeavesOutputUnchanged) {
  auto framer = Make(5, 16);
  std::string wire = "keep";
  EXPECT_TRUE(framer->Encode(std::string(16, 'a'), &wire).ok());
  wire = "keep";
  absl::Status s = framer->Encode(std::string(17, 'a'), &wire);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(wire, "keep");
  FrameEnvelope envelope;
  EXPECT_EQ(framer->EncodeEnvelope(std::string(17, 'a'), &envelope).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(AsciiLengthFramer, MaxClampedToWhatDigitsCanSaySoEncoderNeverTruncates) {
  auto framer = Make(2);  // Asked for 1 MiB; two digits say at most 99.
  EXPECT_EQ(framer->max_payload_size(), 99u);
  EXPECT_EQ(framer->options().max_frame_size, kDefaultMaxFrameSize);  // As configured.
  std::string wire;
  EXPECT_TRUE(framer->Encode(std::string(99, 'a'), &wire).ok());
  EXPECT_EQ(wire.substr(0, 2), "99");
  EXPECT_EQ(framer->Encode(std::string(100, 'a'), &wire).code(),
            absl::StatusCode::kResourceExhausted);  // Not "00" + 100 bytes.
  EXPECT_EQ(Make(5)->max_payload_size(), 99999u);
  EXPECT_EQ(Make(7)->max_payload_size(), kDefaultMaxFrameSize);  // Under 9999999: kept.
  EXPECT_EQ(Make(20, UINT64_MAX)->max_payload_size(), UINT64_MAX);
}

// ---- Decoding ----

TEST(AsciiLengthFramer, GoldenDecodesAtEverySplit) {
  ExpectDecodesAtEverySplit(*Make(), "00005hello", {"hello"});
}

TEST(AsciiLengthFramer, SeveralFramesAtEverySplitAndByteByByte) {
  auto framer = Make();
  const std::vector<std::string> payloads = {"hello", "",     "a", std::string(300, 'z'),
                                             "00005", "world"};
  const std::string wire = EncodeAll(*framer, payloads);
  EXPECT_EQ(wire.substr(0, 10), "00005hello");
  ExpectDecodesAtEverySplit(*framer, wire, payloads);
}

TEST(AsciiLengthFramer, ManyFramesInOneFeed) {
  auto framer = Make(4, 9999);
  std::vector<std::string> payloads;
  for (int i = 0; i < 5000; ++i) payloads.push_back(std::string(i % 37, static_cast<char>(i)));
  DecodeOutcome got = DecodeWhole(*framer, EncodeAll(*framer, payloads));
  EXPECT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.frames, payloads);
}

TEST(AsciiLengthFramer, RandomRoundTrips) {
  absl::BitGen gen;
  for (int round = 0; round < 200; ++round) {
    const int digits = absl::Uniform(gen, 1, 8);
    auto framer = Make(digits, 5000);
    const uint64_t max = framer->max_payload_size();
    std::vector<std::string> payloads(absl::Uniform(gen, 0, 20));
    for (std::string& p : payloads) {
      p.resize(absl::Uniform<uint64_t>(absl::IntervalClosed, gen, 0, max));
      for (char& c : p) c = static_cast<char>(absl::Uniform(gen, 0, 256));
    }
    const std::string wire = EncodeAll(*framer, payloads);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < wire.size(); ++i) {
      if (absl::Bernoulli(gen, 0.05)) cuts.push_back(i);
    }
    std::unique_ptr<Decoder> decoder = framer->NewDecoder();
    DecodeOutcome got = DecodeInPieces(*decoder, wire, cuts);
    EXPECT_TRUE(got.status.ok()) << got.status;
    EXPECT_EQ(got.frames, payloads) << framer->Spec();
  }
}

// The decoder reuses the value of a header equal to the last one parsed (a one-size stream):
// runs of equal headers broken by other lengths, 0 and max, every width that takes that path,
// in one feed (where the fast path runs) and at every split.
TEST(AsciiLengthFramer, RunsOfEqualHeadersThenOtherLengthsDecodeEachLength) {
  for (int digits = 1; digits <= 8; ++digits) {
    SCOPED_TRACE(digits);
    auto framer = Make(digits, 50);
    const size_t max = framer->max_payload_size();
    std::vector<std::string> payloads;
    char fill = 'a';
    for (size_t size : {size_t{3}, size_t{3}, size_t{3}, size_t{3}, size_t{0}, size_t{0}, size_t{5},
                        size_t{3}, size_t{3}, max, max, size_t{1}, max, size_t{0}}) {
      payloads.push_back(std::string(std::min(size, max), fill++));
    }
    const std::string wire = EncodeAll(*framer, payloads);
    DecodeOutcome whole = DecodeWhole(*framer, wire);
    EXPECT_TRUE(whole.status.ok()) << whole.status;
    EXPECT_EQ(whole.frames, payloads);
    ExpectDecodesAtEverySplit(*framer, wire, payloads);
  }
}

TEST(AsciiLengthFramer, AllZeroHeaderFirstIsAnEmptyFrameAndEightNulBytesAreRefused) {
  // The all-'0' header is the one the decoder knows before it has parsed any; eight NUL bytes
  // must not pass for it (or for anything).
  auto framer = Make(8);
  DecodeOutcome ok = DecodeWhole(*framer,
                                 "00000000"
                                 "00000000"
                                 "00000002hi");
  EXPECT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.frames, (std::vector<std::string>{"", "", "hi"}));
  DecodeOutcome bad = DecodeWhole(*framer, "00000000" + std::string(8, '\0') + "00000000");
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kInvalidArgument) << bad.status;
  EXPECT_EQ(bad.frames, std::vector<std::string>{""});
}

TEST(AsciiLengthFramer, ConcreteDecoderDecodesWithoutTheFactory) {
  auto framer = Make();
  AsciiLengthDecoder decoder = framer->MakeDecoder();
  ASSERT_TRUE(decoder.Feed("00002hi00003abc").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "hi");
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "abc");
  EXPECT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder.stream_offset(), 15u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(AsciiLengthFramer, ExactlyMaxAcceptedMaxPlusOneRefused) {
  auto framer = Make(5, 100);
  ExpectDecodesAtEverySplit(*framer, "00100" + std::string(100, 'x'), {std::string(100, 'x')});
  ExpectRefusedAt(*framer, "00101" + std::string(101, 'x'), 4,
                  absl::StatusCode::kResourceExhausted);
}

TEST(AsciiLengthFramer, OverMaxRefusedAtOffendingDigit) {
  auto framer = Make(5, 100);
  // "002??" is at least 200 whatever follows: refused at the third byte, not the fifth.
  ExpectRefusedAt(*framer, "00200", 2, absl::StatusCode::kResourceExhausted);
  ExpectRefusedAt(*framer, "01000", 1, absl::StatusCode::kResourceExhausted);
  ExpectRefusedAt(*framer, "10000", 0, absl::StatusCode::kResourceExhausted);
  // "001" may still be 100: goes on until the digit that decides.
  ExpectRefusedAt(*framer, "00110", 3, absl::StatusCode::kResourceExhausted);
  FirstError e = FeedUntilError(*framer, "00200");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "more than 199")) << e.status;
}

TEST(AsciiLengthFramer, HugeHeaderRefusedBeforeAnyPayloadIsBuffered) {
  auto framer = Make(9);  // Max 1 MiB.
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("999999999").ok());
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
}

TEST(AsciiLengthFramer, LargeAnnouncedPayloadGrowsBufferOnlyWithBytesReceived) {
  auto framer = Make(7);  // "1048576" = exactly max.
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("1048576abc").ok());
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
}

TEST(AsciiLengthFramer, SignRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "+0005hello", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "-0005hello", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "000-5hello", 3, absl::StatusCode::kInvalidArgument);
}

TEST(AsciiLengthFramer, SpaceRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "    5hello", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "0005 hello", 4, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "0005\nhello", 4, absl::StatusCode::kInvalidArgument);
}

TEST(AsciiLengthFramer, LetterRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "0x005hello", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "hello", 0, absl::StatusCode::kInvalidArgument);
  FirstError e = FeedUntilError(*framer, "0x005");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "'x'")) << e.status;
}

TEST(AsciiLengthFramer, ErrorOffsetCountsEarlierFrames) {
  ExpectRefusedAt(*Make(), "00002hi0000x", 11, absl::StatusCode::kInvalidArgument);
}

TEST(AsciiLengthFramer, LengthOver64BitsRefused) {
  auto framer = Make(20, UINT64_MAX);
  // 2^64 - 1 is a (huge) valid length: the decoder waits for the payload.
  EXPECT_EQ(FeedUntilError(*framer, "18446744073709551615").after_byte, -1);
  // 2^64 is not: refused at its last digit, never wrapped round to 0.
  ExpectRefusedAt(*framer, "18446744073709551616", 19, absl::StatusCode::kInvalidArgument);
  // Twenty nines are at least 9 * 10^19 > 2^64 from the first byte.
  ExpectRefusedAt(*framer, "99999999999999999999", 0, absl::StatusCode::kInvalidArgument);
  // With a small max, 64-bit overflow still reads as malformed, not merely too long.
  ExpectRefusedAt(*Make(20, 100, TooLongPolicy::kSkip), "99999999999999999999", 0,
                  absl::StatusCode::kInvalidArgument);
}

TEST(AsciiLengthFramer, FinishIsCleanAtFrameBoundary) {
  auto framer = Make();
  EXPECT_TRUE(framer->NewDecoder()->Finish().ok());
  EXPECT_TRUE(DecodeWhole(*framer, "00002hi").status.ok());
}

TEST(AsciiLengthFramer, EofMidHeaderIsDataLoss) {
  DecodeOutcome got = DecodeByteByByte(*Make(), "00002hi000");
  EXPECT_EQ(got.frames, std::vector<std::string>{"hi"});
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss) << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), "3 bytes pending")) << got.status;
  ExpectDecodesAtEverySplit(*Make(), "00002hi000", {"hi"}, absl::StatusCode::kDataLoss);
}

TEST(AsciiLengthFramer, EofMidPayloadIsDataLoss) {
  DecodeOutcome got = DecodeWhole(*Make(), "00005hel");
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss) << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), "8 bytes pending")) << got.status;
  ExpectDecodesAtEverySplit(*Make(), "00005hel", {}, absl::StatusCode::kDataLoss);
}

TEST(AsciiLengthFramer, FatalErrorIsSticky) {
  auto framer = Make();
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("0+").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  const absl::Status error = decoder->status();
  EXPECT_TRUE(decoder->failed());
  EXPECT_EQ(decoder->Feed("00002hi"), error);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->Finish(), error);
}

// ---- TooLongPolicy::kSkip ----

TEST(AsciiLengthFramer, SkipReportsOnceDiscardsPayloadAndGoesOn) {
  auto framer = Make(5, 4, TooLongPolicy::kSkip);
  // The skipped payload is itself a valid-looking frame: it must never be read as one.
  const std::string stream =
      "00003abc"
      "00010"
      "00005hello"
      "00002hi";
  ExpectSkipsAtEverySplit(*framer, stream, {"abc", "<error RESOURCE_EXHAUSTED>", "hi"});
}

TEST(AsciiLengthFramer, SkipRefusesARepeatedOverMaxHeaderEveryTime) {
  auto framer = Make(5, 4, TooLongPolicy::kSkip);
  const std::string too_long =
      "00010"
      "0123456789";
  EXPECT_EQ(
      DecodeThroughSkips(*framer, "00002hi" + too_long + too_long + too_long + "00002hi", {}),
      (std::vector<std::string>{"hi", "<error RESOURCE_EXHAUSTED>", "<error RESOURCE_EXHAUSTED>",
                                "<error RESOURCE_EXHAUSTED>", "hi"}));
}

TEST(AsciiLengthFramer, SkipReportsAtOffendingDigit) {
  auto framer = Make(5, 100, TooLongPolicy::kSkip);
  ExpectRefusedAt(*framer, "00200", 2, absl::StatusCode::kResourceExhausted);
  const std::string stream = "00200" + std::string(200, '7') + "00001x";
  ExpectSkipsAtEverySplit(*framer, stream, {"<error RESOURCE_EXHAUSTED>", "x"});
}

TEST(AsciiLengthFramer, SkipStillValidatesRestOfHeader) {
  auto framer = Make(5, 100, TooLongPolicy::kSkip);
  EXPECT_EQ(DecodeThroughSkips(*framer, "002x0", {}),
            (std::vector<std::string>{"<error RESOURCE_EXHAUSTED>", "<fatal INVALID_ARGUMENT>"}));
}

TEST(AsciiLengthFramer, SkipNeverBuffersThePayload) {
  auto framer = Make(9, 1024, TooLongPolicy::kSkip);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("010000000").ok());  // 10 MB announced.
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_FALSE(decoder->failed());
  const std::string chunk(1000, '0');  // Zeros: would parse as headers if they leaked.
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(decoder->Feed(chunk).ok());
    ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore) << i;
  }
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
  EXPECT_EQ(decoder->buffered_bytes(), 0u);
  ASSERT_TRUE(decoder->Feed("000000000").ok());  // The next frame: empty.
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "");
  EXPECT_TRUE(decoder->status().ok());
  EXPECT_TRUE(decoder->Finish().ok());
}

TEST(AsciiLengthFramer, EofInsideSkippedFrameIsDataLoss) {
  auto framer = Make(5, 4, TooLongPolicy::kSkip);
  EXPECT_EQ(DecodeThroughSkips(*framer, "00010abc", {}),
            (std::vector<std::string>{"<error RESOURCE_EXHAUSTED>", "<fatal DATA_LOSS>"}));
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("00010abc").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  absl::Status s = decoder->Finish();
  EXPECT_TRUE(absl::StrContains(s.message(), "8 bytes pending")) << s;
}

TEST(AsciiLengthFramer, DefaultPolicyFailsOnOverMax) {
  auto framer = Make(5, 4);
  EXPECT_EQ(DecodeThroughSkips(*framer,
                               "00010"
                               "0123456789"
                               "00002hi",
                               {}),
            std::vector<std::string>{"<fatal RESOURCE_EXHAUSTED>"});
}

// ---- Options and specs ----

TEST(AsciiLengthFramer, BadOptionsRefused) {
  for (int digits : {0, -1, 21, 100}) {
    AsciiLengthOptions options;
    options.digits = digits;
    EXPECT_EQ(AsciiLengthFramer::Create(options).status().code(),
              absl::StatusCode::kInvalidArgument)
        << digits;
  }
  AsciiLengthOptions zero_max;
  zero_max.max_frame_size = 0;
  EXPECT_EQ(AsciiLengthFramer::Create(zero_max).status().code(),
            absl::StatusCode::kInvalidArgument);
  AsciiLengthOptions bad_policy;
  bad_policy.on_too_long = static_cast<TooLongPolicy>(7);
  EXPECT_EQ(AsciiLengthFramer::Create(bad_policy).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(AsciiLengthFramer::Create({}).ok());
  AsciiLengthOptions widest;
  widest.digits = 20;
  widest.max_frame_size = UINT64_MAX;
  EXPECT_TRUE(AsciiLengthFramer::Create(widest).ok());
}

TEST(AsciiLengthFramer, SpecIsCanonical) {
  // Spec() shows the configured max (1 MiB), max_payload_size() the clamped one (99999).
  EXPECT_EQ(Make()->Spec(), "ascii:digits=5,max=1MiB,too_long=fail");
  EXPECT_EQ(Make(10)->Spec(), "ascii:digits=10,max=1MiB,too_long=fail");
  EXPECT_EQ(Make(8, 64 * 1024, TooLongPolicy::kSkip)->Spec(),
            "ascii:digits=8,max=64KiB,too_long=skip");
  EXPECT_EQ(Make(3, 500)->Spec(), "ascii:digits=3,max=500,too_long=fail");
  EXPECT_EQ(Make()->kind(), "ascii");
  EXPECT_EQ(Make(2)->Spec(), "ascii:digits=2,max=1MiB,too_long=fail");
}

}  // namespace
}  // namespace framekit
