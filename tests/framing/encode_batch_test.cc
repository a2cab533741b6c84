// Framer::EncodeBatch / EncodeBatchInto and Encode into a ByteBuffer: the same bytes as Encode
// into a std::string one payload at a time, for every built-in framer and a user-defined one (the
// default implementations); refusals that leave the output unchanged (all-or-nothing for batches,
// naming the payload); and the small helpers the fast encoders stand on.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "framekit/framing/byte_buffer.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/internal/ascii_digits.h"
#include "framekit/framing/internal/copy.h"
#include "gtest/gtest.h"
#include "tests/framing/testing/decode_helpers.h"

namespace framekit {
namespace {

using ::framekit::testing::DecodeOutcome;
using ::framekit::testing::DecodeWhole;

std::unique_ptr<Framer> Make(absl::string_view spec) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  EXPECT_TRUE(framer.ok()) << spec << ": " << framer.status();
  return framer.ok() ? *std::move(framer) : nullptr;
}

std::vector<absl::string_view> Views(const std::vector<std::string>& payloads) {
  return std::vector<absl::string_view>(payloads.begin(), payloads.end());
}

// Every payload through Encode, appended to `prefix`.
std::string EncodeEach(const Framer& framer, const std::vector<std::string>& payloads,
                       std::string prefix = "") {
  for (const std::string& p : payloads) {
    absl::Status s = framer.Encode(p, &prefix);
    EXPECT_TRUE(s.ok()) << s;
  }
  return prefix;
}

// EncodeBatchInto into a vector, recording how get_buffer was called.
struct IntoResult {
  absl::StatusOr<size_t> written = size_t{0};
  size_t refused = SIZE_MAX;
  int buffer_calls = 0;
  size_t requested = 0;
  std::string bytes;  // The first `written` bytes of the buffer.
};

IntoResult EncodeInto(const Framer& framer, absl::Span<const absl::string_view> payloads) {
  IntoResult r;
  std::vector<char> buffer;
  r.written = framer.EncodeBatchInto(
      payloads,
      [&](size_t size) {
        ++r.buffer_calls;
        r.requested = size;
        buffer.assign(size + 1, '\x7f');  // + 1: never a null pointer, even for 0 bytes.
        return buffer.data();
      },
      &r.refused);
  if (r.written.ok()) r.bytes.assign(buffer.data(), *r.written);
  return r;
}

// A representative set of configurations: every built-in kind, every length field codec, offsets,
// adjustments, both byte orders, one- and multi-byte delimiters (all three scan modes), padding.
const char* const kSpecs[] = {
    "length:width=4",
    "length:width=1",
    "length:width=2,order=little",
    "length:width=2,order=big,adjust=-2",
    "length:width=4,order=little,offset=3",
    "length:width=8,order=big,offset=1,adjust=-9",
    "length:width=8,order=little",
    "length:width=4,adjust=3",
    "length:width=varint",
    "length:width=varint,offset=16,adjust=-1",
    "length:width=varint,adjust=2",
    "length:width=4,offset=9,strip=0",
    "delimiter",
    "delimiter:delim=\\0",
    "delimiter:delim=\\r\\n",
    "delimiter:delim=\\r\\n\\r\\n,delim=\\r\\n",
    "delimiter:delim=|,delim=;;",
    "fixed:size=16,pad=0x20",
    "fixed:size=300,pad=0x00",
    "fixed:size=16",
    "ascii:digits=5",
    "ascii:digits=1",
    "ascii:digits=20",
    "netstring",
    "netstring:max=64KiB",
};

// Random payloads of sizes around every interesting boundary (0, 1, 16, word sizes, 255/256,
// 64 KiB, large), kept only when Encode accepts them: random bytes if the framer takes them,
// else letters (delimiter framers).
std::vector<std::string> RandomPayloads(const Framer& framer, uint32_t seed, size_t count) {
  static const size_t kSizes[] = {0,   1,    2,    3,    4,     5,     7,     8,     9,     15,
                                  16,  17,   24,   31,   32,    33,    100,   255,   256,   257,
                                  300, 1000, 4096, 9999, 65535, 65536, 70000, 99999, 100000};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  std::string scratch;
  for (int attempts = 0; out.size() < count && attempts < 100000; ++attempts) {
    const size_t size =
        rng() % 3 == 0 ? rng() % 40 : kSizes[rng() % (sizeof(kSizes) / sizeof(kSizes[0]))];
    std::string p(size, '\0');
    for (char& c : p) c = static_cast<char>(rng());
    scratch.clear();
    if (!framer.Encode(p, &scratch).ok()) {
      for (char& c : p) c = static_cast<char>('a' + rng() % 26);
      if (!framer.Encode(p, &scratch).ok()) continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// What the decoder delivers for `payload`: the payload itself, padded for a fixed framer, with the
// header for a length framer that strips none of it.
std::string Delivered(const Framer& framer, const std::string& payload) {
  if (const auto* fixed = dynamic_cast<const FixedLengthFramer*>(&framer)) {
    std::string padded = payload;
    padded.resize(fixed->options().frame_size, static_cast<char>(fixed->options().pad.value_or(0)));
    return padded;
  }
  if (framer.kind() == "length" && framer.Spec().find("strip=all") == std::string::npos) {
    std::string frame;
    EXPECT_TRUE(framer.Encode(payload, &frame).ok());
    return frame;
  }
  return payload;
}

class EncodeBatchSpecTest : public ::testing::TestWithParam<const char*> {};

// A ByteBuffer holding `prefix` with its first `consumed` bytes consumed (so, when that is not 0,
// with its pending bytes not at the front of its storage).
ByteBuffer BufferHolding(absl::string_view prefix, size_t consumed) {
  ByteBuffer buffer;
  buffer.Append(prefix);
  buffer.Consume(consumed);
  return buffer;
}

TEST_P(EncodeBatchSpecTest, SameBytesAsEncodeOneByOneAppendedAfterExistingContent) {
  std::unique_ptr<Framer> framer = Make(GetParam());
  ASSERT_NE(framer, nullptr);
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    const std::vector<std::string> payloads = RandomPayloads(*framer, seed, 150);
    ASSERT_GE(payloads.size(), 20u);
    const std::vector<absl::string_view> views = Views(payloads);
    const std::string expected = EncodeEach(*framer, payloads, "already here");

    std::string out = "already here";
    ASSERT_TRUE(framer->EncodeBatch(views, &out).ok());
    EXPECT_TRUE(out == expected) << "batch and per-frame encodings differ";

    IntoResult into = EncodeInto(*framer, views);
    ASSERT_TRUE(into.written.ok()) << into.written.status();
    EXPECT_EQ(into.buffer_calls, 1);
    EXPECT_EQ(into.requested, *into.written);
    EXPECT_EQ(*into.written, expected.size() - std::strlen("already here"));
    EXPECT_TRUE(into.bytes == expected.substr(std::strlen("already here")));

    // Encode into a ByteBuffer whose pending bytes do not start at its front. Frames from 0 bytes
    // to 100 KB: the buffer grows (and moves its pending bytes) many times.
    ByteBuffer buffer = BufferHolding("already here", 3);
    for (const std::string& p : payloads) {
      const absl::Status s = framer->Encode(p, &buffer);
      ASSERT_TRUE(s.ok()) << s;
    }
    EXPECT_TRUE(buffer.view() == expected.substr(3)) << "ByteBuffer and string encodings differ";
  }
}

TEST_P(EncodeBatchSpecTest, BatchOutputDecodesBackToThePayloads) {
  std::unique_ptr<Framer> framer = Make(GetParam());
  ASSERT_NE(framer, nullptr);
  const std::vector<std::string> payloads = RandomPayloads(*framer, 7, 200);
  std::string wire;
  ASSERT_TRUE(framer->EncodeBatch(Views(payloads), &wire).ok());
  DecodeOutcome decoded = DecodeWhole(*framer, wire);
  ASSERT_TRUE(decoded.status.ok()) << decoded.status;
  ASSERT_EQ(decoded.frames.size(), payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_TRUE(decoded.frames[i] == Delivered(*framer, payloads[i])) << "frame " << i;
  }
}

TEST_P(EncodeBatchSpecTest, OneFrameBatchesOfEverySizeUpTo40MatchEncode) {
  // Every copy-helper branch (0, 1-3, 4-7, 8-16, over 16 bytes) at every alignment of the output.
  std::unique_ptr<Framer> framer = Make(GetParam());
  ASSERT_NE(framer, nullptr);
  for (size_t prefix = 0; prefix < 8; ++prefix) {
    for (size_t size = 0; size <= 40; ++size) {
      std::string payload(size, '\0');
      for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + (i * 7 + size) % 26);
      std::string expected(prefix, '#');
      if (!framer->Encode(payload, &expected).ok()) continue;
      std::string out(prefix, '#');
      const absl::string_view view = payload;
      ASSERT_TRUE(framer->EncodeBatch(absl::MakeConstSpan(&view, 1), &out).ok());
      EXPECT_TRUE(out == expected) << "size " << size << " prefix " << prefix;
    }
  }
}

TEST_P(EncodeBatchSpecTest, SmallPayloadBatchesEitherSideOf127MatchEncode) {
  // Batches of payloads all under 128 bytes (one-byte varint headers, which the varint pass counts
  // without sizing each header), then the same with one payload whose field needs two bytes.
  std::unique_ptr<Framer> framer = Make(GetParam());
  ASSERT_NE(framer, nullptr);
  for (size_t largest : {size_t{120}, size_t{126}, size_t{127}, size_t{128}, size_t{129}}) {
    std::vector<std::string> payloads;
    for (size_t size = 0; size < 40; ++size) payloads.push_back(std::string(size * 3 % 100, 'q'));
    payloads.push_back(std::string(largest, 'r'));
    std::vector<std::string> accepted;
    std::string scratch;
    for (std::string& p : payloads) {
      if (framer->Encode(p, &scratch).ok()) accepted.push_back(std::move(p));
    }
    const std::string expected = EncodeEach(*framer, accepted, "");
    std::string out;
    ASSERT_TRUE(framer->EncodeBatch(Views(accepted), &out).ok());
    EXPECT_TRUE(out == expected) << "largest payload " << largest;
    IntoResult into = EncodeInto(*framer, Views(accepted));
    ASSERT_TRUE(into.written.ok()) << into.written.status();
    EXPECT_EQ(into.requested, expected.size()) << "largest payload " << largest;
  }
}

TEST_P(EncodeBatchSpecTest, EmptyBatchIsANoOpThatStillAsksForZeroBytes) {
  std::unique_ptr<Framer> framer = Make(GetParam());
  ASSERT_NE(framer, nullptr);
  std::string out = "keep";
  EXPECT_TRUE(framer->EncodeBatch({}, &out).ok());
  EXPECT_EQ(out, "keep");
  IntoResult into = EncodeInto(*framer, {});
  ASSERT_TRUE(into.written.ok());
  EXPECT_EQ(*into.written, 0u);
  EXPECT_EQ(into.buffer_calls, 1);
  EXPECT_EQ(into.requested, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllBuiltIns, EncodeBatchSpecTest, ::testing::ValuesIn(kSpecs));

TEST(EncodeBatchRuns, LongBatchesSplitIntoRunsGiveEncodeBytesAndStayAllOrNothing) {
  // EncodeBatch encodes each run of payloads up to 256 bytes with one EncodeBatchInto call and
  // sends larger payloads through Encode: a long batch alternating the two, and a refusal in a late
  // run must still undo everything already appended.
  for (const char* spec : {"length:width=4", "length:width=varint,offset=2", "delimiter",
                           "netstring", "ascii:digits=6", "fixed:size=300,pad=0x2E"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Framer> framer = Make(spec);
    ASSERT_NE(framer, nullptr);
    std::mt19937 rng(11);
    std::vector<std::string> payloads = {std::string(280, 'L')};  // Then a run from index 1.
    for (int i = 0; i < 9000; ++i) payloads.push_back(std::string(rng() % 24, 'a' + i % 26));
    for (int i = 0; i < 600; ++i)
      payloads.push_back(std::string(200 + rng() % 57, 'q'));  // 200..256
    for (int i = 0; i < 50; ++i) {
      payloads.push_back(std::string(rng() % 2 ? 257 : 290, 'z'));
      payloads.push_back(std::string(rng() % 40, 'y'));
    }
    const std::string expected = EncodeEach(*framer, payloads, "x");
    std::string out = "x";
    ASSERT_TRUE(framer->EncodeBatch(Views(payloads), &out).ok());
    EXPECT_TRUE(out == expected) << "batch and per-frame encodings differ";

    // A refusal in the last run of small payloads, and one among the large payloads.
    for (size_t at : {payloads.size() - 2, payloads.size() - 1}) {
      std::vector<std::string> bad = payloads;
      bad[at] = std::string(1 << 20 | 1, 'b');  // Over every framer's max (1 MiB, or 300).
      out = "x";
      const absl::Status s = framer->EncodeBatch(Views(bad), &out);
      EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
      EXPECT_TRUE(absl::StartsWith(s.message(), absl::StrCat("payload ", at, " of ", bad.size())))
          << s;
      EXPECT_EQ(out, "x");
    }
    // A small refused payload inside a long run after a large payload, and in a one-payload run:
    // its index counts from the batch's start, not the run's.
    if (framer->kind() != "delimiter") continue;
    for (size_t at : {size_t{8500}, payloads.size() - 2}) {
      std::vector<std::string> bad = payloads;
      bad[at] = "abc\ndef";
      out = "x";
      const absl::Status s = framer->EncodeBatch(Views(bad), &out);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
      EXPECT_TRUE(absl::StartsWith(s.message(), absl::StrCat("payload ", at, " of ", bad.size())))
          << s;
      EXPECT_EQ(out, "x");
    }
  }
}

// ---- All-or-nothing ----

struct BadCase {
  const char* spec;
  std::string bad;  // A payload Encode refuses.
  absl::StatusCode code;
};

std::vector<BadCase> BadCases() {
  using C = absl::StatusCode;
  return {
      {"length:width=4,max=100", std::string(101, 'a'), C::kResourceExhausted},
      {"length:width=1", std::string(256, 'a'), C::kResourceExhausted},
      {"length:width=2,order=little,adjust=3", "ab", C::kInvalidArgument},  // field < 0
      {"length:width=varint,max=1000", std::string(1001, 'a'), C::kResourceExhausted},
      {"delimiter", "a\nb", C::kInvalidArgument},
      {"delimiter:max=10", std::string(11, 'a'), C::kResourceExhausted},
      {"delimiter:delim=\\r\\n", "a\r\nb", C::kInvalidArgument},
      {"delimiter:delim=|,delim=;;", "a;;b", C::kInvalidArgument},
      {"delimiter:delim=\\0", std::string("a\0b", 3), C::kInvalidArgument},
      {"fixed:size=8", "short", C::kInvalidArgument},
      {"fixed:size=8,pad=0x20", "nine bytes", C::kResourceExhausted},
      {"ascii:digits=2", std::string(100, 'a'), C::kResourceExhausted},
      {"netstring:max=50", std::string(51, 'a'), C::kResourceExhausted},
  };
}

std::vector<std::string> GoodPayloads(const Framer& framer) {
  std::vector<std::string> good;
  // At least 3 bytes (adjust=3 refuses shorter ones), at most 8 (fixed:size=8).
  for (const char* p :
       {"aaa", "bbbb", "ccccc", "dddddd", "eeeeeee", "ffffffff", "ggg", "hhhh", "iiiii"}) {
    std::string s = p;
    if (const auto* fixed = dynamic_cast<const FixedLengthFramer*>(&framer)) {
      s.resize(fixed->options().frame_size, 'x');  // Fits with or without a pad.
    }
    std::string scratch;
    EXPECT_TRUE(framer.Encode(s, &scratch).ok()) << framer.Spec() << " refuses " << s;
    good.push_back(s);
  }
  return good;
}

TEST(EncodeBatchRefusal, BadPayloadInTheMiddleLeavesOutUnchangedAndNamesItsIndex) {
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.spec);
    std::unique_ptr<Framer> framer = Make(c.spec);
    ASSERT_NE(framer, nullptr);
    std::vector<std::string> payloads = GoodPayloads(*framer);
    payloads.insert(payloads.begin() + 3, c.bad);  // 10 payloads, the 4th refused.
    ASSERT_EQ(payloads.size(), 10u);

    std::string scratch;
    const absl::Status alone = framer->Encode(c.bad, &scratch);
    ASSERT_EQ(alone.code(), c.code) << alone;
    EXPECT_TRUE(scratch.empty());

    std::string out = "prefix";
    const absl::Status s = framer->EncodeBatch(Views(payloads), &out);
    EXPECT_EQ(out, "prefix");
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_EQ(s.message(), absl::StrCat("payload 3 of 10: ", alone.message()));

    IntoResult into = EncodeInto(*framer, Views(payloads));
    EXPECT_EQ(into.written.status(), alone);  // Unprefixed: exactly Encode's status.
    EXPECT_EQ(into.refused, 3u);
    EXPECT_EQ(into.buffer_calls, 0) << "built-in framers check every payload first";
  }
}

TEST(EncodeRefusal, IntoAByteBufferGivesTheStringStatusAndLeavesTheBufferAsItWas) {
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.spec);
    std::unique_ptr<Framer> framer = Make(c.spec);
    ASSERT_NE(framer, nullptr);
    std::string scratch;
    const absl::Status alone = framer->Encode(c.bad, &scratch);
    ByteBuffer out = BufferHolding("already here", 3);
    const size_t capacity = out.capacity();
    EXPECT_EQ(framer->Encode(c.bad, &out), alone);
    EXPECT_EQ(out.view(), "eady here");
    EXPECT_EQ(out.capacity(), capacity) << "refused before any room was made";
  }
}

