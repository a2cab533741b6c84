#include "framekit/framing/delimiter_framer.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
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
using ::framekit::testing::DecodeThroughReports;
using ::framekit::testing::DecodeWhole;
using ::framekit::testing::EncodeAll;
using ::framekit::testing::ExpectDecodesAtEverySplit;
using ::framekit::testing::ReportingOutcome;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<DelimiterFramer> Make(std::vector<std::string> delimiters,
                                      uint64_t max = kDefaultMaxFrameSize,
                                      TooLongPolicy policy = TooLongPolicy::kFail) {
  DelimiterOptions options;
  options.delimiters = std::move(delimiters);
  options.max_frame_size = max;
  options.on_too_long = policy;
  absl::StatusOr<std::unique_ptr<DelimiterFramer>> framer = DelimiterFramer::Create(options);
  EXPECT_TRUE(framer.ok()) << framer.status();
  return framer.ok() ? std::move(*framer) : nullptr;
}

absl::Status CreateStatus(std::vector<std::string> delimiters, uint64_t max = kDefaultMaxFrameSize,
                          TooLongPolicy policy = TooLongPolicy::kFail) {
  DelimiterOptions options;
  options.delimiters = std::move(delimiters);
  options.max_frame_size = max;
  options.on_too_long = policy;
  return DelimiterFramer::Create(options).status();
}

// DecodeThroughReports where every report is a too-long frame's and none is fatal.
ReportingOutcome DecodeThroughSkips(const Framer& framer, absl::string_view stream,
                                    const std::vector<size_t>& cuts) {
  ReportingOutcome out = DecodeThroughReports(framer, stream, cuts);
  EXPECT_FALSE(out.fatal) << out.end;
  for (absl::StatusCode code : out.reported) {
    EXPECT_EQ(code, absl::StatusCode::kResourceExhausted);
  }
  return out;
}

// ---- Matching ----

TEST(DelimiterFramerTest, EmptyFramesAreFrames) {
  auto framer = Make({"\n"});
  ExpectDecodesAtEverySplit(*framer, "A\n\nB\n", {"A", "", "B"});
  ExpectDecodesAtEverySplit(*framer, "\n", {""});
  ExpectDecodesAtEverySplit(*framer, "", {});
}

TEST(DelimiterFramerTest, EarliestMatchWinsOverListOrder) {
  // "\n" is listed first, but "\r\n" starts one byte earlier.
  auto framer = Make({"\n", "\r\n"});
  ExpectDecodesAtEverySplit(*framer, "ABC\r\nDEF\nG\rH\n", {"ABC", "DEF", "G\rH"});
}

TEST(DelimiterFramerTest, LongestWinsAtSameStartOnlyOnceKnown) {
  // At "A\r" the decoder must not settle for "\r" before seeing whether "\n" follows.
  auto framer = Make({"\r\n", "\r"});
  ExpectDecodesAtEverySplit(*framer, "A\r\nB\rC\r\r\nD\r\n", {"A", "B", "C", "", "D"});
}

