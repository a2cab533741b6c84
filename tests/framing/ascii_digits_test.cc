// ParseUpTo8Digits (framing/ascii_digits.h) against a byte-at-a-time reference: every width, every
// non-digit byte at every position, random pairs of bad bytes, bytes past the width ignored.
#include "framekit/framing/internal/ascii_digits.h"

#include <cstdint>
#include <string>

#include "absl/random/random.h"
#include "gtest/gtest.h"

namespace framekit {
namespace {

bool Reference(const std::string& s, size_t n, uint64_t* value) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsAsciiDigit(s[i])) return false;
    v = v * 10 + DigitValue(s[i]);
  }
  *value = v;
  return true;
}

TEST(ParseUpTo8DigitsTest, RandomDigitsEveryWidth) {
  absl::BitGen gen;
  for (size_t n = 1; n <= 8; ++n) {
    for (int round = 0; round < 2000; ++round) {
      std::string s(8, '0');
      for (char& c : s) c = static_cast<char>('0' + absl::Uniform(gen, 0, 10));
      for (size_t i = n; i < 8; ++i) s[i] = static_cast<char>(absl::Uniform(gen, 0, 256));
      uint64_t want = 0, got = 12345;
      ASSERT_TRUE(Reference(s, n, &want));
      ASSERT_TRUE(ParseUpTo8Digits(s.data(), n, &got)) << s << " n=" << n;
      EXPECT_EQ(got, want) << s << " n=" << n;
    }
  }
}

TEST(ParseUpTo8DigitsTest, Extremes) {
  uint64_t v = 0;
  ASSERT_TRUE(ParseUpTo8Digits("99999999", 8, &v));
  EXPECT_EQ(v, 99999999u);
  ASSERT_TRUE(ParseUpTo8Digits("00000000", 8, &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ParseUpTo8Digits("00005hel", 5, &v));
  EXPECT_EQ(v, 5u);
  ASSERT_TRUE(ParseUpTo8Digits("9xxxxxxx", 1, &v));
  EXPECT_EQ(v, 9u);
}

TEST(ParseUpTo8DigitsTest, EveryNonDigitAtEveryPositionRefused) {
  for (size_t n = 1; n <= 8; ++n) {
    for (size_t pos = 0; pos < n; ++pos) {
      for (int b = 0; b < 256; ++b) {
        std::string s = "12345678";
        s[pos] = static_cast<char>(b);
        uint64_t want = 0, got = 777;
        const bool ok = Reference(s, n, &want);
        ASSERT_EQ(ParseUpTo8Digits(s.data(), n, &got), ok) << "byte " << b << " at " << pos;
        if (ok) {
          EXPECT_EQ(got, want);
        } else {
          EXPECT_EQ(got, 777u);  // Untouched on refusal.
        }
      }
    }
  }
}

// Two bad bytes at once, every pair of values at every pair of positions of 8 digits: a byte below
// '0' borrows from the byte above it, and one far above '9' carries into it, either of which could
// make a bad neighbour look like a digit.
TEST(ParseUpTo8DigitsTest, EveryPairOfBytesAtEveryPairOfPositions) {
  for (size_t lo = 0; lo < 8; ++lo) {
    for (size_t hi = lo + 1; hi < 8; ++hi) {
      std::string s = "31415926";
      for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
          s[lo] = static_cast<char>(a);
          s[hi] = static_cast<char>(b);
          uint64_t want = 0, got = 777;
          const bool ok = Reference(s, 8, &want);
          if (ParseUpTo8Digits(s.data(), 8, &got) != ok || got != (ok ? want : 777u)) {
            FAIL() << "bytes " << a << " at " << lo << " and " << b << " at " << hi;
          }
        }
      }
    }
  }
}

// Sign, space and the bytes next to '0' and '9' (the ones a lenient parser lets through).
TEST(ParseUpTo8DigitsTest, SignsSpacesAndNeighboursRefused) {
  uint64_t v = 0;
  for (const char* s : {"+0005hel", "-0005hel", " 0005hel", "0 005hel", "/0005hel", ":0005hel",
                        "0000\xff"
                        "hel",
                        "0000\xfa"
                        "hel"}) {
    EXPECT_FALSE(ParseUpTo8Digits(s, 5, &v)) << s;
  }
}

}  // namespace
}  // namespace framekit
