#include "framekit/framing/netstring_framer.h"

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

std::unique_ptr<NetstringFramer> Make(uint64_t max = kDefaultMaxFrameSize,
                                      TooLongPolicy policy = TooLongPolicy::kFail) {
  NetstringOptions options;
  options.max_frame_size = max;
  options.on_too_long = policy;
  absl::StatusOr<std::unique_ptr<NetstringFramer>> framer = NetstringFramer::Create(options);
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

TEST(NetstringFramer, GoldenHello) {
  auto framer = Make();
  std::string wire = "prefix:";
  ASSERT_TRUE(framer->Encode("hello", &wire).ok());
  EXPECT_EQ(wire, "prefix:5:hello,");  // Appends.
  FrameEnvelope envelope;
  ASSERT_TRUE(framer->EncodeEnvelope("hello", &envelope).ok());
  EXPECT_EQ(envelope.header(), "5:");
  EXPECT_EQ(envelope.trailer(), ",");
  EXPECT_EQ(EncodeAll(*framer, {"hello world!"}), "12:hello world!,");
}

TEST(NetstringFramer, EmptyNetstringIsZeroColonComma) {
  auto framer = Make();
  EXPECT_EQ(EncodeAll(*framer, {""}), "0:,");
  ExpectDecodesAtEverySplit(*framer, "0:,", {""});
}

TEST(NetstringFramer, LengthHasNoLeadingZeros) {
  auto framer = Make();
  EXPECT_EQ(EncodeAll(*framer, {std::string(10, 'a')}), "10:" + std::string(10, 'a') + ",");
  EXPECT_EQ(EncodeAll(*framer, {std::string(1000, 'a')}).substr(0, 5), "1000:");
}

TEST(NetstringFramer, EncodeRefusesOverMaxAndLeavesOutputUnchanged) {
  auto framer = Make(16);
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

// ---- Decoding ----

TEST(NetstringFramer, GoldenDecodesAtEverySplit) {
  ExpectDecodesAtEverySplit(*Make(), "5:hello,", {"hello"});
  ExpectDecodesAtEverySplit(*Make(), "12:hello world!,", {"hello world!"});
}

TEST(NetstringFramer, SeveralFramesAtEverySplitAndByteByByte) {
  auto framer = Make();
  const std::vector<std::string> payloads = {"hello",  "",  "a",    std::string(300, 'z'),
                                             "3:abc,", ",", "world"};
  const std::string wire = EncodeAll(*framer, payloads);
  EXPECT_EQ(wire.substr(0, 11), "5:hello,0:,");
  ExpectDecodesAtEverySplit(*framer, wire, payloads);
}

TEST(NetstringFramer, ManyFramesInOneFeed) {
  auto framer = Make();
  std::vector<std::string> payloads;
  for (int i = 0; i < 5000; ++i) payloads.push_back(std::string(i % 103, static_cast<char>(i)));
  DecodeOutcome got = DecodeWhole(*framer, EncodeAll(*framer, payloads));
  EXPECT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.frames, payloads);
}

TEST(NetstringFramer, RandomRoundTrips) {
  absl::BitGen gen;
  for (int round = 0; round < 200; ++round) {
    const uint64_t max = absl::Uniform<uint64_t>(absl::IntervalClosed, gen, 1, 5000);
    auto framer = Make(max);
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

TEST(NetstringFramer, ConcreteDecoderDecodesWithoutTheFactory) {
  auto framer = Make();
  NetstringDecoder decoder = framer->MakeDecoder();
  ASSERT_TRUE(decoder.Feed("2:hi,3:abc,").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "hi");
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "abc");
  EXPECT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder.stream_offset(), 11u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(NetstringFramer, FrameCompleteOnlyAfterItsComma) {
  auto framer = Make();
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("5:hello").ok());
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  ASSERT_TRUE(decoder->Feed(",").ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "hello");
}

TEST(NetstringFramer, LeadingZeroRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "05:hello,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "00:,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "010:0123456789,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "0:,05:hello,", 4, absl::StatusCode::kInvalidArgument);
  FirstError e = FeedUntilError(*framer, "05:hello,");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "leading zero")) << e.status;
  // A zero that is not leading is a digit like any other.
  ExpectDecodesAtEverySplit(*framer, "10:0123456789,", {"0123456789"});
}

