#include "ping.h"

#include "gtest/gtest.h"

TEST(Consumer, EveryFramerRoundTripsOverASocketPair) {
  const std::vector<std::string> messages = {"hello", "", std::string(10000, 'x'), "world"};
  for (const char* spec : {"delimiter", "length:width=4", "length:width=varint", "ascii:digits=5",
                           "netstring", "length:width=4,offset=1,max=4MiB"}) {
    absl::StatusOr<std::vector<std::string>> got = RoundTrip(spec, messages);
    ASSERT_TRUE(got.ok()) << spec << ": " << got.status();
    EXPECT_EQ(*got, messages) << spec;
  }
}

TEST(Consumer, BadSpecIsAnError) {
  EXPECT_EQ(RoundTrip("nope", {"x"}).status().code(), absl::StatusCode::kInvalidArgument);
}
