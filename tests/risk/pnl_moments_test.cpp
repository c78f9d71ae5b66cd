#include <cmath>
#include <random>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/var_es.hpp"

using riskgrid::confidence;

TEST_CASE("P&L moments match a two-pass computation and do not depend on the split", "[risk][pnl_moments]") {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> normal(250.0, 1e5);
  std::vector<double> pnl(100003);
  for (auto& x : pnl) x = normal(rng);
  riskgrid::risk::pnl_moments whole;
  whole.push({0, pnl});
  const auto s = whole.summary();

  long double mean = 0;
  for (const double x : pnl) mean += x;
  mean /= pnl.size();
  long double squares = 0;
  for (const double x : pnl) squares += (x - mean) * (x - mean);
  CHECK(s.count == pnl.size());
  CHECK(s.mean == Approx(static_cast<double>(mean)).epsilon(1e-12));
  CHECK(s.stdev == Approx(std::sqrt(static_cast<double>(squares / (pnl.size() - 1)))).epsilon(1e-12));
  CHECK(s.min == *std::min_element(pnl.begin(), pnl.end()));
  CHECK(s.max == *std::max_element(pnl.begin(), pnl.end()));

  for (const std::size_t chunk : {1u, 333u, 4096u}) {
    riskgrid::risk::pnl_moments total;
    for (std::size_t first = 0; first < pnl.size(); first += chunk) {
      riskgrid::risk::pnl_moments part;
      part.push({first, std::span(pnl).subspan(first, std::min(chunk, pnl.size() - first))});
      total.merge(part);
    }
    const auto t = total.summary();
    CHECK(t.mean == s.mean);
    CHECK(t.stdev == s.stdev);
  }
}
