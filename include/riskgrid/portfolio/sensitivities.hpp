#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/market/base_market.hpp"
#include "riskgrid/market/risk_factor.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/portfolio/trade.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::portfolio {

/// Bump sizes of sensitivities(), on the raw factor shock s of DESIGN.md §4 (the shock a
/// `sensitivity` trade sees). The default 1e-4 is near the step that balances the
/// O(h²) truncation error of a central second difference against its O(ε/h²) rounding
/// error (ε^(1/4) ≈ 1.2e-4).
struct bump_sizes {
  /// SPOT and VOL factors, x' = x·exp(s): s = ±h is a relative move of about ±h (0.01%).
  double relative = 1e-4;
  /// IR and DIV factors, x' = x + s, and factors only `sensitivity` trades use: s = ±h
  /// absolute (1e-4 = 1 bp).
  double absolute = 1e-4;
};

/// First and second derivative of one trade's P&L in one factor's raw shock, at s = 0.
struct factor_sensitivity {
  std::size_t trade = 0;   ///< index in sensitivity_set::trades (the input order)
  std::size_t factor = 0;  ///< row in sensitivity_set::factors
  double delta = 0.0;      ///< ∂PnL/∂s, base currency per unit of s
  double gamma = 0.0;      ///< ∂²PnL/∂s², base currency per unit of s²
};

/// What sensitivities() returns: the factors bumped, their bump sizes, the trades, and
/// one entry per (trade, factor the trade depends on), ordered by trade then factor.
struct sensitivity_set {
  scenario::factor_set factors;
  std::vector<double> bumps;  ///< h of each factor, as factors
  std::vector<trade_summary> trades;
  std::vector<factor_sensitivity> entries;
};

namespace detail {

/// Factors bumped per shock block: bounds the block's memory (factors × 2·group doubles)
/// whatever the size of the market.
inline constexpr std::size_t bump_group = 64;

[[nodiscard]] inline double checked_bump(double h, const char* which) {
  if (!(h > 0.0 && h <= 0.1))
    throw error(std::string("bump_sizes::") + which + ": expected 0 < h <= 0.1, got " + to_shortest(h));
  return h;
}

}  // namespace detail

/// Delta and gamma of every trade in every factor it depends on, by central
/// bump-and-revalue through the book's own pricers (one book, the base market, no
/// second pricing code):
///
///   P±   = P&L of the trade under the single shock s = ±h of the factor (others 0),
///   delta = (P+ − P−) / (2h),   gamma = (P+ + P−) / h²,
///
/// so that a `sensitivity` trade with this delta and gamma has the P&L
/// delta·s + ½·gamma·s² = the trade's second-order Taylor expansion in s. Units follow
/// the shock rules of DESIGN.md §4: SPOT and VOL factors per unit of log-return (an
/// equity of q shares at spot S, rate X to the base currency, has delta = gamma = q·S·X
/// in its spot and in its FX rate), IR and DIV factors per unit of absolute change
/// (a zero bond's delta in its pillar is −T·PV·w, w the pillar's interpolation weight).
/// Cross-gammas are not computed. A factor a trade depends on is one whose bumps move its
/// P&L (an unused factor leaves the kernel inputs unchanged, so both P± are exactly 0).
///
/// Factors: every market factor, then the factors of `sensitivity` trades that are not
/// market factors, in order of first appearance. The bump sizes do not adapt to the
/// trade: where the P&L is not smooth within ±h (a barrier within h of the spot, a
/// digital at its strike on its last day) the differences mean little, as for any
/// bump-and-revalue.
///
/// Throws what book's constructor throws, and riskgrid::error for a bump outside (0, 0.1].
/// Cost: 2·(number of factors) revaluations per trade, in blocks; deterministic (the
/// pricers do not depend on the SIMD width or on where a lane falls in a block); pure,
/// so any thread may call it.
[[nodiscard]] inline sensitivity_set sensitivities(const std::vector<trade>& trades, const market::base_market& market,
                                                   const book_options& options, const bump_sizes& bumps = {}) {
  const double relative = detail::checked_bump(bumps.relative, "relative");
  const double absolute = detail::checked_bump(bumps.absolute, "absolute");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < market.size(); ++i) names.push_back(market.name(i));
  for (const auto& t : trades)
    if (t.type == trade_type::sensitivity && !t.factor.empty() && !market.find(t.factor) &&
        std::find(names.begin(), names.end(), t.factor) == names.end())
      names.push_back(t.factor);

  sensitivity_set out;
  out.factors = scenario::factor_set(names);
  for (std::size_t f = 0; f < names.size(); ++f) {
    const auto m = market.find(names[f]);
    out.bumps.push_back(m && market.factor(*m).rule() == market::shock_rule::relative ? relative : absolute);
  }
  const book bumped(trades, market, out.factors, options);
  out.trades = bumped.trades();

  const std::size_t factor_count = names.size();
  const std::size_t group = std::min(detail::bump_group, factor_count);
  std::vector<std::vector<factor_sensitivity>> by_trade(bumped.size());
  if (group != 0) {
    scenario::shock_block block(factor_count, 2 * group);
    std::vector<double> pnl(2 * group);
    for (std::size_t first = 0; first < factor_count; first += group) {
      const std::size_t count = std::min(group, factor_count - first);
      for (std::size_t f = 0; f < factor_count; ++f) {
        const auto row = block.padded_factor(f);
        std::fill(row.begin(), row.end(), 0.0);
      }
      // Scenario 2j shocks factor first + j by +h, scenario 2j + 1 by −h.
      for (std::size_t j = 0; j < count; ++j) {
        const auto row = block.padded_factor(first + j);
        row[2 * j] = out.bumps[first + j];
        row[2 * j + 1] = -out.bumps[first + j];
      }
      block.reset({0, 2 * count});
      const std::span<double> lanes(pnl.data(), 2 * count);
      for (std::size_t t = 0; t < bumped.size(); ++t) {
        bumped.revalue_trade(t, block, lanes);
        for (std::size_t j = 0; j < count; ++j) {
          const double up = lanes[2 * j], down = lanes[2 * j + 1], h = out.bumps[first + j];
          if (up == 0.0 && down == 0.0) continue;
          by_trade[t].push_back({t, first + j, (up - down) / (2.0 * h), (up + down) / (h * h)});
        }
      }
    }
  }
  for (const auto& entries : by_trade) out.entries.insert(out.entries.end(), entries.begin(), entries.end());
  return out;
}

/// The sensitivities as `sensitivity` trades (DESIGN.md §6), one per entry, in entry
/// order: id `<trade id>:<factor>`, the trade's desk, the factor's name, delta and gamma.
/// A book of them revalues to the risk-theoretical P&L Σ delta·s + ½·gamma·s² (no
/// cross-gammas). Binding them needs a model that shocks their factors: drop the others
/// (their shock is 0 in a model that does not shock them).
[[nodiscard]] inline std::vector<trade> to_sensitivity_trades(const sensitivity_set& s) {
  std::vector<trade> out;
  out.reserve(s.entries.size());
  for (const auto& e : s.entries) {
    trade t;
    t.id = s.trades[e.trade].id + ":" + s.factors.name(e.factor);
    t.desk = s.trades[e.trade].desk;
    t.type = trade_type::sensitivity;
    t.factor = s.factors.name(e.factor);
    t.delta = e.delta;
    t.gamma = e.gamma;
    t.source = "sensitivities";
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace riskgrid::portfolio
