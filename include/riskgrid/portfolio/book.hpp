#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/market/base_market.hpp"
#include "riskgrid/market/market_view.hpp"
#include "riskgrid/market/zero_curve.hpp"
#include "riskgrid/portfolio/schedule.hpp"
#include "riskgrid/portfolio/trade.hpp"
#include "riskgrid/pricing/american.hpp"
#include "riskgrid/pricing/barrier.hpp"
#include "riskgrid/pricing/black_scholes.hpp"
#include "riskgrid/pricing/bond.hpp"
#include "riskgrid/pricing/digital.hpp"
#include "riskgrid/pricing/equity.hpp"
#include "riskgrid/pricing/forward.hpp"
#include "riskgrid/pricing/sensitivity.hpp"
#include "riskgrid/pricing/swap.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::portfolio {

/// Longest maturity a trade may have, in years after the as-of date (Act/365F).
inline constexpr double max_maturity_years = 100.0;

/// Options of book.
struct book_options {
  std::string base_currency = "USD";
  /// Valuation date; required as soon as a trade has a maturity (every type but equity
  /// and sensitivity).
  std::optional<date> as_of{};
};

/// What the results report per trade.
struct trade_summary {
  std::string id;
  std::string desk;
  trade_type type = trade_type::equity;
  double base_value = 0.0;  ///< value at the base market, base currency
};

namespace detail {

inline constexpr std::size_t no_factor = static_cast<std::size_t>(-1);

/// Shocks of an unshocked factor for the base valuation: as many zero lanes as the widest
/// batch (shock_block pads rows to the same multiple).
alignas(64) inline constexpr double zero_lanes[scenario::shock_block::lane_multiple] = {};

template <class V>
inline constexpr std::size_t lanes_v = [] {
  if constexpr (xsimd::is_batch<V>::value) return V::size;
  else return std::size_t{1};
}();

template <class V>
[[nodiscard]] inline V load_lanes(const double* p) noexcept {
  if constexpr (xsimd::is_batch<V>::value) return V::load_unaligned(p);
  else return *p;
}

template <class V>
inline void store_lanes(double* p, const V& v) noexcept {
  if constexpr (xsimd::is_batch<V>::value) v.store_unaligned(p);
  else *p = v;
}

template <class V>
[[nodiscard]] inline double first_lane(const V& v) noexcept {
  if constexpr (xsimd::is_batch<V>::value) {
    alignas(64) double lanes[V::size];
    v.store_aligned(lanes);
    return lanes[0];
  } else {
    return v;
  }
}

/// exp of shock rows, computed at most once per block and row on first use: the spots,
/// vols and FX rates of many trades share a factor (x·exp(s), DESIGN.md §4), so the book
/// takes one exp per factor and scenario instead of one per trade and scenario. The same
/// simd::exp of the same shock, so the same bits as taking it in the trade's kernel. One
/// per thread (a book serves every thread); grows to the largest block, then never
/// allocates.
struct growth_cache {
  std::vector<double> rows;          // block row r at r·stride
  std::vector<std::uint64_t> stamp;  // block row r holds exp of the shocks of call stamp[r]
  std::vector<double> ones;          // exp(0) lanes for unshocked factors
  std::uint64_t call = 0;

  static growth_cache& local() {
    thread_local growth_cache cache;
    return cache;
  }
  // Starts a block: earlier rows become stale.
  std::uint64_t begin(const scenario::shock_block& block) {
    const auto need = block.factor_count() * block.stride();
    if (rows.size() < need) rows.resize(need);
    if (stamp.size() < block.factor_count()) stamp.resize(block.factor_count(), 0);
    if (ones.size() < block.stride()) ones.assign(block.stride(), simd::exp(0.0));
    return ++call;
  }
};

/// Shock rows of a block: market factors through the view, model rows directly, and
/// exp of market shock rows through the thread's growth_cache.
struct block_rows {
  const market::market_view* view;
  const scenario::shock_block* block;
  growth_cache* cache;
  std::uint64_t call;

  block_rows(const market::market_view* v, const scenario::shock_block* b)
      : view(v), block(b), cache(&growth_cache::local()), call(cache->begin(*b)) {}

