#include "framekit/framing/length_header_framer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
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
using ::testing::HasSubstr;

constexpr auto kOk = absl::StatusCode::kOk;
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr auto kTooLarge = absl::StatusCode::kResourceExhausted;
constexpr auto kDataLoss = absl::StatusCode::kDataLoss;

std::unique_ptr<LengthHeaderFramer> Make(const LengthHeaderOptions& options) {
  absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer = LengthHeaderFramer::Create(options);
  EXPECT_TRUE(framer.ok()) << framer.status();
  return framer.ok() ? std::move(*framer) : nullptr;
}

LengthHeaderOptions Opts(int width, ByteOrder order = ByteOrder::kBig) {
  LengthHeaderOptions o;
  o.width = width;
  o.order = order;
  return o;
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Hex(absl::string_view s) { return absl::BytesToHexString(s); }

std::string EncodeOne(const Framer& framer, absl::string_view payload) {
  std::string out;
  absl::Status s = framer.Encode(payload, &out);
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// ---- Golden bytes. ----

TEST(LengthHeaderGolden, FourByteBigEndian) {
  auto framer = Make(Opts(4));
  EXPECT_EQ(Hex(EncodeAll(*framer, {"hi"})),
            "0000000268"
            "69");
  ExpectDecodesAtEverySplit(*framer, Bytes({0, 0, 0, 2, 'h', 'i'}), {"hi"});
}

TEST(LengthHeaderGolden, TwoByteLittleEndian) {
  auto framer = Make(Opts(2, ByteOrder::kLittle));
  EXPECT_EQ(Hex(EncodeAll(*framer, {"hi"})), "02006869");
  ExpectDecodesAtEverySplit(*framer, Bytes({2, 0, 'h', 'i'}), {"hi"});
}

TEST(LengthHeaderGolden, VarintLength300IsAC02) {
  auto framer = Make(Opts(kVarintWidth));
  const std::string payload(300, 'x');
  const std::string wire = EncodeAll(*framer, {payload});
  EXPECT_EQ(Hex(wire.substr(0, 2)), "ac02");
  EXPECT_EQ(wire.size(), 302u);
  EXPECT_EQ(Hex(EncodeAll(*framer, {"hi"})), "026869");
  EXPECT_EQ(DecodeWhole(*framer, wire).frames, std::vector<std::string>{payload});
}

TEST(LengthHeaderGolden, GrpcStyleOffsetOneWidthFour) {
  LengthHeaderOptions o;
  o.length_offset = 1;
  auto framer = Make(o);
  EXPECT_EQ(Hex(EncodeAll(*framer, {"hi"})), "00000000026869");
  // The decoder ignores the offset bytes: a compressed-flag of 1 decodes the same.
  ExpectDecodesAtEverySplit(*framer, Bytes({1, 0, 0, 0, 2, 'h', 'i', 0, 0, 0, 0, 0}), {"hi", ""});
}

TEST(LengthHeaderGolden, OneAndEightByteFields) {
  EXPECT_EQ(Hex(EncodeAll(*Make(Opts(1)), {"hi"})), "026869");
  EXPECT_EQ(Hex(EncodeAll(*Make(Opts(8)), {"hi"})), "00000000000000026869");
  EXPECT_EQ(Hex(EncodeAll(*Make(Opts(8, ByteOrder::kLittle)), {"hi"})), "02000000000000006869");
  EXPECT_EQ(Hex(EncodeAll(*Make(Opts(4, ByteOrder::kLittle)), {"hi"})), "020000006869");
  EXPECT_EQ(Hex(EncodeAll(*Make(Opts(2)), {std::string(258, 'a')})).substr(0, 4), "0102");
}

TEST(LengthHeaderGolden, EmptyPayloadIsJustTheHeader) {
  auto framer = Make(Opts(4));
  EXPECT_EQ(Hex(EncodeAll(*framer, {""})), "00000000");
  ExpectDecodesAtEverySplit(*framer, Bytes({0, 0, 0, 0, 0, 0, 0, 0}), {"", ""});
}

TEST(LengthHeaderGolden, AdjustmentCountsTheHeader) {
  LengthHeaderOptions o = Opts(2);
  o.length_adjustment = -2;  // The field counts its own 2 bytes.
  auto framer = Make(o);
  EXPECT_EQ(Hex(EncodeAll(*framer, {"HELLO, WORLD"})).substr(0, 4), "000e");
}

// ---- Random round trips over every layout. ----

struct Combo {
  int width;
  ByteOrder order;
  size_t offset;
  int64_t adjust;
  size_t strip;
};

std::string Describe(const Combo& c) {
  return absl::StrCat("width=", c.width, " order=", c.order == ByteOrder::kBig ? "big" : "little",
                      " offset=", c.offset, " adjust=", c.adjust, " strip=",
                      c.strip == kStripWholeHeader ? std::string("all") : absl::StrCat(c.strip));
}

TEST(LengthHeaderRoundTrip, RandomPayloadsEveryWidthOrderOffsetAdjustStrip) {
  absl::BitGen gen;
  int combos = 0;
  for (int width : {1, 2, 4, 8, kVarintWidth}) {
    for (ByteOrder order : {ByteOrder::kBig, ByteOrder::kLittle}) {
      for (size_t offset : {size_t{0}, size_t{1}, size_t{3}}) {
        const size_t fixed_header = offset + static_cast<size_t>(width);
        for (int64_t adjust : {int64_t{0}, -static_cast<int64_t>(fixed_header), int64_t{3}}) {
          std::vector<size_t> strips = {0, kStripWholeHeader};
          if (width != kVarintWidth) {
            strips.push_back(offset);
            strips.push_back(fixed_header - 1);
          }
          for (size_t strip : strips) {
            const Combo c{width, order, offset, adjust, strip};
            SCOPED_TRACE(Describe(c));
            LengthHeaderOptions o;
            o.width = width;
            o.order = order;
            o.length_offset = offset;
            o.length_adjustment = adjust;
            o.strip = strip;
            o.max_frame_size = 300;
            auto framer = Make(o);
            ASSERT_NE(framer, nullptr);
            const uint64_t lo = adjust > 0 ? static_cast<uint64_t>(adjust) : 0;
            const uint64_t hi = framer->max_payload_size();
            std::vector<std::string> payloads;
            std::vector<std::string> expected;
            std::string wire;
            for (int i = 0; i < 4; ++i) {
              // Edges and random sizes: the smallest, the largest, anything in between.
              uint64_t size = i == 0 ? lo : i == 1 ? hi : absl::Uniform<uint64_t>(gen, lo, hi + 1);
              if (size > 40 && i > 1) size = lo + size % 40;  // Keep the O(n^2) splits cheap.
              std::string payload(size, '\0');
              for (char& ch : payload) ch = static_cast<char>(absl::Uniform<int>(gen, 0, 256));
              const std::string frame_wire = EncodeOne(*framer, payload);
              const size_t header = frame_wire.size() - payload.size();
              ASSERT_LE(header, FrameEnvelope::kMaxHeaderSize);
              const size_t stripped = strip == kStripWholeHeader ? header : strip;
              payloads.push_back(payload);
              expected.push_back(frame_wire.substr(stripped));
              wire += frame_wire;
            }
            EXPECT_EQ(EncodeAll(*framer, payloads), wire);
            ExpectDecodesAtEverySplit(*framer, wire, expected);
            ++combos;
          }
        }
      }
    }
  }
  EXPECT_EQ(combos, 4 * 2 * 3 * 3 * 4 + 1 * 2 * 3 * 3 * 2);
}

TEST(LengthHeaderRoundTrip, ThousandFramesInOneFeed) {
  auto framer = Make(Opts(4));
  std::vector<std::string> payloads;
  for (int i = 0; i < 1000; ++i) payloads.push_back(std::string(i % 37, static_cast<char>(i)));
  const std::string wire = EncodeAll(*framer, payloads);
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  ASSERT_TRUE(decoder->Feed(wire).ok());
  absl::string_view frame;
  std::vector<std::string> got;
  while (decoder->Next(&frame) == Decoder::kFrame) got.emplace_back(frame);
  EXPECT_EQ(got, payloads);
  EXPECT_EQ(decoder->stream_offset(), wire.size());
  EXPECT_TRUE(decoder->Finish().ok());
}

TEST(LengthHeaderRoundTrip, ZeroCopyWritesIntoTheDecoder) {
  auto framer = Make(Opts(2, ByteOrder::kLittle));
  const std::string wire = EncodeAll(*framer, {"abc", "", "defgh"});
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  std::vector<std::string> got;
  for (char c : wire) {  // One byte per "read".
    absl::Span<char> dst = decoder->PrepareWrite(1);
    ASSERT_GE(dst.size(), 1u);
    dst[0] = c;
    decoder->CommitWrite(1);
    absl::string_view frame;
    while (decoder->Next(&frame) == Decoder::kFrame) got.emplace_back(frame);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"abc", "", "defgh"}));
  EXPECT_TRUE(decoder->Finish().ok());
}

