// Book revaluation throughput: bonds, swaps and a mixed book of every instrument type,
// SIMD (default arch) against the scalar `double` path of the same kernels, and, when
// QuantLib is found, against FixedRateBond / VanillaSwap with discounting engines on a
// spread-shifted zero curve (one scenario = set the pillar spreads, ask for the NPV).
//
// Counters: `revals/s` = trades × scenarios per second; `flows/s` = fixed-leg cash flows ×
// scenarios per second. Blocks of 256 scenarios, shocks N(0, 1e-4²) on every pillar.

#include <riskgrid/portfolio/book.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#if RISKGRID_HAVE_QUANTLIB
#include <ql/currencies/america.hpp>
#include <ql/indexes/iborindex.hpp>
#include <ql/instruments/bonds/fixedratebond.hpp>
#include <ql/instruments/vanillaswap.hpp>
#include <ql/pricingengines/bond/discountingbondengine.hpp>
#include <ql/pricingengines/swap/discountingswapengine.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/yield/piecewisezerospreadedtermstructure.hpp>
#include <ql/termstructures/yield/zerocurve.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/time/schedule.hpp>
#endif

namespace {

namespace rg = riskgrid;
namespace rp = riskgrid::portfolio;

constexpr std::size_t block_size = 256;
const rg::date bench_as_of = *rg::parse_iso_date("2026-11-25");

const std::array<const char*, 10> usd_tenors = {"1M", "3M", "6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y", "30Y"};

rg::market::base_market bench_market() {
  rg::market::base_market m;
  for (std::size_t k = 0; k < usd_tenors.size(); ++k) {
    m.add(std::string("IR.USD.") + usd_tenors[k], 0.03 + 0.001 * static_cast<double>(k));
    m.add(std::string("IR.EUR.") + usd_tenors[k], 0.02 + 0.001 * static_cast<double>(k));
  }
  m.add("FX.EURUSD.SPOT", 1.1);
  m.add("FX.EURUSD.VOL", 0.08);
  for (int e = 0; e < 20; ++e) {
    const std::string name = "EQ.S" + std::to_string(e);
    m.add(name + ".SPOT", 50.0 + e);
    m.add(name + ".VOL", 0.2 + 0.005 * e);
    m.add(name + ".DIV", 0.01);
  }
  return m;
}

rg::scenario::factor_set all_factors(const rg::market::base_market& m) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < m.size(); ++i) names.push_back(m.name(i));
  return rg::scenario::factor_set(names);
}

rg::scenario::shock_block bench_block(const rg::market::base_market& m) {
  rg::scenario::shock_block block(m.size(), block_size);
  block.reset({0, block_size});
  std::mt19937_64 gen(42);
  std::normal_distribution<double> z(0.0, 1.0);
  for (std::size_t f = 0; f < m.size(); ++f)
    for (auto& s : block.factor(f)) s = (m.factor(f).kind == rg::market::factor_kind::zero_rate ? 1e-4 : 0.01) * z(gen);
  return block;
}

std::string maturity(int years, int months) {
  return std::to_string(2026 + years + (10 + months) / 12) + "-" + (((10 + months) % 12 + 1) < 10 ? "0" : "") +
         std::to_string((10 + months) % 12 + 1) + "-15";
}

rp::trade linear(rp::trade_type type, int i) {
  rp::trade t;
  t.id = std::string(rg::portfolio::to_string(type)) + std::to_string(i);
  t.type = type;
  t.currency = "USD";
  t.notional = 1e6;
  t.rate = 0.03 + 0.0001 * (i % 20);
  t.frequency = type == rp::trade_type::swap ? 4 : 2;
  t.pay_fixed = i % 2 == 0;
  t.maturity = *rg::parse_iso_date(maturity(1 + i % 10, i % 12));  // 1–10 years
  return t;
}