TEST(EncodeBatchRefusal, FirstOfSeveralBadPayloadsIsTheOneNamed) {
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.spec);
    std::unique_ptr<Framer> framer = Make(c.spec);
    ASSERT_NE(framer, nullptr);
    std::vector<std::string> payloads = GoodPayloads(*framer);
    payloads.insert(payloads.begin() + 7, c.bad);
    payloads.insert(payloads.begin() + 5, c.bad);
    std::string out;
    const absl::Status s = framer->EncodeBatch(Views(payloads), &out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(s.code(), c.code);
    EXPECT_TRUE(absl::StartsWith(s.message(), "payload 5 of 11: ")) << s;
  }
}

TEST(EncodeBatchRefusal, BadPayloadFirstOrLastIsFound) {
  std::unique_ptr<Framer> framer = Make("netstring:max=4");
  ASSERT_NE(framer, nullptr);
  std::vector<std::string> payloads = {"12345", "a", "b"};
  std::string out;
  EXPECT_TRUE(
      absl::StartsWith(framer->EncodeBatch(Views(payloads), &out).message(), "payload 0 of 3: "));
  payloads = {"a", "b", "12345"};
  EXPECT_TRUE(
      absl::StartsWith(framer->EncodeBatch(Views(payloads), &out).message(), "payload 2 of 3: "));
  EXPECT_TRUE(out.empty());
}

