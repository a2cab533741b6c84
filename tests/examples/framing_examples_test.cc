// The examples at the top of framing/ and spec/ headers, compiled and run, so that none of them
// rots: each block between `// --- <header> ---` and `// ---` is that header's example as written
// there, with only the names it assumes (a socket's bytes, a Handle() callback) declared around
// it, and its comments' claims checked. examples_in_sync_test.py checks the blocks still match the
// headers; the other *_examples_test.cc files do the same for codecs/, transport/ and server/.
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framekit/framing/ascii_length_decoder.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/delimiter_decoder.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_decoder.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_registry.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_decoder.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/framing/netstring_decoder.h"
#include "framekit/framing/netstring_framer.h"
#include "framekit/spec/spec_parser.h"
#include "framekit/spec/spec_registry.h"
#include "framekit/spec/spec_settings.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

std::vector<std::string> handled;
void Handle(absl::string_view frame) { handled.emplace_back(frame); }

TEST(HeaderExamples, Framer) {
  // --- framing/framer.h ---
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
  std::string wire;
  absl::Status s = (*framer)->Encode("hi", &wire);  // 00 00 00 02 68 69
  std::vector<absl::string_view> batch = {"a", "bc"};
  if (s.ok()) s = (*framer)->EncodeBatch(batch, &wire);
  ByteBuffer out;                                 // e.g. a connection's send buffer
  if (s.ok()) s = (*framer)->Encode("hi", &out);  // out.view(): 00 00 00 02 68 69
  std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
  // ---
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(wire, std::string("\0\0\0\2hi\0\0\0\1a\0\0\0\2bc", 17));
  EXPECT_EQ(out.view(), std::string("\0\0\0\2hi", 6));
  EXPECT_NE(decoder, nullptr);
}

absl::Status DecoderExample(const Framer* framer, absl::string_view bytes_from_the_socket) {
  // --- framing/decoder.h ---
  std::unique_ptr<Decoder> decoder = framer->NewDecoder();
  if (absl::Status s = decoder->Feed(bytes_from_the_socket); !s.ok()) return s;
  absl::string_view frame;
  Decoder::Result r;
  while ((r = decoder->Next(&frame)) == Decoder::kFrame) Handle(frame);
  if (r == Decoder::kError) return decoder->status();
  // ---
  return absl::OkStatus();
}

TEST(HeaderExamples, Decoder) {
  handled.clear();
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("netstring:max=4");
  ASSERT_TRUE(framer.ok());
  EXPECT_TRUE(DecoderExample(framer->get(), "2:hi,1:a,").ok());
  EXPECT_EQ(handled, (std::vector<std::string>{"hi", "a"}));
  EXPECT_EQ(DecoderExample(framer->get(), "9:").code(), absl::StatusCode::kResourceExhausted);
}

// A user kind for framer_registry.h's example: the delimiter framer under another name.
class TlvFramer : public Framer {
 public:
  explicit TlvFramer(uint64_t max) : max_(max) {}
  absl::string_view kind() const override { return "tlv"; }
  std::string Spec() const override { return "tlv"; }
  uint64_t max_payload_size() const override { return max_; }
  absl::Status EncodeEnvelope(absl::string_view, FrameEnvelope* env) const override {
    env->set_trailer("\n");
    return absl::OkStatus();
  }
  std::unique_ptr<Decoder> NewDecoder() const override {
    return (*MakeFramer("delimiter"))->NewDecoder();
  }

 private:
  uint64_t max_;
};

TEST(HeaderExamples, FramerRegistry) {
  // --- framing/framer_registry.h ---
  FramerKind tlv;
  tlv.name = "tlv";
  tlv.summary = "type byte + 2-byte length";
  tlv.keys = {{"max", "largest payload; default 64KiB"}};
  tlv.factory = [](const FramerSettings& settings) -> absl::StatusOr<std::unique_ptr<Framer>> {
    absl::StatusOr<uint64_t> max = settings.GetSize("max", 64 << 10);
    if (!max.ok()) return max.status();
    return std::make_unique<TlvFramer>(*max);
  };
  absl::Status s = RegisterFramerKind(std::move(tlv));
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("tlv:max=1KiB");
  // ---
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_TRUE(framer.ok()) << framer.status();
  EXPECT_EQ((*framer)->max_payload_size(), 1024u);
}