  [[nodiscard]] const double* market(std::size_t f) const noexcept {
    return f == no_factor ? block->zeros().data() : view->padded_shocks(*block, f);
  }
  [[nodiscard]] const double* model(std::size_t row) const noexcept { return block->padded_factor(row).data(); }
  /// exp of market factor f's shocks, the whole padded row.
  [[nodiscard]] const double* growth(std::size_t f) const noexcept {
    const auto row = f == no_factor ? std::nullopt : view->shock_row_of(f);
    if (!row) return cache->ones.data();
    double* const out = cache->rows.data() + *row * block->stride();
    if (cache->stamp[*row] != call) {
      using B = xsimd::batch<double>;
      const double* const s = block->padded_factor(*row).data();
      static_assert(scenario::shock_block::lane_multiple % B::size == 0);
      for (std::size_t i = 0; i < block->stride(); i += B::size) simd::exp(B::load_unaligned(s + i)).store_unaligned(out + i);
      cache->stamp[*row] = call;
    }
    return out;
  }
};

/// exp(0) in as many lanes as the widest batch, for the base valuation's growth rows.
alignas(64) inline const std::array<double, scenario::shock_block::lane_multiple> exp_zero_lanes = [] {
  std::array<double, scenario::shock_block::lane_multiple> lanes{};
  lanes.fill(simd::exp(0.0));
  return lanes;
}();

/// All shocks zero: the base valuation runs the scenario kernels on these rows, so that a
/// scenario without shocks has a P&L of exactly 0.
struct zero_rows {
  [[nodiscard]] const double* market(std::size_t) const noexcept { return zero_lanes; }
  [[nodiscard]] const double* model(std::size_t) const noexcept { return zero_lanes; }
  [[nodiscard]] const double* growth(std::size_t) const noexcept { return exp_zero_lanes.data(); }
};

/// How a trade-currency value becomes a base-currency value.
enum class fx_mode { none, direct, inverse };

struct fx_leg {
  fx_mode mode = fx_mode::none;
  std::size_t factor = no_factor;
  double spot = 1.0;
};

/// A zero rate at a fixed time: pillars (market factor indices), weights and base rates.
struct rate_point {
  std::size_t first = no_factor, second = no_factor;
  double weight = 1.0, complement = 0.0, rate_first = 0.0, rate_second = 0.0;
};

/// A rate_point with its two shock rows resolved for one block.
struct rate_rows {
  const double* first;
  const double* second;
  double weight, complement, rate_first, rate_second;
  template <class V>
  [[nodiscard]] V at(std::size_t i) const noexcept {
    return weight * (rate_first + load_lanes<V>(first + i)) + complement * (rate_second + load_lanes<V>(second + i));
  }
};

template <class Rows>
[[nodiscard]] inline rate_rows resolve(const rate_point& p, const Rows& rows) noexcept {
  return {rows.market(p.first), rows.market(p.second), p.weight, p.complement, p.rate_first, p.rate_second};
}

/// Value of one trade at scenario lanes [i, i + lanes) in the base currency; `growth` is
/// exp of the FX factor's shocks.
template <class V, class Kernel>
[[nodiscard]] inline V base_currency_value(const Kernel& value, const fx_leg& fx, const double* growth,
                                           std::size_t i) noexcept {
  const V v = value(V(0.0), i);
  switch (fx.mode) {
    case fx_mode::direct: return v * (fx.spot * load_lanes<V>(growth + i));
    case fx_mode::inverse: return v / (fx.spot * load_lanes<V>(growth + i));
    case fx_mode::none: break;
  }
  return v;
}

enum class write_mode { add, assign };

/// pnl[i] (+)= value_i − base for i < n, in full batches; the last, partial batch goes
/// through a local buffer so that lanes past n never reach pnl.
template <class V, class Kernel>
inline void contribute(const Kernel& value, const fx_leg& fx, const double* x, double base, std::size_t n,
                       double* pnl, write_mode mode) noexcept {
  constexpr std::size_t w = lanes_v<V>;
  const std::size_t full = n / w * w;
  for (std::size_t i = 0; i < full; i += w) {
    const V c = base_currency_value<V>(value, fx, x, i) - base;
    store_lanes(pnl + i, mode == write_mode::add ? load_lanes<V>(pnl + i) + c : c);
  }
  if (full < n) {
    alignas(64) double tail[w] = {};
    std::copy(pnl + full, pnl + n, tail);
    const V c = base_currency_value<V>(value, fx, x, full) - base;
    store_lanes(tail, mode == write_mode::add ? load_lanes<V>(tail) + c : c);
    std::copy(tail, tail + (n - full), pnl + full);
  }
}

}  // namespace detail

