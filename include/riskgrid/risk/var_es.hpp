#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <boost/math/distributions/binomial.hpp>

#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/exact_sum.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/tail_sums.hpp"

namespace riskgrid::risk {

/// VaR and ES at one confidence level, both positive for losses.
struct var_es_result {
  riskgrid::confidence confidence;
  double var = 0.0;              ///< L(k), k = floor(m) + 1
  double es = 0.0;               ///< Acerbi–Tasche expected shortfall
  scenario_id var_scenario = 0;  ///< the scenario whose loss is the VaR
  tail_size tail;                ///< m = N·(1 − α), exact
  /// 95% distribution-free interval for the VaR, [L(upper_rank), L(lower_rank)]
  /// (see var_interval_ranks); nullopt where the rank falls outside 1..N.
  std::optional<double> var_ci_low, var_ci_high;
  /// Asymptotic standard error of the ES (DESIGN.md §4); 0 when fewer than two losses
  /// lie beyond the VaR.
  double es_stderr = 0.0;
  /// m < 1: fewer scenarios than the level needs; ES is then the worst loss. Callers warn.
  [[nodiscard]] bool thin_tail() const noexcept { return tail.whole == 0; }
};

/// Ranks (1 = worst loss) bounding a distribution-free interval for the α-quantile of
/// the loss with coverage ≥ `coverage` (Hahn & Meeker, "Statistical Intervals", §5.2).
///
/// The number X of the n losses at or beyond the true VaR is Binomial(n, 1 − α). The
/// interval is [L(upper), L(lower)] with lower = the largest r with P(X < r) ≤ (1 − c)/2
/// and upper = the smallest r with P(X ≥ r) ≤ (1 − c)/2, so that
/// P(lower ≤ X ≤ upper − 1) ≥ c, equal-tailed. lower may be 0 (no finite upper bound for
/// the VaR) and upper may be n + 1 (no lower bound). O(log n) binomial CDF evaluations.
struct var_interval_ranks {
  std::uint64_t lower = 0;  ///< rank of the interval's high end, L(lower)
  std::uint64_t upper = 0;  ///< rank of the interval's low end, L(upper)
};

[[nodiscard]] inline var_interval_ranks var_interval(std::uint64_t n, const confidence& alpha,
                                                     double coverage = 0.95) {
  const boost::math::binomial_distribution<double> x(static_cast<double>(n), 1.0 - alpha.value());
  const double side = (1.0 - coverage) / 2.0;
  // P(X ≤ r − 1), with P(X ≤ −1) = 0.
  const auto below = [&](std::uint64_t r) { return r == 0 ? 0.0 : boost::math::cdf(x, static_cast<double>(r - 1)); };
  std::uint64_t lo = 0, hi = n;  // largest r in [0, n] with below(r) ≤ side
  while (lo < hi) {
    const auto mid = lo + (hi - lo + 1) / 2;
    if (below(mid) <= side) lo = mid; else hi = mid - 1;
  }
  var_interval_ranks ranks;
  ranks.lower = lo;
  // P(X ≥ r) = P(X > r − 1), as a complement so that small tails keep their digits.
  const auto at_least = [&](std::uint64_t r) {
    return boost::math::cdf(boost::math::complement(x, static_cast<double>(r - 1)));
  };
  lo = 1, hi = n + 1;  // smallest r in [1, n + 1] with P(X ≥ r) ≤ side
  while (lo < hi) {
    const auto mid = lo + (hi - lo) / 2;
    if (at_least(mid) > side) lo = mid + 1; else hi = mid;
  }
  ranks.upper = lo;
  return ranks;
}

/// Number of worst losses the estimators need for these levels over n scenarios: the
/// largest VaR rank floor(n·(1 − α)) + 1 or VaR-interval rank, capped at n (at least 1).
[[nodiscard]] inline std::size_t required_tail_capacity(std::uint64_t n,
                                                        std::span<const confidence> levels) {
  std::uint64_t need = 1;
  for (const auto& c : levels) need = std::max({need, c.tail(n).var_rank(), var_interval(n, c).upper});
  return static_cast<std::size_t>(std::min(need, std::max<std::uint64_t>(n, 1)));
}

/// The order statistics and tail sums the estimators of one level need: what both the
/// in-memory tail (sorted) and risk::bounded_var_es (selected over passes) produce.
struct tail_order_statistics {
  tail_entry at_var;                   ///< rank k = floor(m) + 1: the VaR and its scenario
  std::optional<double> ci_high_loss;  ///< L(lower) of var_interval, when lower ≥ 1
  std::optional<double> ci_low_loss;   ///< L(upper) of var_interval, when upper ≤ n
  tail_sums beyond_var;                ///< the losses of ranks 1 … k − 1
};

/// The exact estimators of DESIGN.md §4 from the order statistics of n scenarios:
/// VaR = L(k), k = floor(m) + 1; ES = ( Σ_{r≤j} L(r) + (m − j)·L(j+1) ) / m, m = n·(1 − α),
/// j = floor(m) = k − 1 (Acerbi & Tasche 2002, "On the coherence of expected shortfall").
/// Σ_{r≤j} L(r) + (m − j)·L(k) is summed exactly and rounded once, so the result does
/// not depend on the order the tail was seen in. se_ES = sqrt((Var(L | L > VaR) +
/// α·(ES − VaR)²) / m), the conditional variance over the j losses beyond the VaR
/// (divisor j, tail_sums::variance). Throws riskgrid::error unless
/// stats.beyond_var.count() == j.
[[nodiscard]] inline var_es_result var_es(const tail_order_statistics& stats, std::uint64_t n,
                                          const confidence& alpha) {
  if (n == 0) throw error("var_es: no scenarios");
  const auto tail = alpha.tail(n);
  if (stats.beyond_var.count() != tail.whole)
    throw error("var_es: " + std::to_string(stats.beyond_var.count()) + " losses beyond the VaR, expected " +
                std::to_string(tail.whole));
  exact_sum weighted = stats.beyond_var.sum();
  if (tail.numerator != 0) weighted.add(tail.fraction() * stats.at_var.loss);
  var_es_result out{alpha, stats.at_var.loss, weighted.value() / tail.m, stats.at_var.scenario, tail,
                    stats.ci_low_loss, stats.ci_high_loss, 0.0};
  if (tail.whole >= 2) {
    const double gap = out.es - out.var;
    out.es_stderr = std::sqrt((stats.beyond_var.variance() + alpha.value() * gap * gap) / tail.m);
  }
  return out;
}

/// The estimators over the sorted tail of n scenarios (see the overload above).
/// Precondition: `worst_first` is sorted by risk::worse and holds at least
/// required_tail_capacity(n, {alpha}) entries; throws riskgrid::error otherwise.
[[nodiscard]] inline var_es_result var_es(std::span<const tail_entry> worst_first,
                                          std::uint64_t n, const confidence& alpha) {
  if (n == 0) throw error("var_es: no scenarios");
  const auto tail = alpha.tail(n);
  const auto k = tail.var_rank();
  if (worst_first.size() < k)
    throw error("var_es: the tail holds " + std::to_string(worst_first.size()) +
                " losses, the estimator needs " + std::to_string(k));
  tail_order_statistics stats;
  stats.at_var = worst_first[k - 1];
  const auto ranks = var_interval(n, alpha);
  if (ranks.lower >= 1) stats.ci_high_loss = worst_first[ranks.lower - 1].loss;
  if (ranks.upper <= n && ranks.upper <= worst_first.size()) stats.ci_low_loss = worst_first[ranks.upper - 1].loss;
  for (std::uint64_t r = 0; r + 1 < k; ++r) stats.beyond_var.add(worst_first[r].loss);
  return var_es(stats, n, alpha);
}

}  // namespace riskgrid::risk