TEST(HeaderExamples, DelimiterDecoder) {
  handled.clear();
  // --- framing/delimiter_decoder.h ---
  absl::StatusOr<std::unique_ptr<DelimiterFramer>> framer = DelimiterFramer::Create({});
  DelimiterDecoder decoder = (*framer)->MakeDecoder();
  absl::Status s = decoder.Feed("a\nb");
  absl::string_view line;
  while (s.ok() && decoder.Next(&line) == Decoder::kFrame) Handle(line);  // "a"; "b" waits
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(handled, std::vector<std::string>{"a"});
}

TEST(HeaderExamples, AsciiLengthDecoder) {
  handled.clear();
  // --- framing/ascii_length_decoder.h ---
  absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> framer = AsciiLengthFramer::Create({});
  AsciiLengthDecoder decoder = (*framer)->MakeDecoder();
  absl::Status s = decoder.Feed("00005hello00002");
  absl::string_view frame;
  while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "hello"
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(handled, std::vector<std::string>{"hello"});
}

TEST(HeaderExamples, NetstringDecoder) {
  handled.clear();
  // --- framing/netstring_decoder.h ---
  absl::StatusOr<std::unique_ptr<NetstringFramer>> framer = NetstringFramer::Create({});
  NetstringDecoder decoder = (*framer)->MakeDecoder();
  absl::Status s = decoder.Feed("5:hello,0:,2:h");
  absl::string_view frame;
  while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "hello", ""
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(handled, std::vector<std::string>({"hello", ""}));
}

TEST(HeaderExamples, FixedLengthDecoder) {
  handled.clear();
  // --- framing/fixed_length_decoder.h ---
  FixedLengthOptions options;
  options.frame_size = 4;
  absl::StatusOr<std::unique_ptr<FixedLengthFramer>> framer = FixedLengthFramer::Create(options);
  FixedLengthDecoder decoder = (*framer)->MakeDecoder();
  absl::Status s = decoder.Feed("BUY SELLHO");
  absl::string_view frame;
  while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "BUY ", "SELL"
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(handled, std::vector<std::string>({"BUY ", "SELL"}));
}

TEST(HeaderExamples, LengthHeaderDecoder) {
  handled.clear();
  // --- framing/length_header_decoder.h ---
  absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer = LengthHeaderFramer::Create({});
  LengthHeaderDecoder decoder = (*framer)->MakeDecoder();
  absl::Status s = decoder.Feed(absl::string_view("\0\0\0\2hi", 6));
  absl::string_view frame;
  while (s.ok() && decoder.Next(&frame) == Decoder::kFrame) Handle(frame);  // "hi"
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(handled, std::vector<std::string>{"hi"});
  EXPECT_EQ(decoder.state(), LengthHeaderDecoder::State::kHead);
}

TEST(HeaderExamples, LengthHeader) {
  // --- framing/length_header_framer.h ---
  LengthHeaderOptions options;
  options.length_offset = 1;  // the Compressed-Flag byte
  options.max_frame_size = 4 << 20;
  absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer = LengthHeaderFramer::Create(options);
  std::string wire;
  absl::Status s = (*framer)->Encode("hi", &wire);         // 00 | 00 00 00 02 | 68 69
  LengthHeaderDecoder decoder = (*framer)->MakeDecoder();  // Next() is not a virtual call
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(wire, std::string("\0\0\0\0\2hi", 7));
  ASSERT_TRUE(decoder.Feed(wire).ok());
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "hi");
}

TEST(HeaderExamples, Delimiter) {
  handled.clear();
  // --- framing/delimiter_framer.h ---
  DelimiterOptions options;
  options.delimiters = {"\r\n", "\n"};  // Writes "\r\n"; accepts both.
  absl::StatusOr<std::unique_ptr<DelimiterFramer>> framer = DelimiterFramer::Create(options);
  DelimiterDecoder decoder = (*framer)->MakeDecoder();
  absl::Status s = decoder.Feed("GET /\r\nHost: x\n\n");
  absl::string_view line;
  while (decoder.Next(&line) == Decoder::kFrame) Handle(line);  // "GET /", "Host: x", ""
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(handled, (std::vector<std::string>{"GET /", "Host: x", ""}));
}

