#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/market/base_market.hpp"
#include "riskgrid/market/market_view.hpp"
#include "riskgrid/portfolio/trade.hpp"
#include "riskgrid/pricing/equity.hpp"
#include "riskgrid/pricing/sensitivity.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::portfolio {

/// Options of book.
struct book_options {
  std::string base_currency = "USD";
};

/// What the results report per trade.
struct trade_summary {
  std::string id;
  std::string desk;
  trade_type type = trade_type::equity;
  double base_value = 0.0;  ///< value at the base market, base currency
};

/// Trades bound to a market and a model's factors, grouped by type in structure-of-arrays
/// form so that revaluation is a tight loop over the scenarios of a block for one trade.
///
/// P&L of a scenario = Σ_trades (V(shocked market) − V(base market)) in the base currency,
/// trades summed in a fixed order (equities in file order, then sensitivities), so the
/// result is the same bits for any block or chunk cut. Immutable after construction;
/// revalue() is const and allocation-free, so one book serves every thread.
class book {
 public:
  /// Binds `trades`; throws input_error pointing at the trade's row for an unknown
  /// underlying, currency or factor, a missing FX rate, a duplicate id, a missing or bad
  /// value, an unsupported type, or a base value that is not finite.
  book(const std::vector<trade>& trades, const market::base_market& market,
       const scenario::factor_set& shocked, const book_options& options)
      : view_(market, shocked) {
    if (!market::is_currency_code(options.base_currency))
      throw input_error("--base-ccy", "base currency must be three upper-case letters, got '" +
                                          options.base_currency + "'");
    std::unordered_set<std::string> ids;
    for (const auto& t : trades) {
      const auto fail = [&](const std::string& why) {
        return input_error(t.source, t.line, 0, "trade " + t.id + ": " + why);
      };
      if (!ids.insert(t.id).second) throw fail("duplicate trade id");
      switch (t.type) {
        case trade_type::equity: bind_equity(t, market, options, fail); break;
        case trade_type::sensitivity: bind_sensitivity(t, shocked, fail); break;
        default:
          throw fail("trade type '" + std::string(to_string(t.type)) +
                     "' is not supported by this version (supported: equity, sensitivity)");
      }
    }
  }

  /// Writes the portfolio P&L of every scenario of `block` into `pnl`
  /// (pnl.size() == block.size()).
  void revalue(const scenario::shock_block& block, std::span<double> pnl) const noexcept {
    for (auto& x : pnl) x = 0.0;
    const auto n = pnl.size();
    for (std::size_t t = 0; t < equity_.quantity.size(); ++t) {
      const auto s = view_.shocks(block, equity_.spot_factor[t]);
      const auto x = equity_.has_fx[t] ? view_.shocks(block, equity_.fx_factor[t]) : block.zeros();
      const double q = equity_.quantity[t], s0 = equity_.spot[t], x0 = equity_.fx[t];
      const double v0 = equity_.base_value[t];
      if (equity_.direction[t] == market::quote_direction::direct) {
        for (std::size_t i = 0; i < n; ++i)
          pnl[i] += pricing::equity_value(q, s0 * std::exp(s[i])) * (x0 * std::exp(x[i])) - v0;
      } else {
        for (std::size_t i = 0; i < n; ++i)
          pnl[i] += pricing::equity_value(q, s0 * std::exp(s[i])) / (x0 * std::exp(x[i])) - v0;
      }
    }
    for (std::size_t t = 0; t < sensitivity_.delta.size(); ++t) {
      const auto s = block.factor(sensitivity_.row[t]);
      const double d = sensitivity_.delta[t], g = sensitivity_.gamma[t];
      for (std::size_t i = 0; i < n; ++i) pnl[i] += pricing::sensitivity_pnl(d, g, s[i]);
    }
  }

  /// Per-trade summaries in revaluation order.
  [[nodiscard]] const std::vector<trade_summary>& trades() const noexcept { return summaries_; }