TEST(EncodeBatchRefusal, DelimiterCandidateBytesThatAreNotDelimitersAreAccepted) {
  // '\r' alone can start "\r\n" but does not end a frame: the quick filter flags it, the exact
  // check accepts it, and the batch is still encoded.
  std::unique_ptr<Framer> framer = Make("delimiter:delim=\\r\\n");
  ASSERT_NE(framer, nullptr);
  const std::vector<std::string> payloads = {"a", "x\ry", "\r\r\r a", std::string(40, '\r') + "z"};
  std::string out;
  ASSERT_TRUE(framer->EncodeBatch(Views(payloads), &out).ok());
  EXPECT_EQ(out, EncodeEach(*framer, payloads));
}

// ---- The default implementation, for a framer that implements only EncodeEnvelope ----

// Header: the payload size in one byte; trailer "\r\n". Refuses payloads over 255 bytes with
// OutOfRange (a code no built-in framer uses) carrying a status payload.
class TinyFramer final : public Framer {
 public:
  absl::string_view kind() const override { return "tiny"; }
  std::string Spec() const override { return "tiny"; }
  uint64_t max_payload_size() const override { return 255; }
  absl::Status EncodeEnvelope(absl::string_view payload, FrameEnvelope* envelope) const override {
    if (payload.size() > 255) {
      absl::Status s = absl::OutOfRangeError(absl::StrCat("tiny: ", payload.size(), " bytes"));
      s.SetPayload("test/tiny", absl::Cord("detail"));
      return s;
    }
    envelope->mutable_header()[0] = static_cast<char>(payload.size());
    envelope->set_header_size(1);
    envelope->set_trailer("\r\n");
    return absl::OkStatus();
  }
  std::unique_ptr<Decoder> NewDecoder() const override { return nullptr; }
};

