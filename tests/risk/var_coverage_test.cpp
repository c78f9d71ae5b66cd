#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/core/confidence.hpp"
#include "riskgrid/random/gamma.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"

// Issue 5, "Done when": the 95% VaR interval covers the true quantile 93–97% of the time
// over repeated Monte Carlo runs with a fixed seed set. Complements var_interval_test.cpp
// (normal losses, one level, a direct sort) with heavy-tailed P&L, both levels at once,
// and the full aggregator path: chunked pushes, merges and the tail keeper's pruning.
TEST_CASE("The VaR 95% interval covers the Student-t quantile 93-97% of the time at 99% and 97.5%",
          "[risk][var_es][statistical]") {
  // 1,000 runs of N = 2,500 P&Ls, Student-t with ν = 4 (scale 1), seed 2026 (tags 21 and
  // 22): the outcome is fixed. The interval's exact coverage under the rank rule is
  // P(lower ≤ X ≤ upper − 1), X ~ Binomial(N, 1 − α): 95.63% at 99% (ranks 16..36) and
  // 95.32% at 97.5% (ranks 48..79); the binomial standard error of an observed coverage
  // over 1,000 runs is sqrt(0.955·0.045/1000) = 0.66%, so 93–97% is the exact value
  // −3.8σ/+2.0σ (99%) and −3.5σ/+2.5σ (97.5%). Power: a 90% interval misses 93% by
  // ~5σ; an interval one rank narrower at both ends (exact 93.0% and 93.7%) fails the
  // 99% check about half the time — the exact ranks are pinned in var_interval_test.cpp.
  // Observed with this seed set: 95.9% (99%) and 95.7% (97.5%).
  const std::uint64_t n = 2500;
  const int runs = 1000;
  const double nu = 4.0;
  const std::vector<riskgrid::confidence> levels{riskgrid::confidence::parse("0.99"),
                                                 riskgrid::confidence::parse("0.975")};
  const riskgrid::random::philox_stream normals(2026, 21), chi_squares(2026, 22);
  const riskgrid::random::gamma_sampler half_chi(nu / 2.0);  // χ²_ν = 2·Gamma(ν/2)
  const boost::math::students_t_distribution<double> t(nu);

  std::vector<int> covered(levels.size(), 0);
  std::vector<double> pnl(n);
  for (int run = 0; run < runs; ++run) {
    const auto base = static_cast<std::uint64_t>(run) * n;
    for (std::uint64_t i = 0; i < n; ++i) {
      const double z = riskgrid::random::standard_normal(normals, base + i, 0);
      const double w = 2.0 * half_chi(chi_squares, base + i);
      pnl[i] = z * std::sqrt(nu / w);
    }
    // Three uneven chunks, merged in order.
    const riskgrid::risk::var_es_aggregator empty(n, levels);
    auto total = empty;
    const std::uint64_t cuts[] = {0, 700, 1901, n};
    for (int c = 0; c < 3; ++c) {
      auto chunk = empty;
      chunk.push({cuts[c], std::span<const double>(pnl).subspan(cuts[c], cuts[c + 1] - cuts[c])});
      total.merge(chunk);
    }
    const auto results = total.results();
    for (std::size_t l = 0; l < levels.size(); ++l) {
      // The loss L = −PnL is t-distributed too (symmetric): its α-quantile.
      const double truth = boost::math::quantile(t, levels[l].value());
      REQUIRE(results[l].var_ci_low.has_value());
      REQUIRE(results[l].var_ci_high.has_value());
      covered[l] += *results[l].var_ci_low <= truth && truth <= *results[l].var_ci_high;
    }
  }
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const auto ranks = riskgrid::risk::var_interval(n, levels[l]);
    const boost::math::binomial_distribution<double> x(static_cast<double>(n), 1.0 - levels[l].value());
    const double exact = boost::math::cdf(x, ranks.upper - 1.0) - boost::math::cdf(x, ranks.lower - 1.0);
    const double coverage = static_cast<double>(covered[l]) / runs;
    const double se = std::sqrt(exact * (1.0 - exact) / runs);
    INFO("confidence " << levels[l].text() << ": coverage " << coverage << ", exact " << exact << ", se " << se);
    CHECK(exact >= 0.95);
    CHECK(coverage >= 0.93);
    CHECK(coverage <= 0.97);
    CHECK(std::abs(coverage - exact) < 3.0 * se);
  }
}
