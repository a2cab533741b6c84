#include "framekit/transport/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framekit/transport/errors.h"
#include "framekit/transport/stream_io.h"
#include "gtest/gtest.h"
#include "tests/transport/test_util.h"

namespace framekit {
namespace {

using ::framekit::testing::LongDeadline;
using ::framekit::testing::ReadAll;

// A fresh directory short enough for sun_path (Bazel's TEST_TMPDIR can be too long).
class UnixSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string base = (tmp != nullptr && std::strlen(tmp) < 60) ? tmp : "/tmp";
    std::string templ = base + "/fkXXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { ::rmdir(dir_.c_str()); }

  static bool Exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }
  // Unique per process and test, since abstract names are machine-wide (per network namespace).
  static std::string AbstractName(absl::string_view what) {
    return absl::StrCat("@framekit-test-", ::getpid(), "-", what);
  }

  std::string dir_;
};

void PingPong(const Listener& l, absl::string_view target) {
  absl::StatusOr<ConnectedSocket> c = ConnectUnix(target, LongDeadline());
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<ConnectedSocket> s = Accept(l, LongDeadline());
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(WriteAll(c->fd.get(), "ping", LongDeadline()).ok());
  ASSERT_TRUE(ShutdownWrite(c->fd.get()).ok());
  EXPECT_EQ(*ReadAll(s->fd.get(), LongDeadline()), "ping");
  ASSERT_TRUE(WriteAll(s->fd.get(), "pong", LongDeadline()).ok());
  s->fd.reset();
  EXPECT_EQ(*ReadAll(c->fd.get(), LongDeadline()), "pong");
}

TEST_F(UnixSocketTest, PathListenerConnectsAndRemovesItsFile) {
  const std::string path = dir_ + "/s.sock";
  {
    absl::StatusOr<Listener> l = ListenUnix(path);
    ASSERT_TRUE(l.ok()) << l.status();
    EXPECT_EQ(l->local_address().ToString(), path);
    EXPECT_TRUE(Exists(path));
    PingPong(*l, path);
    Listener moved = std::move(*l);  // the moved-from listener must not remove the file
  }
  EXPECT_FALSE(Exists(path));
}

TEST_F(UnixSocketTest, AbstractNameConnectsAndLeavesNoFile) {
  const std::string name = AbstractName("abstract");
  absl::StatusOr<Listener> l = ListenUnix(name);
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->local_address().ToString(), name);
  EXPECT_TRUE(l->local_address().is_abstract());
  PingPong(*l, name);
}

TEST_F(UnixSocketTest, MissingPathIsNotFound) {
  absl::StatusOr<ConnectedSocket> c = ConnectUnix(dir_ + "/nobody.sock", LongDeadline());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), "nobody.sock")) << c.status();
}

TEST_F(UnixSocketTest, AbstractNameNobodyListensOnIsConnectionRefused) {
  absl::StatusOr<ConnectedSocket> c = ConnectUnix(AbstractName("nobody"), LongDeadline());
  EXPECT_TRUE(IsConnectionRefused(c.status())) << c.status();
}

TEST_F(UnixSocketTest, StaleSocketFileIsConnectionRefusedAndBlocksListen) {
  // A socket file whose server died: bound once, never listening now.
  const std::string path = dir_ + "/stale.sock";
  {
    SocketFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    SocketAddress a = *SocketAddress::UnixPath(path);
    ASSERT_EQ(::bind(fd.get(), a.get(), a.size()), 0);
  }
  EXPECT_TRUE(IsConnectionRefused(ConnectUnix(path, LongDeadline()).status()));
  absl::StatusOr<Listener> l = ListenUnix(path);
  EXPECT_FALSE(l.ok());
  EXPECT_TRUE(absl::StrContains(l.status().message(), "in use")) << l.status();
  EXPECT_TRUE(Exists(path));  // a failed listen does not remove someone else's file
  ::unlink(path.c_str());
}

TEST_F(UnixSocketTest, TooLongPathIsInvalidArgument) {
  const std::string path = dir_ + "/" + std::string(120, 'p');
  EXPECT_EQ(ListenUnix(path).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConnectUnix(path, LongDeadline()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SocketPair, ConnectedUnnamedAndBidirectional) {
  absl::StatusOr<std::pair<SocketFd, SocketFd>> p = SocketPair();
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(SocketAddress::LocalOf(p->first.get())->is_unnamed());
  EXPECT_EQ(SocketAddress::LocalOf(p->first.get())->ToString(), "(unnamed)");
  ASSERT_TRUE(WriteAll(p->first.get(), "a->b", LongDeadline()).ok());
  ASSERT_TRUE(WriteAll(p->second.get(), "b->a", LongDeadline()).ok());
  char buf[8];
  EXPECT_EQ(*ReadSome(p->second.get(), absl::MakeSpan(buf), LongDeadline()), 4u);
  EXPECT_EQ(absl::string_view(buf, 4), "a->b");
  EXPECT_EQ(*ReadSome(p->first.get(), absl::MakeSpan(buf), LongDeadline()), 4u);
  EXPECT_EQ(absl::string_view(buf, 4), "b->a");
}

}  // namespace
}  // namespace framekit