TEST(LengthHeaderRoundTrip, DecoderOutlivesItsFramer) {
  std::unique_ptr<Decoder> decoder;
  {
    auto framer = Make(Opts(4));
    decoder = framer->NewDecoder();
  }
  ASSERT_TRUE(decoder->Feed(Bytes({0, 0, 0, 1, 'z'})).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "z");
}

// ---- Split headers. ----

TEST(LengthHeaderSplit, FixedHeaderWithOffsetSplitAtEveryByte) {
  LengthHeaderOptions o = Opts(8, ByteOrder::kLittle);
  o.length_offset = 5;
  auto framer = Make(o);
  const std::string wire = EncodeAll(*framer, {"first", "", "third frame"});
  ExpectDecodesAtEverySplit(*framer, wire, {"first", "", "third frame"});
}

TEST(LengthHeaderSplit, VarintSplitAfterEveryByte) {
  // netty #17549: a varint header split after its 3rd byte desynced the stream. Over-long varints
  // give headers of every length from 1 to 10 bytes with small payloads.
  auto framer = Make(Opts(kVarintWidth));
  std::string wire;
  std::vector<std::string> expected;
  for (int extra = 0; extra < 10; ++extra) {
    const std::string payload(static_cast<size_t>(extra) + 1, static_cast<char>('a' + extra));
    std::string header(1, static_cast<char>(payload.size()));
    if (extra > 0) {
      header[0] = static_cast<char>(header[0] | 0x80);
      header += std::string(static_cast<size_t>(extra) - 1, '\x80');
      header.push_back('\0');
    }
    ASSERT_EQ(header.size(), static_cast<size_t>(extra) + 1);
    wire += header + payload;
    expected.push_back(payload);
  }
  wire += EncodeOne(*framer, std::string(300, 'P'));  // A real two-byte varint, AC 02.
  expected.push_back(std::string(300, 'P'));
  ExpectDecodesAtEverySplit(*framer, wire, expected);
}

