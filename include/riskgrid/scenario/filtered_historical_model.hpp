#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/historical_model.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// Options of the EWMA volatility filter.
struct ewma_options {
  double decay = 0.94;         ///< λ, 0 < λ < 1 (RiskMetrics' daily 0.94 by default)
  std::size_t seed_rows = 30;  ///< σ²_0 is the mean square of the first min(rows, seed_rows) days
};

/// Options of filtered_historical_model.
struct filtered_historical_options {
  ewma_options ewma{};
  int horizon_days = 1;  ///< h ≥ 1: overlapping h-day sums of the rescaled daily shocks
};

/// A history whose daily shocks are rescaled to today's volatility, and that volatility.
struct filtered_history {
  history rescaled;                    ///< same factors and dates; shocks r*_t
  std::vector<double> current_vol;     ///< σ_{T+1} per factor: the forecast for tomorrow
};

/// Volatility filtering of Hull & White (1998), "Incorporating volatility updating into
/// the historical simulation method for value-at-risk", Journal of Risk 1(1), with the
/// EWMA variance of RiskMetrics (J.P. Morgan/Reuters, Technical Document, 4th ed., 1996,
/// §5.2.1: zero-mean daily returns); the filtered historical simulation of Barone-Adesi,
/// Giannopoulos & Vosper (1999), Journal of Futures Markets 19(5), with EWMA in place of
/// GARCH. Per factor, with daily shocks r_0 … r_{T−1} (T = rows):
///
///   σ²_0 = (1/m)·Σ_{t<m} r_t²,  m = min(T, seed_rows)     (seed, see below)
///   σ²_t = λ·σ²_{t−1} + (1 − λ)·r²_{t−1},  t = 1 … T      (σ_t: known at the close of t − 1)
///   r*_t = (r_t / σ_t) · σ_T                               (σ_T: the forecast for tomorrow)
///
/// Seeding: σ²_0 is the zero-mean sample variance (mean square, divided by m) of the first
/// m = min(T, seed_rows) days, the same zero-mean convention as the recursion's r² terms.
/// It uses only the start of the history (seeding with all rows would leak the whole
/// sample into early volatilities), and its weight in σ²_t is λ^t (0.94^30 ≈ 0.16,
/// 0.94^100 ≈ 0.002), so after a burn-in of ~100 rows the choice does not matter.
///
/// A day with σ_t = 0 (the seed window and every earlier day exactly zero, e.g. a
/// factor padded with zeros before it existed, or a factor that never moves) has no
/// defined residual: its rescaled shock is 0, never NaN. Sums are taken in row order,
/// so the result is the same bits everywhere (-ffp-contract=off). O(rows·factors).
///
/// Throws riskgrid::error unless 0 < λ < 1 and seed_rows ≥ 1, model_error if `h` breaks
/// the history invariants or a rescaled shock overflows (σ_t underflowed next to a large
/// return).
[[nodiscard]] inline filtered_history ewma_filter(const history& h, const ewma_options& options) {
  if (!(options.decay > 0.0 && options.decay < 1.0))
    throw error("ewma filter: decay must satisfy 0 < lambda < 1, got " + to_shortest(options.decay));
  if (options.seed_rows < 1) throw error("ewma filter: seed_rows must be at least 1, got 0");
  check_history(h);
  const auto n = h.factors.size(), rows = h.rows();
  const double lambda = options.decay, weight = 1.0 - options.decay;
  filtered_history out{h, std::vector<double>(n, 0.0)};
  std::vector<double> sigma(rows);
  const auto seed_rows = std::min(rows, options.seed_rows);
  for (std::size_t f = 0; f < n; ++f) {
    double sum_squares = 0.0;
    for (std::size_t t = 0; t < seed_rows; ++t) sum_squares += h.shock(t, f) * h.shock(t, f);
    double variance = sum_squares / static_cast<double>(seed_rows);
    for (std::size_t t = 0; t < rows; ++t) {
      sigma[t] = std::sqrt(variance);
      const double r = h.shock(t, f);
      variance = lambda * variance + weight * (r * r);
    }
    const double now = std::sqrt(variance);
    out.current_vol[f] = now;
    for (std::size_t t = 0; t < rows; ++t) {
      const double r = h.shock(t, f);
      const double rescaled = sigma[t] > 0.0 ? (r / sigma[t]) * now : 0.0;
      if (!std::isfinite(rescaled))
        throw model_error("ewma filter: rescaled shock of " + h.factors.name(f) + " on " +
                          format_iso_date(h.dates[t]) + " is not finite (volatility " + to_shortest(sigma[t]) +
                          " for a shock of " + to_shortest(r) + ")");
      out.rescaled.shocks[t * n + f] = rescaled;
    }
  }
  return out;
}

/// Filtered historical simulation: the historical_model (overlapping h-day sums,
/// rows − h + 1 scenarios, scenario_date = last day of the window) over the daily shocks
/// rescaled to the current volatility by ewma_filter. The rescaled shocks are computed
/// once at construction, so generate is the same sum of rows as historical_model.
///
/// No seed: scenario i is a pure function of (history, λ, seed_rows, h, i). Models
/// scenario_generator. Construction O(rows·factors); generate O(count·factors·h), no
/// allocation. Immutable after construction.
class filtered_historical_model {
 public:
  /// Throws as ewma_filter and historical_model (horizon < 1, horizon longer than the
  /// history: "zero scenarios: ...").
  filtered_historical_model(const history& h, filtered_historical_options options)
      : filtered_historical_model(ewma_filter(h, options.ewma), options) {}

  [[nodiscard]] const factor_set& factors() const noexcept { return inner_.factors(); }
  [[nodiscard]] const filtered_historical_options& options() const noexcept { return options_; }
  [[nodiscard]] int horizon_days() const noexcept { return options_.horizon_days; }
  [[nodiscard]] std::size_t rows() const noexcept { return inner_.rows(); }
  /// rows − h + 1.
  [[nodiscard]] std::size_t scenario_count() const noexcept { return inner_.scenario_count(); }
  /// The last day of scenario i's window; throws riskgrid::error if i ≥ scenario_count().
  [[nodiscard]] riskgrid::date scenario_date(scenario_id i) const { return inner_.scenario_date(i); }
  /// The rescaled daily shock r*_t of factor f on row r.
  [[nodiscard]] double daily_shock(std::size_t r, std::size_t f) const noexcept { return inner_.daily_shock(r, f); }
  /// σ_T of factor f: the EWMA volatility forecast for the day after the last row.
  [[nodiscard]] double current_volatility(std::size_t f) const { return current_vol_.at(f); }

  /// Fills the shocks of `range`; preconditions as historical_model::generate.
  void generate(scenario_range range, shock_block& block) const noexcept { inner_.generate(range, block); }

 private:
  filtered_historical_model(filtered_history filtered, filtered_historical_options options)
      : inner_(filtered.rescaled, {.horizon_days = options.horizon_days}),
        current_vol_(std::move(filtered.current_vol)),
        options_(options) {}

  historical_model inner_;
  std::vector<double> current_vol_;
  filtered_historical_options options_;
};

}  // namespace riskgrid::scenario
