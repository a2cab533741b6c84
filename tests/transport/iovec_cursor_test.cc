#include "framekit/transport/iovec_cursor.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace framekit {
namespace {

struct iovec Iov(const std::string& s) {
  return {const_cast<char*>(s.data()), s.size()};
}

std::string Describe(const IovecCursor& c, int max) {
  std::vector<struct iovec> out(static_cast<size_t>(max));
  int n = c.Fill(out.data(), max);
  std::string text;
  for (int i = 0; i < n; ++i) {
    text.append(static_cast<const char*>(out[i].iov_base), out[i].iov_len);
    text.push_back('|');
  }
  return text;
}

TEST(IovecCursor, AdvanceResumesMidIovecWithoutCopying) {
  std::string a = "hello", b = "", c = "world", d = "!";
  std::vector<struct iovec> iov = {Iov(a), Iov(b), Iov(c), Iov(d)};
  IovecCursor cursor(iov);
  EXPECT_EQ(cursor.remaining(), 11u);
  EXPECT_EQ(Describe(cursor, 8), "hello|world|!|");  // the empty iovec is skipped
  cursor.Advance(3);
  EXPECT_EQ(Describe(cursor, 8), "lo|world|!|");
  struct iovec first = {};  // Fill sets it; zeroed so -Wmaybe-uninitialized has nothing to doubt.
  ASSERT_EQ(cursor.Fill(&first, 1), 1);
  EXPECT_EQ(first.iov_base, a.data() + 3);  // points into the caller's buffer
  cursor.Advance(2);                        // exactly the end of "hello"
  EXPECT_EQ(Describe(cursor, 1), "world|");
  cursor.Advance(5);
  EXPECT_EQ(Describe(cursor, 8), "!|");
  cursor.Advance(1);
  EXPECT_TRUE(cursor.done());
  EXPECT_EQ(cursor.Fill(&first, 1), 0);
}

TEST(IovecCursor, AdvanceAcrossSeveralIovecsAtOnce) {
  std::string a = "ab", b = "cd", c = "ef";
  std::vector<struct iovec> iov = {Iov(a), Iov(b), Iov(c)};
  IovecCursor cursor(iov);
  cursor.Advance(5);
  EXPECT_EQ(Describe(cursor, 8), "f|");
  EXPECT_EQ(cursor.remaining(), 1u);
}

TEST(IovecCursor, AllEmptyIsDone) {
  std::string e;
  std::vector<struct iovec> iov = {Iov(e), Iov(e)};
  EXPECT_TRUE(IovecCursor(iov).done());
  EXPECT_TRUE(IovecCursor(absl::Span<const struct iovec>()).done());
}

}  // namespace
}  // namespace framekit