TEST(LengthHeaderSplit, VarintWithOffsetSplitAtEveryByte) {
  LengthHeaderOptions o = Opts(kVarintWidth);
  o.length_offset = 2;
  o.strip = 0;
  auto framer = Make(o);
  const std::string wire = EncodeAll(*framer, {std::string(200, 'v'), "w"});
  EXPECT_EQ(Hex(wire.substr(0, 4)), "0000c801");
  ExpectDecodesAtEverySplit(
      *framer, wire, {Bytes({0, 0, 0xC8, 1}) + std::string(200, 'v'), Bytes({0, 0, 1}) + "w"});
}

// ---- Varint header edge cases. ----

TEST(LengthHeaderVarint, NonCanonicalHeaderAcceptedAsProtobufDoes) {
  // Decision: accept over-long encodings (`80 00` = 0), as protobuf's parser does.
  auto framer = Make(Opts(kVarintWidth));
  ExpectDecodesAtEverySplit(*framer, Bytes({0x80, 0x00, 0x82, 0x00, 'h', 'i'}), {"", "hi"});
}

TEST(LengthHeaderVarint, TenthByteAboveOneIsMalformed) {
  LengthHeaderOptions o = Opts(kVarintWidth);
  o.max_frame_size = UINT64_MAX;
  auto framer = Make(o);
  const std::string overflow = std::string(9, '\xFF') + "\x02";
  ExpectDecodesAtEverySplit(*framer, Bytes({1, 'k'}) + overflow, {"k"}, kInvalid);
  DecodeOutcome out = DecodeWhole(*framer, overflow);
  EXPECT_THAT(out.status.message(), HasSubstr("varint"));
}

TEST(LengthHeaderVarint, ElevenByteVarintIsMalformedWithoutWaitingForMore) {
  auto framer = Make(Opts(kVarintWidth));
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  ASSERT_TRUE(decoder->Feed(std::string(10, '\x80')).ok());
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status().code(), kInvalid);
  EXPECT_TRUE(decoder->failed());
}

TEST(LengthHeaderVarint, LargestVarintOverMaxIsTooLarge) {
  auto framer = Make(Opts(kVarintWidth));
  ExpectDecodesAtEverySplit(*framer, std::string(9, '\xFF') + "\x01", {}, kTooLarge);
}

// ---- Max: payload bytes, checked on the raw field before buffering. ----

// Builds one frame by hand: offset zeros, a big-endian `width`-byte field, the payload.
std::string RawFrame(int width, uint64_t field, absl::string_view payload, size_t offset = 0) {
  std::string s(offset, '\0');
  for (int i = width - 1; i >= 0; --i) s.push_back(static_cast<char>(field >> (8 * i)));
  return s + std::string(payload);
}

void ExpectExactlyMaxAccepted(int64_t adjust) {
  SCOPED_TRACE(absl::StrCat("adjust=", adjust));
  LengthHeaderOptions o = Opts(4);
  o.length_adjustment = adjust;
  o.max_frame_size = 100;
  auto framer = Make(o);
  ASSERT_NE(framer, nullptr);
  EXPECT_EQ(framer->max_payload_size(), 100u);
  const std::string max_payload(100, 'm');
  const uint64_t field = static_cast<uint64_t>(100 - adjust);
  std::string out;
  EXPECT_TRUE(framer->Encode(max_payload, &out).ok());
  EXPECT_EQ(out, RawFrame(4, field, max_payload));
  ExpectDecodesAtEverySplit(*framer, RawFrame(4, field, max_payload), {max_payload});
  // One more is refused both ways; the decoder refuses on the header alone.
  EXPECT_EQ(framer->Encode(std::string(101, 'm'), &out).code(), kTooLarge);
  ExpectDecodesAtEverySplit(*framer, RawFrame(4, field + 1, ""), {}, kTooLarge);
}

TEST(LengthHeaderMax, ExactlyMaxAcceptedWithoutAdjustment) { ExpectExactlyMaxAccepted(0); }
TEST(LengthHeaderMax, ExactlyMaxAcceptedWithNegativeAdjustment) { ExpectExactlyMaxAccepted(-4); }
TEST(LengthHeaderMax, ExactlyMaxAcceptedWithPositiveAdjustment) { ExpectExactlyMaxAccepted(3); }