TEST(EncodeBatchDefault, UserFramerGetsTheSameBytesAsEncode) {
  TinyFramer framer;
  std::vector<std::string> payloads = {"ab", "", std::string(255, 'z'), "0123456789abcdefg"};
  std::string out = ">";
  ASSERT_TRUE(framer.EncodeBatch(Views(payloads), &out).ok());
  EXPECT_EQ(out, EncodeEach(framer, payloads, ">"));
  EXPECT_EQ(out.substr(0, 9), std::string(">\x02"
                                          "ab\r\n\x00\r\n",
                                          9));

  IntoResult into = EncodeInto(framer, Views(payloads));
  ASSERT_TRUE(into.written.ok());
  EXPECT_EQ(into.buffer_calls, 1);
  EXPECT_EQ(into.bytes, out.substr(1));

  ByteBuffer buffer = BufferHolding(">", 0);
  for (const std::string& p : payloads) ASSERT_TRUE(framer.Encode(p, &buffer).ok());
  EXPECT_EQ(buffer.view(), out);
}

TEST(EncodeDefault, UserFramerRefusalIntoAByteBufferKeepsStatusAndBuffer) {
  TinyFramer framer;
  ByteBuffer buffer = BufferHolding("keep", 0);
  const absl::Status s = framer.Encode(std::string(256, 'x'), &buffer);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), "tiny: 256 bytes");
  EXPECT_EQ(buffer.view(), "keep");
}