rp::trade option_trade(rp::trade_type type, int i) {
  rp::trade t;
  t.id = std::string(rg::portfolio::to_string(type)) + std::to_string(i);
  t.type = type;
  t.currency = "USD";
  t.underlying = "S" + std::to_string(i % 20);
  t.quantity = 100;
  t.strike = 50.0 + i % 20 + (i % 5 - 2) * 2.0;
  t.option = i % 2 == 0 ? rp::option_type::call : rp::option_type::put;
  t.maturity = *rg::parse_iso_date(maturity(1 + i % 3, i % 12));  // 1–4 years
  t.notional = 10.0;
  if (type == rp::trade_type::fx_option || type == rp::trade_type::fx_forward) {
    t.underlying = "EURUSD";
    t.strike = 1.05 + 0.01 * (i % 10);
    t.quantity = 1e6;
  }
  if (type == rp::trade_type::barrier) {
    const bool down = i % 2 == 0;
    t.barrier_kind = down ? (i % 4 == 0 ? rp::barrier_type::down_out : rp::barrier_type::down_in)
                          : (i % 4 == 1 ? rp::barrier_type::up_out : rp::barrier_type::up_in);
    t.barrier = (50.0 + i % 20) * (down ? 0.8 : 1.25);
    t.rebate = 1.0;
  }
  return t;
}

// A realistic mix: many linear rates trades, fewer options, exotics rarer.
std::vector<rp::trade> mixed_trades(std::size_t scale) {
  const std::array<std::pair<rp::trade_type, std::size_t>, 11> mix = {{{rp::trade_type::equity, 20},
                                                                       {rp::trade_type::equity_forward, 10},
                                                                       {rp::trade_type::fx_forward, 10},
                                                                       {rp::trade_type::zero_bond, 10},
                                                                       {rp::trade_type::fixed_bond, 30},
                                                                       {rp::trade_type::swap, 30},
                                                                       {rp::trade_type::european, 30},
                                                                       {rp::trade_type::fx_option, 10},
                                                                       {rp::trade_type::digital, 5},
                                                                       {rp::trade_type::barrier, 5},
                                                                       {rp::trade_type::american, 10}}};
  std::vector<rp::trade> out;
  for (const auto& [type, count] : mix)
    for (std::size_t i = 0; i < count * scale; ++i) {
      const int k = static_cast<int>(i);
      auto t = (type == rp::trade_type::zero_bond || type == rp::trade_type::fixed_bond || type == rp::trade_type::swap)
                   ? linear(type, k)
                   : option_trade(type, k);
      if (type == rp::trade_type::equity || type == rp::trade_type::equity_forward) t.strike = 50.0;
      out.push_back(std::move(t));
    }
  return out;
}

std::size_t flow_count(const std::vector<rp::trade>& trades) {
  std::size_t n = 0;
  for (const auto& t : trades)
    if (t.type == rp::trade_type::fixed_bond || t.type == rp::trade_type::swap)
      n += rp::payment_dates(bench_as_of, *t.maturity, *t.frequency).size();
  return n;
}

template <class V>
void run_book(benchmark::State& state, const std::vector<rp::trade>& trades) {
  const auto market = bench_market();
  const auto factors = all_factors(market);
  const rp::book book(trades, market, factors, {.base_currency = "USD", .as_of = bench_as_of});
  const auto block = bench_block(market);
  std::vector<double> pnl(block_size);
  for (auto _ : state) {
    book.revalue_with<V>(block, pnl);
    benchmark::DoNotOptimize(pnl.data());
    benchmark::ClobberMemory();
  }
  const auto scenarios = static_cast<double>(state.iterations()) * block_size;
  state.counters["revals/s"] =
      benchmark::Counter(scenarios * static_cast<double>(trades.size()), benchmark::Counter::kIsRate);
  if (const auto flows = flow_count(trades); flows > 0)
    state.counters["flows/s"] = benchmark::Counter(scenarios * static_cast<double>(flows), benchmark::Counter::kIsRate);
}

