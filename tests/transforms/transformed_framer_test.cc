#include "framekit/transforms/transformed_framer.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "framekit/framing/decoder.h"
#include "framekit/transforms/transform_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// gRPC's Length-Prefixed-Message (grpc/grpc doc/PROTOCOL-HTTP2.md): Compressed-Flag (1 byte),
// Message-Length (4 bytes, big-endian), Message. "hi" uncompressed, and "hi" with grpc-encoding
// "deflate" (the zlib format; zlib level 6 compresses "hi" to these 10 bytes).
const std::string kGrpcPlainHi("\x00\x00\x00\x00\x02hi", 7);
const std::string kGrpcDeflateHi("\x01\x00\x00\x00\x0a\x78\x9c\xcb\xc8\x04\x00\x01\x3b\x00\xd2",
                                 15);

std::unique_ptr<TransformedFramer> Make(const std::string& spec) {
  absl::StatusOr<std::unique_ptr<TransformedFramer>> f = TransformedFramer::Create(spec);
  EXPECT_TRUE(f.ok()) << spec << ": " << f.status();
  return f.ok() ? *std::move(f) : nullptr;
}

// Feeds `wire` in pieces of `step` bytes; returns the payloads and the final status (Finish's if
// every frame decoded).
struct Decoded {
  std::vector<std::string> payloads;
  absl::Status status;
};
Decoded DecodeAll(const TransformedFramer& framer, absl::string_view wire, size_t step) {
  std::unique_ptr<TransformedDecoder> d = framer.NewDecoder();
  Decoded out;
  for (size_t i = 0; i < wire.size() || i == 0; i += step) {
    absl::Status s = d->Feed(wire.substr(i, step));
    if (!s.ok()) {
      out.status = s;
      return out;
    }
    absl::string_view p;
    Decoder::Result r;
    while ((r = d->Next(&p)) == Decoder::kFrame) out.payloads.emplace_back(p);
    if (r == Decoder::kError) {
      out.status = d->status();
      return out;
    }
    if (wire.empty()) break;
  }
  out.status = d->Finish();
  return out;
}

std::string Text(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) s += "w" + std::to_string(rng() % 100) + " ";
  s.resize(n);
  return s;
}

TEST(TransformedFramer, GrpcUncompressedMessageMatchesTheWireFormat) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc");
  std::string wire;
  ASSERT_TRUE(f->Encode("hi", &wire).ok());
  EXPECT_EQ(wire, kGrpcPlainHi);
}

TEST(TransformedFramer, GrpcCompressedMessageMatchesTheWireFormat) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc|deflate");
  std::string wire;
  ASSERT_TRUE(f->Encode("hi", &wire).ok());
  EXPECT_EQ(wire, kGrpcDeflateHi);
}

TEST(TransformedFramer, GrpcGoldenBytesDecodeSplitAtEveryByte) {
  for (const char* spec : {"length:width=4,offset=1|grpc|deflate",
                           "length:width=4,offset=1|grpc:compress=false|deflate"}) {
    std::unique_ptr<TransformedFramer> f = Make(spec);
    const std::string wire = kGrpcPlainHi + kGrpcDeflateHi + kGrpcPlainHi;
    for (size_t split = 1; split <= wire.size(); ++split) {
      // Two pieces cut at `split`, and one byte at a time.
      for (size_t step : {split, size_t{1}}) {
        Decoded d = DecodeAll(*f, wire, step);
        ASSERT_TRUE(d.status.ok()) << spec << " step " << step << ": " << d.status;
        EXPECT_EQ(d.payloads, (std::vector<std::string>{"hi", "hi", "hi"})) << spec;
      }
    }
  }
}

TEST(TransformedFramer, GrpcCompressFalseSendsFlagZeroUncompressed) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc:compress=false|zstd");
  std::string wire;
  ASSERT_TRUE(f->Encode("hi", &wire).ok());
  EXPECT_EQ(wire, kGrpcPlainHi);
}

TEST(TransformedFramer, GrpcFlagOneWithoutATransformIsRefused) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc");
  Decoded d = DecodeAll(*f, kGrpcPlainHi + kGrpcDeflateHi, 1);
  EXPECT_EQ(d.payloads, std::vector<std::string>{"hi"});
  EXPECT_EQ(d.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status.message()),
              HasSubstr("Compressed-Flag 1 at stream offset 7 but no transform is configured"));
}

TEST(TransformedFramer, GrpcFlagOtherThanZeroOrOneIsRefused) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc|deflate");
  std::string bad = kGrpcPlainHi;
  bad[0] = '\x02';
  Decoded d = DecodeAll(*f, kGrpcPlainHi + bad, 3);
  EXPECT_EQ(d.payloads, std::vector<std::string>{"hi"});
  EXPECT_EQ(d.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status.message()),
              HasSubstr("Compressed-Flag 2 at stream offset 7 is neither 0 nor 1"));
}

TEST(TransformedFramer, ErrorIsFatal) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc");
  std::unique_ptr<TransformedDecoder> d = f->NewDecoder();
  ASSERT_TRUE(d->Feed(kGrpcDeflateHi).ok());
  absl::string_view p;
  EXPECT_EQ(d->Next(&p), Decoder::kError);
  EXPECT_TRUE(d->failed());
  EXPECT_EQ(d->Feed(kGrpcPlainHi).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d->Next(&p), Decoder::kError);
  EXPECT_EQ(d->Finish().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TransformedFramer, EveryTransformRoundTripsThroughALengthFramerSplitAtEveryByte) {
  for (const TransformKind& kind : RegisteredTransformKinds()) {
    std::unique_ptr<TransformedFramer> f = Make("length:width=4|" + kind.name);
    std::vector<std::string> payloads = {"", "a", Text(300, 1), Text(100000, 2), Text(50, 3)};
    std::string wire;
    for (const std::string& p : payloads) ASSERT_TRUE(f->Encode(p, &wire).ok());
    for (size_t step : {size_t{1}, size_t{7}, size_t{4096}, wire.size()}) {
      Decoded d = DecodeAll(*f, wire, step);
      ASSERT_TRUE(d.status.ok()) << kind.name << " step " << step << ": " << d.status;
      EXPECT_EQ(d.payloads, payloads) << kind.name << " step " << step;
    }
  }
}

