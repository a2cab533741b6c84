// framekit/benchmarks/encoding/comparison_chart.cc
#include "comparison_chart.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "chart.h"

namespace framekit {
namespace encoding_bench {
namespace {

// The uncompressed row each codec's compressed rows are drawn beside.
const char* const kBaselines[] = {"ascii+delim", "bin8+len4", "varint+lenvar", "gvarint+len4"};

const SummaryRow* Find(const SummaryInput& in, const std::string& encoding, int per,
                       const std::string& dist) {
  for (const SummaryRow& r : in.rows) {
    if (r.encoding == encoding && r.per_message == per && r.distribution == dist) return &r;
  }
  return nullptr;
}

BarPanel Panel(const SummaryInput& in, const std::string& title, const std::string& y_label,
               const std::vector<std::string>& series, int per, bool log,
               const std::function<double(const SummaryRow&)>& metric) {
  BarPanel p;
  p.title = title;
  p.y_label = y_label;
  p.series = series;
  p.log_scale = log;
  for (const auto& d : in.distributions) {
    p.groups.push_back(d.first);
    std::vector<double> row;
    for (const std::string& e : series) {
      const SummaryRow* r = Find(in, e, per, d.first);
      row.push_back(r == nullptr || !r->applicable ? NAN : metric(*r));
    }
    p.values.push_back(row);
  }
  return p;
}

double Bytes(const SummaryRow& r) { return r.bytes_per_value; }
double Decode(const SummaryRow& r) { return r.decode_ns; }
double Loopback(const SummaryRow& r) { return r.values_per_second; }

}  // namespace

std::string BuildComparisonChart(const SummaryInput& in) {
  std::vector<std::string> plain, compressed;
  for (const std::string& e : in.encodings) {
    bool is_compressed = false;
    for (const SummaryRow& r : in.rows) {
      if (r.encoding == e) {
        is_compressed = !r.transform.empty();
        break;
      }
    }
    (is_compressed ? compressed : plain).push_back(e);
  }
  std::vector<BarPanel> panels;
  panels.push_back(Panel(in, "Bytes on the wire per value, 1 value per message", "bytes / value",
                         plain, 1, false, Bytes));
  panels.push_back(Panel(in, "Bytes on the wire per value, 1,000 values per message",
                         "bytes / value", plain, 1000, false, Bytes));
  panels.push_back(Panel(in, "Loopback throughput, 1 value per message", "values (= messages) / s",
                         plain, 1, true, Loopback));
  panels.push_back(Panel(in, "Loopback throughput, 1,000 values per message", "values / s", plain,
                         1000, true, Loopback));
  panels.push_back(
      Panel(in, "Decode cost, 1,000 values per message", "ns / value", plain, 1000, false, Decode));
  if (!compressed.empty()) {
    std::vector<std::string> series(std::begin(kBaselines), std::end(kBaselines));
    series.insert(series.end(), compressed.begin(), compressed.end());
    for (int per : in.regimes) {
      panels.push_back(Panel(in,
                             absl::StrCat("Compressed: bytes on the wire per value, ",
                                          RegimeTitle(per), " (per-message compression)"),
                             "bytes / value", series, per, true, Bytes));
    }
    panels.push_back(Panel(in, "Compressed: decode cost, 1,000 values per message", "ns / value",
                           series, 1000, true, Decode));
    panels.push_back(Panel(in, "Compressed: loopback throughput, 1,000 values per message",
                           "values / s", series, 1000, true, Loopback));
  }
  BarPanel asio;
  asio.title = "framekit vs Boost.Asio over loopback: (a) same stream, (b) end to end";
  asio.y_label = "messages / s";
  asio.series = {"framekit", "Boost.Asio", "raw ReadSome ceiling"};
  asio.log_scale = true;
  for (const AsioRow& a : in.asio) {
    asio.groups.push_back(absl::StrCat(a.end_to_end ? "(b) " : "(a) ",
                                       a.delimited ? "delim/" : "len4/",
                                       a.payload == 16 ? "16B" : "64KiB"));
    asio.values.push_back({a.framekit_best, a.asio_best, a.raw_best});
  }
  if (!asio.groups.empty()) panels.push_back(asio);
  return RenderSvg("framekit: binary vs ASCII vs varint on the wire, with and without compression",
                   panels);
}

}  // namespace encoding_bench
}  // namespace framekit
