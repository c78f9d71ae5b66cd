#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>

#include <boost/math/distributions/chi_squared.hpp>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"

namespace riskgrid::risk {

/// Likelihood-ratio tests of a VaR exception sequence against its expected rate p = 1 − α.
struct coverage_statistics {
  std::uint64_t n = 0;           ///< days in the window
  std::uint64_t exceptions = 0;  ///< days with an exception
  /// Transition counts over the n − 1 consecutive pairs (day t − 1, day t):
  /// [0] no → no, [1] no → exception, [2] exception → no, [3] exception → exception.
  std::array<std::uint64_t, 4> transitions{};
  double kupiec_lr = 0.0;  ///< proportion of failures, χ²(1) under H0
  double kupiec_p = 1.0;
  double christoffersen_ind_lr = 0.0;  ///< independence (first-order Markov), χ²(1)
  double christoffersen_ind_p = 1.0;
  double christoffersen_cc_lr = 0.0;  ///< conditional coverage = kupiec_lr + ind_lr, χ²(2)
  double christoffersen_cc_p = 1.0;
};

namespace detail {

// k·ln(fitted/null) with 0·ln 0 = 0 (DESIGN.md §6): a count of zero contributes nothing
// whatever the rates (which are then possibly 0). One log of a ratio per count, as a
// G-statistic Σ O·ln(O/E): subtracting the two log-likelihoods instead would cancel
// ~60 down to 0.02 for a well-fitting window and lose 12 digits of it.
[[nodiscard]] inline double g_term(std::uint64_t k, double fitted, double null) noexcept {
  return k == 0 ? 0.0 : static_cast<double>(k) * std::log(fitted / null);
}

// Upper tail of χ²(dof) at an LR statistic; rounding can make a zero LR a few ulps
// negative, which is a perfect fit (p = 1).
[[nodiscard]] inline double chi_squared_upper(double lr, double dof) {
  if (!(lr > 0.0)) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(dof), lr));
}

}  // namespace detail

/// Kupiec (1995) proportion-of-failures and Christoffersen (1998) independence and
/// conditional-coverage tests of `exceptions` (1 = exception on that day, in date order)
/// against the expected exception rate `expected_rate` = 1 − α, 0 < p < 1 (DESIGN.md §6):
///
///   LR_POF = −2·[ (n − x)·ln(1 − p) + x·ln p ] + 2·[ (n − x)·ln(1 − x/n) + x·ln(x/n) ]
///          = 2·[ x·ln((x/n)/p) + (n − x)·ln((1 − x/n)/(1 − p)) ]
///   LR_ind = −2·[ (n00 + n10)·ln(1 − π) + (n01 + n11)·ln π ]
///            + 2·[ n00·ln(1 − π01) + n01·ln π01 + n10·ln(1 − π11) + n11·ln π11 ]
///          = 2·[ n00·ln((1 − π01)/(1 − π)) + n01·ln(π01/π) + n10·ln((1 − π11)/(1 − π)) + n11·ln(π11/π) ]
///     with π01 = n01/(n00 + n01), π11 = n11/(n10 + n11), π = (n01 + n11)/(n − 1),
///     nij the transitions i → j over the n − 1 consecutive pairs (evaluated in the
///     second, G-statistic form: one log of a ratio per count);
///   LR_cc = LR_POF + LR_ind;
/// 0·ln 0 = 0 throughout; p-values are the upper tails of χ²(1), χ²(1), χ²(2) (Boost.Math).
/// A statistic that rounding makes negative is reported as 0. n = 0 gives all LRs 0 and
/// p-values 1; n = 1 has no pair (LR_ind = 0). Throws riskgrid::error for p outside (0, 1)
/// or an indicator other than 0/1. O(n).
[[nodiscard]] inline coverage_statistics coverage_test(std::span<const std::uint8_t> exceptions,
                                                       double expected_rate) {
  if (!(expected_rate > 0.0 && expected_rate < 1.0))
    throw error("coverage_test: the expected exception rate must lie in (0, 1), got " + to_shortest(expected_rate));
  coverage_statistics s;
  s.n = exceptions.size();
  for (std::size_t t = 0; t < exceptions.size(); ++t) {
    if (exceptions[t] > 1) throw error("coverage_test: an exception indicator must be 0 or 1");
    s.exceptions += exceptions[t];
    if (t > 0) ++s.transitions[2 * exceptions[t - 1] + exceptions[t]];
  }
  if (s.n == 0) return s;
  using detail::g_term;
  // Fitted rates straight from the counts (k/m, one rounding), not as 1 − (other rate).
  const auto rate = [](std::uint64_t k, std::uint64_t m) {
    return m == 0 ? 0.0 : static_cast<double>(k) / static_cast<double>(m);
  };
  const auto x = s.exceptions, stay = s.n - s.exceptions;
  s.kupiec_lr = std::max(0.0, 2.0 * (g_term(x, rate(x, s.n), expected_rate) +
                                     g_term(stay, rate(stay, s.n), 1.0 - expected_rate)));

  const auto [n00, n01, n10, n11] = s.transitions;
  if (s.n >= 2) {
    // A state never left (n00 + n01 = 0) has only zero counts: its rates are never used.
    const auto pairs = s.n - 1, from0 = n00 + n01, from1 = n10 + n11;
    const double pi = rate(n01 + n11, pairs), not_pi = rate(n00 + n10, pairs);
    const double sum = g_term(n00, rate(n00, from0), not_pi) + g_term(n01, rate(n01, from0), pi) +
                       g_term(n10, rate(n10, from1), not_pi) + g_term(n11, rate(n11, from1), pi);
    s.christoffersen_ind_lr = std::max(0.0, 2.0 * sum);
  }
  s.christoffersen_cc_lr = s.kupiec_lr + s.christoffersen_ind_lr;
  s.kupiec_p = detail::chi_squared_upper(s.kupiec_lr, 1.0);
  s.christoffersen_ind_p = detail::chi_squared_upper(s.christoffersen_ind_lr, 1.0);
  s.christoffersen_cc_p = detail::chi_squared_upper(s.christoffersen_cc_lr, 2.0);
  return s;
}

}  // namespace riskgrid::risk
