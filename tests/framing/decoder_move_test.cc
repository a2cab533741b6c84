// Every concrete decoder is movable by a defaulted move that carries Decoder's own state (the
// buffered bytes, the stream offset, a fatal error): a field added to Decoder moves with it, and
// no framer copies base fields by hand. Each is made the one way there is, Framer::MakeDecoder().
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "framekit/framing/ascii_length_framer.h"
#include "framekit/framing/delimiter_framer.h"
#include "framekit/framing/fixed_length_framer.h"
#include "framekit/framing/framer_spec.h"
#include "framekit/framing/length_header_framer.h"
#include "framekit/framing/netstring_framer.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

template <typename FramerT>
const FramerT& As(const std::unique_ptr<Framer>& framer) {
  const FramerT* concrete = dynamic_cast<const FramerT*>(framer.get());
  EXPECT_NE(concrete, nullptr);
  return *concrete;
}

// Feeds one whole frame and half of the next, takes the first, moves, then completes the second
// through the moved-to decoder.
template <typename FramerT>
void ExpectMoveCarriesState(absl::string_view spec) {
  SCOPED_TRACE(spec);
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer(spec);
  ASSERT_TRUE(framer.ok()) << framer.status();
  std::string wire;
  ASSERT_TRUE((*framer)->Encode("abcd", &wire).ok());
  const size_t one = wire.size();
  ASSERT_TRUE((*framer)->Encode("wxyz", &wire).ok());

  auto source = As<FramerT>(*framer).MakeDecoder();
  ASSERT_TRUE(source.Feed(absl::string_view(wire).substr(0, one + 2)).ok());
  absl::string_view frame;
  ASSERT_EQ(source.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "abcd");
  ASSERT_EQ(source.Next(&frame), Decoder::kNeedMore);

  auto moved = std::move(source);
  EXPECT_EQ(moved.stream_offset(), one);
  EXPECT_EQ(moved.buffered_bytes(), 2u);
  ASSERT_TRUE(moved.Feed(absl::string_view(wire).substr(one + 2)).ok());
  ASSERT_EQ(moved.Next(&frame), Decoder::kFrame);
  EXPECT_EQ(frame, "wxyz");
  EXPECT_TRUE(moved.Finish().ok());
}

TEST(DecoderMove, CarriesBufferOffsetAndPartialFrame) {
  ExpectMoveCarriesState<DelimiterFramer>("delimiter");
  ExpectMoveCarriesState<FixedLengthFramer>("fixed:size=4");
  ExpectMoveCarriesState<LengthHeaderFramer>("length:width=4");
  ExpectMoveCarriesState<LengthHeaderFramer>("length:width=varint");
  ExpectMoveCarriesState<AsciiLengthFramer>("ascii:digits=5");
  ExpectMoveCarriesState<NetstringFramer>("netstring");
}

TEST(DecoderMove, CarriesAFatalError) {
  absl::StatusOr<std::unique_ptr<Framer>> framer = MakeFramer("netstring:max=4");
  ASSERT_TRUE(framer.ok()) << framer.status();
  NetstringDecoder decoder = As<NetstringFramer>(*framer).MakeDecoder();
  ASSERT_TRUE(decoder.Feed("99:").ok());
  absl::string_view frame;
  ASSERT_EQ(decoder.Next(&frame), Decoder::kError);
  const absl::Status error = decoder.status();
  NetstringDecoder moved = std::move(decoder);
  EXPECT_TRUE(moved.failed());
  EXPECT_EQ(moved.status(), error);
  EXPECT_EQ(moved.Feed("2:hi,"), error);
}

}  // namespace
}  // namespace framekit