/// Trades bound to a market and a model's factors, grouped by type in structure-of-arrays
/// form so that revaluation is a tight loop over the scenarios of a block for one trade,
/// in SIMD batches (one template per pricer, DESIGN.md §2).
///
/// Shocked values (DESIGN.md §4): spots and vols x·exp(s), zero rates and dividend yields
/// x + s; the zero rate at a trade's time t is w·(r_a + s_a) + (1 − w)·(r_b + s_b) with
/// pillars and weights fixed at construction.
///
/// P&L of a scenario = Σ_trades (V(shocked market) − V(base market)) in the base currency,
/// accumulated from 0 in a fixed order: by type in the order of trade_type (equity,
/// equity_forward, fx_forward, zero_bond, fixed_bond, swap, european, fx_option, digital,
/// barrier, american, sensitivity), within a type in input order. A scenario's P&L does
/// not depend on the block cut or the SIMD width (given width-independent pricers), and
/// the base values come from the same kernels with zero shocks, so a scenario without
/// shocks has a P&L of exactly 0. Immutable after construction; revalue() is const and
/// allocation-free, so one book serves every thread. The base market must outlive it.
class book {
 public:
  /// The SIMD type revalue() uses.
  using batch_type = xsimd::batch<double>;

  /// Binds `trades`; throws input_error at the trade's source and line, the message
  /// starting with `trade <id>: `, for a duplicate id, a missing or bad field, an unknown
  /// underlying, currency, curve or factor, a missing FX rate, a maturity not after the
  /// as-of date, a barrier already crossed, or a base value that is not finite.
  book(const std::vector<trade>& trades, const market::base_market& market, const scenario::factor_set& shocked,
       const book_options& options)
      : view_(market, shocked), market_(&market) {
    if (!market::is_currency_code(options.base_currency))
      throw input_error("--base-ccy", "base currency must be three upper-case letters, got '" +
                                          options.base_currency + "'");
    std::unordered_set<std::string> ids;
    for (const auto& t : trades) {
      const binder b{*this, t, options, shocked};
      if (!ids.insert(t.id).second) throw b.fail("duplicate trade id");
      const std::size_t index = summaries_.size();
      const auto k = b.bind();
      locator_.push_back({t.type, k});
      const auto [it, fresh] = desk_index_.emplace(t.desk, desks_.size());
      if (fresh) desks_.push_back(t.desk);
      desk_of_.push_back(it->second);
      const double v0 = base_value_of(index);
      if (!std::isfinite(v0)) throw b.fail("value is not finite (" + to_shortest(v0) + ")");
      group(t.type).base.push_back(v0);
      summaries_.push_back({t.id, t.desk, t.type, v0});
    }
  }

  /// Writes the portfolio P&L of every scenario of `block` into `pnl`
  /// (pnl.size() == block.size()) with the default-architecture SIMD kernels.
  void revalue(const scenario::shock_block& block, std::span<double> pnl) const noexcept {
    revalue_with<batch_type>(block, pnl);
  }

  /// revalue() with the value type V: `double` (the scalar reference) or any
  /// xsimd::batch<double, A> whose size divides shock_block::lane_multiple.
  template <class V>
  void revalue_with(const scenario::shock_block& block, std::span<double> pnl) const noexcept {
    std::fill(pnl.begin(), pnl.end(), 0.0);
    const detail::block_rows rows{&view_, &block};
    for (std::size_t type = 0; type < group_count; ++type) {
      const auto& g = groups_[type];
      for (std::size_t k = 0; k < g.base.size(); ++k)
        with_kernel(static_cast<trade_type>(type), k, rows, [&](const auto& kernel, const detail::fx_leg& fx) {
          detail::contribute<V>(kernel, fx, rows.growth(fx.factor), g.base[k], pnl.size(), pnl.data(),
                                detail::write_mode::add);
        });
    }
  }

  /// One trade's P&L over `block` (its index in trades()), the same bits as its
  /// contribution inside revalue().
  void revalue_trade(std::size_t trade, const scenario::shock_block& block, std::span<double> pnl) const noexcept {
    revalue_trade_with<batch_type>(trade, block, pnl);
  }

  template <class V>
  void revalue_trade_with(std::size_t trade, const scenario::shock_block& block,
                          std::span<double> pnl) const noexcept {
    const detail::block_rows rows{&view_, &block};
    const auto [type, k] = locator_[trade];
    const double base = group(type).base[k];
    with_kernel(type, k, rows, [&](const auto& kernel, const detail::fx_leg& fx) {
      detail::contribute<V>(kernel, fx, rows.growth(fx.factor), base, pnl.size(), pnl.data(),
                            detail::write_mode::assign);
    });
  }

