#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// Options of historical_model.
struct historical_options {
  int horizon_days = 1;  ///< h ≥ 1: overlapping h-day sums of daily shocks (DESIGN.md §4)
};

/// Historical simulation: scenario i is the h-day shock of the window of rows
/// i .. i + h − 1, `shock_f(i) = ((d_f(i) + d_f(i+1)) + …) + d_f(i+h−1)`, summed in row
/// order (so its bits do not depend on the block or the SIMD width), for
/// i in [0, scenario_count()), scenario_count() = rows − h + 1 (overlapping windows,
/// DESIGN.md §4; FRTB: 250 rows at h = 10 give 241 scenarios).
///
/// There is no seed: scenario i is a pure function of (history, h, i). Models
/// scenario_generator. Construction O(rows·factors); generate O(count·factors·h), no
/// allocation. Immutable after construction: share freely between threads.
class historical_model {
 public:
  /// Throws riskgrid::error if horizon_days < 1, model_error if `h` breaks the
  /// invariants of history (check_history) or the horizon is longer than the history
  /// ("zero scenarios: ...").
  historical_model(const history& h, historical_options options)
      : factors_(h.factors), dates_(h.dates), rows_(h.rows()), options_(options) {
    if (options.horizon_days < 1)
      throw error("historical_model: horizon must be at least one day, got " +
                  std::to_string(options.horizon_days));
    check_history(h);
    const auto horizon = static_cast<std::size_t>(options.horizon_days);
    if (horizon > rows_)
      throw model_error("historical_model: zero scenarios: horizon " + std::to_string(horizon) +
                        " days longer than the history of " + std::to_string(rows_) + " rows");
    scenario_count_ = rows_ - horizon + 1;
    columns_ = detail::factor_major(h);
  }

  [[nodiscard]] const factor_set& factors() const noexcept { return factors_; }
  [[nodiscard]] const historical_options& options() const noexcept { return options_; }
  [[nodiscard]] int horizon_days() const noexcept { return options_.horizon_days; }
  /// Rows of the history.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// rows − h + 1: the number of scenarios; generate's ranges must lie in [0, it).
  [[nodiscard]] std::size_t scenario_count() const noexcept { return scenario_count_; }
  /// Date of row r. Throws riskgrid::error if r ≥ rows().
  [[nodiscard]] riskgrid::date row_date(std::size_t r) const {
    if (r >= rows_)
      throw error("historical_model: row " + std::to_string(r) + " requested, the history has " +
                  std::to_string(rows_));
    return dates_[r];
  }
  /// The date scenario i stands for: the last day of its window, row i + h − 1 (the day
  /// whose close the h-day move ends at). Throws riskgrid::error if i ≥ scenario_count().
  [[nodiscard]] riskgrid::date scenario_date(scenario_id i) const {
    if (i >= scenario_count_)
      throw error("historical_model: scenario " + std::to_string(i) + " requested, there are " +
                  std::to_string(scenario_count_));
    return dates_[static_cast<std::size_t>(i) + static_cast<std::size_t>(options_.horizon_days) - 1];
  }
  /// Daily shock of factor f on row r (the history's). Precondition: r < rows(), f < factors().size().
  [[nodiscard]] double daily_shock(std::size_t r, std::size_t f) const noexcept {
    RISKGRID_ASSERT(r < rows_ && f < factors_.size());
    return columns_[f * rows_ + r];
  }

  /// Fills the shocks of `range`. Preconditions: range.count ≤ block.capacity() and
  /// range.end() ≤ scenario_count() (a historical run has exactly scenario_count()
  /// scenarios; checked by RISKGRID_ASSERT only).
  void generate(scenario_range range, shock_block& block) const noexcept {
    RISKGRID_ASSERT(range.end() <= scenario_count_);
    block.reset(range);
    const auto horizon = static_cast<std::size_t>(options_.horizon_days);
    const auto first = static_cast<std::size_t>(range.first);
    for (std::size_t f = 0; f < factors_.size(); ++f) {
      const double* column = columns_.data() + f * rows_ + first;
      auto out = block.factor(f);
      // Unit-stride loops over scenarios: each lane adds day k of its own window, so
      // every scenario is summed in row order whatever the vector width.
      for (std::size_t s = 0; s < out.size(); ++s) out[s] = column[s];
      for (std::size_t k = 1; k < horizon; ++k)
        for (std::size_t s = 0; s < out.size(); ++s) out[s] += column[s + k];
    }
  }

 private:
  factor_set factors_;
  std::vector<riskgrid::date> dates_;
  std::size_t rows_ = 0;
  historical_options options_;
  std::size_t scenario_count_ = 0;
  std::vector<double> columns_;  // factors × rows, factor-major
};

}  // namespace riskgrid::scenario
