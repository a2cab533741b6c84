#include "framekit/transport/errors.h"

#include <cerrno>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

TEST(SocketError, PeerGoneIsUnavailableWithPayloadAndText) {
  for (int e : {EPIPE, ECONNRESET, ESHUTDOWN}) {
    absl::Status s = SocketError(e, "WriteAll", "to 127.0.0.1:80");
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_TRUE(IsPeerGone(s)) << s;
    EXPECT_FALSE(IsConnectionRefused(s)) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), "WriteAll to 127.0.0.1:80: peer closed (")) << s;
  }
}

TEST(SocketError, ConnectionRefusedIsUnavailableButNotPeerGone) {
  absl::Status s = SocketError(ECONNREFUSED, "connect", "to [::1]:9");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IsConnectionRefused(s));
  EXPECT_FALSE(IsPeerGone(s));
  EXPECT_EQ(s.message(), "connect to [::1]:9: connection refused");
}

TEST(SocketError, KernelTimeoutIsNotTheCallersDeadline) {
  EXPECT_EQ(SocketError(ETIMEDOUT, "ReadSome").code(), absl::StatusCode::kUnavailable);
}

TEST(SocketError, OtherCodesNameOperationAndErrnoText) {
  absl::Status s = SocketError(EMFILE, "accept", "on 127.0.0.1:1");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(s.message(), "accept on 127.0.0.1:1: Too many open files")) << s;
  EXPECT_EQ(SocketError(ENOENT, "connect").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SocketError(EINVAL, "bind").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsPeerGone(absl::UnavailableError("peer closed")));  // text alone is not enough
}

TEST(WithContext, PrefixesMessageAndKeepsPayloads) {
  absl::Status s = WithContext(SocketError(ECONNRESET, "ReadSome"), "DrainToEof");
  EXPECT_TRUE(IsPeerGone(s));
  EXPECT_TRUE(absl::StartsWith(s.message(), "DrainToEof: ReadSome: peer closed")) << s;
  EXPECT_TRUE(WithContext(absl::OkStatus(), "x").ok());
}

TEST(WithMessage, ReplacesMessageAndKeepsCodeAndPayloads) {
  absl::Status s = WithMessage(SocketError(ECONNREFUSED, "connect"), "tried 2 addresses: ...");
  EXPECT_TRUE(IsConnectionRefused(s));
  EXPECT_EQ(s.message(), "tried 2 addresses: ...");
  EXPECT_TRUE(WithMessage(absl::OkStatus(), "x").ok());
}

}  // namespace
}  // namespace framekit
