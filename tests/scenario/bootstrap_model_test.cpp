#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/io/history_csv.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/scenario/bootstrap_model.hpp"
#include "riskgrid/scenario/history.hpp"

namespace rg = riskgrid;
using rg::scenario::bootstrap_model;
using rg::scenario::history;
using rg::scenario::shock_block;

namespace {

const history& bundled() {
  static const history h = rg::io::load_history(RISKGRID_SOURCE_DIR "/examples/data/history.csv");
  return h;
}

// Shocks of scenarios [first, first + count) generated whole, factor-major.
std::vector<double> generate_whole(const bootstrap_model& model, std::uint64_t first, std::size_t count) {
  shock_block block(model.factors().size(), count);
  model.generate({first, count}, block);
  std::vector<double> out;
  for (std::size_t f = 0; f < model.factors().size(); ++f)
    out.insert(out.end(), block.factor(f).begin(), block.factor(f).end());
  return out;
}

}  // namespace

TEST_CASE("Bootstrap days are Lemire's multiply-shift of the Philox words of stream tag 2",
          "[scenario][bootstrap]") {
  const auto& h = bundled();
  const bootstrap_model model(h, {.seed = 20261125, .horizon_days = 10});
  const rg::random::philox_stream stream(20261125, 2);
  __extension__ using u128 = unsigned __int128;
  for (std::uint64_t i : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{977}, (std::uint64_t{1} << 32) + 5})
    for (std::size_t j = 0; j < 10; ++j) {
      const auto expected = static_cast<std::size_t>((static_cast<u128>(stream.bits(i, j)) * 1600u) >> 64);
      CHECK(model.day(i, j) == expected);
    }
}

TEST_CASE("Bootstrap day indices pass a chi-square uniformity test on 10^6 draws", "[scenario][bootstrap]") {
  const auto& h = bundled();
  const std::size_t rows = h.rows();
  const bootstrap_model model(h, {.seed = 7, .horizon_days = 10});
  std::vector<std::uint64_t> counts(rows, 0);
  const std::uint64_t scenarios = 100000;
  for (std::uint64_t i = 0; i < scenarios; ++i)
    for (std::size_t j = 0; j < 10; ++j) {
      const auto d = model.day(i, j);
      REQUIRE(d < rows);
      ++counts[d];
    }
  const double expected = 1e6 / static_cast<double>(rows);  // 625 per row
  double chi2 = 0.0;
  for (const auto c : counts) chi2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  // 1599 degrees of freedom: the 0.1% and 99.9% points are 1429.9 and 1779.5 (Wilson–Hilferty
  // agrees to 0.1); a correct generator fails either side with probability 0.2%.
  const boost::math::chi_squared_distribution<double> dist(static_cast<double>(rows - 1));
  const double upper = boost::math::quantile(dist, 0.999), lower = boost::math::quantile(dist, 0.001);
  CHECK(upper == Approx(1779.5).margin(0.5));
  CHECK(lower == Approx(1429.9).margin(0.5));
  INFO("chi-square " << chi2);
  CHECK(chi2 < upper);
  CHECK(chi2 > lower);
  CHECK(*std::min_element(counts.begin(), counts.end()) > 0);
}

TEST_CASE("Bootstrap shocks are sums of the h drawn days, in draw order", "[scenario][bootstrap]") {
  const auto& h = bundled();
  const std::size_t n = h.factors.size();
  for (const int horizon : {1, 3, 10}) {
    INFO("horizon " << horizon);
    const bootstrap_model model(h, {.seed = 99, .horizon_days = horizon});
    for (const std::uint64_t first : {std::uint64_t{0}, (std::uint64_t{1} << 32) - 100}) {
      shock_block block(n, 300);
      model.generate({first, 300}, block);
      for (std::size_t s = 0; s < 300; ++s)
        for (std::size_t f = 0; f < n; ++f) {
          double sum = h.shock(model.day(first + s, 0), f);
          for (std::size_t j = 1; j < static_cast<std::size_t>(horizon); ++j) sum += h.shock(model.day(first + s, j), f);
          if (block.factor(f)[s] != sum) FAIL("scenario " << first + s << " factor " << f);
        }
    }
  }
}

TEST_CASE("Bootstrap shocks are the same bits for any split of the index range", "[scenario][bootstrap]") {
  const auto& h = bundled();
  const std::size_t n = h.factors.size();
  const bootstrap_model model(h, {.seed = 3, .horizon_days = 10});
  const std::size_t total = 5000;
  const auto whole = generate_whole(model, 0, total);
  std::mt19937_64 rng(5);
  shock_block block(n, 300);
  for (std::size_t first = 0; first < total;) {
    const auto count = std::min<std::size_t>(1 + rng() % 300, total - first);
    model.generate({first, count}, block);
    for (std::size_t f = 0; f < n; ++f)
      for (std::size_t s = 0; s < count; ++s)
        if (block.factor(f)[s] != whole[f * total + first + s]) FAIL("scenario " << first + s);
    first += count;
  }
  // Generated out of order, alone: the same bits.
  model.generate({4321, 1}, block);
  for (std::size_t f = 0; f < n; ++f) CHECK(block.factor(f)[0] == whole[f * total + 4321]);
  // A different seed draws different days.
  const bootstrap_model other(h, {.seed = 4, .horizon_days = 10});
  CHECK(generate_whole(other, 0, 100) != generate_whole(model, 0, 100));
}

TEST_CASE("Bootstrap h-day shocks have mean h·μ and variance h·σ² of the daily rows", "[scenario][bootstrap]") {
  const auto& h = bundled();
  const std::size_t f = 0;  // EQ.AAPL.SPOT
  double mu = 0.0, m2 = 0.0;
  for (std::size_t r = 0; r < h.rows(); ++r) mu += h.shock(r, f);
  mu /= static_cast<double>(h.rows());
  for (std::size_t r = 0; r < h.rows(); ++r) m2 += (h.shock(r, f) - mu) * (h.shock(r, f) - mu);
  const double var = m2 / static_cast<double>(h.rows());  // population variance of a uniform draw
  const int horizon = 10;
  const bootstrap_model model(h, {.seed = 1234, .horizon_days = horizon});
  const std::size_t n = 200000;
  shock_block block(h.factors.size(), 1000);
  double sum = 0.0, sum_sq = 0.0;
  for (std::uint64_t first = 0; first < n; first += 1000) {
    model.generate({first, 1000}, block);
    for (const double x : block.factor(f)) {
      sum += x;
      sum_sq += x * x;
    }
  }
  const double mean = sum / n, variance = sum_sq / n - mean * mean;
  // Standard errors: sqrt(h·σ²/n) for the mean, h·σ²·sqrt((2 + κ)/n) for the variance,
  // κ the excess kurtosis of a 10-day sum (the daily κ over 10; below 2 here): 5 s.e. with κ = 2.
  CHECK(std::abs(mean - horizon * mu) < 5.0 * std::sqrt(horizon * var / n));
  CHECK(std::abs(variance - horizon * var) < 5.0 * horizon * var * std::sqrt(4.0 / n));
}

TEST_CASE("Bootstrap refuses a horizon below one day", "[scenario][bootstrap][errors]") {
  CHECK_THROWS_WITH(bootstrap_model(bundled(), {.seed = 0, .horizon_days = 0}),
                    Catch::Contains("at least one day, got 0"));
  // Any horizon is fine otherwise, even longer than the history: days are drawn with replacement.
  CHECK_NOTHROW(bootstrap_model(bundled(), {.seed = 0, .horizon_days = 2000}));
}
