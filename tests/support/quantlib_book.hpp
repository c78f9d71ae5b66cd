#pragma once

// The sample book's trades as QuantLib 1.29 instruments with their analytic engines, on
// QuantLib quotes and curves that a scenario moves: the independent oracle and the speed
// baseline of the end-to-end path (issue 8). Used by tests/pricing/book_quantlib_test.cpp
// and benchmarks/e2e_quantlib_bench.cpp; only compiled where QuantLib is found.
//
// Market: one SimpleQuote per market factor (shocked as DESIGN.md §4: x·exp(s) for
// spots and vols, x + s for rates and dividend yields); per currency a zero curve on the
// exact pillar times of DESIGN.md §4 (QuantLib's LinearInterpolation in zero rate, flat
// outside the pillars), which QuantLib's date-based ZeroCurve cannot express (n/12 years
// is not a whole number of days); dividend yields as FlatForward curves on their quote;
// vols as BlackConstantVol on their quote. Instruments: ZeroCouponBond, FixedRateBond
// (+ DiscountingBondEngine), VanillaSwap on a par-coupon IborIndex forecast off the same
// curve (+ DiscountingSwapEngine), VanillaOption + AnalyticEuropeanEngine (european, FX
// via GarmanKohlagenProcess (QuantLib's spelling), digital via CashOrNothingPayoff), BarrierOption +
// AnalyticBarrierEngine, VanillaOption with AmericanExercise +
// BjerksundStenslandApproximationEngine (the 1993 approximation: riskgrid prices the 2002
// one, so Americans differ by that gap). Equity, forwards and sensitivities are closed
// forms on the same quotes and curves (QuantLib has no instrument for them).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ql/currencies/america.hpp>
#include <ql/exercise.hpp>
#include <ql/indexes/iborindex.hpp>
#include <ql/instruments/barrieroption.hpp>
#include <ql/instruments/bonds/fixedratebond.hpp>
#include <ql/instruments/bonds/zerocouponbond.hpp>
#include <ql/instruments/payoffs.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/instruments/vanillaswap.hpp>
#include <ql/math/interpolations/linearinterpolation.hpp>
#include <ql/pricingengines/barrier/analyticbarrierengine.hpp>
#include <ql/pricingengines/bond/discountingbondengine.hpp>
#include <ql/pricingengines/swap/discountingswapengine.hpp>
#include <ql/pricingengines/vanilla/analyticeuropeanengine.hpp>
#include <ql/pricingengines/vanilla/bjerksundstenslandengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/termstructures/yield/zeroyieldstructure.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/time/schedule.hpp>

#include "riskgrid/core/date.hpp"
#include "riskgrid/market/base_market.hpp"
#include "riskgrid/portfolio/trade.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid_quantlib {

namespace ql = QuantLib;

/// Continuously compounded zero rates on fixed pillar times, linear in the rate between
/// them, flat outside; the rates are quotes, re-read when one of them changes.
class pillar_zero_curve : public ql::ZeroYieldStructure {
 public:
  pillar_zero_curve(const ql::Date& today, std::vector<double> times, std::vector<ql::Handle<ql::Quote>> rates)
      : ql::ZeroYieldStructure(today, ql::NullCalendar(), ql::Actual365Fixed()),
        times_(std::move(times)),
        quotes_(std::move(rates)),
        rates_(quotes_.size()) {
    for (const auto& q : quotes_) registerWith(q);
    if (times_.size() > 1) interpolation_ = ql::LinearInterpolation(times_.begin(), times_.end(), rates_.begin());
    refresh();
  }
  [[nodiscard]] ql::Date maxDate() const override { return ql::Date::maxDate(); }
  void update() override {
    refresh();
    ql::ZeroYieldStructure::update();
  }

 protected:
  [[nodiscard]] ql::Rate zeroYieldImpl(ql::Time t) const override {
    if (times_.size() == 1 || t <= times_.front()) return rates_.front();
    if (t >= times_.back()) return rates_.back();
    return interpolation_(t, true);
  }

