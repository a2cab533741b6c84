// framekit/benchmarks/encoding/summary.h
//
// Contract: the comparison's summary, from the figures of one run: the answer first, computed
// from the rows (never written in advance), then the tables.
//
//   AnswerParagraph()      per distribution, at 1 and at 1,000 values per message: which
//                          encoding puts the fewest bytes on the wire, which decodes cheapest and
//                          which moves the most values per second over loopback; ties on bytes
//                          (within 0.5%) are named together, and for the timed figures the
//                          runner-up and its ratio are given (a ratio near 1.00x is noise on a
//                          shared machine)
//   CompressionParagraph() per transform and regime: for which distributions the compressed
//                          ASCII row puts fewer bytes on the wire than the smallest uncompressed
//                          binary row, by how much, and what it costs in decode time and loopback
//                          values/s (ratios to that binary row)
//   BuildSummary()         the markdown: title, answer, the HOWTO's claim, per regime the
//                          bytes/encode/decode/loopback tables (every encoding a row, compressed
//                          ones included), and the framekit vs Boost.Asio table with its checks
//
// Nothing here measures or reads globals, so the answer logic is tested on made-up rows.
//
// Example:
//   SummaryRow row;
//   row.encoding = "varint+lenvar";
//   row.distribution = "zeros";
//   row.bytes_per_value = 2.0;
//   std::string answer = AnswerParagraph({row}, {"zeros"}, {1});
//   // "**zeros** -- 1 value/msg: fewest bytes varint+lenvar (2.00 B/value); ..."
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_SUMMARY_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_SUMMARY_H_

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace framekit {
namespace encoding_bench {

// One encoding x regime x distribution; NaN for a figure not measured.
struct SummaryRow {
  std::string encoding;      // "varint+zstd+lenvar"
  std::string codec_family;  // "ascii", "binary", "varint", "groupvarint"
  std::string transform;     // "" or "zstd"
  int per_message = 1;
  std::string distribution;
  bool applicable = true;  // False: the codec cannot represent the distribution.
  double bytes_per_value = NAN;
  double encode_ns = NAN;          // Per value.
  double decode_ns = NAN;          // Per value.
  double values_per_second = NAN;  // Loopback.
  double messages_per_second = NAN;
};

// One framekit vs Boost.Asio comparison (asio_comparison.h).
struct AsioRow {
  bool end_to_end = false;  // (b); else (a), the same stream.
  bool delimited = false;
  size_t payload = 0;
  double framekit_best = NAN, framekit_median = NAN;
  double asio_best = NAN, asio_median = NAN;
  double paired_ratio = NAN;
  double raw_best = NAN;  // (a) only.
  double target = NAN;    // The paired ratio it must reach; NaN: none.
};

struct SummaryInput {
  std::string mode_name = "default";
  double seconds = 0;  // The run's wall time.
  std::string setup;   // Datasets and thread placement, one paragraph.
  std::vector<std::pair<std::string, std::string>> distributions;  // Name, description.
  std::vector<std::string> encodings;                              // Row order.
  std::vector<int> regimes;
  std::vector<SummaryRow> rows;
  size_t ascii_zero_wire = 0, binary_zero_wire = 0, varint_zero_wire = 0;  // The HOWTO's claim.
  std::vector<AsioRow> asio;
  int asio_rounds = 0;
  double asio_seconds = 0;
};

struct Summary {
  std::string answer;    // AnswerParagraph + CompressionParagraph.
  std::string markdown;  // Everything, the answer first.
  bool targets_met = true;
};

std::string AnswerParagraph(const std::vector<SummaryRow>& rows,
                            const std::vector<std::string>& distributions,
                            const std::vector<int>& regimes);
std::string CompressionParagraph(const std::vector<SummaryRow>& rows,
                                 const std::vector<std::string>& distributions,
                                 const std::vector<int>& regimes);
Summary BuildSummary(const SummaryInput& in);

// "1 value per message", "1,000 values per message".
std::string RegimeTitle(int per_message);
// "124M", "1.2G", "980k".
std::string FormatRate(double per_second);

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_SUMMARY_H_