TEST(NetstringFramer, EmptyLengthRefused) {
  ExpectRefusedAt(*Make(), ":,", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*Make(), "0:,:,", 3, absl::StatusCode::kInvalidArgument);
}

TEST(NetstringFramer, MissingCommaRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "5:hello;", 7, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "5:hello5:hello,", 7, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "0:0:,", 2, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "5:hello!,", 7, absl::StatusCode::kInvalidArgument);  // Too long.
  FirstError e = FeedUntilError(*framer, "5:hello;");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "missing ','")) << e.status;
}

TEST(NetstringFramer, SignRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "+5:hello,", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "-5:hello,", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "1-5:hello,", 1, absl::StatusCode::kInvalidArgument);
}

TEST(NetstringFramer, SpaceRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, " 5:hello,", 0, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "5 :hello,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "0 :,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "\n5:hello,", 0, absl::StatusCode::kInvalidArgument);
}

TEST(NetstringFramer, LetterRefused) {
  auto framer = Make();
  ExpectRefusedAt(*framer, "5a:hello,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "0x5:hello,", 1, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "hello", 0, absl::StatusCode::kInvalidArgument);
  FirstError e = FeedUntilError(*framer, "5a:hello,");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "'a'")) << e.status;
}

TEST(NetstringFramer, ExactlyMaxAcceptedMaxPlusOneRefused) {
  auto framer = Make(16);
  ExpectDecodesAtEverySplit(*framer, "16:" + std::string(16, 'x') + ",", {std::string(16, 'x')});
  ExpectRefusedAt(*framer, "17:" + std::string(17, 'x') + ",", 1,
                  absl::StatusCode::kResourceExhausted);
}

TEST(NetstringFramer, OverMaxRefusedAtOffendingDigit) {
  auto framer = Make(64 * 1024);
  // 12345 may still end with ':'; 123456 > 65536 whatever follows: refused at the 6th digit.
  ExpectRefusedAt(*framer, "1234567:", 5, absl::StatusCode::kResourceExhausted);
  ExpectRefusedAt(*framer, "65537:", 4, absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(FeedUntilError(*framer, "65536:").after_byte, -1);
  FirstError e = FeedUntilError(*framer, "1234567:");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "more than 123455")) << e.status;
}

TEST(NetstringFramer, TooManyDigitsRefused) {
  // No digit-count option: with no leading zeros, digits past max's width always exceed it.
  ExpectRefusedAt(*Make(), std::string(30, '1') + ":", 6, absl::StatusCode::kResourceExhausted);
  ExpectRefusedAt(*Make(UINT64_MAX), std::string(21, '1') + ":", 20,
                  absl::StatusCode::kInvalidArgument);
}

TEST(NetstringFramer, LengthOver64BitsRefused) {
  auto framer = Make(UINT64_MAX);
  // 2^64 - 1 is a (huge) valid length: the decoder waits for the payload.
  EXPECT_EQ(FeedUntilError(*framer, "18446744073709551615:").after_byte, -1);
  // 2^64 is not: refused at its last digit, never wrapped round to 0.
  ExpectRefusedAt(*framer, "18446744073709551616:", 19, absl::StatusCode::kInvalidArgument);
  ExpectRefusedAt(*framer, "184467440737095516150:", 20, absl::StatusCode::kInvalidArgument);
  FirstError e = FeedUntilError(*framer, "18446744073709551616:");
  EXPECT_TRUE(absl::StrContains(e.status.message(), "64 bits")) << e.status;
}