  /// Σ base values, in revaluation order.
  [[nodiscard]] double base_value() const noexcept {
    double v = 0.0;
    for (const auto& t : summaries_) v += t.base_value;
    return v;
  }

  /// Market factors that some trade uses and the model does not shock.
  [[nodiscard]] std::vector<std::string> unshocked_factors() const {
    std::vector<std::string> out;
    std::unordered_set<std::size_t> seen;
    const auto note = [&](std::size_t f) {
      if (!view_.shock_row(f) && seen.insert(f).second) out.push_back(view_.base().name(f));
    };
    for (std::size_t t = 0; t < equity_.quantity.size(); ++t) {
      note(equity_.spot_factor[t]);
      if (equity_.has_fx[t]) note(equity_.fx_factor[t]);
    }
    return out;
  }

  [[nodiscard]] std::size_t size() const noexcept { return summaries_.size(); }

 private:
  template <class Fail>
  void bind_equity(const trade& t, const market::base_market& market, const book_options& options,
                   const Fail& fail) {
    if (t.underlying.empty()) throw fail("missing underlying");
    if (!t.quantity) throw fail("missing quantity");
    if (!market::is_currency_code(t.currency))
      throw fail("currency must be three upper-case letters, got '" + t.currency + "'");
    const auto spot = market.find("EQ." + t.underlying + ".SPOT");
    if (!spot) throw fail("unknown underlying: no EQ." + t.underlying + ".SPOT in the market");
    market::fx_quote fx;
    try {
      fx = market.fx_to_base(t.currency, options.base_currency);
    } catch (const error& e) {
      throw fail(e.what());
    }
    const double s0 = market.value(*spot);
    const double x0 = fx.factor ? market.value(*fx.factor) : 1.0;
    const auto direction = fx.direction;
    // Same expression as revalue() with zero shocks (exp(0) = 1 exactly), so a scenario
    // without shocks has a P&L of exactly 0.
    const double v0 = direction == market::quote_direction::direct
                          ? pricing::equity_value(*t.quantity, s0 * 1.0) * (x0 * 1.0)
                          : pricing::equity_value(*t.quantity, s0 * 1.0) / (x0 * 1.0);
    if (!std::isfinite(v0)) throw fail("value is not finite");
    equity_.quantity.push_back(*t.quantity);
    equity_.spot.push_back(s0);
    equity_.fx.push_back(x0);
    equity_.spot_factor.push_back(*spot);
    equity_.fx_factor.push_back(fx.factor ? *fx.factor : no_factor_);
    equity_.has_fx.push_back(fx.factor.has_value());
    equity_.direction.push_back(direction);
    equity_.base_value.push_back(v0);
    summaries_.push_back({t.id, t.desk, t.type, v0});
  }

  template <class Fail>
  void bind_sensitivity(const trade& t, const scenario::factor_set& shocked, const Fail& fail) {
    if (t.factor.empty()) throw fail("missing factor");
    if (!t.delta) throw fail("missing delta");
    const auto row = shocked.find(t.factor);
    if (!row)
      throw fail("factor " + t.factor + " is not shocked by the model (not in the covariance)");
    sensitivity_.delta.push_back(*t.delta);
    sensitivity_.gamma.push_back(t.gamma.value_or(0.0));
    sensitivity_.row.push_back(*row);
    summaries_.push_back({t.id, t.desk, t.type, 0.0});
  }

  static constexpr std::size_t no_factor_ = static_cast<std::size_t>(-1);

  struct equity_group {
    std::vector<double> quantity, spot, fx, base_value;
    std::vector<std::size_t> spot_factor, fx_factor;
    std::vector<bool> has_fx;
    std::vector<market::quote_direction> direction;
  };
  struct sensitivity_group {
    std::vector<double> delta, gamma;
    std::vector<std::size_t> row;
  };

  market::market_view view_;
  equity_group equity_;
  sensitivity_group sensitivity_;
  std::vector<trade_summary> summaries_;
};

}  // namespace riskgrid::portfolio