  /// Per-trade summaries in input order (the index used by revalue_trade()).
  [[nodiscard]] const std::vector<trade_summary>& trades() const noexcept { return summaries_; }

  /// Desk names in order of first appearance.
  [[nodiscard]] const std::vector<std::string>& desks() const noexcept { return desks_; }
  /// Index in desks() of trade `trade`'s desk.
  [[nodiscard]] std::size_t desk_of(std::size_t trade) const noexcept { return desk_of_[trade]; }

  /// Σ base values, in input order.
  [[nodiscard]] double base_value() const noexcept {
    double v = 0.0;
    for (const auto& t : summaries_) v += t.base_value;
    return v;
  }

  /// Market factors that some trade uses and the model does not shock, in order of first use.
  [[nodiscard]] std::vector<std::string> unshocked_factors() const {
    std::vector<std::string> out;
    for (const std::size_t f : used_factors_)
      if (!view_.shock_row(f)) out.push_back(market_->name(f));
    return out;
  }

  [[nodiscard]] std::size_t size() const noexcept { return summaries_.size(); }

 private:
  static constexpr std::size_t group_count = trade_type_names.size();

  /// Every type's fields in one structure of arrays (a type uses the fields it needs).
  struct group_data {
    std::vector<double> quantity, strike, time, spot, vol, dividend, notional, cash, barrier, rebate, base;
    std::vector<std::size_t> spot_factor, vol_factor, dividend_factor, model_row;
    std::vector<detail::rate_point> rate, rate_foreign;
    std::vector<detail::fx_leg> fx;
    std::vector<option_type> option;
    std::vector<barrier_type> barrier_kind;
    std::vector<pricing::swap_side> side;
    std::vector<std::size_t> flow_begin, flow_end;  ///< into the book's flow arrays
    std::vector<double> delta, gamma;
  };

  [[nodiscard]] group_data& group(trade_type t) noexcept { return groups_[static_cast<std::size_t>(t)]; }
  [[nodiscard]] const group_data& group(trade_type t) const noexcept { return groups_[static_cast<std::size_t>(t)]; }

