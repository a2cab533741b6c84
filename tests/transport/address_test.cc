#include "framekit/transport/address.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "absl/strings/match.h"
#include "framekit/transport/socket_fd.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

TEST(SocketAddress, ParsesAndFormatsEveryForm) {
  for (const char* text : {"127.0.0.1:80", "0.0.0.0:0", "[::1]:8080", "[::]:65535",
                           "[::ffff:10.0.0.1]:1", "/tmp/x.sock", "./rel.sock", "@framekit", "@"}) {
    absl::StatusOr<SocketAddress> a = SocketAddress::Parse(text);
    ASSERT_TRUE(a.ok()) << text << ": " << a.status();
    EXPECT_EQ(a->ToString(), text);
    EXPECT_EQ(*SocketAddress::Parse(a->ToString()), *a) << text;
  }
}

TEST(SocketAddress, FamiliesPortsAndKinds) {
  SocketAddress v4 = *SocketAddress::Parse("127.0.0.1:443");
  EXPECT_EQ(v4.family(), AF_INET);
  EXPECT_EQ(v4.port(), 443);
  EXPECT_EQ(v4.size(), sizeof(sockaddr_in));
  SocketAddress v6 = *SocketAddress::Parse("[::1]:443");
  EXPECT_EQ(v6.family(), AF_INET6);
  EXPECT_EQ(v6.port(), 443);
  SocketAddress path = *SocketAddress::Parse("/run/a.sock");
  EXPECT_TRUE(path.is_unix());
  EXPECT_FALSE(path.is_abstract());
  EXPECT_EQ(path.port(), -1);
  SocketAddress abstract = *SocketAddress::Parse("@a");
  EXPECT_TRUE(abstract.is_abstract());
  EXPECT_EQ(abstract, *SocketAddress::Abstract("a"));
  EXPECT_NE(abstract, *SocketAddress::Abstract(absl::string_view("a\0", 2)));  // length matters
  EXPECT_EQ(SocketAddress().ToString(), "(none)");
  EXPECT_NE(v4, *SocketAddress::Parse("127.0.0.1:444"));
}

TEST(SocketAddress, RefusesMalformedText) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:http", "::1:80", "[::1]", "[::1:80", "[::1]80", "localhost:80",
                          ":80", "300.1.1.1:1", "1.2.3.4: 5"}) {
    EXPECT_EQ(SocketAddress::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SocketAddress, UnixPathLimitIsSunPath) {
  EXPECT_TRUE(SocketAddress::UnixPath("/" + std::string(106, 'x')).ok());
  absl::Status s = SocketAddress::UnixPath("/" + std::string(107, 'x')).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "limit is 107")) << s;
  EXPECT_TRUE(SocketAddress::Abstract(std::string(107, 'x')).ok());  // no NUL terminator needed
  EXPECT_FALSE(SocketAddress::Abstract(std::string(108, 'x')).ok());
  EXPECT_FALSE(SocketAddress::UnixPath(absl::string_view("/a\0b", 4)).ok());
}

TEST(SplitHostPort, HostsPortsAndBrackets) {
  HostPort hp = *SplitHostPort("example.com:80");
  EXPECT_EQ(hp.host, "example.com");
  EXPECT_EQ(hp.port, "80");
  hp = *SplitHostPort("[fe80::1%lo]:9");
  EXPECT_EQ(hp.host, "fe80::1%lo");
  EXPECT_EQ(hp.port, "9");
  hp = *SplitHostPort(":0");
  EXPECT_EQ(hp.host, "");
  EXPECT_EQ(hp.port, "0");
  EXPECT_TRUE(absl::StrContains(SplitHostPort("::1:80").status().message(), "brackets"));
}

TEST(Resolve, NumericHostsNeedNoResolver) {
  absl::StatusOr<std::vector<SocketAddress>> v = Resolve("[::1]:7");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ(v->front().ToString(), "[::1]:7");
}

TEST(Resolve, LocalhostGivesLoopbackAddresses) {
  absl::StatusOr<std::vector<SocketAddress>> v = Resolve("localhost:7");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_FALSE(v->empty());
  for (const SocketAddress& a : *v) {
    EXPECT_TRUE(a.ToString() == "127.0.0.1:7" || a.ToString() == "[::1]:7") << a.ToString();
  }
}

TEST(Resolve, PassiveEmptyHostIsWildcard) {
  absl::StatusOr<std::vector<SocketAddress>> v = Resolve(":0", /*passive=*/true);
  ASSERT_TRUE(v.ok()) << v.status();
  for (const SocketAddress& a : *v) {
    EXPECT_TRUE(a.ToString() == "0.0.0.0:0" || a.ToString() == "[::]:0") << a.ToString();
  }
}

TEST(SocketAddress, LocalOfReportsTheBoundPort) {
  SocketFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(fd.valid());
  SocketAddress any = *SocketAddress::Parse("127.0.0.1:0");
  ASSERT_EQ(::bind(fd.get(), any.get(), any.size()), 0);
  absl::StatusOr<SocketAddress> local = SocketAddress::LocalOf(fd.get());
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_GT(local->port(), 0);
  EXPECT_EQ(SocketAddress::PeerOf(fd.get()).status().code(),
            absl::StatusCode::kFailedPrecondition);  // ENOTCONN
}

}  // namespace
}  // namespace framekit