std::vector<rp::trade> only(rp::trade_type type, std::size_t n) {
  std::vector<rp::trade> out;
  for (std::size_t i = 0; i < n; ++i) {
    const int k = static_cast<int>(i);
    out.push_back((type == rp::trade_type::zero_bond || type == rp::trade_type::fixed_bond || type == rp::trade_type::swap)
                      ? linear(type, k)
                      : option_trade(type, k));
    if (type == rp::trade_type::equity || type == rp::trade_type::equity_forward) out.back().strike = 50.0;
  }
  return out;
}

void BM_book_bonds(benchmark::State& state) { run_book<rp::book::batch_type>(state, only(rp::trade_type::fixed_bond, 100)); }
void BM_book_bonds_scalar(benchmark::State& state) { run_book<double>(state, only(rp::trade_type::fixed_bond, 100)); }
void BM_book_swaps(benchmark::State& state) { run_book<rp::book::batch_type>(state, only(rp::trade_type::swap, 100)); }
void BM_book_swaps_scalar(benchmark::State& state) { run_book<double>(state, only(rp::trade_type::swap, 100)); }
void BM_book_mixed(benchmark::State& state) { run_book<rp::book::batch_type>(state, mixed_trades(1)); }
void BM_book_mixed_scalar(benchmark::State& state) { run_book<double>(state, mixed_trades(1)); }

// The mixed book's trades of one type alone: time shares per type.
void BM_book_mixed_part(benchmark::State& state) {
  const auto type = static_cast<rp::trade_type>(state.range(0));
  std::vector<rp::trade> part;
  for (auto& t : mixed_trades(1))
    if (t.type == type) part.push_back(t);
  state.SetLabel(std::string(rp::to_string(type)) + " x" + std::to_string(part.size()));
  run_book<rp::book::batch_type>(state, part);
}

BENCHMARK(BM_book_bonds);
BENCHMARK(BM_book_bonds_scalar);
BENCHMARK(BM_book_swaps);
BENCHMARK(BM_book_swaps_scalar);
BENCHMARK(BM_book_mixed);
BENCHMARK(BM_book_mixed_scalar);
BENCHMARK(BM_book_mixed_part)->DenseRange(0, 10);

#if RISKGRID_HAVE_QUANTLIB
namespace ql = QuantLib;

// The bench market's USD curve in QuantLib: zero rates at the pillars (times rounded to
// whole days), linear in zero rate, continuous, Act/365F, under a spreaded curve whose
// pillar spreads are the scenario's shocks. One revaluation = set the spreads, ask the NPV.
class ql_curve {
 public:
  ql_curve() {
    ql::Settings::instance().evaluationDate() = today;
    const auto market = bench_market();
    std::vector<ql::Date> dates{today};
    std::vector<ql::Rate> rates{market.value(*market.find("IR.USD.1M"))};
    std::vector<ql::Date> pillars;
    std::vector<ql::Handle<ql::Quote>> handles;
    for (const char* tenor : usd_tenors) {
      const auto f = *market.find(std::string("IR.USD.") + tenor);
      const ql::Date d = today + static_cast<ql::Integer>(market.factor(f).tenor_years * 365.0 + 0.5);
      dates.push_back(d);
      rates.push_back(market.value(f));
      pillars.push_back(d);
      factors.push_back(f);
      spreads.push_back(ql::ext::make_shared<ql::SimpleQuote>(0.0));
      handles.emplace_back(spreads.back());
    }
    const auto base = ql::ext::make_shared<ql::ZeroCurve>(dates, rates, ql::Actual365Fixed());
    base->enableExtrapolation();
    curve = ql::Handle<ql::YieldTermStructure>(ql::ext::make_shared<ql::PiecewiseZeroSpreadedTermStructure>(
        ql::Handle<ql::YieldTermStructure>(base), handles, pillars));
  }