TEST(EncodeBatchDefault, UserFramerRefusalKeepsCodePayloadAndIndexAndOutUnchanged) {
  TinyFramer framer;
  std::vector<std::string> payloads = {"a", "b", std::string(256, 'x'), "c"};
  std::string out = "keep";
  absl::Status s = framer.EncodeBatch(Views(payloads), &out);
  EXPECT_EQ(out, "keep");
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), "payload 2 of 4: tiny: 256 bytes");
  EXPECT_EQ(s.GetPayload("test/tiny"), absl::Cord("detail"));

  IntoResult into = EncodeInto(framer, Views(payloads));
  EXPECT_EQ(into.refused, 2u);
  EXPECT_EQ(into.buffer_calls, 0) << "the default asks for the buffer only once all are accepted";
}

// Breaks Framer's contract: its header grows by a byte on every other call, so the second pass
// disagrees with the first about the size.
class InconsistentFramer final : public Framer {
 public:
  absl::string_view kind() const override { return "inconsistent"; }
  std::string Spec() const override { return "inconsistent"; }
  uint64_t max_payload_size() const override { return 255; }
  absl::Status EncodeEnvelope(absl::string_view, FrameEnvelope* envelope) const override {
    const size_t n = 1 + (calls_++ % 2);
    std::memset(envelope->mutable_header(), 'h', n);
    envelope->set_header_size(n);
    envelope->set_trailer("");
    return absl::OkStatus();
  }
  std::unique_ptr<Decoder> NewDecoder() const override { return nullptr; }

