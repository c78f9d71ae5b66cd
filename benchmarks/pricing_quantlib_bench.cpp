// QuantLib 1.29 baselines for pricing_bench.cpp, compiled into riskgrid-bench only when
// QuantLib is found (benchmarks/CMakeLists.txt), so that ratios come from one run.
#ifdef RISKGRID_HAVE_QUANTLIB
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include <ql/exercise.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/pricingengines/blackformula.hpp>
#include <ql/pricingengines/vanilla/analyticeuropeanengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>

namespace {

namespace ql = QuantLib;

constexpr std::size_t scenarios = 4096;

struct inputs {
  std::vector<double> spot, r, q, vol;
  inputs() : spot(scenarios), r(scenarios), q(scenarios), vol(scenarios) {
    std::mt19937_64 gen(17);
    std::normal_distribution<double> z(0.0, 1.0);
    for (std::size_t i = 0; i < scenarios; ++i) {
      spot[i] = 100.0 * std::exp(0.1 * z(gen));
      r[i] = 0.03 + 0.002 * z(gen);
      q[i] = 0.01 + 0.001 * z(gen);
      vol[i] = 0.25 * std::exp(0.05 * z(gen));
    }
  }
};

// VanillaOption + AnalyticEuropeanEngine, each scenario set through quote updates
// (spot, rate, dividend, vol), then NPV(): QuantLib's instrument path.
void quantlib_vanilla_engine(benchmark::State& state) {
  const inputs in;
  const ql::Date today(26, ql::November, 2026);
  ql::Settings::instance().evaluationDate() = today;
  const ql::DayCounter dc = ql::Actual365Fixed();
  auto spot = ql::ext::make_shared<ql::SimpleQuote>(100.0);
  auto rate = ql::ext::make_shared<ql::SimpleQuote>(0.03);
  auto div = ql::ext::make_shared<ql::SimpleQuote>(0.01);
  auto vol = ql::ext::make_shared<ql::SimpleQuote>(0.25);
  const ql::Handle<ql::YieldTermStructure> rts(
      ql::ext::make_shared<ql::FlatForward>(today, ql::Handle<ql::Quote>(rate), dc, ql::Continuous));
  const ql::Handle<ql::YieldTermStructure> qts(
      ql::ext::make_shared<ql::FlatForward>(today, ql::Handle<ql::Quote>(div), dc, ql::Continuous));
  const ql::Handle<ql::BlackVolTermStructure> vts(
      ql::ext::make_shared<ql::BlackConstantVol>(today, ql::NullCalendar(), ql::Handle<ql::Quote>(vol), dc));
  auto process = ql::ext::make_shared<ql::BlackScholesMertonProcess>(ql::Handle<ql::Quote>(spot), qts, rts, vts);
  ql::VanillaOption option(ql::ext::make_shared<ql::PlainVanillaPayoff>(ql::Option::Call, 105.0),
                           ql::ext::make_shared<ql::EuropeanExercise>(today + 274));
  option.setPricingEngine(ql::ext::make_shared<ql::AnalyticEuropeanEngine>(process));
  std::size_t i = 0;
  for (auto _ : state) {
    spot->setValue(in.spot[i]);
    rate->setValue(in.r[i]);
    div->setValue(in.q[i]);
    vol->setValue(in.vol[i]);
    benchmark::DoNotOptimize(option.NPV());
    i = (i + 1) % scenarios;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(quantlib_vanilla_engine);

// QuantLib's blackFormula on forward, std. deviation and discount per scenario.
void quantlib_black_formula(benchmark::State& state) {
  const inputs in;
  const double t = 274.0 / 365.0, sqrt_t = std::sqrt(t);
  std::vector<double> out(scenarios);
  for (auto _ : state) {
    for (std::size_t i = 0; i < scenarios; ++i) {
      const double df = std::exp(-in.r[i] * t);
      const double fwd = in.spot[i] * std::exp(-in.q[i] * t) / df;
      out[i] = ql::blackFormula(ql::Option::Call, 105.0, fwd, in.vol[i] * sqrt_t, df);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * scenarios));
}
BENCHMARK(quantlib_black_formula);

}  // namespace

#endif  // RISKGRID_HAVE_QUANTLIB