 private:
  void refresh() {
    for (std::size_t k = 0; k < quotes_.size(); ++k) rates_[k] = quotes_[k]->value();
    if (times_.size() > 1) interpolation_.update();
  }
  std::vector<double> times_;
  std::vector<ql::Handle<ql::Quote>> quotes_;
  std::vector<double> rates_;
  ql::Interpolation interpolation_;
};

/// The trades of a riskgrid book as QuantLib objects on a market of quotes. Values are in
/// the base currency (DESIGN.md §4 conversion), P&L = value at the scenario's quotes −
/// value at the base quotes. Sets QuantLib's global evaluation date to `as_of`; not
/// thread-safe (QuantLib's observers).
class quantlib_book {
 public:
  quantlib_book(const std::vector<riskgrid::portfolio::trade>& trades, const riskgrid::market::base_market& market,
                const riskgrid::scenario::factor_set& shocked, const std::string& base_ccy, riskgrid::date as_of)
      : market_(&market), as_of_(as_of) {
    ql::Settings::instance().evaluationDate() = today_;
    for (std::size_t f = 0; f < market.size(); ++f) {
      quotes_.push_back(ql::ext::make_shared<ql::SimpleQuote>(market.value(f)));
      row_.push_back(shocked.find(market.name(f)));
    }
    for (const auto& t : trades) add(t, shocked, base_ccy);
    base_.resize(positions_.size());
    for (std::size_t t = 0; t < positions_.size(); ++t) base_[t] = value(t);
  }

  [[nodiscard]] std::size_t size() const noexcept { return positions_.size(); }
  [[nodiscard]] riskgrid::portfolio::trade_type type(std::size_t t) const noexcept { return positions_[t].type; }

  /// Moves every shocked quote to scenario lane i of `block`.
  void set_scenario(const riskgrid::scenario::shock_block& block, std::size_t i) {
    for (std::size_t f = 0; f < quotes_.size(); ++f) {
      if (!row_[f]) continue;
      const double s = block.factor(*row_[f])[i], x = market_->value(f);
      quotes_[f]->setValue(market_->factor(f).rule() == riskgrid::market::shock_rule::relative ? x * std::exp(s)
                                                                                                : x + s);
    }
    block_ = &block;
    lane_ = i;
  }

  /// Back to the base market.
  void set_base() {
    for (std::size_t f = 0; f < quotes_.size(); ++f) quotes_[f]->setValue(market_->value(f));
    block_ = nullptr;
  }

  /// Trade t's value in the base currency at the current quotes.
  [[nodiscard]] double value(std::size_t t) const {
    const auto& p = positions_[t];
    const double v = p.value();
    if (!p.fx) return v;
    const double x = quotes_[*p.fx]->value();
    return p.fx_inverse ? v / x : v * x;
  }

  [[nodiscard]] double base_value(std::size_t t) const noexcept { return base_[t]; }

  /// Every trade's P&L in scenario lane i of `block` (out.size() == size()).
  void trade_pnl(const riskgrid::scenario::shock_block& block, std::size_t i, std::span<double> out) {
    set_scenario(block, i);
    for (std::size_t t = 0; t < positions_.size(); ++t) out[t] = value(t) - base_[t];
  }

  /// The portfolio P&L of scenario lane i of `block`, summed in input order.
  [[nodiscard]] double pnl(const riskgrid::scenario::shock_block& block, std::size_t i) {
    set_scenario(block, i);
    double sum = 0.0;
    for (std::size_t t = 0; t < positions_.size(); ++t) sum += value(t) - base_[t];
    return sum;
  }

 private:
  struct position {
    riskgrid::portfolio::trade_type type;
    std::function<double()> value;  // trade currency
    std::optional<std::size_t> fx;  // quote converting to the base currency
    bool fx_inverse = false;
  };

  [[nodiscard]] ql::Date to_ql(riskgrid::date d) const { return today_ + static_cast<ql::Integer>((d - as_of_).count()); }
  [[nodiscard]] ql::Time time_to(riskgrid::date d) const { return static_cast<double>((d - as_of_).count()) / 365.0; }

