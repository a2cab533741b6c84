// The examples at the top of the public headers, compiled and run, so that none of them rots: each
// TEST is one header's example as written there (the lines after "Example:"), with only the names
// it assumes (a socket's bytes, a Handle() callback) declared around it, and its comments' claims
// checked. A change to an example's header API that breaks the example breaks this build.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "framekit/codecs/codec_registry.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/decoder.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer.h"
#include "framekit/framing/framer_registry.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/framing/netstring_framer.h"
#include "framekit/spec/spec_parser.h"
#include "framekit/spec/spec_settings.h"
#include "framekit/transport/framed_connection.h"
#include "framekit/transport/listener.h"
#include "framekit/transport/tcp.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

std::vector<std::string> handled;
void Handle(absl::string_view frame) { handled.emplace_back(frame); }

TEST(HeaderExamples, Framer) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
  ASSERT_TRUE(framer.ok());
  std::string wire;
  // --- framer.h ---
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
  // --- decoder.h ---
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
  // --- framer_registry.h ---
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

TEST(HeaderExamples, LengthHeader) {
  // --- length_header_framer.h ---
  LengthHeaderOptions options;
  options.length_offset = 1;  // the Compressed-Flag byte
  options.max_frame_size = 4 << 20;
  absl::StatusOr<std::unique_ptr<LengthHeaderFramer>> framer = LengthHeaderFramer::Create(options);
  std::string wire;
  absl::Status s = (*framer)->Encode("hi", &wire);  // 00 | 00 00 00 02 | 68 69
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
  // --- delimiter_framer.h ---
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
  // --- fixed_length_framer.h ---
  FixedLengthOptions options;
  options.frame_size = 8;
  options.pad = ' ';
  absl::StatusOr<std::unique_ptr<FixedLengthFramer>> framer = FixedLengthFramer::Create(options);
  std::string wire;
  absl::Status s = (*framer)->Encode("BUY", &wire);  // "BUY     "
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
    // --- ascii_length_framer.h ---
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
    // --- netstring_framer.h ---
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

TEST(HeaderExamples, SpecSettingsAndParser) {
  // --- spec/spec_settings.h ---
  SpecSettings s("length", {{"width", "4"}, {"max", "1MiB"}});
  absl::StatusOr<uint64_t> width = s.GetUnsigned("width", 4, 1, 8);  // 4
  absl::StatusOr<uint64_t> max = s.GetSize("max", 1 << 20);          // 1048576
  absl::StatusOr<bool> b = s.GetBool("signed", false);               // false: absent
  // ---
  EXPECT_EQ(*width, 4u);
  EXPECT_EQ(*max, 1048576u);
  EXPECT_FALSE(*b);
  // --- spec/spec_parser.h ---
  absl::StatusOr<SpecSettings> parsed = ParseSpec(kFramerGrammar, "length:width=4");
  // ---
  EXPECT_EQ(parsed->name(), "length");
}

// codec_registry.h's user codec: four bytes, little-endian.
class Fixed32LeCodec : public Codec {
 public:
  absl::string_view name() const override { return "fixed32le"; }
  std::string Spec() const override { return "fixed32le"; }
  bool is_signed() const override { return false; }
  int value_bits() const override { return 32; }
  absl::Status EncodeUnsigned(absl::Span<const uint64_t>, std::string*) const override {
    return absl::UnimplementedError("example");
  }
  absl::Status EncodeSigned(absl::Span<const int64_t>, std::string*) const override {
    return absl::UnimplementedError("example");
  }
  absl::Status DecodeUnsigned(absl::string_view, std::vector<uint64_t>*) const override {
    return absl::UnimplementedError("example");
  }
  absl::Status DecodeSigned(absl::string_view, std::vector<int64_t>*) const override {
    return absl::UnimplementedError("example");
  }
  size_t MaxEncodedSize(size_t n) const override { return 4 * n; }
};

TEST(HeaderExamples, CodecRegistry) {
  // --- codec_registry.h ---
  absl::Status s =
      RegisterCodecKind("fixed32le", "4-byte little-endian unsigned", {},
                        [](const CodecSettings&) -> absl::StatusOr<std::unique_ptr<Codec>> {
                          return std::make_unique<Fixed32LeCodec>();
                        });
  absl::StatusOr<std::unique_ptr<Codec>> codec = MakeCodec("fixed32le");
  // ---
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_TRUE(codec.ok()) << codec.status();
}

TEST(HeaderExamples, FramedConnection) {
  absl::StatusOr<Listener> listener = ListenTcp("127.0.0.1:0");
  ASSERT_TRUE(listener.ok()) << listener.status();
  const std::string address = listener->local_address().ToString();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  // --- framed_connection.h (the client; here the "server" only accepts) ---
  absl::StatusOr<ConnectedSocket> socket = ConnectTcp(address, deadline);
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("length:width=4");
  FramedConnection conn(std::move(*socket), **framer);
  absl::Status sent = conn.Send("ping", deadline);
  // ---
  EXPECT_TRUE(sent.ok()) << sent;
}

}  // namespace
}  // namespace framekit