  /// Calls f(kernel, fx) with the kernel of trade k of `type` on `rows`: a callable
  /// (V zero, lane index i) → value at lanes [i, i + width) in the trade currency.
  template <class Rows, class F>
  void with_kernel(trade_type type, std::size_t k, const Rows& rows, F&& f) const noexcept {
    using detail::load_lanes;
    const auto& g = group(type);
    switch (type) {
      case trade_type::equity: {
        const double* s = rows.growth(g.spot_factor[k]);  // exp(shock)
        const double q = g.quantity[k], s0 = g.spot[k];
        f([=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return pricing::equity_value(q, s0 * load_lanes<V>(s + i));
        }, g.fx[k]);
        return;
      }
      case trade_type::equity_forward: {
        const double* s = rows.growth(g.spot_factor[k]);  // exp(shock)
        const double* d = rows.market(g.dividend_factor[k]);
        const auto r = detail::resolve(g.rate[k], rows);
        const double q = g.quantity[k], s0 = g.spot[k], strike = g.strike[k], t = g.time[k], d0 = g.dividend[k];
        f([=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return pricing::equity_forward(q, s0 * load_lanes<V>(s + i), strike, t, r.template at<V>(i),
                                         d0 + load_lanes<V>(d + i));
        }, g.fx[k]);
        return;
      }
      case trade_type::fx_forward: {
        const double* s = rows.growth(g.spot_factor[k]);  // exp(shock)
        const auto rd = detail::resolve(g.rate[k], rows);
        const auto rf = detail::resolve(g.rate_foreign[k], rows);
        const double q = g.quantity[k], s0 = g.spot[k], strike = g.strike[k], t = g.time[k];
        f([=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return pricing::fx_forward(q, s0 * load_lanes<V>(s + i), strike, t, rd.template at<V>(i),
                                     rf.template at<V>(i));
        }, g.fx[k]);
        return;
      }
      case trade_type::zero_bond: {
        const auto r = detail::resolve(g.rate[k], rows);
        const double q = g.quantity[k], notional = g.notional[k], t = g.time[k];
        f([=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return q * pricing::zero_bond(notional, t, r.template at<V>(i));
        }, g.fx[k]);
        return;
      }
      case trade_type::fixed_bond:
      case trade_type::swap: {
        const std::size_t begin = g.flow_begin[k], count = g.flow_end[k] - begin;
        const detail::rate_point* points = flow_rate_.data() + begin;
        const double* times = flow_time_.data() + begin;
        const std::span<const double> amounts(flow_amount_.data() + begin, count);
        const Rows* rows_ptr = &rows;
        const double q = g.quantity[k];
        const auto discount_at = [=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return [=](std::size_t flow) {
            return pricing::discount_factor(detail::resolve(points[flow], *rows_ptr).template at<V>(i), times[flow]);
          };
        };
        if (type == trade_type::fixed_bond) {
          f([=](auto zero, std::size_t i) {
            using V = decltype(zero);
            return q * pricing::fixed_bond<V>(amounts, discount_at(zero, i));
          }, g.fx[k]);
        } else {
          const double notional = g.notional[k];
          const auto side = g.side[k];
          f([=](auto zero, std::size_t i) {
            using V = decltype(zero);
            const auto discount = discount_at(zero, i);
            return q * pricing::swap<V>(side, notional, amounts, discount, discount(count - 1));
          }, g.fx[k]);
        }
        return;
      }
      case trade_type::european:
      case trade_type::fx_option:
      case trade_type::digital:
      case trade_type::barrier:
      case trade_type::american: {
        const double* s = rows.growth(g.spot_factor[k]);  // exp(shock)
        const double* v = rows.growth(g.vol_factor[k]);   // exp(shock)
        const double* dv = rows.market(g.dividend_factor[k]);
        const auto r = detail::resolve(g.rate[k], rows);
        const auto rf = detail::resolve(g.rate_foreign[k], rows);
        const double q = g.quantity[k], s0 = g.spot[k], v0 = g.vol[k], d0 = g.dividend[k], strike = g.strike[k],
                     t = g.time[k], cash = g.cash[k], level = g.barrier[k], rebate = g.rebate[k];
        const auto ot = g.option[k];
        const auto kind = g.barrier_kind[k];
        // price(spot, r, q, vol) on the shocked inputs; q is the dividend yield or, for an
        // FX option, the foreign (CCY1) zero rate.
        const auto option = [&](auto yield, auto price) {
          f([=](auto zero, std::size_t i) {
            using V = decltype(zero);
            return q * price(s0 * load_lanes<V>(s + i), r.template at<V>(i), yield(zero, i),
                             v0 * load_lanes<V>(v + i));
          }, g.fx[k]);
        };
        const auto dividend = [=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return d0 + load_lanes<V>(dv + i);
        };
        switch (type) {
          case trade_type::european:
            option(dividend, [=](auto spot, auto rate, auto yield, auto vol) {
              return pricing::black_scholes(ot, spot, strike, t, rate, yield, vol);
            });
            return;
          case trade_type::fx_option:
            option([=](auto zero, std::size_t i) { return rf.template at<decltype(zero)>(i); },
                   [=](auto spot, auto rate, auto yield, auto vol) {
                     return pricing::black_scholes(ot, spot, strike, t, rate, yield, vol);
                   });
            return;
          case trade_type::digital:
            option(dividend, [=](auto spot, auto rate, auto yield, auto vol) {
              return pricing::digital_cash_or_nothing(ot, spot, strike, t, rate, yield, vol, cash);
            });
            return;
          case trade_type::barrier:
            option(dividend, [=](auto spot, auto rate, auto yield, auto vol) {
              return pricing::barrier(ot, kind, spot, strike, level, rebate, t, rate, yield, vol);
            });
            return;
          default: {
            // The maturity's constants (t1, the bivariate normals' nodes) once per trade.
            const pricing::american_terms terms(t);
            option(dividend, [=, &terms](auto spot, auto rate, auto yield, auto vol) {
              return pricing::american(ot, spot, strike, terms, rate, yield, vol);
            });
            return;
          }
        }
      }
      case trade_type::sensitivity: {
        const double* s = rows.model(g.model_row[k]);
        const double delta = g.delta[k], gamma = g.gamma[k];
        f([=](auto zero, std::size_t i) {
          using V = decltype(zero);
          return pricing::sensitivity_pnl(delta, gamma, load_lanes<V>(s + i));
        }, g.fx[k]);
        return;
      }
    }
  }