TEST(NetstringFramer, HugeHeaderRefusedBeforeAnyPayloadIsBuffered) {
  auto framer = Make();  // Max 1 MiB.
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("99999999999:").ok());
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status().code(), absl::StatusCode::kResourceExhausted);
  // 9999999 > 1048576: refused at the 7th digit.
  EXPECT_TRUE(absl::StrContains(decoder->status().message(), "stream offset 6"))
      << decoder->status();
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
}

TEST(NetstringFramer, LargeAnnouncedPayloadGrowsBufferOnlyWithBytesReceived) {
  auto framer = Make();
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("1048576:abc").ok());
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
}

TEST(NetstringFramer, ErrorOffsetCountsEarlierFrames) {
  ExpectRefusedAt(*Make(), "2:hi,3:abc,1x", 12, absl::StatusCode::kInvalidArgument);
}

TEST(NetstringFramer, FinishIsCleanAtFrameBoundary) {
  auto framer = Make();
  EXPECT_TRUE(framer->NewDecoder()->Finish().ok());
  EXPECT_TRUE(DecodeWhole(*framer, "2:hi,").status.ok());
}

TEST(NetstringFramer, EofMidHeaderIsDataLoss) {
  DecodeOutcome got = DecodeByteByByte(*Make(), "2:hi,12");
  EXPECT_EQ(got.frames, std::vector<std::string>{"hi"});
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss) << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), "2 bytes pending")) << got.status;
  ExpectDecodesAtEverySplit(*Make(), "2:hi,12:", {"hi"}, absl::StatusCode::kDataLoss);
}

TEST(NetstringFramer, EofMidPayloadIsDataLoss) {
  DecodeOutcome got = DecodeWhole(*Make(), "5:hel");
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss) << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), "5 bytes pending")) << got.status;
  ExpectDecodesAtEverySplit(*Make(), "5:hel", {}, absl::StatusCode::kDataLoss);
}

TEST(NetstringFramer, EofBeforeFinalCommaIsDataLoss) {
  DecodeOutcome got = DecodeWhole(*Make(), "2:hi,5:hello");
  EXPECT_EQ(got.frames, std::vector<std::string>{"hi"});
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss) << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), "7 bytes pending")) << got.status;
  EXPECT_TRUE(absl::StrContains(got.status.message(), "','")) << got.status;
  ExpectDecodesAtEverySplit(*Make(), "5:hello", {}, absl::StatusCode::kDataLoss);
}

TEST(NetstringFramer, FatalErrorIsSticky) {
  auto framer = Make();
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("05").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  const absl::Status error = decoder->status();
  EXPECT_TRUE(decoder->failed());
  EXPECT_EQ(decoder->Feed("2:hi,"), error);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->Finish(), error);
}

// ---- TooLongPolicy::kSkip ----

TEST(NetstringFramer, SkipReportsOnceDiscardsPayloadAndCommaAndGoesOn) {
  auto framer = Make(4, TooLongPolicy::kSkip);
  // The skipped payload is itself made of valid frames: they must never be read as such.
  const std::string stream =
      "3:abc,"
      "10:3:abc,1:x,,"
      "2:hi,";
  ExpectSkipsAtEverySplit(*framer, stream, {"abc", "<error RESOURCE_EXHAUSTED>", "hi"});
}

TEST(NetstringFramer, SkipReportsAtOffendingDigit) {
  auto framer = Make(100, TooLongPolicy::kSkip);
  ExpectRefusedAt(*framer, "1000:", 3, absl::StatusCode::kResourceExhausted);
  const std::string stream = "1000:" + std::string(1000, '7') + ",1:x,";
  ExpectSkipsAtEverySplit(*framer, stream, {"<error RESOURCE_EXHAUSTED>", "x"});
}

TEST(NetstringFramer, SkippedFrameMissingCommaIsFatal) {
  auto framer = Make(4, TooLongPolicy::kSkip);
  ExpectSkipsAtEverySplit(*framer, "5:hello;2:hi,",
                          {"<error RESOURCE_EXHAUSTED>", "<fatal INVALID_ARGUMENT>"});
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("5:hello;").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_TRUE(absl::StrContains(decoder->status().message(), "stream offset 7"))
      << decoder->status();
}