 private:
  mutable int calls_ = 0;
};

TEST(EncodeBatchDefault, EnvelopeThatChangesBetweenPassesIsInternalErrorNeverAnOverrun) {
  InconsistentFramer framer;
  // First pass: headers 1, 2, 1 (4 bytes); second pass: 2, 1, 2 (5): the third frame cannot fit.
  const std::vector<std::string> payloads = {"a", "b", "c"};
  std::string out = "keep";
  absl::Status s = framer.EncodeBatch(Views(payloads), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), "payload 2 of 3: ")) << s;
  EXPECT_EQ(out, "keep");
}

// ---- Helpers under the fast paths ----

TEST(CopyBytes, EveryLengthUpTo40CopiesExactlyThoseBytes) {
  char src[48];
  for (int i = 0; i < 48; ++i) src[i] = static_cast<char>(i + 1);
  for (size_t n = 0; n <= 40; ++n) {
    char dst[48];
    std::memset(dst, 0, sizeof(dst));
    framing_internal::CopyBytes(dst + 3, src, n);
    for (size_t i = 0; i < sizeof(dst); ++i) {
      const char want = (i >= 3 && i < 3 + n) ? src[i - 3] : 0;
      ASSERT_EQ(dst[i], want) << "n=" << n << " i=" << i;
    }
  }
}

