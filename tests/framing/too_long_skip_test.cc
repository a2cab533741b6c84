// TooLongPolicy::kSkip through the one skipper every skipping decoder shares: each reports the
// frame once, drops its bytes as they arrive (buffering none), decodes the next frame, and a
// stream that ends inside the skipped frame is DataLoss counting that frame's bytes from its start.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/framing/framer_spec.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

// A 40-byte payload is over every spec's max of 8.
const char* const kSpecs[] = {
    "delimiter:max=8,too_long=skip",           "length:width=4,max=8,too_long=skip",
    "length:width=varint,max=8,too_long=skip", "ascii:digits=5,max=8,too_long=skip",
    "netstring:max=8,too_long=skip",
};

std::string Wire(const Framer& framer, absl::string_view payload) {
  // Encode with a permissive twin of the framer (same kind, larger max) to make an over-max frame.
  std::string spec = framer.Spec();
  const size_t at = spec.find("max=");
  const size_t end = spec.find(',', at);
  spec.replace(at, end == std::string::npos ? std::string::npos : end - at, "max=1KiB");
  absl::StatusOr<std::unique_ptr<Framer>> big = MakeFramer(spec);
  EXPECT_TRUE(big.ok()) << big.status();
  std::string wire;
  EXPECT_TRUE((*big)->Encode(payload, &wire).ok());
  return wire;
}

TEST(TooLongSkip, ReportsOnceDropsTheFrameAndDecodesTheNext) {
  for (const char* spec : kSpecs) {
    SCOPED_TRACE(spec);
    absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
    ASSERT_TRUE(framer.ok()) << framer.status();
    const std::string wire = Wire(**framer, std::string(40, 'x')) + Wire(**framer, "ok");
    std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
    std::string frames;
    int errors = 0;
    for (char c : wire) {  // One byte at a time: the skip spans many feeds.
      ASSERT_TRUE(decoder->Feed(absl::string_view(&c, 1)).ok());
      EXPECT_LE(decoder->buffered_bytes(), 16u);  // The skipped frame is never buffered.
      absl::string_view frame;
      Decoder::Result r;
      while ((r = decoder->Next(&frame)) != Decoder::kNeedMore) {
        if (r == Decoder::kError) {
          ++errors;
          EXPECT_EQ(decoder->status().code(), absl::StatusCode::kResourceExhausted);
        } else {
          frames += std::string(frame) + ";";
        }
      }
    }
    EXPECT_EQ(errors, 1);
    EXPECT_EQ(frames, "ok;");
    EXPECT_TRUE(decoder->Finish().ok()) << decoder->Finish();
  }
}

TEST(TooLongSkip, EndInsideTheSkippedFrameCountsItsBytesFromItsStart) {
  for (const char* spec : kSpecs) {
    SCOPED_TRACE(spec);
    absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
    ASSERT_TRUE(framer.ok()) << framer.status();
    const std::string wire = Wire(**framer, "ok") + Wire(**framer, std::string(40, 'x'));
    const std::string cut = wire.substr(0, wire.size() - 20);  // The second frame, cut short.
    std::unique_ptr<Decoder> decoder = (*framer)->NewDecoder();
    ASSERT_TRUE(decoder->Feed(cut).ok());
    absl::string_view frame;
    ASSERT_EQ(decoder->Next(&frame), Decoder::kFrame);
    ASSERT_EQ(decoder->Next(&frame), Decoder::kError);
    ASSERT_EQ(decoder->Next(&frame), Decoder::kNeedMore);
    const absl::Status end = decoder->Finish();
    EXPECT_EQ(end.code(), absl::StatusCode::kDataLoss) << end;
    const size_t seen = cut.size() - Wire(**framer, "ok").size();
    EXPECT_TRUE(absl::StrContains(end.message(), absl::StrCat("with ", seen, " bytes pending")))
        << end;
  }
}

}  // namespace
}  // namespace framekit