  /// Value at the base market through the scenario kernels (all shocks zero).
  [[nodiscard]] double base_value_of(std::size_t trade) const noexcept {
    const auto [type, k] = locator_[trade];
    double v = 0.0;
    with_kernel(type, k, detail::zero_rows{}, [&](const auto& kernel, const detail::fx_leg& fx) {
      v = detail::first_lane(detail::base_currency_value<batch_type>(kernel, fx, detail::exp_zero_lanes.data(), 0));
    });
    return v;
  }

  /// Binds one trade: validation and the market lookups, appending to its group.
  struct binder {
    book& self;
    const trade& t;
    const book_options& options;
    const scenario::factor_set& shocked;

    [[nodiscard]] input_error fail(const std::string& why) const {
      return input_error(t.source, t.line, 0, "trade " + t.id + ": " + why);
    }
    [[nodiscard]] const market::base_market& market() const noexcept { return *self.market_; }
    [[nodiscard]] group_data& g() const noexcept { return self.group(t.type); }

    void use(std::size_t f) const {
      if (f != detail::no_factor && self.used_.insert(f).second) self.used_factors_.push_back(f);
    }

    template <class T>
    [[nodiscard]] T required(const std::optional<T>& field, const char* name) const {
      if (!field) throw fail(std::string("missing ") + name);
      return *field;
    }
    [[nodiscard]] double positive(const std::optional<double>& field, const char* name) const {
      const double v = required(field, name);
      if (!(v > 0.0)) throw fail(std::string(name) + " must be positive, got " + to_shortest(v));
      return v;
    }
    [[nodiscard]] double non_negative(const std::optional<double>& field, const char* name, double fallback) const {
      const double v = field.value_or(fallback);
      if (v < 0.0) throw fail(std::string(name) + " must not be negative, got " + to_shortest(v));
      return v;
    }
    void currency() const {
      if (!market::is_currency_code(t.currency))
        throw fail("currency must be three upper-case letters, got '" + t.currency + "'");
    }
    [[nodiscard]] std::size_t factor(const std::string& name, const char* what) const {
      const auto f = market().find(name);
      if (!f) throw fail(std::string("unknown ") + what + ": no " + name + " in the market");
      use(*f);
      return *f;
    }
    [[nodiscard]] std::size_t optional_factor(const std::string& name) const {
      const auto f = market().find(name);
      if (!f) return detail::no_factor;
      use(*f);
      return *f;
    }
    [[nodiscard]] double value_of(std::size_t f) const { return f == detail::no_factor ? 0.0 : market().value(f); }

    /// Time to maturity in years (Act/365F), maturity strictly after the as-of date.
    [[nodiscard]] double maturity_time() const {
      const date m = required(t.maturity, "maturity");
      if (!options.as_of) throw fail("a trade with a maturity needs the as-of date (book_options::as_of)");
      if (!(m > *options.as_of))
        throw fail("maturity " + format_iso_date(m) + " is not after the as-of date " + format_iso_date(*options.as_of));
      // A bound keeps a typo (9999-12-31) from building a monthly schedule of 10^5 flows.
      if (year_fraction(*options.as_of, m) > max_maturity_years)
        throw fail("maturity " + format_iso_date(m) + " is more than " + to_shortest(max_maturity_years) +
                   " years after the as-of date");
      return year_fraction(*options.as_of, m);
    }

    [[nodiscard]] const market::zero_curve& curve(const std::string& ccy) const {
      auto it = self.curves_.find(ccy);
      if (it == self.curves_.end()) {
        try {
          it = self.curves_.emplace(ccy, market::zero_curve(market(), ccy)).first;
        } catch (const input_error&) {
          throw;
        } catch (const error& e) {
          throw fail(e.what());
        }
      }
      return it->second;
    }
    [[nodiscard]] detail::rate_point rate_at(const market::zero_curve& c, double time) const {
      const auto p = c.locate(time);
      use(c.factor(p.first));
      use(c.factor(p.second));
      return {c.factor(p.first), c.factor(p.second), p.weight, p.complement, c.rate(p.first), c.rate(p.second)};
    }

    [[nodiscard]] detail::fx_leg fx_to_base() const {
      market::fx_quote q;
      try {
        q = market().fx_to_base(t.currency, options.base_currency);
      } catch (const input_error&) {
        throw;
      } catch (const error& e) {
        throw fail(e.what());
      }
      if (!q.factor) return {};
      use(*q.factor);
      return {q.direction == market::quote_direction::direct ? detail::fx_mode::direct : detail::fx_mode::inverse,
              *q.factor, market().value(*q.factor)};
    }