// CopyLarge takes its vector loop when the destination is 1-31 bytes past the source modulo 4096
// and n > 2048, memcpy otherwise: both sides of each bound, at sizes that leave every tail length
// class (0, under 16, under 64) after the 64-byte loop.
TEST(CopyLarge, EveryDistanceClassAndSizeCopiesExactlyThoseBytes) {
  const size_t kPage = 4096;
  const size_t kMaxN = 65536 + 63;
  std::vector<char> src(kMaxN + kPage), dst(kMaxN + 3 * kPage);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>(i * 131 + (i >> 12));
  // Page-aligned bases, so that the distances below are the distances modulo 4096.
  const char* s = src.data() + (kPage - reinterpret_cast<uintptr_t>(src.data()) % kPage) % kPage;
  char* d0 = dst.data() + (kPage - reinterpret_cast<uintptr_t>(dst.data()) % kPage) % kPage;
  for (size_t distance : {0, 1, 2, 15, 16, 30, 31, 32, 33, 63, 64, 4064, 4095}) {
    for (size_t n :
         {17, 64, 2048, 2049, 2050, 3000, 4096, 4096 + 13, 4096 + 63, 65536, 65536 + 63}) {
      std::fill(dst.begin(), dst.end(), '\xEE');
      char* d = d0 + kPage + distance;
      ASSERT_LE(d + n + 1, dst.data() + dst.size());
      framing_internal::CopyLarge(d, s, n);
      ASSERT_EQ(d[-1], '\xEE') << "distance " << distance << " n " << n;
      ASSERT_EQ(d[n], '\xEE') << "distance " << distance << " n " << n;
      ASSERT_EQ(std::memcmp(d, s, n), 0) << "distance " << distance << " n " << n;
    }
  }
}

// AppendToString appends in 2 KiB pieces when the bytes would land 1-31 bytes past the source
// modulo 4096 and there are more than 2 KiB, in one append otherwise; into a string with room
// (its data does not move) and into one that must grow first.
TEST(AppendToString, EveryDistanceClassAndSizeAppendsExactlyThoseBytes) {
  const size_t kPage = 4096;
  std::vector<char> src(65536 + 3 * kPage);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>(i * 7 + (i >> 11));
  const uintptr_t base = reinterpret_cast<uintptr_t>(src.data());
  for (size_t distance : {0, 1, 2, 16, 31, 32, 63, 4095}) {
    for (size_t n : {100, 2048, 2049, 5000, 65536}) {
      for (bool room : {true, false}) {
        std::string out = "prefix";
        if (room) out.reserve(out.size() + n + 1);
        // A source `distance` bytes before where the bytes land, modulo 4096 (only known
        // beforehand when there is room; otherwise any source does).
        const uintptr_t at = reinterpret_cast<uintptr_t>(out.data() + out.size());
        const uintptr_t phase = (at - distance) % kPage;
        const char* s =
            reinterpret_cast<const char*>(base + (phase + kPage - base % kPage) % kPage);
        ASSERT_LE(s + n, src.data() + src.size());
        framing_internal::AppendToString(&out, s, n);
        ASSERT_EQ(out.size(), 6 + n);
        ASSERT_EQ(out.compare(0, 6, "prefix"), 0);
        ASSERT_EQ(std::memcmp(out.data() + 6, s, n), 0)
            << "distance " << distance << " n " << n << " room " << room;
      }
    }
  }
}

TEST(ZeroSmall, EveryLengthUpTo16ZeroesExactlyThoseBytes) {
  for (size_t n = 0; n <= 16; ++n) {
    char dst[24];
    std::memset(dst, 'x', sizeof(dst));
    framing_internal::ZeroSmall(dst + 2, n);
    for (size_t i = 0; i < sizeof(dst); ++i) {
      ASSERT_EQ(dst[i], (i >= 2 && i < 2 + n) ? 0 : 'x') << "n=" << n << " i=" << i;
    }
  }
}

