// framekit/benchmarks/encoding/summary.cc
#include "framekit/benchmarks/encoding/summary.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace framekit {
namespace encoding_bench {
namespace {

// Byte counts this close are the same answer (a few bytes over a dataset).
constexpr double kByteTie = 0.005;

std::string Fmt(double v, const char* format) {
  if (std::isnan(v)) return "-";
  return absl::StrFormat(format, v);
}

std::string PerMessage(int per_message) {
  if (per_message == 1) return "1 value/msg";
  return absl::StrCat(per_message == 1000 ? "1,000" : absl::StrCat(per_message), " values/msg");
}

std::vector<const SummaryRow*> Select(const std::vector<SummaryRow>& rows, int per_message,
                                      const std::string& dist,
                                      const std::function<double(const SummaryRow&)>& metric) {
  std::vector<const SummaryRow*> out;
  for (const SummaryRow& r : rows) {
    if (r.per_message == per_message && r.distribution == dist && r.applicable &&
        std::isfinite(metric(r))) {
      out.push_back(&r);
    }
  }
  return out;
}

// "fewest bytes varint+lenvar = ascii+delim (2.00 B/value)".
std::string BytesWinner(std::vector<const SummaryRow*> rows) {
  if (rows.empty()) return "fewest bytes: not measured";
  std::stable_sort(rows.begin(), rows.end(), [](const SummaryRow* a, const SummaryRow* b) {
    return a->bytes_per_value < b->bytes_per_value;
  });
  const double best = rows[0]->bytes_per_value;
  std::vector<std::string> tied;
  for (const SummaryRow* r : rows) {
    if (r->bytes_per_value <= best * (1 + kByteTie)) tied.push_back(r->encoding);
  }
  return absl::StrCat("fewest bytes ", absl::StrJoin(tied, " = "), " (",
                      absl::StrFormat("%.2f", best), " B/value)");
}

// "<what> X (<figure>; next Y at 1.05x)", lower or higher being better.
std::string TimedWinner(std::vector<const SummaryRow*> rows, const char* what,
                        const std::function<double(const SummaryRow&)>& metric, bool lower_better,
                        const std::function<std::string(double)>& show) {
  if (rows.empty()) return absl::StrCat(what, ": not measured");
  std::stable_sort(rows.begin(), rows.end(), [&](const SummaryRow* a, const SummaryRow* b) {
    return lower_better ? metric(*a) < metric(*b) : metric(*a) > metric(*b);
  });
  std::string s = absl::StrCat(what, " ", rows[0]->encoding, " (", show(metric(*rows[0])));
  if (rows.size() > 1) {
    absl::StrAppend(&s, ", next ", rows[1]->encoding, " ",
                    absl::StrFormat("%.2fx", metric(*rows[1]) / metric(*rows[0])));
  }
  return s + ")";
}

double Bytes(const SummaryRow& r) { return r.bytes_per_value; }
double Decode(const SummaryRow& r) { return r.decode_ns; }
double Loopback(const SummaryRow& r) { return r.values_per_second; }

const SummaryRow* Find(const std::vector<SummaryRow>& rows, const std::string& encoding,
                       int per_message, const std::string& dist) {
  for (const SummaryRow& r : rows) {
    if (r.encoding == encoding && r.per_message == per_message && r.distribution == dist) return &r;
  }
  return nullptr;
}

std::string Range(double lo, double hi, const char* format) {
  const std::string a = absl::StrFormat(format, lo), b = absl::StrFormat(format, hi);
  return a == b ? a : absl::StrCat(a, "-", b);
}

}  // namespace

std::string RegimeTitle(int per_message) {
  if (per_message == 1) return "1 value per message";
  if (per_message == 1000) return "1,000 values per message";
  return absl::StrCat(per_message, " values per message");
}

std::string FormatRate(double v) {
  if (std::isnan(v)) return "-";
  if (v >= 1e9) return absl::StrFormat("%.2fG", v / 1e9);
  if (v >= 1e6) return absl::StrFormat("%.2fM", v / 1e6);
  if (v >= 1e3) return absl::StrFormat("%.1fk", v / 1e3);
  return absl::StrFormat("%.0f", v);
}

std::string AnswerParagraph(const std::vector<SummaryRow>& rows,
                            const std::vector<std::string>& distributions,
                            const std::vector<int>& regimes) {
  std::vector<std::string> sentences;
  for (const std::string& d : distributions) {
    std::vector<std::string> parts;
    for (int per : regimes) {
      const std::string bytes = BytesWinner(Select(rows, per, d, Bytes));
      const std::string decode =
          TimedWinner(Select(rows, per, d, Decode), "cheapest decode", Decode, true,
                      [](double ns) { return absl::StrFormat("%.1f ns/value", ns); });
      const std::string loop =
          TimedWinner(Select(rows, per, d, Loopback), "most loopback values/s", Loopback, false,
                      [](double v) { return absl::StrCat(FormatRate(v), "/s"); });
      parts.push_back(absl::StrCat(PerMessage(per), ": ", bytes, "; ", decode, "; ", loop));
    }
    sentences.push_back(absl::StrCat("**", d, "** -- ", absl::StrJoin(parts, ". "), "."));
  }
  return absl::StrJoin(sentences, " ");
}

std::string CompressionParagraph(const std::vector<SummaryRow>& rows,
                                 const std::vector<std::string>& distributions,
                                 const std::vector<int>& regimes) {
  std::vector<std::string> transforms;
  for (const SummaryRow& r : rows) {
    if (!r.transform.empty() &&
        std::find(transforms.begin(), transforms.end(), r.transform) == transforms.end()) {
      transforms.push_back(r.transform);
    }
  }
  std::vector<std::string> sentences;
  for (const std::string& t : transforms) {
    std::vector<std::string> parts;
    std::string ascii_row;
    for (int per : regimes) {
      std::vector<std::string> wins;
      double bytes_lo = INFINITY, bytes_hi = 0, decode_lo = INFINITY, decode_hi = 0;
      double loop_lo = INFINITY, loop_hi = 0;
      double all_lo = INFINITY, all_hi = 0;  // Bytes ratio over every distribution.
      for (const std::string& d : distributions) {
        const SummaryRow* ascii = nullptr;
        for (const SummaryRow& r : rows) {
          if (r.codec_family == "ascii" && r.transform == t && r.per_message == per &&
              r.distribution == d && r.applicable) {
            ascii = &r;
          }
        }
        const SummaryRow* binary = nullptr;
        for (const SummaryRow* r : Select(rows, per, d, Bytes)) {
          if (r->codec_family == "binary" && r->transform.empty() &&
              (binary == nullptr || r->bytes_per_value < binary->bytes_per_value)) {
            binary = r;
          }
        }
        if (ascii == nullptr || binary == nullptr || !std::isfinite(ascii->bytes_per_value)) {
          continue;
        }
        ascii_row = ascii->encoding;
        const double ratio = ascii->bytes_per_value / binary->bytes_per_value;
        all_lo = std::min(all_lo, ratio);
        all_hi = std::max(all_hi, ratio);
        if (ratio >= 1) continue;
        wins.push_back(d);
        bytes_lo = std::min(bytes_lo, ratio);
        bytes_hi = std::max(bytes_hi, ratio);
        const double dec = ascii->decode_ns / binary->decode_ns;
        const double loop = ascii->values_per_second / binary->values_per_second;
        if (std::isfinite(dec)) {
          decode_lo = std::min(decode_lo, dec);
          decode_hi = std::max(decode_hi, dec);
        }
        if (std::isfinite(loop)) {
          loop_lo = std::min(loop_lo, loop);
          loop_hi = std::max(loop_hi, loop);
        }
      }
      if (!std::isfinite(all_lo)) continue;
      if (wins.empty()) {
        parts.push_back(absl::StrCat("at ", PerMessage(per), " for no distribution (",
                                     Range(all_lo, all_hi, "%.2fx"), " its bytes)"));
      } else {
        std::string s = absl::StrCat("at ", PerMessage(per), " for ", absl::StrJoin(wins, ", "),
                                     " (", Range(bytes_lo, bytes_hi, "%.2fx"), " its bytes");
        if (std::isfinite(decode_lo)) {
          absl::StrAppend(&s, ", at ", Range(decode_lo, decode_hi, "%.1fx"), " its decode time");
        }
        if (std::isfinite(loop_lo)) {
          absl::StrAppend(&s, " and ", Range(loop_lo, loop_hi, "%.2fx"), " its loopback values/s");
        }
        parts.push_back(s + ")");
      }
    }
    if (parts.empty()) continue;
    sentences.push_back(absl::StrCat("With ", t, ", ASCII (", ascii_row,
                                     ") puts fewer bytes on the wire than the smallest "
                                     "uncompressed binary row ",
                                     absl::StrJoin(parts, "; "), "."));
  }
  return absl::StrJoin(sentences, " ");
}

namespace {

template <typename CellFn>
std::string Matrix(const SummaryInput& in, const std::string& title, int per, CellFn cell) {
  std::string s = absl::StrCat("\n### ", title, "\n\n| encoding |");
  std::string rule = "|---|";
  for (const auto& d : in.distributions) {
    absl::StrAppend(&s, " ", d.first, " |");
    rule += "---:|";
  }
  absl::StrAppend(&s, "\n", rule, "\n");
  for (const std::string& e : in.encodings) {
    absl::StrAppend(&s, "| ", e, " |");
    for (const auto& d : in.distributions) {
      const SummaryRow* r = Find(in.rows, e, per, d.first);
      absl::StrAppend(&s, " ", r == nullptr ? "-" : (!r->applicable ? "N/A" : cell(*r)), " |");
    }
    s += "\n";
  }
  return s;
}

}  // namespace

Summary BuildSummary(const SummaryInput& in) {
  Summary out;
  std::vector<std::string> dist_names;
  for (const auto& d : in.distributions) dist_names.push_back(d.first);
  std::vector<int> answer_regimes;
  if (!in.regimes.empty()) answer_regimes.push_back(in.regimes.front());
  if (in.regimes.size() > 1) answer_regimes.push_back(in.regimes.back());
  out.answer = AnswerParagraph(in.rows, dist_names, answer_regimes);
  const std::string compression = CompressionParagraph(in.rows, dist_names, in.regimes);
  if (!compression.empty()) absl::StrAppend(&out.answer, "\n\n", compression);

  std::string& s = out.markdown;
  absl::StrAppend(&s, "# framekit encoding comparison (", in.mode_name, " run, ",
                  absl::StrFormat("%.0f", in.seconds), " s)\n\n## The answer (this run)\n\n",
                  out.answer, "\n\n", in.setup, "\n\nDistributions:");
  for (const auto& d : in.distributions) absl::StrAppend(&s, " `", d.first, "` = ", d.second, ";");
  s += "\n";

  const bool howto_ok = in.ascii_zero_wire == 2 && in.binary_zero_wire == 8;
  out.targets_met &= howto_ok;
  absl::StrAppend(
      &s, "\n## The HOWTO's claim: the value 0 on the wire\n\n",
      "| value | encoding | wire bytes | HOWTO says | check |\n|---|---|---:|---:|---|\n",
      "| 0 | ascii + '\\n' delimiter (`0\\n`) | ", in.ascii_zero_wire, " | 2 | ",
      in.ascii_zero_wire == 2 ? "PASS" : "FAIL", " |\n", "| 0 | binary 64-bit, fixed 8 | ",
      in.binary_zero_wire, " | 8 | ", in.binary_zero_wire == 8 ? "PASS" : "FAIL", " |\n",
      "| 0 | varint in a varint length header | ", in.varint_zero_wire, " | - | - |\n");

  for (int per : in.regimes) {
    absl::StrAppend(&s, "\n## ", RegimeTitle(per), "\n");
    s += Matrix(in, "bytes on the wire per value", per,
                [](const SummaryRow& r) { return Fmt(r.bytes_per_value, "%.2f"); });
    s += Matrix(in, "encode, ns per value", per,
                [](const SummaryRow& r) { return Fmt(r.encode_ns, "%.1f"); });
    s += Matrix(in, "decode, ns per value", per,
                [](const SummaryRow& r) { return Fmt(r.decode_ns, "%.1f"); });
    s += Matrix(in,
                per == 1
                    ? std::string("loopback socket, values/s (= messages/s)")
                    : absl::StrCat("loopback socket, values/s (messages/s = values/s / ", per, ")"),
                per, [](const SummaryRow& r) { return FormatRate(r.values_per_second); });
  }

  if (in.asio.empty()) return out;
  absl::StrAppend(
      &s, "\n## framekit vs Boost.Asio (loopback TCP, messages/s)\n\n",
      "(a) same pre-encoded stream from the same sender; framekit ReadSome of "
      "NextReadSize(128 KiB) bytes into PrepareWrite + NextBatch() vs Asio read_until "
      "/ read(transfer_exactly).  \n"
      "(b) end to end: framekit encodes into a buffer, one WriteAll per ~64 KiB; "
      "Asio one asio::write per message.\n\n",
      "Each comparison alternates framekit and Asio runs (", in.asio_rounds, " rounds of ",
      absl::StrFormat("%g", in.asio_seconds),
      " s each side, the two taking turns to go first); msgs/s is each side's best "
      "round, (median) in parentheses. `paired ratio`: the median over rounds of "
      "framekit / Asio within a round, the two having run back to back under the same "
      "load; the check uses it. `best ratio`: the ratio of the bests.\n\n",
      "`raw ceiling`: for (a), the same sender read by ReadSome into a 128 KiB buffer "
      "with no framing at all -- the most any receiver can show on this machine.\n\n",
      "| test | framing | payload | framekit msgs/s | Asio msgs/s | paired ratio | best ratio "
      "| target | check | raw ceiling | ceiling / Asio |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|\n");
  for (const AsioRow& a : in.asio) {
    std::string check = "-";
    if (!std::isnan(a.target)) {
      if (std::isnan(a.paired_ratio)) {
        check = "not run";
      } else {
        check = a.paired_ratio >= a.target ? "PASS" : "FAIL";
        out.targets_met &= a.paired_ratio >= a.target;
      }
    }
    absl::StrAppend(
        &s, "| ", a.end_to_end ? "(b) end to end" : "(a) same stream", " | ",
        a.delimited ? "delimiter \\n" : "length BE32", " | ", a.payload == 16 ? "16 B" : "64 KiB",
        " | ", FormatRate(a.framekit_best), " (", FormatRate(a.framekit_median), ") | ",
        FormatRate(a.asio_best), " (", FormatRate(a.asio_median), ") | ",
        Fmt(a.paired_ratio, "%.2fx"), " | ", Fmt(a.framekit_best / a.asio_best, "%.2fx"), " | ",
        std::isnan(a.target) ? std::string("-") : absl::StrFormat(">= %gx", a.target), " | ", check,
        " | ", FormatRate(a.raw_best), " | ", Fmt(a.raw_best / a.asio_best, "%.1fx"), " |\n");
  }
  return out;
}

}  // namespace encoding_bench
}  // namespace framekit