    /// CCY1 and CCY2 of an FX underlying; the trade's currency must be CCY2.
    [[nodiscard]] std::pair<std::string, std::string> pair() const {
      const auto& u = t.underlying;
      if (u.empty()) throw fail("missing underlying");
      if (u.size() != 6 || !market::is_currency_code(u.substr(0, 3)) || !market::is_currency_code(u.substr(3, 3)))
        throw fail("an FX underlying is a pair CCY1CCY2 of upper-case currencies, got '" + u + "'");
      if (t.currency != u.substr(3, 3))
        throw fail("the currency of a trade on " + u + " must be " + u.substr(3, 3) + ", got '" + t.currency + "'");
      return {u.substr(0, 3), u.substr(3, 3)};
    }

    [[nodiscard]] std::size_t equity_spot() const {
      if (t.underlying.empty()) throw fail("missing underlying");
      return factor("EQ." + t.underlying + ".SPOT", "underlying");
    }

    /// Appends the trade to its group and returns its index there.
    [[nodiscard]] std::size_t bind() const {
      auto& grp = g();
      const std::size_t k = grp.base.size();
      resize(grp, k + 1);
      switch (t.type) {
        case trade_type::equity: {
          currency();
          const auto s = equity_spot();
          grp.quantity[k] = required(t.quantity, "quantity");
          grp.spot_factor[k] = s;
          grp.spot[k] = value_of(s);
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::equity_forward: {
          currency();
          const auto s = equity_spot();
          grp.quantity[k] = required(t.quantity, "quantity");
          grp.strike[k] = positive(t.strike, "strike");
          grp.time[k] = maturity_time();
          grp.spot_factor[k] = s;
          grp.spot[k] = value_of(s);
          grp.dividend_factor[k] = optional_factor("EQ." + t.underlying + ".DIV");
          grp.dividend[k] = value_of(grp.dividend_factor[k]);
          grp.rate[k] = rate_at(curve(t.currency), grp.time[k]);
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::fx_forward: {
          currency();
          const auto [foreign, domestic] = pair();
          const auto s = factor("FX." + t.underlying + ".SPOT", "underlying");
          grp.quantity[k] = required(t.quantity, "quantity");
          grp.strike[k] = positive(t.strike, "strike");
          grp.time[k] = maturity_time();
          grp.spot_factor[k] = s;
          grp.spot[k] = value_of(s);
          grp.rate[k] = rate_at(curve(domestic), grp.time[k]);
          grp.rate_foreign[k] = rate_at(curve(foreign), grp.time[k]);
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::zero_bond: {
          currency();
          grp.quantity[k] = t.quantity.value_or(1.0);
          grp.notional[k] = non_negative(required(t.notional, "notional"), "notional", 0.0);
          grp.time[k] = maturity_time();
          grp.rate[k] = rate_at(curve(t.currency), grp.time[k]);
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::fixed_bond:
        case trade_type::swap: {
          currency();
          grp.quantity[k] = t.quantity.value_or(1.0);
          const double notional = non_negative(required(t.notional, "notional"), "notional", 0.0);
          grp.notional[k] = notional;
          const double rate = required(t.rate, "rate");
          const int frequency = required(t.frequency, "frequency");
          if (!(frequency >= 1 && frequency <= 12 && 12 % frequency == 0))
            throw fail("frequency must be one of 1, 2, 3, 4, 6, 12, got " + std::to_string(frequency));
          grp.time[k] = maturity_time();
          const bool is_swap = t.type == trade_type::swap;
          if (is_swap)
            grp.side[k] = required(t.pay_fixed, "pay_fixed") ? pricing::swap_side::pay_fixed
                                                              : pricing::swap_side::receive_fixed;
          const auto& c = curve(t.currency);
          const auto flows = fixed_leg(*options.as_of, *t.maturity, frequency, notional, rate, is_swap ? 0.0 : notional);
          grp.flow_begin[k] = self.flow_time_.size();
          for (const auto& flow : flows) {
            self.flow_time_.push_back(flow.time);
            self.flow_amount_.push_back(flow.amount);
            self.flow_rate_.push_back(rate_at(c, flow.time));
          }
          grp.flow_end[k] = self.flow_time_.size();
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::european:
        case trade_type::digital:
        case trade_type::barrier:
        case trade_type::american: {
          currency();
          const auto s = equity_spot();
          option_terms(grp, k);
          grp.spot_factor[k] = s;
          grp.spot[k] = value_of(s);
          grp.vol_factor[k] = factor("EQ." + t.underlying + ".VOL", "volatility");
          grp.vol[k] = value_of(grp.vol_factor[k]);
          grp.dividend_factor[k] = optional_factor("EQ." + t.underlying + ".DIV");
          grp.dividend[k] = value_of(grp.dividend_factor[k]);
          grp.rate[k] = rate_at(curve(t.currency), grp.time[k]);
          if (t.type == trade_type::digital) grp.cash[k] = non_negative(t.notional, "notional", 1.0);
          if (t.type == trade_type::barrier) {
            const double level = positive(t.barrier, "barrier");
            const auto kind = required(t.barrier_kind, "barrier_type");
            grp.barrier[k] = level;
            grp.barrier_kind[k] = kind;
            grp.rebate[k] = non_negative(t.rebate, "rebate", 0.0);
            const bool down = kind == barrier_type::down_in || kind == barrier_type::down_out;
            if (down ? !(grp.spot[k] > level) : !(grp.spot[k] < level))
              throw fail("barrier " + to_shortest(level) + " is already crossed at the base market (spot " +
                         to_shortest(grp.spot[k]) + ")");
          }
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::fx_option: {
          currency();
          const auto [foreign, domestic] = pair();
          option_terms(grp, k);
          grp.spot_factor[k] = factor("FX." + t.underlying + ".SPOT", "underlying");
          grp.spot[k] = value_of(grp.spot_factor[k]);
          grp.vol_factor[k] = factor("FX." + t.underlying + ".VOL", "volatility");
          grp.vol[k] = value_of(grp.vol_factor[k]);
          grp.rate[k] = rate_at(curve(domestic), grp.time[k]);
          grp.rate_foreign[k] = rate_at(curve(foreign), grp.time[k]);
          grp.fx[k] = fx_to_base();
          break;
        }
        case trade_type::sensitivity: {
          if (t.factor.empty()) throw fail("missing factor");
          grp.delta[k] = required(t.delta, "delta");
          grp.gamma[k] = t.gamma.value_or(0.0);
          const auto row = shocked.find(t.factor);
          if (!row) throw fail("factor " + t.factor + " is not shocked by the model (not in the covariance)");
          grp.model_row[k] = *row;
          break;
        }
      }
      return k;
    }

    /// Quantity, strike, maturity and call/put of an option.
    void option_terms(group_data& grp, std::size_t k) const {
      grp.quantity[k] = required(t.quantity, "quantity");
      grp.strike[k] = positive(t.strike, "strike");
      grp.time[k] = maturity_time();
      grp.option[k] = required(t.option, "option");
    }

    static void resize(group_data& grp, std::size_t n) {
      for (auto* v : {&grp.quantity, &grp.strike, &grp.time, &grp.spot, &grp.vol, &grp.dividend, &grp.notional,
                      &grp.cash, &grp.barrier, &grp.rebate, &grp.delta, &grp.gamma})
        v->resize(n, 0.0);
      for (auto* v : {&grp.spot_factor, &grp.vol_factor, &grp.dividend_factor, &grp.model_row, &grp.flow_begin,
                      &grp.flow_end})
        v->resize(n, detail::no_factor);
      grp.rate.resize(n);
      grp.rate_foreign.resize(n);
      grp.fx.resize(n);
      grp.option.resize(n, option_type::call);
      grp.barrier_kind.resize(n, barrier_type::down_in);
      grp.side.resize(n, pricing::swap_side::receive_fixed);
    }
  };

  struct location {
    trade_type type;
    std::size_t index;  ///< in the type's group
  };

  market::market_view view_;
  const market::base_market* market_;
  std::array<group_data, group_count> groups_;
  std::vector<double> flow_time_, flow_amount_;
  std::vector<detail::rate_point> flow_rate_;
  std::map<std::string, market::zero_curve> curves_;
  std::vector<location> locator_;
  std::vector<trade_summary> summaries_;
  std::vector<std::string> desks_;
  std::unordered_map<std::string, std::size_t> desk_index_;
  std::vector<std::size_t> desk_of_;
  std::vector<std::size_t> used_factors_;
  std::unordered_set<std::size_t> used_;
};

}  // namespace riskgrid::portfolio
