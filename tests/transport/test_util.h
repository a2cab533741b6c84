// Helpers for the transport tests: deterministic random payloads, reading a whole stream,
// deadlines.
#ifndef FRAMEKIT_TESTS_TRANSPORT_TEST_UTIL_H_
#define FRAMEKIT_TESTS_TRANSPORT_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "framekit/transport/stream_io.h"
#include "gtest/gtest.h"

namespace framekit {
namespace testing {

// Generous, for a loaded machine: tests that expect success never come near it.
inline absl::Time LongDeadline() { return absl::Now() + absl::Seconds(60); }

inline std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

// Reads until EOF (or `limit` bytes, if nonzero).
inline absl::StatusOr<std::string> ReadAll(int fd, absl::Time deadline, const IoOptions& io = {},
                                           size_t limit = 0) {
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    size_t want = sizeof(buf);
    if (limit != 0) {
      if (out.size() == limit) return out;
      want = std::min(want, limit - out.size());
    }
    absl::StatusOr<size_t> n = ReadSome(fd, absl::MakeSpan(buf, want), deadline, io);
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buf, *n);
  }
}

}  // namespace testing
}  // namespace framekit

#define FK_ASSERT_OK(expr)                      \
  do {                                          \
    const absl::Status fk_status_ = (expr);     \
    ASSERT_TRUE(fk_status_.ok()) << fk_status_; \
  } while (0)
#define FK_EXPECT_OK(expr)                      \
  do {                                          \
    const absl::Status fk_status_ = (expr);     \
    EXPECT_TRUE(fk_status_.ok()) << fk_status_; \
  } while (0)

#endif  // FRAMEKIT_TESTS_TRANSPORT_TEST_UTIL_H_