TEST(DelimiterFramerTest, SplitCrLfAcrossFeeds) {
  auto framer = Make({"\r\n"});
  ExpectDecodesAtEverySplit(*framer, "hello\r\nworld\r\n\r\n", {"hello", "world", ""});

  DelimiterDecoder decoder = framer->MakeDecoder();
  absl::string_view frame;
  ASSERT_TRUE(decoder.Feed("hello\r").ok());
  EXPECT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder.scanned_bytes(), 5u);  // Waits at the '\r'; "hello" is never rescanned.
  ASSERT_TRUE(decoder.Feed("\n").ok());
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "hello");
  EXPECT_EQ(decoder.scanned_bytes(), 0u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(DelimiterFramerTest, MultiByteDelimiterWithFalseStartsSplitAnywhere) {
  auto framer = Make({"<END>"});
  ExpectDecodesAtEverySplit(*framer, "a<EN<END>b<<END><E<END>", {"a<EN", "b<", "<E"});
}

TEST(DelimiterFramerTest, NulDelimiter) {
  auto framer = Make({std::string(1, '\0')});
  ExpectDecodesAtEverySplit(*framer, std::string("ab\0\0c\0", 6), {"ab", "", "c"});
}

TEST(DelimiterFramerTest, SeveralDelimitersWithDifferentFirstBytes) {
  auto framer = Make({"\n", ";", "||"});
  ExpectDecodesAtEverySplit(*framer, "a;b||c\nd|e\n|;", {"a", "b", "c", "d|e", "|"});
}

TEST(DelimiterFramerTest, SharedFirstByteDelimiters) {
  auto framer = Make({"\r\n\r\n", "\r\n"});
  ExpectDecodesAtEverySplit(*framer, "h1\r\nh2\r\n\r\nbody\r\n\r\r\nX\r\n\r\n",
                            {"h1", "h2", "body", "\r", "X"});
}

TEST(DelimiterFramerTest, PrefixOfLongerDelimiterWaitsForNextByte) {
  // "\r\n" could still be the start of "\r\n\r\n": nothing is decided until a byte shows it is not,
  // so a stream that stops right there ends inside a frame.
  auto framer = Make({"\r\n\r\n", "\r\n"});
  DelimiterDecoder decoder = framer->MakeDecoder();
  absl::string_view frame;
  ASSERT_TRUE(decoder.Feed("a\r\n").ok());
  EXPECT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder.scanned_bytes(), 1u);
  EXPECT_EQ(decoder.Finish().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(decoder.Feed("b").ok());
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "a");
}

TEST(DelimiterFramerTest, ManyFramesInOneFeed) {
  auto framer = Make({"\r\n", "\n"});
  std::string stream;
  std::vector<std::string> expected;
  for (int i = 0; i < 5000; ++i) {
    expected.push_back(absl::StrCat("line ", i));
    absl::StrAppend(&stream, expected.back(), i % 3 == 0 ? "\n" : "\r\n");
  }
  DecodeOutcome got = DecodeWhole(*framer, stream);
  EXPECT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.frames, expected);
}

TEST(DelimiterFramerTest, ZeroCopyInputThroughPrepareWrite) {
  auto framer = Make({"\n"});
  DelimiterDecoder decoder = framer->MakeDecoder();
  absl::Span<char> dst = decoder.PrepareWrite(4);
  ASSERT_GE(dst.size(), 4u);
  std::memcpy(dst.data(), "ab\nc", 4);
  decoder.CommitWrite(4);
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "ab");
  EXPECT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder.buffered_bytes(), 1u);
  EXPECT_EQ(decoder.stream_offset(), 3u);
}

TEST(DelimiterFramerTest, MovedDecoderKeepsItsState) {
  auto framer = Make({"\r\n"});
  DelimiterDecoder first = framer->MakeDecoder();
  ASSERT_TRUE(first.Feed("x\r\nab\r").ok());
  absl::string_view frame;
  ASSERT_EQ(first.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(first.Next(&frame), Decoder::kNeedMore);
  DelimiterDecoder second(std::move(first));
  EXPECT_EQ(second.stream_offset(), 3u);
  EXPECT_EQ(second.scanned_bytes(), 2u);
  ASSERT_TRUE(second.Feed("\n").ok());
  ASSERT_EQ(second.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "ab");
  EXPECT_TRUE(second.Finish().ok());
}

// ---- Linear scanning ----

TEST(DelimiterFramerTest, LongLineFedOneByteAtATimeNeverRescans) {
  constexpr size_t kLine = size_t{1} << 20;
  for (const std::vector<std::string>& delims :
       std::vector<std::vector<std::string>>{{"\n"}, {"\r\n"}, {"\n", ";;", "\r\n"}}) {
    SCOPED_TRACE(delims.size());
    auto framer = Make(delims, 2 * kLine);
    DelimiterDecoder decoder = framer->MakeDecoder();
    absl::string_view frame;
    // '\r' every so often makes the "\r\n" delimiters look at a false start.
    std::string line(kLine, 'a');
    for (size_t i = 0; i < kLine; i += 4096) line[i] = '\r';
    const bool cr_starts = delims.back()[0] == '\r';
    bool rescanned = false;
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < kLine; ++i) {
      ASSERT_TRUE(decoder.Feed(absl::string_view(&line[i], 1)).ok());
      ASSERT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
      // Everything but a possible delimiter start at the very end is ruled out, once.
      const size_t expected = cr_starts && line[i] == '\r' ? i : i + 1;
      rescanned = rescanned || decoder.scanned_bytes() != expected;
    }
    EXPECT_FALSE(rescanned);
    // Linear is tens of milliseconds; rescanning from the frame start (even with memchr) is
    // 5 * 10^11 byte visits, tens of seconds at least.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    ASSERT_TRUE(decoder.Feed(delims.back()).ok());
    ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
    EXPECT_EQ(frame, line);
    EXPECT_TRUE(decoder.Finish().ok());
  }
}

