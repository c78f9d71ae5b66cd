#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/core/concepts.hpp"
#include "riskgrid/risk/histogram.hpp"

namespace rr = riskgrid::risk;

static_assert(riskgrid::aggregator<rr::histogram_aggregator>);

namespace {

std::vector<std::byte> saved(const rr::histogram_aggregator& h) {
  riskgrid::byte_writer w;
  h.save(w);
  return w.release();
}

}  // namespace

TEST_CASE("Histogram bins are half-open, the last one closed, with under- and overflow", "[risk][histogram]") {
  rr::histogram_aggregator h({-2.0, -1.0, 0.0, 1.0, 2.0});
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> pnl{-3.0, -2.0, -1.5, -1.0, 0.0, -0.0, 0.999, 1.0, 2.0, 2.0001,
                                std::nan(""), inf, -inf, std::nextafter(-2.0, -3.0)};
  h.push({0, pnl});
  CHECK(h.underflow() == 2);  // −3 and the double just below −2
  CHECK(h.counts() == std::vector<std::uint64_t>{2, 1, 3, 2});
  CHECK(h.overflow() == 1);
  CHECK(h.non_finite() == 3);
  CHECK(h.count() == pnl.size());
}

TEST_CASE("uniform_edges spans [lo, hi] exactly and refuses degenerate ranges", "[risk][histogram]") {
  CHECK(rr::uniform_edges(-1.0, 1.0, 4) == std::vector<double>{-1.0, -0.5, 0.0, 0.5, 1.0});
  const auto e = rr::uniform_edges(-3e6, 7e6, 1000);
  CHECK(e.size() == 1001);
  CHECK(e.front() == -3e6);
  CHECK(e.back() == 7e6);
  CHECK(std::is_sorted(e.begin(), e.end()));
  CHECK_THROWS_AS(rr::uniform_edges(1.0, 1.0, 4), riskgrid::error);
  CHECK_THROWS_AS(rr::uniform_edges(0.0, 1.0, 0), riskgrid::error);
  CHECK_THROWS_AS(rr::uniform_edges(1.0, std::nextafter(1.0, 2.0), 4), riskgrid::error);
  CHECK_THROWS_AS(rr::histogram_aggregator({1.0}), riskgrid::error);
  CHECK_THROWS_AS(rr::histogram_aggregator({0.0, 1.0, 1.0}), riskgrid::error);
  CHECK_THROWS_AS(rr::histogram_aggregator({0.0, std::numeric_limits<double>::infinity()}), riskgrid::error);
}

TEST_CASE("Histogram counts equal a brute-force count, for any chunking and merge order", "[risk][histogram]") {
  std::mt19937_64 rng(20261125);
  std::student_t_distribution<double> t(3.0);
  std::vector<double> pnl(20000);
  for (auto& x : pnl) x = 1e5 * t(rng);
  pnl[17] = 0.0;  // values landing exactly on edges
  pnl[18] = -2e5;
  pnl[19] = 6e5;
  const auto edges = rr::uniform_edges(-6e5, 6e5, 60);
  const rr::histogram_aggregator empty(edges);

  // Oracle: count by the definition, edge by edge.
  std::vector<std::uint64_t> expected(60, 0);
  std::uint64_t under = 0, over = 0;
  for (const double x : pnl) {
    if (x < edges.front()) {
      ++under;
      continue;
    }
    if (x > edges.back()) {
      ++over;
      continue;
    }
    for (std::size_t b = 0; b < 60; ++b)
      if (edges[b] <= x && (x < edges[b + 1] || (b == 59 && x == edges[b + 1]))) {
        ++expected[b];
        break;
      }
  }
  REQUIRE(under > 0);
  REQUIRE(over > 0);

  auto whole = empty;
  whole.push({0, pnl});
  CHECK(whole.counts() == expected);
  CHECK(whole.underflow() == under);
  CHECK(whole.overflow() == over);

  // Random chunks, merged in a shuffled order, through a save/load round trip.
  std::vector<std::size_t> cuts{0, pnl.size()};
  for (int k = 0; k < 40; ++k) cuts.push_back(std::uniform_int_distribution<std::size_t>(0, pnl.size())(rng));
  std::sort(cuts.begin(), cuts.end());
  std::vector<rr::histogram_aggregator> parts;
  for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
    auto part = empty;
    part.push({cuts[c], std::span<const double>(pnl).subspan(cuts[c], cuts[c + 1] - cuts[c])});
    parts.push_back(part);
  }
  std::shuffle(parts.begin(), parts.end(), rng);
  auto merged = empty;
  for (const auto& p : parts) {
    const auto bytes = saved(p);
    riskgrid::byte_reader r(bytes);
    auto copy = empty;
    copy.load(r);
    CHECK(r.remaining() == 0);
    merged.merge(copy);
  }
  CHECK(saved(merged) == saved(whole));
}

TEST_CASE("Histogram merge and load refuse mismatched or corrupt states", "[risk][histogram]") {
  rr::histogram_aggregator a({0.0, 1.0, 2.0}), b({0.0, 1.0, 3.0});
  CHECK_THROWS_AS(a.merge(b), riskgrid::error);
  const std::vector<double> pnl{0.5, 1.5};
  a.push({0, pnl});
  auto bytes = saved(a);
  {
    riskgrid::byte_reader r(std::span<const std::byte>(bytes).first(bytes.size() - 1));
    auto c = b;
    CHECK_THROWS_AS(c.load(r), riskgrid::error);
  }
  // Edges out of order in the payload (second edge overwritten with 5).
  const double five = 5.0;
  std::memcpy(bytes.data() + sizeof(std::uint64_t) + sizeof(double), &five, sizeof five);
  riskgrid::byte_reader r(bytes);
  auto c = b;
  CHECK_THROWS_AS(c.load(r), riskgrid::error);
}

TEST_CASE("covering_edges puts the data's min and max in the first and last bins", "[risk][histogram]") {
  CHECK(rr::covering_edges(-4.0, 4.0, 4) == std::vector<double>{-4.0, -2.0, 0.0, 2.0, 4.0});
  // A P&L that hit both extremes lands in bin 0 and bin B − 1, nothing outside.
  const auto e = rr::covering_edges(-3609199.25, 1234567.5, 100);
  rr::histogram_aggregator h(e);
  const std::vector<double> extremes{-3609199.25, 1234567.5};
  h.push({0, extremes});
  CHECK(h.counts().front() == 1);
  CHECK(h.counts().back() == 1);
  CHECK(h.underflow() + h.overflow() == 0);
  // Constant data: widened by 1e-3 of its magnitude (at least 1) on each side.
  CHECK(rr::covering_edges(0.0, 0.0, 2) == std::vector<double>{-1e-3, 0.0, 1e-3});
  const auto wide = rr::covering_edges(5e6, 5e6 + 1.0, 10);
  const double scale = 5e6 + 1.0;
  CHECK(wide.front() == 5e6 - 1e-3 * scale);
  CHECK(wide.back() == scale + 1e-3 * scale);
  CHECK_THROWS_AS(rr::covering_edges(1.0, 0.0, 10), riskgrid::error);
  CHECK_THROWS_AS(rr::covering_edges(0.0, std::numeric_limits<double>::infinity(), 10), riskgrid::error);
  CHECK_THROWS_AS(rr::covering_edges(0.0, 1.0, 0), riskgrid::error);
}
