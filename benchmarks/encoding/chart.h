// framekit/benchmarks/encoding/chart.h
//
// Contract: a tiny hand-written SVG writer for grouped bar charts, so the encoding comparison can
// draw its results with no external tool. RenderSvg() stacks the panels vertically in one
// self-contained SVG 1.1 document (no scripts, no external fonts or styles). Each panel has groups
// along x (e.g. value distributions) and one bar per series in each group (e.g. encodings), a
// linear or log10 y axis, and a legend. A NaN value is drawn as a grey "n/a" mark (e.g. a 32-bit
// codec on 64-bit values); a value <= 0 on a log axis is drawn as missing. Every bar carries a
// <title> with its exact value (a tooltip in browsers).
#ifndef FRAMEKIT_BENCHMARKS_ENCODING_CHART_H_
#define FRAMEKIT_BENCHMARKS_ENCODING_CHART_H_

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace framekit {
namespace encoding_bench {

struct BarPanel {
  std::string title;
  std::string y_label;
  std::vector<std::string> groups;
  std::vector<std::string> series;
  std::vector<std::vector<double>> values;  // [group][series]; NaN = not applicable.
  bool log_scale = false;
};

namespace chart_internal {

inline std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

inline std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A short human label for an axis tick: 0.5, 2, 40, 1.5k, 3M, 2G.
inline std::string Tick(double v) {
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 1e9)
    std::snprintf(buf, sizeof buf, "%gG", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
  else if (a >= 1e3)
    std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

inline const char* Color(size_t i) {
  static const char* kPalette[] = {"#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c",
                                   "#98df8a", "#d62728", "#ff9896", "#9467bd", "#c5b0d5",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
}

}  // namespace chart_internal

constexpr double kChartWidth = 1280;
constexpr double kPanelHeight = 360;

// One panel whose top-left corner is at (0, top).
inline std::string RenderPanel(const BarPanel& p, double top) {
  using namespace chart_internal;  // NOLINT
  const double left = 80, right_legend = 200, plot_top = top + 40, plot_h = kPanelHeight - 110;
  const double plot_w = kChartWidth - left - right_legend - 20;
  const double base = plot_top + plot_h;
  std::string s;
  s += "<text x=\"" + Num(left) + "\" y=\"" + Num(top + 22) +
       "\" font-size=\"16\" font-weight=\"bold\">" + Escape(p.title) + "</text>\n";
  // Y range.
  double hi = 0, lo_pos = INFINITY;
  for (const auto& row : p.values) {
    for (double v : row) {
      if (std::isnan(v)) continue;
      hi = std::max(hi, v);
      if (v > 0) lo_pos = std::min(lo_pos, v);
    }
  }
  if (hi <= 0) hi = 1;
  double y_min = 0, y_max = hi;
  std::vector<double> ticks;
  if (p.log_scale) {
    if (!std::isfinite(lo_pos)) lo_pos = hi / 10;
    y_min = std::pow(10, std::floor(std::log10(lo_pos)));
    y_max = std::pow(10, std::ceil(std::log10(hi)));
    if (y_max <= y_min) y_max = y_min * 10;
    for (double t = y_min; t <= y_max * 1.0001; t *= 10) ticks.push_back(t);
  } else {
    const double raw = hi / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
    y_max = std::ceil(hi / step) * step;
    for (double t = 0; t <= y_max * 1.0001; t += step) ticks.push_back(t);
  }
  auto y_of = [&](double v) {
    double f;
    if (p.log_scale) {
      f = (std::log10(std::max(v, y_min)) - std::log10(y_min)) /
          (std::log10(y_max) - std::log10(y_min));
    } else {
      f = v / y_max;
    }
    return base - std::clamp(f, 0.0, 1.0) * plot_h;
  };
  for (double t : ticks) {
    const double y = y_of(t);
    s += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(left + plot_w) +
         "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(y + 4) +
         "\" font-size=\"11\" text-anchor=\"end\">" + Tick(t) + "</text>\n";
  }
  s += "<text transform=\"translate(" + Num(18) + "," + Num(plot_top + plot_h / 2) +
       ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">" + Escape(p.y_label) +
       (p.log_scale ? " (log scale)" : "") + "</text>\n";
  // Bars.
  const size_t ng = std::max<size_t>(1, p.groups.size());
  const size_t ns = std::max<size_t>(1, p.series.size());
  const double group_w = plot_w / static_cast<double>(ng);
  const double bar_w = group_w * 0.85 / static_cast<double>(ns);
  for (size_t g = 0; g < p.groups.size(); ++g) {
    const double gx = left + group_w * static_cast<double>(g) + group_w * 0.075;
    for (size_t i = 0; i < p.series.size(); ++i) {
      const double v = g < p.values.size() && i < p.values[g].size() ? p.values[g][i] : NAN;
      const double x = gx + bar_w * static_cast<double>(i);
      if (std::isnan(v) || (p.log_scale && v <= 0)) {
        s += "<text x=\"" + Num(x + bar_w / 2) + "\" y=\"" + Num(base - 3) +
             "\" font-size=\"8\" fill=\"#999\" text-anchor=\"middle\">n/a</text>\n";
        continue;
      }
      const double y = y_of(v);
      char val[64];
      std::snprintf(val, sizeof val, "%.4g", v);
      s += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" +
           Num(std::max(1.0, bar_w - 1)) + "\" height=\"" + Num(std::max(0.0, base - y)) +
           "\" fill=\"" + Color(i) + "\"><title>" + Escape(p.groups[g] + " / " + p.series[i]) +
           ": " + val + "</title></rect>\n";
    }
    s += "<text x=\"" + Num(left + group_w * (static_cast<double>(g) + 0.5)) + "\" y=\"" +
         Num(base + 18) + "\" font-size=\"12\" text-anchor=\"middle\">" + Escape(p.groups[g]) +
         "</text>\n";
  }
  s += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(base) + "\" x2=\"" + Num(left + plot_w) +
       "\" y2=\"" + Num(base) + "\" stroke=\"#333\"/>\n";
  // Legend.
  const double lx = left + plot_w + 20;
  for (size_t i = 0; i < p.series.size(); ++i) {
    const double ly = plot_top + 16 * static_cast<double>(i);
    s += "<rect x=\"" + Num(lx) + "\" y=\"" + Num(ly) + "\" width=\"12\" height=\"12\" fill=\"" +
         Color(i) + "\"/>\n";
    s += "<text x=\"" + Num(lx + 18) + "\" y=\"" + Num(ly + 10) + "\" font-size=\"12\">" +
         Escape(p.series[i]) + "</text>\n";
  }
  return s;
}

// The whole document: a title line, then the panels top to bottom.
inline std::string RenderSvg(const std::string& title, const std::vector<BarPanel>& panels) {
  using chart_internal::Num;
  const double height = 40 + kPanelHeight * static_cast<double>(panels.size());
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + Num(kChartWidth) +
       "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " + Num(kChartWidth) + " " + Num(height) +
       "\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"20\" y=\"28\" font-size=\"20\" font-weight=\"bold\">" +
       chart_internal::Escape(title) + "</text>\n";
  for (size_t i = 0; i < panels.size(); ++i) {
    s += RenderPanel(panels[i], 40 + kPanelHeight * static_cast<double>(i));
  }
  s += "</svg>\n";
  return s;
}

}  // namespace encoding_bench
}  // namespace framekit

#endif  // FRAMEKIT_BENCHMARKS_ENCODING_CHART_H_