TEST(LengthHeaderMax, FourGibHeaderFailsAtOnceAndAllocatesNothing) {
  LengthHeaderOptions o = Opts(8);
  auto framer = Make(o);
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  ASSERT_TRUE(decoder->Feed(RawFrame(8, uint64_t{4} << 30, "")).ok());
  const size_t capacity = decoder->buffer_capacity();
  EXPECT_LE(capacity, 4096u);
  absl::string_view frame;
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status().code(), kTooLarge);
  EXPECT_THAT(decoder->status().message(), HasSubstr("4294967296-byte payload"));
  EXPECT_THAT(decoder->status().message(), HasSubstr("maximum of 1048576"));
  EXPECT_EQ(decoder->buffer_capacity(), capacity);
  // Same for the largest 4-byte field.
  auto framer4 = Make(Opts(4));
  ExpectDecodesAtEverySplit(*framer4, Bytes({0xFF, 0xFF, 0xFF, 0xFF}), {}, kTooLarge);
}

TEST(LengthHeaderMax, TooLargeReportedFromHeaderBeforeAnyPayloadArrives) {
  LengthHeaderOptions o = Opts(2);
  o.max_frame_size = 10;
  auto framer = Make(o);
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  ASSERT_TRUE(decoder->Feed(Bytes({0, 5, 'a', 'b', 'c', 'd', 'e', 0, 11})).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status().code(), kTooLarge);
  EXPECT_THAT(decoder->status().message(), HasSubstr("stream offset 7"));
}

TEST(LengthHeaderMax, EightByteLengthNearTwoToTheSixtyFour) {
  // wangle: field + adjustment wrapped past the max check. 2^64 - 2 + 3 must not become 1.
  LengthHeaderOptions o = Opts(8);
  o.length_adjustment = 3;
  auto framer = Make(o);
  for (uint64_t field : {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 2, UINT64_MAX - 3}) {
    SCOPED_TRACE(field);
    ExpectDecodesAtEverySplit(*framer, RawFrame(8, field, "x") + RawFrame(8, 0, "abc"), {},
                              kTooLarge);
  }
  // Same with no configured limit: the clamp to what a buffer can address still holds.
  o.max_frame_size = UINT64_MAX;
  auto unlimited = Make(o);
  EXPECT_LT(unlimited->max_payload_size(), UINT64_MAX);
  ExpectDecodesAtEverySplit(*unlimited, RawFrame(8, UINT64_MAX - 1, "x"), {}, kTooLarge);
  DecodeOutcome out = DecodeWhole(*unlimited, RawFrame(8, UINT64_MAX - 1, "x"));
  EXPECT_THAT(out.status.message(), HasSubstr("18446744073709551615-byte payload"));
  // And a negative adjustment does not wrap either: the largest field is fine to compare.
  LengthHeaderOptions neg = Opts(8);
  neg.length_adjustment = -8;
  ExpectDecodesAtEverySplit(*Make(neg), RawFrame(8, UINT64_MAX, ""), {}, kTooLarge);
}

TEST(LengthHeaderMax, NegativeAdjustedLengthIsMalformed) {
  LengthHeaderOptions o = Opts(4);
  o.length_adjustment = -4;
  auto framer = Make(o);
  ExpectDecodesAtEverySplit(*framer, RawFrame(4, 5, "a") + RawFrame(4, 3, ""), {"a"}, kInvalid);
  ExpectDecodesAtEverySplit(*framer, RawFrame(4, 4, ""), {""});  // Zero is fine.
  DecodeOutcome out = DecodeWhole(*framer, RawFrame(4, 3, "zzz"));
  EXPECT_THAT(out.status.message(), HasSubstr("negative"));
}

// ---- Encoder range checks. ----

TEST(LengthHeaderEncode, EncoderRefusesLengthThatDoesNotFitWidth) {
  // tokio #5080: a 6 MB length was truncated into a 2-byte field.
  auto one = Make(Opts(1));
  EXPECT_EQ(one->max_payload_size(), 255u);
  std::string out = "keep";
  EXPECT_TRUE(one->Encode(std::string(255, 'a'), &out).ok());
  EXPECT_EQ(static_cast<uint8_t>(out[4]), 255);
  out = "keep";
  absl::Status s = one->Encode(std::string(256, 'a'), &out);
  EXPECT_EQ(s.code(), kTooLarge);
  EXPECT_THAT(s.message(), HasSubstr("256"));
  EXPECT_EQ(out, "keep") << "unchanged on error";
  FrameEnvelope envelope;
  EXPECT_EQ(one->EncodeEnvelope(std::string(256, 'a'), &envelope).code(), kTooLarge);

  auto two = Make(Opts(2));
  EXPECT_EQ(two->max_payload_size(), 65535u);
  EXPECT_EQ(two->Encode(std::string(6 << 20, 'a'), &out).code(), kTooLarge);
  EXPECT_EQ(two->Encode(std::string(65536, 'a'), &out).code(), kTooLarge);
  EXPECT_TRUE(two->Encode(std::string(65535, 'a'), &out).ok());

  // The clamp follows the adjustment: field 255 means 255 + adjust payload bytes.
  LengthHeaderOptions plus = Opts(1);
  plus.length_adjustment = 2;
  EXPECT_EQ(Make(plus)->max_payload_size(), 257u);
  LengthHeaderOptions minus = Opts(1);
  minus.length_adjustment = -1;
  EXPECT_EQ(Make(minus)->max_payload_size(), 254u);
  EXPECT_EQ(Make(minus)->Encode(std::string(255, 'a'), &out).code(), kTooLarge);
}

