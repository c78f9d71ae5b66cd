#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/io/svg_histogram.hpp"

namespace {

namespace pt = boost::property_tree;

struct element {
  std::string tag, text;
  std::map<std::string, std::string> attributes;
};

// Every element of the document in document order, parsed by an independent XML parser
// (Boost.PropertyTree's), which also proves the text well-formed.
std::vector<element> parse(const std::string& svg) {
  std::istringstream in(svg);
  pt::ptree tree;
  pt::read_xml(in, tree);
  std::vector<element> out;
  const auto walk = [&](const auto& self, const std::string& tag, const pt::ptree& node) -> void {
    element e{tag, node.data(), {}};
    if (const auto attributes = node.get_child_optional("<xmlattr>"))
      for (const auto& [name, value] : *attributes) e.attributes[name] = value.data();
    out.push_back(e);
    for (const auto& [child_tag, child] : node)
      if (child_tag != "<xmlattr>" && child_tag != "<xmlcomment>") self(self, child_tag, child);
  };
  for (const auto& [tag, node] : tree) walk(walk, tag, node);
  return out;
}

std::vector<element> with_class(const std::vector<element>& all, const std::string& tag, const std::string& cls) {
  std::vector<element> out;
  for (const auto& e : all)
    if (e.tag == tag && e.attributes.count("class") != 0 && e.attributes.at("class") == cls) out.push_back(e);
  return out;
}

double number(const element& e, const std::string& attribute) { return std::stod(e.attributes.at(attribute)); }

}  // namespace

TEST_CASE("SVG histogram bars are proportional to the counts and markers sit at their values", "[io][svg_histogram]") {
  riskgrid::risk::histogram_aggregator h({-4.0, -2.0, 0.0, 2.0, 4.0});
  const std::vector<double> pnl{-3.0, -1.5, -1.5, -1.0, 0.5, 0.5, 0.5, 1.0, 1.5, 1.9, 3.0, 4.0};
  h.push({0, pnl});
  REQUIRE(h.counts() == std::vector<std::uint64_t>{1, 3, 6, 2});
  riskgrid::io::svg_histogram_options o;
  o.title = "P&L <of> \"the\" book's";
  o.x_label = "P&L (USD)";
  o.markers = {{-3.0, "VaR 99%", "VaR 99% = 3 USD", "#c0392b", ""}, {-3.25, "ES 99%", "ES 99% = 3.25 USD", "#6c3483", "7 4"}};
  const std::string svg = riskgrid::io::svg_histogram(h, o);
  const auto all = parse(svg);

  const auto bars = with_class(all, "rect", "bar");
  REQUIRE(bars.size() == 4);
  // Heights ∝ counts (coordinates are printed to 0.01 px); the peak bin fills the y axis,
  // which ends at a whole step above the peak (6, in steps of 1), and all bars stand on
  // the same base line.
  const double per_count = number(bars[2], "height") / 6.0;
  CHECK(per_count > 10.0);
  const std::vector<double> counts{1, 3, 6, 2};
  for (std::size_t b = 0; b < 4; ++b) {
    CHECK(number(bars[b], "height") == Approx(counts[b] * per_count).margin(0.01));
    CHECK(number(bars[b], "y") + number(bars[b], "height") == Approx(460.0).margin(0.01));
    CHECK(number(bars[b], "width") == Approx(number(bars[0], "width")).margin(0.02));
  }
  CHECK(number(bars[2], "y") == Approx(72.0).margin(0.01));
  // The bars' own left and right ends give the axis: x(e) is linear in e.
  const double x_lo = number(bars[0], "x"), x_hi = number(bars[3], "x") + number(bars[3], "width");
  const auto x_of = [&](double v) { return x_lo + (v + 4.0) / 8.0 * (x_hi - x_lo); };
  const auto markers = with_class(all, "g", "marker");
  REQUIRE(markers.size() == 2);
  CHECK(markers[0].attributes.at("data-value") == "-3");
  CHECK(markers[1].attributes.at("data-value") == "-3.25");
  std::vector<element> lines;
  for (const auto& e : all)
    if (e.tag == "line" && e.attributes.count("stroke-width") != 0 && e.attributes.at("y1") == "72") lines.push_back(e);
  REQUIRE(lines.size() == 2);
  CHECK(number(lines[0], "x1") == Approx(x_of(-3.0)).margin(0.02));
  CHECK(number(lines[1], "x1") == Approx(x_of(-3.25)).margin(0.02));
  CHECK(lines[1].attributes.at("stroke-dasharray") == "7 4");

  // Text comes back as written once the parser undoes the escapes, and the raw document
  // holds no bare markup characters from it.
  const auto titles = with_class(all, "text", "title");
  REQUIRE(titles.size() == 1);
  CHECK(titles[0].text == o.title);
  CHECK(svg.find("P&amp;L &lt;of&gt; &quot;the&quot; book&apos;s") != std::string::npos);
  CHECK(svg.find("<of>") == std::string::npos);
  std::vector<std::string> texts;
  for (const auto& e : all)
    if (e.tag == "text") texts.push_back(e.text);
  for (const auto* expected : {"VaR 99%", "ES 99%", "VaR 99% = 3 USD", "ES 99% = 3.25 USD", "P&L (USD)"})
    CHECK(std::count(texts.begin(), texts.end(), expected) == 1);
  // Two markers 0.25 apart (≈ 24 px) share the top slot; nothing lies outside the bins.
  CHECK(svg.find("below the range") == std::string::npos);
  CHECK(svg == riskgrid::io::svg_histogram(h, o));
}

