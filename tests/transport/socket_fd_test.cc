#include "framekit/transport/socket_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "gtest/gtest.h"

namespace framekit {
namespace {

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

TEST(SocketFd, DestructorCloses) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[1]);
  { SocketFd owner(fds[0]); }
  EXPECT_FALSE(IsOpen(fds[0]));
}

TEST(SocketFd, ReleaseGivesUpOwnershipWithoutClosing) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[1]);
  {
    SocketFd owner(fds[0]);
    EXPECT_EQ(owner.release(), fds[0]);
    EXPECT_FALSE(owner.valid());
    EXPECT_EQ(owner.get(), -1);
  }
  EXPECT_TRUE(IsOpen(fds[0]));
  ::close(fds[0]);
}

TEST(SocketFd, MoveTransfersOwnershipAndClosesOnce) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  SocketFd a(fds[0]);
  SocketFd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_EQ(b.get(), fds[0]);
  SocketFd c(fds[1]);
  c = std::move(b);  // closes fds[1], takes fds[0]
  EXPECT_FALSE(IsOpen(fds[1]));
  EXPECT_TRUE(IsOpen(fds[0]));
  c.reset();
  EXPECT_FALSE(IsOpen(fds[0]));
  c.reset();  // empty: nothing to close
}

TEST(SocketFdDeathTest, ClosingAnAlreadyClosedDescriptorAborts) {
  EXPECT_DEATH(
      {
        int fds[2];
        if (::pipe(fds) != 0) return;
        SocketFd owner(fds[0]);
        ::close(fds[0]);  // behind the owner's back
        owner.reset();
      },
      "EBADF");
}

}  // namespace
}  // namespace framekit