TEST(NetstringFramer, SkipStillValidatesRestOfLength) {
  auto framer = Make(4, TooLongPolicy::kSkip);
  EXPECT_EQ(DecodeThroughSkips(*framer, "5x:hello,", {}),
            (std::vector<std::string>{"<error RESOURCE_EXHAUSTED>", "<fatal INVALID_ARGUMENT>"}));
  // Too many digits to skip: over 2^64 is malformed, even after the over-max report.
  EXPECT_EQ(DecodeThroughSkips(*framer, std::string(25, '9') + ":", {}),
            (std::vector<std::string>{"<error RESOURCE_EXHAUSTED>", "<fatal INVALID_ARGUMENT>"}));
  ExpectSkipsAtEverySplit(*framer, std::string(25, '9') + ":",
                          {"<error RESOURCE_EXHAUSTED>", "<fatal INVALID_ARGUMENT>"});
}

TEST(NetstringFramer, SkipNeverBuffersThePayload) {
  auto framer = Make(1024, TooLongPolicy::kSkip);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("10000000:").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_FALSE(decoder->failed());
  const std::string chunk(1000, '0');  // Would be refused as a header if they leaked.
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(decoder->Feed(chunk).ok());
    ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore) << i;
  }
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
  EXPECT_EQ(decoder->buffered_bytes(), 0u);
  EXPECT_EQ(decoder->Finish().code(), absl::StatusCode::kDataLoss);  // The ',' is still due.
  ASSERT_TRUE(decoder->Feed(",0:,").ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "");
  EXPECT_TRUE(decoder->status().ok());
  EXPECT_TRUE(decoder->Finish().ok());
}

TEST(NetstringFramer, EofInsideSkippedFrameIsDataLoss) {
  auto framer = Make(4, TooLongPolicy::kSkip);
  EXPECT_EQ(DecodeThroughSkips(*framer, "10:abc", {}),
            (std::vector<std::string>{"<error RESOURCE_EXHAUSTED>", "<fatal DATA_LOSS>"}));
  EXPECT_EQ(DecodeThroughSkips(*framer, "5:hello", {}),
            (std::vector<std::string>{"<error RESOURCE_EXHAUSTED>", "<fatal DATA_LOSS>"}));
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  ASSERT_TRUE(decoder->Feed("10:abc").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  absl::Status s = decoder->Finish();
  EXPECT_TRUE(absl::StrContains(s.message(), "6 bytes pending")) << s;
}

TEST(NetstringFramer, DefaultPolicyFailsOnOverMax) {
  EXPECT_EQ(DecodeThroughSkips(*Make(4), "5:hello,2:hi,", {}),
            std::vector<std::string>{"<fatal RESOURCE_EXHAUSTED>"});
}

// ---- Options and specs ----

TEST(NetstringFramer, BadOptionsRefused) {
  NetstringOptions zero_max;
  zero_max.max_frame_size = 0;
  EXPECT_EQ(NetstringFramer::Create(zero_max).status().code(), absl::StatusCode::kInvalidArgument);
  NetstringOptions bad_policy;
  bad_policy.on_too_long = static_cast<TooLongPolicy>(7);
  EXPECT_EQ(NetstringFramer::Create(bad_policy).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(NetstringFramer::Create({}).ok());
}

TEST(NetstringFramer, SpecIsCanonical) {
  EXPECT_EQ(Make()->Spec(), "netstring:max=1MiB,too_long=fail");
  EXPECT_EQ(Make(64 * 1024, TooLongPolicy::kSkip)->Spec(), "netstring:max=64KiB,too_long=skip");
  EXPECT_EQ(Make(1000)->Spec(), "netstring:max=1000,too_long=fail");
  EXPECT_EQ(Make()->kind(), "netstring");
  EXPECT_EQ(Make(UINT64_MAX)->max_payload_size(), UINT64_MAX);
}

}  // namespace
}  // namespace framekit
