#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/risk/histogram.hpp"

namespace riskgrid::io {

/// A vertical line across the plot at `x` (on the histogram's axis), e.g. −VaR on a P&L
/// axis. `label` is drawn along the line, `legend` in the legend box; `color` and `dash`
/// (an SVG stroke-dasharray, empty = solid) are written as given.
struct svg_marker {
  double x = 0.0;
  std::string label;
  std::string legend;
  std::string color = "#c0392b";
  std::string dash;
};

/// Text and size of svg_histogram's picture. Text is XML-escaped on output.
struct svg_histogram_options {
  std::string title;
  std::string subtitle;
  std::string x_label;
  std::string y_label = "scenarios per bin";
  std::vector<svg_marker> markers;
  int width = 880;   ///< pixels, at least 320
  int height = 520;  ///< pixels, at least 240
};

namespace detail {

inline std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

/// A coordinate with two decimals, trailing zeros dropped, never "-0": snprintf in the
/// C locale is exact, so the same double always gives the same bytes.
inline std::string svg_number(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", x);
  std::string s(buffer);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

/// 1, 2 or 5 times a power of ten, close to range / target.
inline double nice_step(double range, double target) {
  const double raw = range / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  return (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * magnitude;
}

/// A tick label: as many decimals as the step needs, thousands separators, a true minus.
inline std::string tick_label(double value, double step) {
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 12);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string plain(buffer);
  const bool negative = plain[0] == '-' && plain.find_first_not_of("-0.") != std::string::npos;
  if (plain[0] == '-') plain.erase(0, 1);
  const auto point = plain.find('.');
  const std::size_t digits = point == std::string::npos ? plain.size() : point;
  std::string out = negative ? "\u2212" : "";
  for (std::size_t i = 0; i < digits; ++i) {
    if (i != 0 && (digits - i) % 3 == 0) out += ',';
    out += plain[i];
  }
  return out + plain.substr(digits);
}

}  // namespace detail

/// The histogram `h` as a standalone SVG 1.1 document: one bar per bin (bars' heights
/// proportional to the counts, on a y axis starting at 0), axes with ticks at 1-2-5
/// steps, the markers as labelled vertical lines with a legend, and a note counting what
/// fell outside the bins. The x axis spans the edges and every marker, with 2% margins.
///
/// Deterministic: the same histogram and options give the same bytes (coordinates with
/// two decimals). Bars are `<rect class="bar">` in bin order, each with a `<title>` of its
/// bin and count; a marker is `<g class="marker" data-value="x">` (x in shortest
/// round-trip form), so a reader can check the picture against the numbers. Throws
/// riskgrid::error for a non-finite marker or a size below the minimum. O(bins + markers).
[[nodiscard]] inline std::string svg_histogram(const risk::histogram_aggregator& h, const svg_histogram_options& o) {
  using detail::svg_number;
  using detail::xml_escape;
  if (o.width < 320 || o.height < 240) throw error("svg_histogram: the picture must be at least 320 x 240 pixels");
  const auto& edges = h.edges();
  const auto& counts = h.counts();
  double lo = edges.front(), hi = edges.back();
  for (const auto& m : o.markers) {
    if (!std::isfinite(m.x)) throw error("svg_histogram: marker '" + m.label + "' is not finite");
    lo = std::min(lo, m.x);
    hi = std::max(hi, m.x);
  }
  const double pad = (hi - lo) * 0.02;
  lo -= pad;
  hi += pad;

  // Plot area: room on the left for count labels, above for the title, below for the x axis.
  const double left = 84.0, right = static_cast<double>(o.width) - 24.0;
  const double top = 72.0, bottom = static_cast<double>(o.height) - 60.0;
  const auto x_of = [&](double x) { return left + (x - lo) / (hi - lo) * (right - left); };
  std::uint64_t peak = 0;
  for (const auto c : counts) peak = std::max(peak, c);
  const double y_step = peak == 0 ? 1.0 : std::max(1.0, detail::nice_step(static_cast<double>(peak), 5.0));
  const double y_max = peak == 0 ? 1.0 : std::ceil(static_cast<double>(peak) / y_step) * y_step;
  const auto y_of = [&](double count) { return bottom - count / y_max * (bottom - top); };

  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + std::to_string(o.width) +
       "\" height=\"" + std::to_string(o.height) + "\" viewBox=\"0 0 " + std::to_string(o.width) + " " +
       std::to_string(o.height) + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  s += "<title>" + xml_escape(o.title) + "</title>\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  s += "<text class=\"title\" x=\"" + svg_number(left) + "\" y=\"26\" font-size=\"16\" font-weight=\"bold\">" +
       xml_escape(o.title) + "</text>\n";
  if (!o.subtitle.empty())
    s += "<text class=\"subtitle\" x=\"" + svg_number(left) + "\" y=\"46\" fill=\"#444444\">" + xml_escape(o.subtitle) +
         "</text>\n";

  // Grid and y ticks.
  s += "<g class=\"y-axis\" stroke=\"#dddddd\">\n";
  for (double t = 0.0; t <= y_max * (1.0 + 1e-12); t += y_step) {
    const std::string y = svg_number(y_of(t));
    s += "<line x1=\"" + svg_number(left) + "\" y1=\"" + y + "\" x2=\"" + svg_number(right) + "\" y2=\"" + y + "\"/>\n";
    s += "<text x=\"" + svg_number(left - 6.0) + "\" y=\"" + svg_number(y_of(t) + 4.0) +
         "\" text-anchor=\"end\" stroke=\"none\" fill=\"#333333\">" + detail::tick_label(t, y_step) + "</text>\n";
  }
  s += "</g>\n";

  s += "<g class=\"bars\" fill=\"#4a7db3\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n";
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double x0 = x_of(edges[b]), x1 = x_of(edges[b + 1]);
    const double y = y_of(static_cast<double>(counts[b]));
    s += "<rect class=\"bar\" x=\"" + svg_number(x0) + "\" y=\"" + svg_number(y) + "\" width=\"" +
         svg_number(x1 - x0) + "\" height=\"" + svg_number(bottom - y) + "\"><title>[" + to_shortest(edges[b]) + ", " +
         to_shortest(edges[b + 1]) + (b + 1 == counts.size() ? "]" : ")") + ": " + std::to_string(counts[b]) +
         "</title></rect>\n";
  }
  s += "</g>\n";

