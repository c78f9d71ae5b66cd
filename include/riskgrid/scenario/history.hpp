#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/scenario/factor_set.hpp"

namespace riskgrid::scenario {

/// A history of daily shocks (DESIGN.md §6 `history.csv`): one row per day, one column
/// per factor, in the units of DESIGN.md §4 (log-returns for SPOT and VOL, absolute
/// changes for rates and dividend yields).
///
/// A plain value: `shocks` is row-major, `rows() × factors.size()`, so row r is the
/// contiguous span `shocks[r·n, (r + 1)·n)`. Invariants (check_history): at least one
/// factor and one row, `shocks.size() == rows()·factors.size()`, dates strictly
/// increasing, every shock finite. The historical generators check them at construction.
struct history {
  factor_set factors;
  std::vector<riskgrid::date> dates;  ///< one per row, strictly increasing
  std::vector<double> shocks;         ///< rows × factors, row-major

  /// Number of days.
  [[nodiscard]] std::size_t rows() const noexcept { return dates.size(); }

  /// Shock of factor `f` on row `r`. Precondition: r < rows(), f < factors.size().
  [[nodiscard]] double shock(std::size_t r, std::size_t f) const noexcept {
    RISKGRID_ASSERT(r < rows() && f < factors.size());
    return shocks[r * factors.size() + f];
  }

  /// The shocks of row `r`, one per factor. Precondition: r < rows().
  [[nodiscard]] std::span<const double> row(std::size_t r) const noexcept {
    RISKGRID_ASSERT(r < rows());
    return {shocks.data() + r * factors.size(), factors.size()};
  }
};

/// Checks the invariants of `h` (see history); throws model_error naming the first
/// defect ("what: got X, expected Y"). O(rows·factors).
inline void check_history(const history& h) {
  const auto n = h.factors.size();
  if (n == 0) throw model_error("history: no factor");
  if (h.rows() == 0) throw model_error("history: no row");
  if (h.shocks.size() != h.rows() * n)
    throw model_error("history: got " + std::to_string(h.shocks.size()) + " shocks, expected " +
                      std::to_string(h.rows()) + " rows × " + std::to_string(n) + " factors = " +
                      std::to_string(h.rows() * n));
  for (std::size_t r = 1; r < h.rows(); ++r)
    if (!(h.dates[r - 1] < h.dates[r]))
      throw model_error("history: dates not strictly increasing: row " + std::to_string(r) + " (" +
                        format_iso_date(h.dates[r]) + ") after row " + std::to_string(r - 1) + " (" +
                        format_iso_date(h.dates[r - 1]) + ")");
  for (std::size_t r = 0; r < h.rows(); ++r)
    for (std::size_t f = 0; f < n; ++f)
      if (!std::isfinite(h.shocks[r * n + f]))
        throw model_error("history: shock of " + h.factors.name(f) + " on " + format_iso_date(h.dates[r]) +
                          " is not finite, got " + to_shortest(h.shocks[r * n + f]));
}

namespace detail {

/// The shocks of `h` factor-major (column f is `out[f·rows, (f + 1)·rows)`), the layout
/// the generators read: one factor's days are contiguous, so an h-day window sum runs
/// over consecutive scenarios with unit stride. O(rows·factors).
[[nodiscard]] inline std::vector<double> factor_major(const history& h) {
  const auto n = h.factors.size(), rows = h.rows();
  std::vector<double> out(n * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t f = 0; f < n; ++f) out[f * rows + r] = h.shocks[r * n + f];
  return out;
}

}  // namespace detail

/// Rows [first, first + count) of `h`, same factors: e.g. a 250-row window of a long
/// history. Throws riskgrid::error unless count ≥ 1 and first + count ≤ h.rows().
/// O(count·factors).
[[nodiscard]] inline history window(const history& h, std::size_t first, std::size_t count) {
  if (count == 0 || first > h.rows() || count > h.rows() - first)
    throw error("history window: rows [" + std::to_string(first) + ", " + std::to_string(first + count) +
                ") requested, expected a non-empty range inside the " + std::to_string(h.rows()) + " rows");
  const auto n = h.factors.size();
  history out{h.factors, {}, {}};
  out.dates.assign(h.dates.begin() + static_cast<std::ptrdiff_t>(first),
                   h.dates.begin() + static_cast<std::ptrdiff_t>(first + count));
  out.shocks.assign(h.shocks.begin() + static_cast<std::ptrdiff_t>(first * n),
                    h.shocks.begin() + static_cast<std::ptrdiff_t>((first + count) * n));
  return out;
}

/// The latest `count` rows of `h` (FRTB's current window: the last 250 rows).
/// Throws riskgrid::error unless 1 ≤ count ≤ h.rows(). O(count·factors).
[[nodiscard]] inline history last_rows(const history& h, std::size_t count) {
  if (count == 0 || count > h.rows())
    throw error("history: the last " + std::to_string(count) + " rows requested, expected 1 to " +
                std::to_string(h.rows()));
  return window(h, h.rows() - count, count);
}

}  // namespace riskgrid::scenario