  [[nodiscard]] std::size_t factor(const std::string& name) const {
    const auto f = market_->find(name);
    if (!f) throw std::runtime_error("quantlib_book: no " + name + " in the market");
    return *f;
  }
  [[nodiscard]] ql::Handle<ql::Quote> quote(std::size_t f) const { return ql::Handle<ql::Quote>(quotes_[f]); }

  ql::Handle<ql::YieldTermStructure> curve(const std::string& ccy) {
    if (const auto it = curves_.find(ccy); it != curves_.end()) return it->second;
    std::vector<std::pair<double, std::size_t>> pillars;
    for (std::size_t f = 0; f < market_->size(); ++f)
      if (market_->factor(f).kind == riskgrid::market::factor_kind::zero_rate && market_->factor(f).subject == ccy)
        pillars.emplace_back(market_->factor(f).tenor_years, f);
    if (pillars.empty()) throw std::runtime_error("quantlib_book: no curve for " + ccy);
    std::sort(pillars.begin(), pillars.end());
    std::vector<double> times;
    std::vector<ql::Handle<ql::Quote>> rates;
    for (const auto& [t, f] : pillars) {
      times.push_back(t);
      rates.push_back(quote(f));
    }
    ql::Handle<ql::YieldTermStructure> h(ql::ext::make_shared<pillar_zero_curve>(today_, times, rates));
    curves_.emplace(ccy, h);
    return h;
  }

  ql::Handle<ql::YieldTermStructure> dividend_curve(const std::string& underlying) {
    const auto f = market_->find("EQ." + underlying + ".DIV");
    const ql::Handle<ql::Quote> q = f ? quote(*f) : ql::Handle<ql::Quote>(ql::ext::make_shared<ql::SimpleQuote>(0.0));
    return ql::Handle<ql::YieldTermStructure>(
        ql::ext::make_shared<ql::FlatForward>(today_, q, ql::Actual365Fixed(), ql::Continuous));
  }

  ql::Handle<ql::BlackVolTermStructure> vol_curve(std::size_t f) {
    return ql::Handle<ql::BlackVolTermStructure>(
        ql::ext::make_shared<ql::BlackConstantVol>(today_, ql::NullCalendar(), quote(f), ql::Actual365Fixed()));
  }

  // One process per (underlying, trade currency), shared by its options.
  ql::ext::shared_ptr<ql::GeneralizedBlackScholesProcess> process(const riskgrid::portfolio::trade& t) {
    using riskgrid::portfolio::trade_type;
    const std::string key = t.underlying + "/" + t.currency;
    if (const auto it = processes_.find(key); it != processes_.end()) return it->second;
    ql::ext::shared_ptr<ql::GeneralizedBlackScholesProcess> p;
    if (t.type == trade_type::fx_option) {
      const auto spot = quote(factor("FX." + t.underlying + ".SPOT"));
      p = ql::ext::make_shared<ql::GarmanKohlagenProcess>(spot, curve(t.underlying.substr(0, 3)),
                                                           curve(t.underlying.substr(3, 3)),
                                                           vol_curve(factor("FX." + t.underlying + ".VOL")));
    } else {
      p = ql::ext::make_shared<ql::BlackScholesMertonProcess>(quote(factor("EQ." + t.underlying + ".SPOT")),
                                                              dividend_curve(t.underlying), curve(t.currency),
                                                              vol_curve(factor("EQ." + t.underlying + ".VOL")));
    }
    processes_.emplace(key, p);
    return p;
  }

  ql::Schedule schedule(const riskgrid::portfolio::trade& t) const {
    return ql::Schedule(today_, to_ql(*t.maturity), ql::Period(12 / *t.frequency, ql::Months), ql::NullCalendar(),
                        ql::Unadjusted, ql::Unadjusted, ql::DateGeneration::Backward, false);
  }

  static ql::Option::Type option_of(const riskgrid::portfolio::trade& t) {
    return *t.option == riskgrid::portfolio::option_type::call ? ql::Option::Call : ql::Option::Put;
  }