  // x axis with ticks.
  const double x_step = detail::nice_step(hi - lo, 8.0);
  s += "<g class=\"x-axis\" stroke=\"#333333\">\n";
  s += "<line x1=\"" + svg_number(left) + "\" y1=\"" + svg_number(bottom) + "\" x2=\"" + svg_number(right) + "\" y2=\"" +
       svg_number(bottom) + "\"/>\n";
  for (double k = std::ceil(lo / x_step);; k += 1.0) {
    const double t = k * x_step;
    if (t > hi) break;
    const std::string x = svg_number(x_of(t));
    s += "<line x1=\"" + x + "\" y1=\"" + svg_number(bottom) + "\" x2=\"" + x + "\" y2=\"" + svg_number(bottom + 5.0) +
         "\"/>\n";
    s += "<text x=\"" + x + "\" y=\"" + svg_number(bottom + 19.0) + "\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333333\">" +
         detail::tick_label(t, x_step) + "</text>\n";
  }
  s += "</g>\n";
  s += "<text class=\"x-label\" x=\"" + svg_number((left + right) / 2.0) + "\" y=\"" + svg_number(bottom + 44.0) +
       "\" text-anchor=\"middle\">" + xml_escape(o.x_label) + "</text>\n";
  const std::string y_mid = svg_number((top + bottom) / 2.0);
  s += "<text class=\"y-label\" x=\"20\" y=\"" + y_mid + "\" text-anchor=\"middle\" transform=\"rotate(-90 20 " + y_mid +
       ")\">" + xml_escape(o.y_label) + "</text>\n";