TEST(TransformedFramer, GrpcRoundTripsEveryTransformBothWays) {
  for (const TransformKind& kind : RegisteredTransformKinds()) {
    std::unique_ptr<TransformedFramer> sender = Make("length:width=4,offset=1|grpc|" + kind.name);
    std::unique_ptr<TransformedFramer> plain =
        Make("length:width=4,offset=1|grpc:compress=false|" + kind.name);
    std::string wire;
    ASSERT_TRUE(sender->Encode(Text(5000, 1), &wire).ok());
    EXPECT_EQ(wire[0], '\x01');
    ASSERT_TRUE(plain->Encode(Text(5000, 2), &wire).ok());
    // Both decoders read both flags.
    for (const TransformedFramer* reader : {sender.get(), plain.get()}) {
      Decoded d = DecodeAll(*reader, wire, 1000);
      ASSERT_TRUE(d.status.ok()) << kind.name << ": " << d.status;
      EXPECT_EQ(d.payloads, (std::vector<std::string>{Text(5000, 1), Text(5000, 2)}));
    }
  }
}

TEST(TransformedFramer, SpecIsCanonicalAndRebuildsAnEqualFramer) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc|deflate:level=1");
  EXPECT_THAT(f->Spec(), StartsWith("length:width=4,order=big,offset=1,"));
  EXPECT_THAT(f->Spec(), HasSubstr("|grpc:compress=true|deflate:level=1,max=64MiB"));
  std::unique_ptr<TransformedFramer> again = Make(f->Spec());
  EXPECT_EQ(again->Spec(), f->Spec());
  EXPECT_EQ(Make("delimiter:delim=\\x7C|lz4")->Spec().find("delim=|"), std::string::npos);
}

TEST(TransformedFramer, SpecErrorsNameTheStage) {
  struct Case {
    const char* spec;
    const char* message;
  };
  for (const Case& c : {Case{"length:width=4|", "stage 2 of 2 is empty"},
                        Case{"lenght|zstd", "stage 1 of 2: unknown framer kind 'lenght'"},
                        Case{"length|zstd:level=99", "stage 2 of 2: zstd: bad value for 'level'"},
                        Case{"length:width=4|grpc", "grpc: needs gRPC's framing"},
                        Case{"length:width=4,offset=1,order=little|grpc", "needs gRPC's framing"},
                        Case{"delimiter|grpc", "needs gRPC's framing"},
                        Case{"length:width=4,offset=1|zstd|grpc", "grpc must come right after"},
                        Case{"length:width=4,offset=1|grpc:compres=1", "unknown key 'compres'"},
                        Case{"length:width=4,offset=1|grpc:compress=maybe", "compress"}}) {
    absl::StatusOr<std::unique_ptr<TransformedFramer>> f = TransformedFramer::Create(c.spec);
    ASSERT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << c.spec;
    EXPECT_THAT(std::string(f.status().message()), HasSubstr(c.message)) << c.spec;
  }
}

TEST(TransformedFramer, DecompressedPayloadOverMaxIsResourceExhausted) {
  std::unique_ptr<TransformedFramer> big = Make("length:width=4|zstd");
  std::unique_ptr<TransformedFramer> small = Make("length:width=4|zstd:max=1KiB");
  std::string wire;
  ASSERT_TRUE(big->Encode(std::string(100, 'a'), &wire).ok());
  ASSERT_TRUE(big->Encode(std::string(2000, 'a'), &wire).ok());
  Decoded d = DecodeAll(*small, wire, wire.size());
  EXPECT_EQ(d.payloads.size(), 1u);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(d.status.message()), HasSubstr("stage 2 of 2 (zstd)"));
  EXPECT_THAT(std::string(d.status.message()), HasSubstr("max=1KiB"));
}

TEST(TransformedFramer, CompressedFrameOverTheFramersMaxIsRefusedOnEncode) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,max=16|zstd");
  std::string wire = "keep";
  EXPECT_EQ(f->Encode(Text(10000, 5), &wire).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(wire, "keep");
}

TEST(TransformedFramer, CorruptedFrameNamesTheTransformStage) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4|deflate");
  std::string wire;
  ASSERT_TRUE(f->Encode(Text(1000, 1), &wire).ok());
  wire[wire.size() - 1] ^= 1;  // The Adler-32.
  Decoded d = DecodeAll(*f, wire, 100);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status.message()),
              HasSubstr("frame ending at stream offset " + std::to_string(wire.size()) +
                        ": stage 2 of 2 (deflate): deflate: malformed input"));
}

TEST(TransformedFramer, StreamCutMidFrameIsDataLoss) {
  std::unique_ptr<TransformedFramer> f = Make("length:width=4,offset=1|grpc|snappy");
  std::string wire;
  ASSERT_TRUE(f->Encode(Text(1000, 1), &wire).ok());
  Decoded d = DecodeAll(*f, absl::string_view(wire).substr(0, wire.size() - 1), 64);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace framekit