// ---- Max ----

TEST(DelimiterFramerTest, ExactlyMaxAccepted) {
  ExpectDecodesAtEverySplit(*Make({"\n"}, 5), "abcde\n\n", {"abcde", ""});
  // The "\r\n" at index 5 (= max) is undecided until its second byte: must wait, not fail.
  ExpectDecodesAtEverySplit(*Make({"\r\n"}, 5), "abcde\r\nvwxyz\r\n", {"abcde", "vwxyz"});
  ExpectDecodesAtEverySplit(*Make({"\n", "\r\n"}, 5), "abcde\r\nvwxyz\n", {"abcde", "vwxyz"});
}

TEST(DelimiterFramerTest, MaxPlusOneRefusedWhileScanning) {
  ExpectDecodesAtEverySplit(*Make({"\n"}, 5), "ab\nabcdef\n", {"ab"},
                            absl::StatusCode::kResourceExhausted);
  ExpectDecodesAtEverySplit(*Make({"\r\n"}, 5), "ab\r\nabcde\rx", {"ab"},
                            absl::StatusCode::kResourceExhausted);

  // The error comes as soon as max + 1 bytes without a delimiter start are in, long before the
  // frame ends, and the buffer never holds much more than that.
  constexpr size_t kMax = 64 * 1024;
  auto framer = Make({"\r\n", "\n"}, kMax);
  DelimiterDecoder decoder = framer->MakeDecoder();
  const std::string chunk(1000, 'x');
  absl::string_view frame;
  size_t fed = 0;
  Decoder::Result r = Decoder::kNeedMore;
  while (fed < 10 * kMax && r == Decoder::kNeedMore) {
    ASSERT_TRUE(decoder.Feed(chunk).ok());
    fed += chunk.size();
    r = decoder.Next(&frame);
  }
  ASSERT_EQ(r, Decoder::kError);
  EXPECT_EQ(fed, (kMax + 1 + chunk.size() - 1) / chunk.size() * chunk.size());
  EXPECT_EQ(decoder.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(decoder.status().message(), HasSubstr("more than 65536"));
  EXPECT_LE(decoder.buffer_capacity(), 2 * kMax + 4096);
  EXPECT_TRUE(decoder.failed());
}

TEST(DelimiterFramerTest, UndecidedDelimiterAtMaxWaitsThenFails) {
  auto framer = Make({"\r\n"}, 5);
  DelimiterDecoder decoder = framer->MakeDecoder();
  absl::string_view frame;
  ASSERT_TRUE(decoder.Feed("abcde\r").ok());
  EXPECT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  ASSERT_TRUE(decoder.Feed("x").ok());
  EXPECT_EQ(decoder.Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(DelimiterFramerTest, TooLargeErrorNamesStreamOffset) {
  auto framer = Make({"\n"}, 3);
  DecodeOutcome got = DecodeWhole(*framer, "ab\nabcd\n");
  EXPECT_THAT(got.frames, ElementsAre("ab"));
  EXPECT_EQ(got.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(got.status.message(), HasSubstr("stream offset 3"));
  EXPECT_THAT(got.status.message(), HasSubstr("delimiter"));
}

TEST(DelimiterFramerTest, MaxZeroAllowsOnlyEmptyFrames) {
  auto framer = Make({"\n"}, 0);
  ExpectDecodesAtEverySplit(*framer, "\n\n", {"", ""});
  ExpectDecodesAtEverySplit(*framer, "\na\n", {""}, absl::StatusCode::kResourceExhausted);
  std::string out;
  EXPECT_TRUE(framer->Encode("", &out).ok());
  EXPECT_EQ(framer->Encode("a", &out).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(out, "\n");
}

TEST(DelimiterFramerTest, InputAfterFatalErrorRefused) {
  auto framer = Make({"\n"}, 3);
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  absl::string_view frame;
  ASSERT_TRUE(decoder->Feed("abcd").ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  const absl::Status error = decoder->status();
  const size_t buffered = decoder->buffered_bytes();
  EXPECT_EQ(decoder->Feed("\nok\n"), error);
  EXPECT_EQ(decoder->buffered_bytes(), buffered);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status(), error);
  EXPECT_EQ(decoder->Finish(), error);
}

// ---- TooLongPolicy::kSkip ----

TEST(DelimiterFramerTest, SkipDiscardsToNextDelimiter) {
  auto framer = Make({"\r\n", "\n"}, 3, TooLongPolicy::kSkip);
  const std::string stream = "ok\nTOOLONG\r\nyes\r\nWAYTOOLONG\rX\r\r\n\nend\n";
  const std::vector<std::string> expected = {"ok", "yes", "", "end"};
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    std::vector<size_t> cuts;
    if (cut > 0 && cut < stream.size()) cuts.push_back(cut);
    ReportingOutcome got = DecodeThroughSkips(*framer, stream, cuts);
    EXPECT_EQ(got.frames, expected) << "cut at " << cut;
    EXPECT_EQ(got.reported.size(), 2u) << "cut at " << cut;
    EXPECT_TRUE(got.end.ok()) << got.end;
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  ReportingOutcome got = DecodeThroughSkips(*framer, stream, every);
  EXPECT_EQ(got.frames, expected);
  EXPECT_EQ(got.reported.size(), 2u);
}

TEST(DelimiterFramerTest, SkipConsumesAsItScans) {
  auto framer = Make({"\r\n"}, 16, TooLongPolicy::kSkip);
  DelimiterDecoder decoder = framer->MakeDecoder();
  absl::string_view frame;
  ASSERT_TRUE(decoder.Feed(std::string(17, 'x')).ok());
  ASSERT_EQ(decoder.Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(decoder.failed());
  EXPECT_TRUE(decoder.discarding());
  const size_t capacity = decoder.buffer_capacity();
  const std::string chunk(4096, 'y');
  for (int i = 0; i < 256; ++i) {  // 1 MiB of the over-long frame: none of it is kept.
    ASSERT_TRUE(decoder.Feed(chunk).ok());
    ASSERT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
    EXPECT_TRUE(decoder.status().ok());  // Reported once only.
    ASSERT_EQ(decoder.buffered_bytes(), 0u);
  }
  EXPECT_EQ(decoder.buffer_capacity(), capacity);
  ASSERT_TRUE(decoder.Feed("yy\r").ok());  // A split delimiter: only the '\r' stays.
  ASSERT_EQ(decoder.Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder.buffered_bytes(), 1u);
  ASSERT_TRUE(decoder.Feed("\nnext\r\n").ok());
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "next");
  EXPECT_FALSE(decoder.discarding());
  EXPECT_EQ(decoder.stream_offset(), 17 + 256 * 4096 + 3 + 1 + 6u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(DelimiterFramerTest, EofWhileSkippingIsDataLoss) {
  auto framer = Make({"\n"}, 2, TooLongPolicy::kSkip);
  ReportingOutcome got = DecodeThroughSkips(*framer, "a\nabcdef", {});
  EXPECT_THAT(got.frames, ElementsAre("a"));
  EXPECT_EQ(got.reported.size(), 1u);
  EXPECT_EQ(got.end.code(), absl::StatusCode::kDataLoss);
}

// ---- Finish ----

TEST(DelimiterFramerTest, EofMidFrameIsDataLossWithPendingCount) {
  auto framer = Make({"\r\n"});
  DecodeOutcome got = DecodeWhole(*framer, "a\r\nabc\r");
  EXPECT_THAT(got.frames, ElementsAre("a"));
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(got.status.message(), HasSubstr("4 bytes pending"));
  ExpectDecodesAtEverySplit(*framer, "a\r\nabc", {"a"}, absl::StatusCode::kDataLoss);
}

// ---- Encoding ----

TEST(DelimiterFramerTest, EncoderWritesFirstDelimiter) {
  auto framer = Make({"\r\n", "\n"});
  std::string wire = EncodeAll(*framer, {"a", "", "b\rc"});
  EXPECT_EQ(wire, "a\r\n\r\nb\rc\r\n");
  FrameEnvelope envelope;
  ASSERT_TRUE(framer->EncodeEnvelope("x", &envelope).ok());
  EXPECT_TRUE(envelope.header().empty());
  EXPECT_EQ(envelope.trailer(), "\r\n");
  EXPECT_EQ(envelope.trailer().data(), framer->options().delimiters[0].data());  // Framer-owned.
}

TEST(DelimiterFramerTest, EncoderRefusesPayloadContainingAnyDelimiter) {
  auto framer = Make({"\r\n", "\n", ";;"});
  for (absl::string_view payload : {"a\nb", "\n", "a\r\nb", "x;;y", ";;"}) {
    std::string out = "keep";
    EXPECT_EQ(framer->Encode(payload, &out).code(), absl::StatusCode::kInvalidArgument) << payload;
    EXPECT_EQ(out, "keep");
    FrameEnvelope envelope;
    EXPECT_EQ(framer->EncodeEnvelope(payload, &envelope).code(),
              absl::StatusCode::kInvalidArgument);
  }
  std::string out;
  EXPECT_TRUE(framer->Encode("a\rb;c", &out).ok());
}

TEST(DelimiterFramerTest, TailPlusDelimiterCreatesEarlierMatch) {
  auto framer = Make({"aa"});
  std::string out;
  absl::Status status = framer->Encode("xa", &out);  // "xaaa" would decode as "x".
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("offset 1"));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(DecodeWhole(*framer, "xaaa").frames[0], "x");  // Why: the decoder's view.
  ASSERT_TRUE(framer->Encode("ax", &out).ok());
  EXPECT_THAT(DecodeWhole(*framer, out).frames, ElementsAre("ax"));

  // A tail that, with the written "\n" and the next frame, could become "b\nc".
  auto two = Make({"\n", "b\nc"});
  EXPECT_EQ(two->Encode("xb", &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(DecodeWhole(*two, "xb\ncd\n").frames, ElementsAre("x", "d"));  // Why.
  EXPECT_TRUE(two->Encode("bx", &out).ok());
}

TEST(DelimiterFramerTest, EncoderRefusesOverMax) {
  auto framer = Make({"\n"}, 4);
  std::string out;
  EXPECT_TRUE(framer->Encode("abcd", &out).ok());
  EXPECT_EQ(framer->Encode("abcde", &out).code(), absl::StatusCode::kResourceExhausted);
  FrameEnvelope envelope;
  EXPECT_EQ(framer->EncodeEnvelope("abcde", &envelope).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(out, "abcd\n");
  EXPECT_EQ(framer->max_payload_size(), 4u);
}

TEST(DelimiterFramerTest, RandomRoundTrips) {
  std::mt19937 rng(20240601);
  int refused = 0;
  const std::vector<std::vector<std::string>> configs = {
      {"\n"}, {"\r\n", "\n"}, {"aa"}, {"aba", "b"}, {"\n", "b\nc", ";"}, {"<END>"}};
  for (const std::vector<std::string>& delims : configs) {
    SCOPED_TRACE(delims[0]);
    auto framer = Make(delims, 64);
    // Payloads drawn from the delimiters' own bytes, so that many are refused.
    const std::string alphabet = "ab\r\n;c<END>x";
    std::vector<std::string> payloads;
    while (payloads.size() < 200) {
      std::string payload(rng() % 12, '\0');
      for (char& c : payload) c = alphabet[rng() % alphabet.size()];
      std::string out;
      absl::Status status = framer->Encode(payload, &out);
      if (!status.ok()) {
        EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
        ++refused;
        continue;
      }
      EXPECT_EQ(out, payload + delims[0]);
      payloads.push_back(payload);
    }
    const std::string wire = EncodeAll(*framer, payloads);
    DecodeOutcome whole = DecodeWhole(*framer, wire);
    EXPECT_TRUE(whole.status.ok()) << whole.status;
    EXPECT_EQ(whole.frames, payloads);
    EXPECT_EQ(DecodeByteByByte(*framer, wire).frames, payloads);
    for (int trial = 0; trial < 50; ++trial) {
      std::vector<size_t> cuts;
      for (size_t i = 1; i < wire.size(); ++i) {
        if (rng() % 5 == 0) cuts.push_back(i);
      }
      std::unique_ptr<Decoder> decoder = framer->NewDecoder();
      DecodeOutcome got = DecodeInPieces(*decoder, wire, cuts);
      EXPECT_TRUE(got.status.ok()) << got.status;
      EXPECT_EQ(got.frames, payloads);
    }
    // Several frames of the sequence at every split point.
    std::vector<std::string> few(payloads.begin(), payloads.begin() + 8);
    ExpectDecodesAtEverySplit(*framer, EncodeAll(*framer, few), few);
  }
  EXPECT_GT(refused, 100);
}

// ---- Options and spec ----

TEST(DelimiterFramerTest, BadOptionsAreInvalidArgument) {
  EXPECT_TRUE(CreateStatus({"\n"}).ok());
  EXPECT_TRUE(CreateStatus({"1", "2", "3", "4", "5", "6", "7", "8"}).ok());
  EXPECT_TRUE(CreateStatus({std::string(16, '-')}).ok());
  EXPECT_TRUE(CreateStatus({"\r\n", "\r"}).ok());
  EXPECT_TRUE(CreateStatus({"\n"}, 0).ok());

  const std::vector<absl::Status> bad = {
      CreateStatus({}),                                             // None.
      CreateStatus({"1", "2", "3", "4", "5", "6", "7", "8", "9"}),  // Nine.
      CreateStatus({""}),                                           // Empty.
      CreateStatus({"\n", ""}),                                     // Empty, second.
      CreateStatus({std::string(17, '-')}),                         // 17 bytes.
      CreateStatus({"\n", "\n"}),                                   // Duplicate.
      CreateStatus({"\r", "\r\n"}),                             // Written one a prefix of another.
      CreateStatus({"\n"}, 10, static_cast<TooLongPolicy>(7)),  // No such policy.
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(bad[i].code(), absl::StatusCode::kInvalidArgument) << i << ": " << bad[i];
    EXPECT_THAT(bad[i].message(), HasSubstr("delimiter: bad option")) << i;
  }
}

TEST(DelimiterFramerTest, SpecIsCanonical) {
  auto framer = Make({"\n"});
  EXPECT_EQ(framer->kind(), "delimiter");
  EXPECT_EQ(framer->Spec(), "delimiter:delim=\\n,max=1MiB,too_long=fail");
  EXPECT_EQ(Make({"\r\n", "\n"}, 1000, TooLongPolicy::kSkip)->Spec(),
            "delimiter:delim=\\r\\n,delim=\\n,max=1000,too_long=skip");
  EXPECT_EQ(Make({std::string("\0", 1), ",= #"}, 64 * 1024)->Spec(),
            "delimiter:delim=\\0,delim=\\x2C\\x3D\\x20\\x23,max=64KiB,too_long=fail");
  EXPECT_EQ(Make({"END"}, 0)->Spec(), "delimiter:delim=END,max=0,too_long=fail");
}

TEST(DelimiterFramerTest, SpecRoundTripsThroughMakeFramer) {
  for (const auto& framer :
       {Make({"\n"}), Make({"\r\n", "\n"}, 1000, TooLongPolicy::kSkip),
        Make({std::string("\0", 1), ",= #", "\xff\\"}, 64 * 1024), Make({"END"}, 0)}) {
    absl::StatusOr<std::unique_ptr<Framer>> parsed = MakeFramer(framer->Spec());
    ASSERT_TRUE(parsed.ok()) << framer->Spec() << ": " << parsed.status();
    EXPECT_EQ((*parsed)->Spec(), framer->Spec());
  }
}

// The one-byte fast path pops delimiter positions from 64-byte bitmask windows kept in stream
// coordinates. Lines of every length around the window size, fed in random pieces (so windows
// straddle feeds and buffer moves), with a max that some lines exceed, must give exactly what a
// reference split gives, in both too-long policies.
TEST(DelimiterDecoder, BitmaskWindowsMatchReferenceSplitAcrossRandomFeeds) {
  std::mt19937 rng(20261126);
  constexpr uint64_t kMax = 100;
  for (TooLongPolicy policy : {TooLongPolicy::kFail, TooLongPolicy::kSkip}) {
    for (int round = 0; round < 40; ++round) {
      std::string stream;
      std::vector<std::string> expected;
      bool failed = false;
      for (int i = 0; i < 60; ++i) {
        const size_t len = rng() % 4 == 0 ? rng() % 200 : rng() % 70;
        std::string line(len, 'a' + static_cast<char>(i % 26));
        stream += line;
        stream += '\n';
        if (failed) continue;
        if (len <= kMax) {
          expected.push_back(line);
        } else if (policy == TooLongPolicy::kFail) {
          failed = true;
        }
      }
      DelimiterOptions options;
      options.max_frame_size = kMax;
      options.on_too_long = policy;
      absl::StatusOr<std::unique_ptr<DelimiterFramer>> framer = DelimiterFramer::Create(options);
      ASSERT_TRUE(framer.ok());
      DelimiterDecoder decoder = (*framer)->MakeDecoder();
      std::vector<std::string> got;
      size_t errors = 0;
      for (size_t off = 0; off < stream.size() && !decoder.failed();) {
        const size_t n = std::min<size_t>(1 + rng() % 150, stream.size() - off);
        ASSERT_TRUE(decoder.Feed(absl::string_view(stream).substr(off, n)).ok());
        off += n;
        absl::string_view frame;
        for (;;) {
          Decoder::Result r = decoder.Next(&frame);
          if (r == Decoder::kFrame) {
            got.emplace_back(frame);
          } else if (r == Decoder::kError) {
            ++errors;
            EXPECT_EQ(decoder.status().code(), absl::StatusCode::kResourceExhausted);
            if (decoder.failed()) break;
          } else {
            break;
          }
        }
      }
      EXPECT_EQ(got, expected) << "round " << round;
      EXPECT_EQ(failed, decoder.failed());
      if (!decoder.failed()) {
        EXPECT_TRUE(decoder.Finish().ok());
      }
      if (policy == TooLongPolicy::kSkip) {
        EXPECT_GT(errors + got.size(), 0u);
      }
    }
  }
}

}  // namespace
}  // namespace framekit