TEST_CASE("SVG histogram widens its axis to every marker and reports what fell outside", "[io][svg_histogram]") {
  riskgrid::risk::histogram_aggregator h({0.0, 1.0, 2.0});
  const std::vector<double> pnl{-1.0, 0.5, 1.5, 1.5, 7.0, 8.0, std::numeric_limits<double>::quiet_NaN()};
  h.push({0, pnl});
  riskgrid::io::svg_histogram_options o;
  o.markers = {{-10.0, "far", "far", "#000000", ""}, {-9.99, "near", "near", "#000000", ""}};
  const auto all = parse(riskgrid::io::svg_histogram(h, o));
  const auto bars = with_class(all, "rect", "bar");
  REQUIRE(bars.size() == 2);
  // Domain [−10, 2] plus 2% each side over 772 px: the marker at −10 is 0.24 of 12.48 in.
  std::vector<element> lines;
  for (const auto& e : all)
    if (e.tag == "line" && e.attributes.count("stroke-width") != 0 && e.attributes.at("y1") == "72") lines.push_back(e);
  REQUIRE(lines.size() == 2);
  CHECK(number(lines[0], "x1") == Approx(84.0 + 0.24 / 12.48 * 772.0).margin(0.01));
  CHECK(number(bars[1], "x") + number(bars[1], "width") == Approx(84.0 + 12.24 / 12.48 * 772.0).margin(0.02));
  // Two lines 0.6 px apart: the second label moves one slot down its line.
  std::vector<double> label_y;
  for (const auto& e : all)
    if (e.tag == "text" && (e.text == "far" || e.text == "near")) label_y.push_back(number(e, "y"));
  REQUIRE(label_y.size() == 4);  // two along the lines, two in the legend
  CHECK(label_y[1] - label_y[0] == Approx(12.0 + 7.0 * 4.0).margin(0.01));
  std::vector<std::string> notes;
  for (const auto& e : with_class(all, "text", "note")) notes.push_back(e.text);
  CHECK(notes == std::vector<std::string>{"1 below the range", "2 above the range", "1 not finite"});

  o.markers.push_back({std::numeric_limits<double>::infinity(), "inf", "inf", "#000000", ""});
  CHECK_THROWS_AS(riskgrid::io::svg_histogram(h, o), riskgrid::error);
  o.markers.pop_back();
  o.width = 100;
  CHECK_THROWS_AS(riskgrid::io::svg_histogram(h, o), riskgrid::error);
}

TEST_CASE("SVG histogram numbers are printed the same way every time", "[io][svg_histogram]") {
  using riskgrid::io::detail::svg_number;
  using riskgrid::io::detail::tick_label;
  CHECK(svg_number(-0.001) == "0");
  CHECK(svg_number(12.5) == "12.5");
  CHECK(svg_number(191.634615) == "191.63");
  CHECK(tick_label(-2000000.0, 1000000.0) == "\u22122,000,000");
  CHECK(tick_label(-0.0, 1.0) == "0");
  CHECK(tick_label(0.25, 0.05) == "0.25");
  CHECK(tick_label(1234.5, 0.5) == "1,234.5");
  CHECK(riskgrid::io::detail::nice_step(13.0, 5.0) == 2.0);
  CHECK(riskgrid::io::detail::nice_step(9000000.0, 8.0) == 1000000.0);
  CHECK(riskgrid::io::detail::nice_step(0.31, 8.0) == Approx(0.05));
}