TEST(ContainsByteSmall, FindsTheByteAtEveryPositionAndNoNearMiss) {
  // Near misses differ from the byte in one bit or by one, where a word trick could go wrong.
  for (int c : {0, 1, int{'\n'}, int{'\r'}, 0x7f, 0x80, 0xfe, 0xff}) {
    const char byte = static_cast<char>(c);
    for (size_t n = 0; n <= 16; ++n) {
      for (int miss : {c ^ 1, c ^ 0x80, (c + 1) & 0xff, (c + 0xff) & 0xff, 0, 0xff}) {
        if (miss == c) continue;
        std::string s(n, static_cast<char>(miss));
        EXPECT_FALSE(delimiter_internal::ContainsByteSmall(s.data(), n, byte))
            << "c=" << c << " n=" << n << " miss=" << miss;
        for (size_t at = 0; at < n; ++at) {
          std::string t = s;
          t[at] = byte;
          EXPECT_TRUE(delimiter_internal::ContainsByteSmall(t.data(), n, byte))
              << "c=" << c << " n=" << n << " at=" << at << " miss=" << miss;
        }
      }
    }
  }
}

TEST(DelimiterEncode, PayloadHoldingTheDelimiterAnywhereIsRefusedAtEverySize) {
  // Encode's inline check for short payloads against memchr's answer for longer ones.
  for (const char* spec : {"delimiter", "delimiter:delim=\\0", "delimiter:delim=\\xFF"}) {
    std::unique_ptr<Framer> framer = Make(spec);
    ASSERT_NE(framer, nullptr);
    const char d = static_cast<const DelimiterFramer&>(*framer).options().delimiters[0][0];
    for (size_t n = 1; n <= 40; ++n) {
      for (size_t at = 0; at < n; ++at) {
        std::string p(n, 'a');
        p[at] = d;
        std::string out;
        EXPECT_EQ(framer->Encode(p, &out).code(), absl::StatusCode::kInvalidArgument)
            << spec << " n=" << n << " at=" << at;
        const absl::string_view view = p;
        EXPECT_EQ(framer->EncodeBatch(absl::MakeConstSpan(&view, 1), &out).code(),
                  absl::StatusCode::kInvalidArgument);
        EXPECT_TRUE(out.empty());
      }
    }
  }
}

TEST(CountDecimalDigits, MatchesFormatDecimalAtEveryPowerOfTen) {
  uint64_t p = 1;
  for (int k = 0; k < kMaxDecimalDigits; ++k) {
    for (uint64_t v : {p - 1, p, p + 1, p * 2, p * 9}) {
      if (k == kMaxDecimalDigits - 1 && v == p * 9) continue;  // Would wrap.
      char text[kMaxDecimalDigits];
      EXPECT_EQ(static_cast<size_t>(CountDecimalDigits(v)), FormatDecimal(v, text)) << v;
    }
    if (k < kMaxDecimalDigits - 1) p *= 10;
  }
  EXPECT_EQ(CountDecimalDigits(0), 1);
  EXPECT_EQ(CountDecimalDigits(UINT64_MAX), 20);
  for (uint64_t v = 0; v < 100000; ++v) {
    char text[kMaxDecimalDigits];
    ASSERT_EQ(static_cast<size_t>(CountDecimalDigits(v)), FormatDecimal(v, text)) << v;
  }
}

TEST(FormatFixedWidth, ZeroPadsToEveryWidthAndAgreesWithFormatDecimal) {
  for (uint64_t v : {uint64_t{0}, uint64_t{7}, uint64_t{10}, uint64_t{99}, uint64_t{100},
                     uint64_t{12345}, uint64_t{99999}, uint64_t{1000000007}, UINT64_MAX}) {
    char decimal[kMaxDecimalDigits];
    const size_t n = FormatDecimal(v, decimal);
    for (int width = static_cast<int>(n); width <= kMaxDecimalDigits; ++width) {
      char text[kMaxDecimalDigits];
      FormatFixedWidth(v, width, text);
      EXPECT_EQ(std::string(text, width), std::string(width - n, '0') + std::string(decimal, n))
          << v << " width " << width;
    }
  }
}

}  // namespace
}  // namespace framekit