  void shock(const rg::scenario::shock_block& block, std::size_t i) {
    for (std::size_t k = 0; k < spreads.size(); ++k) spreads[k]->setValue(block.factor(factors[k])[i]);
  }

  ql::Date today{25, ql::November, 2026};
  std::vector<std::size_t> factors;
  std::vector<ql::ext::shared_ptr<ql::SimpleQuote>> spreads;
  ql::Handle<ql::YieldTermStructure> curve;
};

ql::Schedule ql_schedule(const ql_curve& c, const rp::trade& t, ql::Frequency f) {
  const rg::date m = *t.maturity;
  const ql::Date maturity = c.today + static_cast<ql::Integer>((m - bench_as_of).count());
  return ql::Schedule(c.today, maturity, ql::Period(f), ql::NullCalendar(), ql::Unadjusted, ql::Unadjusted,
                      ql::DateGeneration::Backward, false);
}

template <class Instrument>
void run_quantlib(benchmark::State& state, std::vector<ql::ext::shared_ptr<Instrument>>& instruments, ql_curve& c,
                  std::size_t flows) {
  const auto market = bench_market();
  const auto block = bench_block(market);
  constexpr std::size_t scenarios = 16;
  double sink = 0.0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < scenarios; ++i) {
      c.shock(block, i);
      for (auto& x : instruments) sink += x->NPV();
    }
  }
  benchmark::DoNotOptimize(sink);
  const auto n = static_cast<double>(state.iterations()) * scenarios;
  state.counters["revals/s"] =
      benchmark::Counter(n * static_cast<double>(instruments.size()), benchmark::Counter::kIsRate);
  state.counters["flows/s"] = benchmark::Counter(n * static_cast<double>(flows), benchmark::Counter::kIsRate);
}

void BM_quantlib_bonds(benchmark::State& state) {
  ql_curve c;
  const auto trades = only(rp::trade_type::fixed_bond, 100);
  std::vector<ql::ext::shared_ptr<ql::FixedRateBond>> bonds;
  const auto engine = ql::ext::make_shared<ql::DiscountingBondEngine>(c.curve);
  for (const auto& t : trades) {
    bonds.push_back(ql::ext::make_shared<ql::FixedRateBond>(0, *t.notional, ql_schedule(c, t, ql::Semiannual),
                                                             std::vector<ql::Rate>{*t.rate}, ql::Actual365Fixed()));
    bonds.back()->setPricingEngine(engine);
  }
  run_quantlib(state, bonds, c, flow_count(trades));
}

void BM_quantlib_swaps(benchmark::State& state) {
  ql_curve c;
  const auto trades = only(rp::trade_type::swap, 100);
  const auto index = ql::ext::make_shared<ql::IborIndex>("USD-BENCH", ql::Period(3, ql::Months), 0, ql::USDCurrency(),
                                                          ql::NullCalendar(), ql::Unadjusted, false,
                                                          ql::Actual365Fixed(), c.curve);
  const auto engine = ql::ext::make_shared<ql::DiscountingSwapEngine>(c.curve);
  std::vector<ql::ext::shared_ptr<ql::VanillaSwap>> swaps;
  for (const auto& t : trades) {
    const auto schedule = ql_schedule(c, t, ql::Quarterly);
    swaps.push_back(ql::ext::make_shared<ql::VanillaSwap>(*t.pay_fixed ? ql::Swap::Payer : ql::Swap::Receiver,
                                                           *t.notional, schedule, *t.rate, ql::Actual365Fixed(),
                                                           schedule, index, 0.0, ql::Actual365Fixed()));
    swaps.back()->setPricingEngine(engine);
  }
  run_quantlib(state, swaps, c, flow_count(trades));
}

BENCHMARK(BM_quantlib_bonds);
BENCHMARK(BM_quantlib_swaps);
#endif

}  // namespace