TEST(LengthHeaderEncode, ConfiguredMaxBelowFieldLimitIsEnforced) {
  LengthHeaderOptions o = Opts(4);
  o.max_frame_size = 16;
  auto framer = Make(o);
  std::string out;
  EXPECT_TRUE(framer->Encode(std::string(16, 'a'), &out).ok());
  EXPECT_EQ(framer->Encode(std::string(17, 'a'), &out).code(), kTooLarge);
}

TEST(LengthHeaderEncode, PayloadShorterThanPositiveAdjustmentRefused) {
  LengthHeaderOptions o = Opts(2);
  o.length_adjustment = 3;  // field = payload - 3: a 2-byte payload would need field -1.
  auto framer = Make(o);
  std::string out;
  EXPECT_EQ(framer->Encode("ab", &out).code(), kInvalid);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(Hex(EncodeAll(*framer, {"abc"})), "0000616263");
}

TEST(LengthHeaderEncode, EnvelopeHasNoTrailerAndMatchesEncode) {
  LengthHeaderOptions o = Opts(kVarintWidth);
  o.length_offset = 16;
  auto framer = Make(o);
  FrameEnvelope envelope;
  ASSERT_TRUE(framer->EncodeEnvelope(std::string(1000, 'e'), &envelope).ok());
  EXPECT_EQ(envelope.header(), std::string(16, '\0') + "\xE8\x07");
  EXPECT_TRUE(envelope.trailer().empty());
  EncodeAll(*framer, {"a", std::string(1000, 'e')});
}

// ---- Strip. ----

TEST(LengthHeaderStrip, StripZeroDeliversHeaderAndPayload) {
  LengthHeaderOptions o = Opts(2);
  o.length_offset = 1;
  o.strip = 0;
  auto framer = Make(o);
  const std::string frame = Bytes({7, 0, 12}) + "HELLO, WORLD";
  ExpectDecodesAtEverySplit(*framer, frame, {frame});
}

TEST(LengthHeaderStrip, StripOffsetDeliversLengthFieldAndPayload) {
  LengthHeaderOptions o = Opts(2);
  o.length_offset = 1;
  o.strip = 1;
  auto framer = Make(o);
  ExpectDecodesAtEverySplit(*framer, Bytes({7, 0, 12}) + "HELLO, WORLD",
                            {Bytes({0, 12}) + "HELLO, WORLD"});
}

TEST(LengthHeaderStrip, StripInsideTheLengthField) {
  LengthHeaderOptions o = Opts(4);
  o.strip = 3;
  auto framer = Make(o);
  ExpectDecodesAtEverySplit(*framer, Bytes({0, 0, 0, 2, 'h', 'i'}), {Bytes({2}) + "hi"});
}

TEST(LengthHeaderStrip, StripWholeHeaderIsTheDefault) {
  LengthHeaderOptions o = Opts(2);
  o.length_offset = 1;
  auto framer = Make(o);
  ExpectDecodesAtEverySplit(*framer, Bytes({7, 0, 12}) + "HELLO, WORLD", {"HELLO, WORLD"});
}

TEST(LengthHeaderStrip, AdjustmentAndStripZeroNettyExample) {
  // offset=1, width=2, adjust=-3, strip=0: the field counts the whole 3-byte header.
  LengthHeaderOptions o = Opts(2);
  o.length_offset = 1;
  o.length_adjustment = -3;
  o.strip = 0;
  auto framer = Make(o);
  const std::string frame = Bytes({1, 0, 15}) + "HELLO, WORLD";
  ExpectDecodesAtEverySplit(*framer, frame, {frame});
}

TEST(LengthHeaderStrip, VarintStripZeroKeepsTheVarint) {
  LengthHeaderOptions o = Opts(kVarintWidth);
  o.strip = 0;
  auto framer = Make(o);
  ExpectDecodesAtEverySplit(*framer, Bytes({2, 'h', 'i', 0x80, 0x00}),
                            {Bytes({2, 'h', 'i'}), Bytes({0x80, 0x00})});
}

// ---- TooLongPolicy::kSkip. ----

// DecodeThroughReports for a skip-policy decoder: no error is fatal, and a report lasts one call.
ReportingOutcome DecodeSkipping(const Framer& framer, absl::string_view stream,
                                const std::vector<size_t>& cuts) {
  ReportingOutcome out = DecodeThroughReports(framer, stream, cuts);
  EXPECT_FALSE(out.fatal) << out.end;
  EXPECT_EQ(out.stale_reports, 0u) << "a report lasts one call";
  return out;
}