  // Markers: the label runs down along the left side of its line from slot 0 at the top.
  // A label whose line is closer than a text height to an earlier marker's in the same
  // slot moves to the next slot, one label length further down (greedy, in marker order,
  // so the layout is a pure function of the input).
  double label_length = 0.0;
  for (const auto& m : o.markers) label_length = std::max(label_length, 12.0 + 7.0 * static_cast<double>(m.label.size()));
  std::vector<std::size_t> slot(o.markers.size(), 0);
  const auto clashes = [&](std::size_t i) {
    for (std::size_t k = 0; k < i; ++k)
      if (slot[k] == slot[i] && std::abs(x_of(o.markers[k].x) - x_of(o.markers[i].x)) < 15.0) return true;
    return false;
  };
  for (std::size_t i = 0; i < o.markers.size(); ++i)
    while (clashes(i)) ++slot[i];
  for (std::size_t i = 0; i < o.markers.size(); ++i) {
    const auto& m = o.markers[i];
    const std::string x = svg_number(x_of(m.x));
    const std::string dash = m.dash.empty() ? "" : " stroke-dasharray=\"" + xml_escape(m.dash) + "\"";
    s += "<g class=\"marker\" data-value=\"" + to_shortest(m.x) + "\">\n";
    s += "<line x1=\"" + x + "\" y1=\"" + svg_number(top) + "\" x2=\"" + x + "\" y2=\"" + svg_number(bottom) +
         "\" stroke=\"" + xml_escape(m.color) + "\" stroke-width=\"2\"" + dash + "/>\n";
    const std::string lx = svg_number(x_of(m.x) - 5.0);
    const std::string ly = svg_number(top + 4.0 + static_cast<double>(slot[i]) * label_length);
    s += "<text x=\"" + lx + "\" y=\"" + ly + "\" transform=\"rotate(-90 " + lx + " " + ly +
         ")\" text-anchor=\"end\" fill=\"" + xml_escape(m.color) + "\">" + xml_escape(m.label) + "</text>\n";
    s += "</g>\n";
  }

  // Legend at the top right, where a loss-left P&L histogram has the least ink.
  std::vector<std::string> notes;
  if (h.underflow() != 0) notes.push_back(std::to_string(h.underflow()) + " below the range");
  if (h.overflow() != 0) notes.push_back(std::to_string(h.overflow()) + " above the range");
  if (h.non_finite() != 0) notes.push_back(std::to_string(h.non_finite()) + " not finite");
  std::size_t longest = 0;
  for (const auto& m : o.markers) longest = std::max(longest, m.legend.size());
  for (const auto& n : notes) longest = std::max(longest, n.size());
  const std::size_t rows = o.markers.size() + notes.size();
  if (rows != 0) {
    const double box_w = std::min(right - left - 20.0, 44.0 + 6.8 * static_cast<double>(longest));
    const double box_x = right - 10.0 - box_w, box_y = top + 8.0;
    s += "<g class=\"legend\">\n";
    s += "<rect x=\"" + svg_number(box_x) + "\" y=\"" + svg_number(box_y) + "\" width=\"" + svg_number(box_w) +
         "\" height=\"" + svg_number(10.0 + 18.0 * static_cast<double>(rows)) +
         "\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbbbbb\"/>\n";
    double y = box_y + 18.0;
    for (const auto& m : o.markers) {
      const std::string dash = m.dash.empty() ? "" : " stroke-dasharray=\"" + xml_escape(m.dash) + "\"";
      s += "<line x1=\"" + svg_number(box_x + 8.0) + "\" y1=\"" + svg_number(y - 4.0) + "\" x2=\"" +
           svg_number(box_x + 34.0) + "\" y2=\"" + svg_number(y - 4.0) + "\" stroke=\"" + xml_escape(m.color) +
           "\" stroke-width=\"2\"" + dash + "/>\n";
      s += "<text x=\"" + svg_number(box_x + 40.0) + "\" y=\"" + svg_number(y) + "\">" + xml_escape(m.legend) + "</text>\n";
      y += 18.0;
    }
    for (const auto& n : notes) {
      s += "<text class=\"note\" x=\"" + svg_number(box_x + 8.0) + "\" y=\"" + svg_number(y) + "\" fill=\"#444444\">" +
           xml_escape(n) + "</text>\n";
      y += 18.0;
    }
    s += "</g>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace riskgrid::io
