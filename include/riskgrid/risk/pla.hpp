#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "riskgrid/core/error.hpp"

namespace riskgrid::risk {

/// Ranks 1..n of `x`, ties getting the average of the ranks they span (so every rank is
/// a multiple of 0.5). O(n log n).
[[nodiscard]] inline std::vector<double> average_ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    // Positions i..j (0-based) share the rank ((i + 1) + (j + 1)) / 2.
    const double rank = static_cast<double>(i + j + 2) / 2.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

/// Spearman's rank correlation: Pearson's correlation of the average ranks (ties
/// averaged, as scipy.stats.spearmanr). The ranks and their deviations from the mean
/// rank (n + 1)/2 are multiples of 0.5, so the three sums are exact for n ≤ 200,000 (in quarters, below n³/3 < 2^53) and
/// the result is the correctly rounded quotient of one square root: independent of the
/// input order. Throws riskgrid::error for fewer than 2 values or different lengths, and
/// model_error when either series is constant (the correlation is undefined). O(n log n).
[[nodiscard]] inline double spearman_correlation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) throw error("spearman_correlation: series differ in length");
  if (x.size() < 2) throw error("spearman_correlation: at least 2 values needed");
  const auto rx = average_ranks(x), ry = average_ranks(y);
  const double mean = static_cast<double>(x.size() + 1) / 2.0;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = rx[i] - mean, dy = ry[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0.0 || syy == 0.0) throw model_error("Spearman correlation undefined: a series is constant");
  return sxy / std::sqrt(sxx * syy);
}

/// Two-sample Kolmogorov–Smirnov statistic D = sup_v |F_a(v) − F_b(v)| of the empirical
/// distribution functions (Basel MAR32.40 compares the HPL and RTPL distributions this
/// way). Evaluated at every distinct value after all its ties, as
/// max |i·n_b − j·n_a| in integers, then one division by n_a·n_b: exact, so a statistic
/// of 30/250 is the double 0.12 (the zone thresholds are compared with it). Throws
/// riskgrid::error for an empty sample. O((n_a + n_b) log(n_a + n_b)).
[[nodiscard]] inline double ks_statistic(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) throw error("ks_statistic: empty sample");
  std::vector<double> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  const auto na = static_cast<std::int64_t>(sa.size()), nb = static_cast<std::int64_t>(sb.size());
  std::int64_t i = 0, j = 0, widest = 0;
  while (i < na || j < nb) {
    const double v = j == nb || (i < na && sa[static_cast<std::size_t>(i)] <= sb[static_cast<std::size_t>(j)])
                         ? sa[static_cast<std::size_t>(i)]
                         : sb[static_cast<std::size_t>(j)];
    while (i < na && sa[static_cast<std::size_t>(i)] == v) ++i;
    while (j < nb && sb[static_cast<std::size_t>(j)] == v) ++j;
    const std::int64_t gap = i * nb - j * na;
    widest = std::max(widest, gap < 0 ? -gap : gap);
  }
  return static_cast<double>(widest) / (static_cast<double>(na) * static_cast<double>(nb));
}

/// P&L attribution test zone (MAR32.42).
enum class pla_zone { green, amber, red };

[[nodiscard]] constexpr std::string_view to_string(pla_zone z) noexcept {
  return z == pla_zone::green ? "green" : z == pla_zone::amber ? "amber" : "red";
}

/// MAR32.42: green if Spearman > 0.80 and KS < 0.09; red if Spearman < 0.70 or
/// KS > 0.12; amber otherwise (the inequalities are strict).
[[nodiscard]] constexpr pla_zone pla_zone_of(double spearman, double ks) noexcept {
  if (spearman > 0.80 && ks < 0.09) return pla_zone::green;
  if (spearman < 0.70 || ks > 0.12) return pla_zone::red;
  return pla_zone::amber;
}

/// The P&L attribution test on one window.
struct pla_result {
  std::size_t n = 0;
  double spearman = 0.0;
  double ks = 0.0;
  pla_zone zone = pla_zone::red;
};

/// PLA test of the hypothetical P&L against the risk-theoretical P&L of the same days
/// (the caller picks the window: the last 250 days in riskgrid-pla). Errors as
/// spearman_correlation.
[[nodiscard]] inline pla_result pla_test(std::span<const double> hpl, std::span<const double> rtpl) {
  pla_result r;
  r.n = hpl.size();
  r.spearman = spearman_correlation(hpl, rtpl);
  r.ks = ks_statistic(hpl, rtpl);
  r.zone = pla_zone_of(r.spearman, r.ks);
  return r;
}

}  // namespace riskgrid::risk