TEST(LengthHeaderSkip, SkippedPayloadNeverReadAsHeader) {
  // cassandra-java-driver #748: leftover bytes of a too-long frame were parsed as a header.
  LengthHeaderOptions o = Opts(4);
  o.max_frame_size = 8;
  o.on_too_long = TooLongPolicy::kSkip;
  auto framer = Make(o);
  // The too-long payload is itself a run of valid frames ("X" and "EVIL"), which must vanish.
  std::string decoy;
  for (int i = 0; i < 3; ++i) decoy += RawFrame(4, 1, "X") + RawFrame(4, 4, "EVIL");
  ASSERT_GT(decoy.size(), 8u);
  const std::string wire =
      RawFrame(4, 2, "ok") + RawFrame(4, decoy.size(), decoy) + RawFrame(4, 4, "done");
  auto check = [&](const std::vector<size_t>& cuts, const std::string& how) {
    ReportingOutcome out = DecodeSkipping(*framer, wire, cuts);
    EXPECT_EQ(out.frames, (std::vector<std::string>{"ok", "done"})) << how;
    EXPECT_EQ(out.reported, std::vector<absl::StatusCode>{kTooLarge}) << how;
    EXPECT_TRUE(out.end.ok()) << how << ": " << out.end;
    // At most the 8-byte "done" frame is ever held: none of the 30 skipped bytes stay buffered.
    EXPECT_LE(out.max_buffered, 8u) << how;
  };
  check({}, "whole");
  for (size_t cut = 1; cut < wire.size(); ++cut) check({cut}, absl::StrCat("cut at ", cut));
  std::vector<size_t> every;
  for (size_t i = 1; i < wire.size(); ++i) every.push_back(i);
  check(every, "byte by byte");
}

TEST(LengthHeaderSkip, DiscardsExactlyTheAnnouncedBytesAsTheyArrive) {
  LengthHeaderOptions o = Opts(2);
  o.max_frame_size = 4;
  o.on_too_long = TooLongPolicy::kSkip;
  auto framer = Make(o);
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  absl::string_view frame;
  ASSERT_TRUE(decoder->Feed(Bytes({0x03, 0xE8}) + std::string(100, 'j')).ok());  // 1000 bytes.
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status().code(), kTooLarge);
  EXPECT_EQ(decoder->state(), LengthHeaderDecoder::State::kDiscard);
  EXPECT_EQ(decoder->pending_length(), 900u);
  EXPECT_EQ(decoder->buffered_bytes(), 0u);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_TRUE(decoder->status().ok());
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(decoder->Feed(std::string(100, 'j')).ok());
    EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
    EXPECT_EQ(decoder->buffered_bytes(), 0u);
  }
  EXPECT_EQ(decoder->state(), LengthHeaderDecoder::State::kHead);
  EXPECT_EQ(decoder->stream_offset(), 1002u);
  ASSERT_TRUE(decoder->Feed(Bytes({0, 2, 'o', 'k'})).ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "ok");
  EXPECT_TRUE(decoder->Finish().ok());
  EXPECT_LE(decoder->buffer_capacity(), 4096u);
}

TEST(LengthHeaderSkip, SkippedFrameWhollyBufferedThenNextFrame) {
  LengthHeaderOptions o = Opts(1);
  o.max_frame_size = 2;
  o.on_too_long = TooLongPolicy::kSkip;
  auto framer = Make(o);
  const std::string wire = Bytes({3, 1, 'a', 'b', 1, 'c', 3, 'x', 'y', 'z', 0});
  ReportingOutcome out = DecodeSkipping(*framer, wire, {});
  // Skipped: `1 'a' 'b'` (which looks like a frame "a" + a header) and `'x' 'y' 'z'`.
  EXPECT_EQ(out.frames, (std::vector<std::string>{"c", ""}));
  EXPECT_EQ(out.reported, (std::vector<absl::StatusCode>{kTooLarge, kTooLarge}));
  EXPECT_TRUE(out.end.ok()) << out.end;
}

TEST(LengthHeaderSkip, NegativeLengthStillFatalUnderSkip) {
  LengthHeaderOptions o = Opts(1);
  o.length_adjustment = -1;
  o.on_too_long = TooLongPolicy::kSkip;
  auto framer = Make(o);
  ExpectDecodesAtEverySplit(*framer, Bytes({0, 2, 'z'}), {}, kInvalid);
}

// ---- End of stream and fatal errors. ----

