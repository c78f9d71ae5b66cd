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

TEST_CASE("The VaR interval ranks are the equal-tailed binomial ranks", "[risk][var_es]") {
  for (const auto& [n, text] : std::vector<std::pair<std::uint64_t, const char*>>{
           {250, "0.99"}, {1000, "0.99"}, {100000, "0.975"}, {10, "0.9"}}) {
    const confidence alpha = confidence::parse(text);
    const auto r = riskgrid::risk::var_interval(n, alpha);
    const boost::math::binomial_distribution<double> x(static_cast<double>(n), 1.0 - alpha.value());
    const auto below = [&](std::uint64_t k) { return k == 0 ? 0.0 : boost::math::cdf(x, static_cast<double>(k - 1)); };
    INFO("n " << n << " alpha " << text << " ranks " << r.lower << ".." << r.upper);
    CHECK(below(r.lower) <= 0.025);
    if (r.lower < n) CHECK(below(r.lower + 1) > 0.025);
    CHECK(1.0 - below(r.upper) <= 0.025 + 1e-15);
    if (r.upper > 1) CHECK(1.0 - below(r.upper - 1) > 0.025);
    CHECK(r.lower <= alpha.tail(n).var_rank());
    CHECK(r.upper >= alpha.tail(n).var_rank());
  }
  // n = 250 at 99%: X ~ Bin(250, 0.01), mean 2.5: the interval is [L(7), L(0)], no upper bound.
  const auto r = riskgrid::risk::var_interval(250, confidence(0.99));
  CHECK(r.lower == 0);
  CHECK(r.upper == 7);
}

TEST_CASE("The VaR interval covers the true quantile 93-97% of the time and se_ES matches the spread of ES",
          "[risk][var_es][statistical]") {
  // 1,000 independent normal samples of N = 4,000 losses (Philox, fixed seed: the outcome
  // is fixed; with the nominal ≥ 95% the binomial sd of the coverage is 0.7%).
  const std::uint64_t n = 4000;
  const confidence alpha(0.975);
  const double truth = boost::math::quantile(boost::math::normal_distribution<double>(), 0.975);
  const riskgrid::random::philox_stream stream(2026, 9);
  int covered = 0, runs = 1000;
  std::vector<double> es_values;
  double se_sum = 0.0;
  for (int run = 0; run < runs; ++run) {
    std::vector<riskgrid::risk::tail_entry> losses(n);
    for (std::uint64_t i = 0; i < n; ++i)
      losses[i] = {riskgrid::random::standard_normal(stream, static_cast<std::uint64_t>(run) * n + i, 0), i};
    std::sort(losses.begin(), losses.end(), riskgrid::risk::worse);
    const auto r = riskgrid::risk::var_es(losses, n, alpha);
    REQUIRE(r.var_ci_low.has_value());
    REQUIRE(r.var_ci_high.has_value());
    covered += *r.var_ci_low <= truth && truth <= *r.var_ci_high;
    es_values.push_back(r.es);
    se_sum += r.es_stderr;
  }
  const double coverage = static_cast<double>(covered) / runs;
  // The rule's exact coverage P(lower ≤ X ≤ upper − 1) (0.9574 here), and the observed
  // one within 3 binomial standard errors of it (and inside 93–97%).
  const auto ranks = riskgrid::risk::var_interval(n, alpha);
  const boost::math::binomial_distribution<double> x(static_cast<double>(n), 1.0 - alpha.value());
  const double exact = boost::math::cdf(x, ranks.upper - 1.0) - boost::math::cdf(x, ranks.lower - 1.0);
  INFO("coverage " << coverage << ", exact " << exact);
  CHECK(exact >= 0.95);
  CHECK(std::abs(coverage - exact) < 3.0 * std::sqrt(exact * (1.0 - exact) / runs));
  CHECK(coverage >= 0.93);
  CHECK(coverage <= 0.97);
  double mean = 0.0;
  for (const double e : es_values) mean += e;
  mean /= runs;
  double var = 0.0;
  for (const double e : es_values) var += (e - mean) * (e - mean);
  const double spread = std::sqrt(var / (runs - 1));
  // The spread's own relative sd is about 1/sqrt(2·1000) = 2.2%: allow ±15%.
  INFO("mean se_ES " << se_sum / runs << " vs observed sd " << spread);
  CHECK(se_sum / runs == Approx(spread).epsilon(0.15));
}