TEST(HeaderExamples, Fixed) {
  // --- framing/fixed_length_framer.h ---
  FixedLengthOptions options;
  options.frame_size = 8;
  options.pad = ' ';
  absl::StatusOr<std::unique_ptr<FixedLengthFramer>> framer = FixedLengthFramer::Create(options);
  std::string wire;
  absl::Status s = (*framer)->Encode("BUY", &wire);      // "BUY     "
  if (s.ok()) s = (*framer)->Encode("SELL 100", &wire);  // "SELL 100"
  FixedLengthDecoder decoder = (*framer)->MakeDecoder();
  if (s.ok()) s = decoder.Feed(wire);  // Next(): "BUY     ", "SELL 100"
  // ---
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(wire, "BUY     SELL 100");
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "BUY     ");
}

TEST(HeaderExamples, AsciiAndNetstring) {
  {
    // --- framing/ascii_length_framer.h ---
    absl::StatusOr<std::unique_ptr<AsciiLengthFramer>> framer = AsciiLengthFramer::Create({});
    std::string wire;
    absl::Status s = (*framer)->Encode("hello", &wire);     // wire == "00005hello"
    AsciiLengthDecoder decoder = (*framer)->MakeDecoder();  // Next() is not a virtual call.
    s = decoder.Feed(wire);
    absl::string_view frame;
    decoder.Next(&frame);  // kFrame, frame == "hello"
    // ---
    EXPECT_EQ(wire, "00005hello");
    EXPECT_EQ(frame, "hello");
  }
  {
    // --- framing/netstring_framer.h ---
    absl::StatusOr<std::unique_ptr<NetstringFramer>> framer = NetstringFramer::Create({});
    std::string wire;
    absl::Status s = (*framer)->Encode("hello", &wire);   // wire == "5:hello,"
    NetstringDecoder decoder = (*framer)->MakeDecoder();  // Next() is not a virtual call.
    s = decoder.Feed(wire);
    absl::string_view frame;
    decoder.Next(&frame);  // kFrame, frame == "hello"
    // ---
    EXPECT_EQ(wire, "5:hello,");
    EXPECT_EQ(frame, "hello");
  }
}

TEST(HeaderExamples, SpecSettings) {
  // --- spec/spec_settings.h ---
  SpecSettings s("length", {{"width", "4"}, {"max", "1MiB"}});
  absl::StatusOr<uint64_t> width = s.GetUnsigned("width", 4, 1, 8);  // 4
  absl::StatusOr<uint64_t> max = s.GetSize("max", 1 << 20);          // 1048576
  absl::StatusOr<bool> b = s.GetBool("signed", false);               // false: absent
  // ---
  EXPECT_EQ(*width, 4u);
  EXPECT_EQ(*max, 1048576u);
  EXPECT_FALSE(*b);
}

TEST(HeaderExamples, SpecParser) {
  // --- spec/spec_parser.h ---
  absl::StatusOr<SpecSettings> s = ParseSpec(kFramerGrammar, "length:width=4");
  // ---
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name(), "length");
}

TEST(HeaderExamples, SpecRegistry) {
  const absl::StatusOr<SpecSettings> parsed = ParseSpec(kFramerGrammar, "tlv:max=1KiB");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::optional<FramerSettings> settings = FramerSettings(*parsed);
  // --- spec/spec_registry.h ---
  SpecRegistry<Framer, FramerSettings> registry(kFramerGrammar);
  SpecKind<Framer, FramerSettings> tlv;
  tlv.name = "tlv";
  tlv.summary = "type byte + 2-byte length";
  tlv.keys = {{"max", "largest payload; default 64KiB"}};
  tlv.factory = [](const FramerSettings& s) -> absl::StatusOr<std::unique_ptr<Framer>> {
    absl::StatusOr<uint64_t> max = s.GetSize("max", 64 << 10);  // test
    if (!max.ok()) return max.status();                         // test
    return std::make_unique<TlvFramer>(*max);                   // test
  };
  absl::Status added = registry.Register(std::move(tlv));
  absl::StatusOr<std::unique_ptr<Framer>> framer = registry.Make(*settings);
  // ---
  ASSERT_TRUE(added.ok()) << added;
  ASSERT_TRUE(framer.ok()) << framer.status();
  EXPECT_EQ((*framer)->max_payload_size(), 1024u);
}

TEST(HeaderExamples, ByteBuffer) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "abc", 3), 3);
  const int fd = fds[0];
  ByteBuffer buffer;
  // --- framing/byte_buffer.h ---
  char* dst = buffer.Prepare(64 * 1024);
  ssize_t n = read(fd, dst, 64 * 1024);
  if (n > 0) buffer.Commit(n);
  // ---
  EXPECT_EQ(buffer.view(), "abc");
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace framekit