TEST(LengthHeaderFinish, CleanAtFrameBoundary) {
  auto framer = Make(Opts(4));
  auto decoder = framer->NewDecoder();
  EXPECT_TRUE(decoder->Finish().ok());
  ASSERT_TRUE(decoder->Feed(RawFrame(4, 1, "a")).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_TRUE(decoder->Finish().ok());
}

TEST(LengthHeaderFinish, EofMidHeaderIsDataLoss) {
  LengthHeaderOptions o = Opts(4);
  o.length_offset = 1;
  auto framer = Make(o);
  DecodeOutcome out = DecodeWhole(*framer, RawFrame(4, 1, "a", 1) + Bytes({0, 0, 0}));
  EXPECT_EQ(out.frames, std::vector<std::string>{"a"});
  EXPECT_EQ(out.status.code(), kDataLoss);
  EXPECT_THAT(out.status.message(), HasSubstr("3 bytes pending"));
  EXPECT_THAT(out.status.message(), HasSubstr("header needs 5 bytes"));
}

TEST(LengthHeaderFinish, EofMidVarintHeaderIsDataLoss) {
  auto framer = Make(Opts(kVarintWidth));
  DecodeOutcome out = DecodeByteByByte(*framer, Bytes({0xAC, 0x82, 0x80}));
  EXPECT_EQ(out.status.code(), kDataLoss);
  EXPECT_THAT(out.status.message(), HasSubstr("3 bytes pending"));
}

TEST(LengthHeaderFinish, EofMidPayloadIsDataLoss) {
  auto framer = Make(Opts(2));
  DecodeOutcome out = DecodeByteByByte(*framer, Bytes({0, 10}) + "abcd");
  EXPECT_TRUE(out.frames.empty());
  EXPECT_EQ(out.status.code(), kDataLoss);
  EXPECT_THAT(out.status.message(), HasSubstr("6 bytes pending"));
  EXPECT_THAT(out.status.message(), HasSubstr("frame needs 12 bytes"));
}

TEST(LengthHeaderFinish, EofMidDiscardIsDataLoss) {
  LengthHeaderOptions o = Opts(2);
  o.max_frame_size = 1;
  o.on_too_long = TooLongPolicy::kSkip;
  auto framer = Make(o);
  ReportingOutcome out = DecodeSkipping(*framer, Bytes({0, 10}) + "abcd", {});
  EXPECT_EQ(out.reported, std::vector<absl::StatusCode>{kTooLarge});
  EXPECT_EQ(out.end.code(), kDataLoss);
  EXPECT_THAT(out.end.message(), HasSubstr("6 of its payload bytes never arrived"));
  // Pending: the skipped frame's 2 header and 4 payload bytes received, though all were dropped.
  EXPECT_THAT(out.end.message(), HasSubstr("with 6 bytes pending"));
  // A discard that completed ends cleanly.
  ReportingOutcome done = DecodeSkipping(*framer, Bytes({0, 2}) + "ab", {});
  EXPECT_TRUE(done.end.ok()) << done.end;
}

TEST(LengthHeaderFinish, FatalErrorRefusesFurtherInput) {
  LengthHeaderOptions o = Opts(2);
  o.max_frame_size = 4;
  auto framer = Make(o);
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  ASSERT_TRUE(decoder->Feed(Bytes({0, 5})).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
  const absl::Status error = decoder->status();
  EXPECT_EQ(error.code(), kTooLarge);
  EXPECT_TRUE(decoder->failed());
  EXPECT_EQ(decoder->Feed(Bytes({0, 1, 'a'})), error);
  EXPECT_EQ(decoder->Next(&frame), Decoder::kError);
  EXPECT_EQ(decoder->status(), error);
  EXPECT_EQ(decoder->Finish(), error);
}

TEST(LengthHeaderDecoderState, PendingLengthFollowsTheStates) {
  auto framer = Make(Opts(2));
  auto decoder = std::make_unique<LengthHeaderDecoder>(framer->MakeDecoder());
  absl::string_view frame;
  EXPECT_EQ(decoder->state(), LengthHeaderDecoder::State::kHead);
  ASSERT_TRUE(decoder->Feed(Bytes({0})).ok());
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder->state(), LengthHeaderDecoder::State::kHead);
  ASSERT_TRUE(decoder->Feed(Bytes({7, 'a'})).ok());
  EXPECT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
  EXPECT_EQ(decoder->state(), LengthHeaderDecoder::State::kData);
  EXPECT_EQ(decoder->pending_length(), 7u);
  ASSERT_TRUE(decoder->Feed("bcdefg").ok());
  ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "abcdefg");
  EXPECT_EQ(decoder->state(), LengthHeaderDecoder::State::kHead);
  EXPECT_EQ(decoder->pending_length(), 0u);
}

// ---- Options. ----

absl::StatusCode CreateCode(const LengthHeaderOptions& o) {
  return LengthHeaderFramer::Create(o).status().code();
}

TEST(LengthHeaderOptionsTest, EveryBadOptionIsInvalidArgument) {
  for (int width : {-1, 3, 5, 6, 7, 9, 16, 64}) {
    LengthHeaderOptions o = Opts(width);
    EXPECT_EQ(CreateCode(o), kInvalid) << "width " << width;
  }
  LengthHeaderOptions o;
  o.order = static_cast<ByteOrder>(7);
  EXPECT_EQ(CreateCode(o), kInvalid) << "order";

  o = LengthHeaderOptions();
  o.length_offset = 17;
  EXPECT_EQ(CreateCode(o), kInvalid) << "offset over 16";
  o.length_offset = SIZE_MAX;
  EXPECT_EQ(CreateCode(o), kInvalid) << "offset SIZE_MAX";

  o = LengthHeaderOptions();
  o.length_offset = 1;
  o.strip = 6;
  EXPECT_EQ(CreateCode(o), kInvalid) << "strip over offset + width";
  o.strip = SIZE_MAX - 1;
  EXPECT_EQ(CreateCode(o), kInvalid) << "strip huge";

  for (size_t strip : {size_t{1}, size_t{2}, size_t{10}}) {
    LengthHeaderOptions v = Opts(kVarintWidth);
    v.length_offset = 2;
    v.strip = strip;
    EXPECT_EQ(CreateCode(v), kInvalid) << "varint strip " << strip;
  }

  LengthHeaderOptions adj = Opts(1);
  adj.length_adjustment = -256;
  EXPECT_EQ(CreateCode(adj), kInvalid) << "adjustment makes every 1-byte length negative";
  adj = Opts(2);
  adj.length_adjustment = INT64_MIN;
  EXPECT_EQ(CreateCode(adj), kInvalid) << "INT64_MIN";
  adj = Opts(4);
  adj.max_frame_size = 1000;
  adj.length_adjustment = 1001;
  EXPECT_EQ(CreateCode(adj), kInvalid) << "adjustment above max: no payload encodable";

  o = LengthHeaderOptions();
  o.on_too_long = static_cast<TooLongPolicy>(9);
  EXPECT_EQ(CreateCode(o), kInvalid) << "too_long";

  absl::Status s = LengthHeaderFramer::Create(Opts(3)).status();
  EXPECT_THAT(s.message(), HasSubstr("length: bad option: width"));
}

