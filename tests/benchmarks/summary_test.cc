// framekit/tests/benchmarks/summary_test.cc
//
// The comparison's answer is computed from the rows it is given: these tests hand it made-up rows
// and check which encodings it names, that ties and N/A cells are handled, and that the tables
// carry every row, compressed ones included.
#include "framekit/benchmarks/encoding/summary.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace framekit {
namespace encoding_bench {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

SummaryRow Row(const std::string& encoding, const std::string& family, const std::string& transform,
               int per, const std::string& dist, double bytes, double decode_ns, double values_s) {
  SummaryRow r;
  r.encoding = encoding;
  r.codec_family = family;
  r.transform = transform;
  r.per_message = per;
  r.distribution = dist;
  r.bytes_per_value = bytes;
  r.encode_ns = decode_ns;
  r.decode_ns = decode_ns;
  r.values_per_second = values_s;
  r.messages_per_second = values_s / per;
  return r;
}

TEST(AnswerParagraph, NamesTheWinnerOfEachFigurePerDistributionAndRegime) {
  const std::vector<SummaryRow> rows = {
      Row("ascii+delim", "ascii", "", 1, "zeros", 2.0, 10.0, 50e6),
      Row("bin8+fixed", "binary", "", 1, "zeros", 8.0, 5.0, 100e6),
      Row("varint+lenvar", "varint", "", 1, "zeros", 3.0, 7.0, 120e6),
      Row("ascii+delim", "ascii", "", 1000, "u64", 20.4, 14.0, 50e6),
      Row("bin8+fixed", "binary", "", 1000, "u64", 8.0, 0.6, 900e6),
      Row("varint+lenvar", "varint", "", 1000, "u64", 9.5, 9.0, 90e6),
  };
  const std::string answer = AnswerParagraph(rows, {"zeros", "u64"}, {1, 1000});
  EXPECT_THAT(answer,
              HasSubstr("**zeros** -- 1 value/msg: fewest bytes ascii+delim (2.00 B/value)"));
  EXPECT_THAT(answer,
              HasSubstr("cheapest decode bin8+fixed (5.0 ns/value, next varint+lenvar 1.40x)"));
  EXPECT_THAT(answer,
              HasSubstr("most loopback values/s varint+lenvar (120.00M/s, next bin8+fixed 0.83x)"));
  EXPECT_THAT(answer, HasSubstr("**u64** -- "));
  EXPECT_THAT(answer, HasSubstr("1,000 values/msg: fewest bytes bin8+fixed (8.00 B/value)"));
  // Rows of a regime the paragraph was not asked about are not mixed in.
  EXPECT_THAT(answer, Not(HasSubstr("zeros** -- 1 value/msg: fewest bytes bin8")));
}

TEST(AnswerParagraph, EqualByteCountsAreNamedTogether) {
  const std::vector<SummaryRow> rows = {
      Row("ascii+delim", "ascii", "", 1, "zeros", 2.0, 10.0, 50e6),
      Row("varint+lenvar", "varint", "", 1, "zeros", 2.0, 7.0, 120e6),
      Row("bin4+fixed", "binary", "", 1, "zeros", 4.0, 5.0, 100e6),
  };
  EXPECT_THAT(AnswerParagraph(rows, {"zeros"}, {1}),
              HasSubstr("fewest bytes ascii+delim = varint+lenvar (2.00 B/value)"));
}

TEST(AnswerParagraph, SkipsNotApplicableAndUnmeasuredCells) {
  std::vector<SummaryRow> rows = {
      Row("bin4+fixed", "binary", "", 1, "u64", NAN, NAN, NAN),
      Row("bin8+fixed", "binary", "", 1, "u64", 8.0, 6.0, NAN),
  };
  rows[0].applicable = false;
  const std::string answer = AnswerParagraph(rows, {"u64"}, {1});
  EXPECT_THAT(answer, HasSubstr("fewest bytes bin8+fixed (8.00 B/value)"));
  EXPECT_THAT(answer, HasSubstr("cheapest decode bin8+fixed (6.0 ns/value)"));
  EXPECT_THAT(answer, HasSubstr("most loopback values/s: not measured"));
  EXPECT_THAT(answer, Not(HasSubstr("bin4")));
}

TEST(AnswerParagraph, DistributionWithNoRowsSaysNotMeasured) {
  EXPECT_THAT(AnswerParagraph({}, {"zipf"}, {1}),
              AllOf(HasSubstr("**zipf**"), HasSubstr("fewest bytes: not measured")));
}

TEST(CompressionParagraph, ComparesCompressedAsciiWithTheSmallestBinaryRow) {
  const std::vector<SummaryRow> rows = {
      // 1 value per message: compression makes ASCII bigger than binary.
      Row("bin4+fixed", "binary", "", 1, "zeros", 4.0, 5.0, 100e6),
      Row("bin8+fixed", "binary", "", 1, "zeros", 8.0, 5.0, 100e6),
      Row("ascii+zstd+lenvar", "ascii", "zstd", 1, "zeros", 12.0, 200.0, 5e6),
      // 1,000 per message: it wins on zeros, loses on u64.
      Row("bin4+len4", "binary", "", 1000, "zeros", 4.0, 0.5, 1000e6),
      Row("ascii+zstd+lenvar", "ascii", "zstd", 1000, "zeros", 0.04, 2.0, 250e6),
      Row("bin8+len4", "binary", "", 1000, "u64", 8.0, 0.6, 900e6),
      Row("ascii+zstd+lenvar", "ascii", "zstd", 1000, "u64", 9.0, 30.0, 30e6),
      // An uncompressed ASCII row is not a compressed one.
      Row("ascii+delim", "ascii", "", 1000, "zeros", 0.01, 1.0, 1e6),
  };
  const std::string p = CompressionParagraph(rows, {"zeros", "u64"}, {1, 1000});
  EXPECT_THAT(p, HasSubstr("With zstd, ASCII (ascii+zstd+lenvar) puts fewer bytes on the wire"));
  EXPECT_THAT(p, HasSubstr("at 1 value/msg for no distribution (3.00x its bytes)"));
  EXPECT_THAT(p, HasSubstr("at 1,000 values/msg for zeros (0.01x its bytes, at 4.0x its decode "
                           "time and 0.25x its loopback values/s)"));
  EXPECT_THAT(p, Not(HasSubstr("for zeros, u64")));
}

TEST(CompressionParagraph, EmptyWithoutCompressedRows) {
  const std::vector<SummaryRow> rows = {Row("bin8+fixed", "binary", "", 1, "zeros", 8, 5, 1e6)};
  EXPECT_EQ(CompressionParagraph(rows, {"zeros"}, {1}), "");
}

TEST(BuildSummary, LeadsWithTheAnswerThenTablesWithEveryRow) {
  SummaryInput in;
  in.distributions = {{"zeros", "all 0"}, {"u64", "uniform 64-bit"}};
  in.encodings = {"bin8+fixed", "bin4+fixed", "ascii+zstd+lenvar"};
  in.regimes = {1, 16, 1000};
  for (int per : in.regimes) {
    in.rows.push_back(Row("bin8+fixed", "binary", "", per, "zeros", 8, 5, 1e8));
    in.rows.push_back(Row("bin8+fixed", "binary", "", per, "u64", 8, 5, 1e8));
    in.rows.push_back(Row("bin4+fixed", "binary", "", per, "zeros", 4, 5, 1e8));
    SummaryRow na = Row("bin4+fixed", "binary", "", per, "u64", NAN, NAN, NAN);
    na.applicable = false;
    in.rows.push_back(na);
    in.rows.push_back(Row("ascii+zstd+lenvar", "ascii", "zstd", per, "zeros", 0.5, 50, 1e7));
    in.rows.push_back(Row("ascii+zstd+lenvar", "ascii", "zstd", per, "u64", 9, 50, 1e7));
  }
  in.ascii_zero_wire = 2;
  in.binary_zero_wire = 8;
  const Summary s = BuildSummary(in);
  const size_t answer = s.markdown.find("## The answer (this run)");
  const size_t howto = s.markdown.find("## The HOWTO's claim");
  const size_t tables = s.markdown.find("## 16 values per message");
  ASSERT_NE(answer, std::string::npos);
  ASSERT_NE(howto, std::string::npos);
  ASSERT_NE(tables, std::string::npos);
  EXPECT_LT(answer, howto);
  EXPECT_LT(howto, tables);
  EXPECT_THAT(s.markdown, HasSubstr("## 1,000 values per message"));
  EXPECT_THAT(s.markdown, HasSubstr("| ascii+zstd+lenvar | 0.50 | 9.00 |"));
  EXPECT_THAT(s.markdown, HasSubstr("| bin4+fixed | 4.00 | N/A |"));
  EXPECT_THAT(s.answer, HasSubstr("With zstd"));
  EXPECT_TRUE(s.targets_met);
}

TEST(BuildSummary, WrongHowtoBytesOrMissedAsioTargetAreNotMet) {
  SummaryInput in;
  in.ascii_zero_wire = 3;
  in.binary_zero_wire = 8;
  EXPECT_FALSE(BuildSummary(in).targets_met);
  in.ascii_zero_wire = 2;
  AsioRow a;
  a.paired_ratio = 2.0;
  a.target = 3.0;
  in.asio.push_back(a);
  const Summary s = BuildSummary(in);
  EXPECT_FALSE(s.targets_met);
  EXPECT_THAT(s.markdown, HasSubstr("| >= 3x | FAIL |"));
  in.asio[0].paired_ratio = NAN;
  EXPECT_THAT(BuildSummary(in).markdown, HasSubstr("| not run |"));
}

TEST(FormatRate, ScalesToTheUnit) {
  EXPECT_EQ(FormatRate(1.5e9), "1.50G");
  EXPECT_EQ(FormatRate(124e6), "124.00M");
  EXPECT_EQ(FormatRate(9400), "9.4k");
  EXPECT_EQ(FormatRate(12), "12");
  EXPECT_EQ(FormatRate(NAN), "-");
}

}  // namespace
}  // namespace encoding_bench
}  // namespace framekit