  void add(const riskgrid::portfolio::trade& t, const riskgrid::scenario::factor_set& shocked,
           const std::string& base_ccy) {
    using riskgrid::portfolio::trade_type;
    position p{t.type, {}, std::nullopt, false};
    const double q = t.quantity.value_or(1.0);
    switch (t.type) {
      case trade_type::equity: {
        const auto s = quotes_[factor("EQ." + t.underlying + ".SPOT")];
        p.value = [s, q] { return q * s->value(); };
        break;
      }
      case trade_type::equity_forward: {
        const auto s = quotes_[factor("EQ." + t.underlying + ".SPOT")];
        const auto d = dividend_curve(t.underlying);
        const auto r = curve(t.currency);
        const double k = *t.strike, tt = time_to(*t.maturity);
        p.value = [=] { return q * (s->value() * d->discount(tt) - k * r->discount(tt)); };
        break;
      }
      case trade_type::fx_forward: {
        const auto s = quotes_[factor("FX." + t.underlying + ".SPOT")];
        const auto rf = curve(t.underlying.substr(0, 3));
        const auto rd = curve(t.underlying.substr(3, 3));
        const double k = *t.strike, tt = time_to(*t.maturity);
        p.value = [=] { return q * (s->value() * rf->discount(tt) - k * rd->discount(tt)); };
        break;
      }
      case trade_type::zero_bond: {
        auto bond = ql::ext::make_shared<ql::ZeroCouponBond>(0, ql::NullCalendar(), *t.notional, to_ql(*t.maturity),
                                                             ql::Unadjusted, 100.0, today_);
        bond->setPricingEngine(ql::ext::make_shared<ql::DiscountingBondEngine>(curve(t.currency)));
        p.value = [bond, q] { return q * bond->NPV(); };
        break;
      }
      case trade_type::fixed_bond: {
        auto bond = ql::ext::make_shared<ql::FixedRateBond>(0, *t.notional, schedule(t), std::vector<ql::Rate>{*t.rate},
                                                            ql::Actual365Fixed(), ql::Unadjusted, 100.0, today_);
        bond->setPricingEngine(ql::ext::make_shared<ql::DiscountingBondEngine>(curve(t.currency)));
        p.value = [bond, q] { return q * bond->NPV(); };
        break;
      }
      case trade_type::swap: {
        const auto c = curve(t.currency);
        // Fixing days 0 on a null calendar: with QuantLib's default par coupons each
        // floating coupon forecasts over its own accrual period, so the leg is the par
        // floater notional·(1 − DF(T)) of DESIGN.md §4.
        const auto index = ql::ext::make_shared<ql::IborIndex>(
            "riskgrid-" + t.currency, ql::Period(12 / *t.frequency, ql::Months), 0, ql::USDCurrency(),
            ql::NullCalendar(), ql::Unadjusted, false, ql::Actual365Fixed(), c);
        const auto legs = schedule(t);
        auto swap = ql::ext::make_shared<ql::VanillaSwap>(*t.pay_fixed ? ql::Swap::Payer : ql::Swap::Receiver,
                                                          *t.notional, legs, *t.rate, ql::Actual365Fixed(), legs,
                                                          index, 0.0, ql::Actual365Fixed());
        swap->setPricingEngine(ql::ext::make_shared<ql::DiscountingSwapEngine>(c));
        p.value = [swap, q] { return q * swap->NPV(); };
        break;
      }
      case trade_type::european:
      case trade_type::fx_option:
      case trade_type::digital: {
        const auto engine = ql::ext::make_shared<ql::AnalyticEuropeanEngine>(process(t));
        ql::ext::shared_ptr<ql::StrikedTypePayoff> payoff;
        if (t.type == trade_type::digital)
          payoff = ql::ext::make_shared<ql::CashOrNothingPayoff>(option_of(t), *t.strike, t.notional.value_or(1.0));
        else
          payoff = ql::ext::make_shared<ql::PlainVanillaPayoff>(option_of(t), *t.strike);
        auto option =
            ql::ext::make_shared<ql::VanillaOption>(payoff, ql::ext::make_shared<ql::EuropeanExercise>(to_ql(*t.maturity)));
        option->setPricingEngine(engine);
        p.value = [option, q] { return q * option->NPV(); };
        break;
      }
      case trade_type::barrier: {
        const auto proc = process(t);
        const auto payoff = ql::ext::make_shared<ql::PlainVanillaPayoff>(option_of(t), *t.strike);
        const auto exercise = ql::ext::make_shared<ql::EuropeanExercise>(to_ql(*t.maturity));
        using riskgrid::portfolio::barrier_type;
        const auto kind = *t.barrier_kind;
        const bool down = kind == barrier_type::down_in || kind == barrier_type::down_out;
        const bool in = kind == barrier_type::down_in || kind == barrier_type::up_in;
        const auto ql_kind = down ? (in ? ql::Barrier::DownIn : ql::Barrier::DownOut)
                                  : (in ? ql::Barrier::UpIn : ql::Barrier::UpOut);
        const double level = *t.barrier, rebate = t.rebate.value_or(0.0);
        auto barrier = ql::ext::make_shared<ql::BarrierOption>(ql_kind, level, rebate, payoff, exercise);
        barrier->setPricingEngine(ql::ext::make_shared<ql::AnalyticBarrierEngine>(proc));
        auto vanilla = ql::ext::make_shared<ql::VanillaOption>(payoff, exercise);
        vanilla->setPricingEngine(ql::ext::make_shared<ql::AnalyticEuropeanEngine>(proc));
        const auto spot = proc->stateVariable();
        // A crossed barrier (DESIGN.md §4): a knock-in is its vanilla, a knock-out its
        // rebate (paid at the hit); QuantLib's engine refuses a touched barrier.
        p.value = [=] {
          const double s = spot->value();
          if (down ? s <= level : s >= level) return q * (in ? vanilla->NPV() : rebate);
          return q * barrier->NPV();
        };
        break;
      }
      case trade_type::american: {
        const auto payoff = ql::ext::make_shared<ql::PlainVanillaPayoff>(option_of(t), *t.strike);
        auto option = ql::ext::make_shared<ql::VanillaOption>(
            payoff, ql::ext::make_shared<ql::AmericanExercise>(today_, to_ql(*t.maturity)));
        option->setPricingEngine(ql::ext::make_shared<ql::BjerksundStenslandApproximationEngine>(process(t)));
        p.value = [option, q] { return q * option->NPV(); };
        break;
      }
      case trade_type::sensitivity: {
        const auto row = *shocked.find(t.factor);
        const double delta = *t.delta, gamma = t.gamma.value_or(0.0);
        p.value = [this, row, delta, gamma] {
          const double s = block_ ? block_->factor(row)[lane_] : 0.0;
          return delta * s + 0.5 * gamma * s * s;
        };
        positions_.push_back(std::move(p));  // already in the base currency
        return;
      }
    }
    if (t.currency != base_ccy) {
      if (const auto f = market_->find("FX." + t.currency + base_ccy + ".SPOT")) {
        p.fx = *f;
      } else {
        p.fx = factor("FX." + base_ccy + t.currency + ".SPOT");
        p.fx_inverse = true;
      }
    }
    positions_.push_back(std::move(p));
  }

  const riskgrid::market::base_market* market_;
  riskgrid::date as_of_;
  ql::Date today_ = [](std::chrono::year_month_day d) {
    return ql::Date(static_cast<ql::Day>(static_cast<unsigned>(d.day())),
                    static_cast<ql::Month>(static_cast<unsigned>(d.month())), static_cast<ql::Year>(int(d.year())));
  }(std::chrono::year_month_day(as_of_));
  std::vector<ql::ext::shared_ptr<ql::SimpleQuote>> quotes_;
  std::vector<std::optional<std::size_t>> row_;
  std::map<std::string, ql::Handle<ql::YieldTermStructure>> curves_;
  std::map<std::string, ql::ext::shared_ptr<ql::GeneralizedBlackScholesProcess>> processes_;
  std::vector<position> positions_;
  std::vector<double> base_;
  const riskgrid::scenario::shock_block* block_ = nullptr;
  std::size_t lane_ = 0;
};

}  // namespace riskgrid_quantlib