TEST(LengthHeaderOptionsTest, BoundaryOptionsAccepted) {
  LengthHeaderOptions o;
  o.length_offset = 16;
  o.strip = 20;
  EXPECT_EQ(CreateCode(o), kOk);
  o = Opts(1);
  o.length_adjustment = -255;  // Only the empty payload (field 255).
  auto only_empty = Make(o);
  EXPECT_EQ(only_empty->max_payload_size(), 0u);
  EXPECT_EQ(Hex(EncodeAll(*only_empty, {""})), "ff");
  o = Opts(4);
  o.max_frame_size = 1000;
  o.length_adjustment = 1000;  // Only the 1000-byte payload (field 0).
  EXPECT_EQ(CreateCode(o), kOk);
  o = Opts(8);
  o.length_adjustment = INT64_MIN;
  EXPECT_EQ(CreateCode(o), kOk);
  o = Opts(kVarintWidth);
  o.max_frame_size = 0;
  EXPECT_EQ(CreateCode(o), kOk);
}

TEST(LengthHeaderOptionsTest, OptionsAreNormalised) {
  LengthHeaderOptions o = Opts(4);
  o.length_offset = 1;
  o.strip = 5;
  o.max_frame_size = UINT64_MAX;
  auto framer = Make(o);
  EXPECT_EQ(framer->options().strip, kStripWholeHeader);
  EXPECT_EQ(framer->options().max_frame_size, 0xFFFFFFFFu);
  EXPECT_EQ(framer->max_payload_size(), 0xFFFFFFFFu);
  auto again = Make(framer->options());
  EXPECT_TRUE(*again == *framer);
  EXPECT_EQ(Make(Opts(1, ByteOrder::kLittle))->options().order, ByteOrder::kBig);
  EXPECT_EQ(Make(Opts(kVarintWidth, ByteOrder::kLittle))->options().order, ByteOrder::kBig);
}

TEST(LengthHeaderSpec, CanonicalStrings) {
  auto spec = [](const LengthHeaderOptions& o) { return Make(o)->Spec(); };
  EXPECT_EQ(spec(LengthHeaderOptions()),
            "length:width=4,order=big,offset=0,adjust=0,strip=all,max=1MiB,too_long=fail");
  LengthHeaderOptions grpc;
  grpc.length_offset = 1;
  grpc.max_frame_size = 4 << 20;
  EXPECT_EQ(spec(grpc),
            "length:width=4,order=big,offset=1,adjust=0,strip=all,max=4MiB,too_long=fail");
  LengthHeaderOptions o = Opts(2, ByteOrder::kLittle);
  o.length_adjustment = -2;
  o.strip = 1;
  o.max_frame_size = 1000;
  o.on_too_long = TooLongPolicy::kSkip;
  EXPECT_EQ(spec(o),
            "length:width=2,order=little,offset=0,adjust=-2,strip=1,max=1000,too_long=skip");
  o = Opts(kVarintWidth, ByteOrder::kLittle);
  o.strip = 0;
  EXPECT_EQ(spec(o),
            "length:width=varint,order=big,offset=0,adjust=0,strip=0,max=1MiB,too_long=fail");
  EXPECT_EQ(spec(Opts(1, ByteOrder::kLittle)),
            "length:width=1,order=big,offset=0,adjust=0,strip=all,max=255,too_long=fail");
  o = Opts(2);
  o.strip = 2;  // The whole header.
  EXPECT_EQ(spec(o), "length:width=2,order=big,offset=0,adjust=0,strip=all,max=65535,too_long=fail")
      << "the effective max, clamped to the field";
}

TEST(LengthHeaderSpec, KindAndEquality) {
  auto a = Make(Opts(4));
  auto b = Make(Opts(4));
  auto c = Make(Opts(4, ByteOrder::kLittle));
  EXPECT_EQ(a->kind(), "length");
  EXPECT_TRUE(*a == *b);
  EXPECT_TRUE(*a != *c);
}

}  // namespace
}  // namespace framekit
