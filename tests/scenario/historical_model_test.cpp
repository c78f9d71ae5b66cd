#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include "riskgrid/core/date.hpp"
#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/io/history_csv.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
#include "riskgrid/scenario/bootstrap_model.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/filtered_historical_model.hpp"
#include "riskgrid/scenario/historical_model.hpp"
#include "riskgrid/scenario/history.hpp"

namespace rg = riskgrid;
using rg::scenario::historical_model;
using rg::scenario::history;
using rg::scenario::shock_block;

static_assert(rg::scenario::scenario_generator<rg::scenario::historical_model>);
static_assert(rg::scenario::scenario_generator<rg::scenario::filtered_historical_model>);
static_assert(rg::scenario::scenario_generator<rg::scenario::bootstrap_model>);

namespace {
using riskgrid::testing::sensitivity;

rg::date day(const char* iso) { return *rg::parse_iso_date(iso); }

// 5 rows × 2 factors with shocks that are not exactly representable, so a sum taken in
// another order would differ in its last bits.
history small_history() {
  history h;
  h.factors = rg::scenario::factor_set({"EQ.A.SPOT", "IR.USD.1Y"});
  h.dates = {day("2026-01-05"), day("2026-01-06"), day("2026-01-07"), day("2026-01-08"), day("2026-01-09")};
  h.shocks = {0.1, 1e-4, 0.2, -3e-4, 0.3, 7e-5, -0.7, 1.1e-3, 1e-17, -2e-4};
  return h;
}

const history& bundled() {
  static const history h = rg::io::load_history(RISKGRID_SOURCE_DIR "/examples/data/history.csv");
  return h;
}

// DESIGN.md §4 estimators, written out independently of risk::var_es: losses sorted
// descending (ties by scenario ascending), k = floor(m) + 1, ES over m with the
// fractional weight, m = N·(1 − α) exact for α = a/1000.
struct reference_var_es {
  double var, es;
  std::size_t var_scenario;
};
reference_var_es reference(const std::vector<double>& pnl, std::uint64_t alpha_per_mille) {
  const auto n = pnl.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return -pnl[a] > -pnl[b] || (-pnl[a] == -pnl[b] && a < b);
  });
  const std::uint64_t numerator = n * (1000 - alpha_per_mille);  // m = numerator / 1000
  const std::size_t j = numerator / 1000;
  const double m = static_cast<double>(numerator) / 1000.0;
  const double fraction = static_cast<double>(numerator % 1000) / 1000.0;
  double sum = 0.0;
  for (std::size_t r = 0; r < j; ++r) sum += -pnl[order[r]];
  if (fraction != 0.0) sum += fraction * -pnl[order[j]];
  return {-pnl[order[j]], sum / m, order[j]};
}

}  // namespace

TEST_CASE("Historical scenarios are overlapping h-day sums of the rows, summed in row order",
          "[scenario][historical]") {
  const auto h = small_history();
  const historical_model model(h, {.horizon_days = 3});
  REQUIRE(model.scenario_count() == 3);
  CHECK(model.factors() == h.factors);
  shock_block block(2, 3);
  model.generate({0, 3}, block);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t f = 0; f < 2; ++f) {
      const double expected = (h.shock(i, f) + h.shock(i + 1, f)) + h.shock(i + 2, f);
      CHECK(block.factor(f)[i] == expected);
    }
  // Hand sums: (0.2 + 0.3) + (−0.7) and (−3e-4 + 7e-5) + 1.1e-3.
  CHECK(block.factor(0)[1] == (0.2 + 0.3) + -0.7);
  CHECK(block.factor(1)[1] == (-3e-4 + 7e-5) + 1.1e-3);
  // The window of scenario i ends on row i + h − 1.
  CHECK(model.scenario_date(0) == day("2026-01-07"));
  CHECK(model.scenario_date(2) == day("2026-01-09"));
  CHECK_THROWS_AS(model.scenario_date(3), rg::error);

  const historical_model one_day(h, {.horizon_days = 1});
  REQUIRE(one_day.scenario_count() == 5);
  shock_block daily(2, 5);
  one_day.generate({0, 5}, daily);
  for (std::size_t i = 0; i < 5; ++i) CHECK(daily.factor(1)[i] == h.shock(i, 1));
  CHECK(one_day.scenario_date(4) == day("2026-01-09"));

  const historical_model whole(h, {.horizon_days = 5});
  CHECK(whole.scenario_count() == 1);
  CHECK(whole.scenario_date(0) == day("2026-01-09"));
}

TEST_CASE("Historical 10-day shocks of the bundled history equal the hand-summed rows, for any cut",
          "[scenario][historical]") {
  const auto& h = bundled();
  REQUIRE(h.rows() == 1600);
  const std::size_t factors = h.factors.size();
  REQUIRE(factors == 87);
  const historical_model model(h, {.horizon_days = 10});
  REQUIRE(model.scenario_count() == 1591);
  shock_block whole(factors, 1591);
  model.generate({0, 1591}, whole);
  for (std::size_t i = 0; i < 1591; ++i)
    for (std::size_t f = 0; f < factors; ++f) {
      double sum = h.shock(i, f);
      for (std::size_t k = 1; k < 10; ++k) sum += h.shock(i + k, f);
      if (whole.factor(f)[i] != sum) FAIL("scenario " << i << " factor " << f);
    }
  // Pieces of random sizes in a smaller block: the same bits.
  std::mt19937_64 rng(11);
  shock_block piece(factors, 97);
  for (std::size_t first = 0; first < 1591;) {
    const auto count = std::min<std::size_t>(1 + rng() % 97, 1591 - first);
    model.generate({first, count}, piece);
    for (std::size_t f = 0; f < factors; ++f)
      for (std::size_t s = 0; s < count; ++s)
        if (piece.factor(f)[s] != whole.factor(f)[first + s]) FAIL("scenario " << first + s);
    first += count;
  }
  CHECK(model.scenario_date(0) == h.dates[9]);
  CHECK(model.scenario_date(1590) == day("2026-11-25"));
}

TEST_CASE("Historical VaR and ES of a linear book through the pipeline equal a direct computation",
          "[scenario][historical][pipeline]") {
  const auto& h = bundled();
  // One delta per factor except every fifth, two on the first factor; rate deltas are
  // per unit of rate (1e-4 = 1 bp), so they are scaled up.
  std::vector<rg::portfolio::trade> trades;
  std::vector<double> delta(h.factors.size(), 0.0);
  for (std::size_t f = 0; f < h.factors.size(); ++f) {
    if (f % 5 == 4) continue;
    const double scale = h.factors.name(f).starts_with("IR.") ? 2e8 : 1e6;
    const double d = (static_cast<double>((f * 37) % 11) - 4.75) * scale;
    trades.push_back(sensitivity("S" + std::to_string(f), h.factors.name(f), d));
    delta[f] += d;
  }
  trades.push_back(sensitivity("S0b", h.factors.name(0), 3.3e5));
  delta[0] += 3.3e5;

  for (const int horizon : {1, 10}) {
    INFO("horizon " << horizon);
    const historical_model model(h, {.horizon_days = horizon});
    const rg::market::base_market market;
    const rg::portfolio::book book(trades, market, model.factors(), {});
    const std::uint64_t n = model.scenario_count();
    REQUIRE(n == 1601 - static_cast<std::uint64_t>(horizon));

    // P&L of each window computed directly from the rows.
    std::vector<double> pnl(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t f = 0; f < h.factors.size(); ++f) {
        double s = 0.0;
        for (int k = 0; k < horizon; ++k) s += h.shock(i + static_cast<std::size_t>(k), f);
        pnl[i] += delta[f] * s;
      }

    const std::vector<rg::confidence> levels{rg::confidence(0.99), rg::confidence(0.975)};
    const std::uint64_t per_mille[2] = {990, 975};
    const rg::risk::var_es_aggregator prototype(n, levels);
    const rg::exec::pipeline pipeline(model, book, prototype, {.scenarios = n, .chunk_size = 8192, .block_size = 256});
    const auto got = rg::exec::run(pipeline, rg::exec::serial{}).results();
    // Another cut of the index space: the same bits.
    const rg::exec::pipeline cut(model, book, prototype, {.scenarios = n, .chunk_size = 100, .block_size = 7});
    const auto got_cut = rg::exec::run(cut, rg::exec::serial{}).results();
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const auto expected = reference(pnl, per_mille[l]);
      INFO("alpha " << levels[l].text() << " VaR " << got[l].var << " vs " << expected.var << ", ES "
                    << got[l].es << " vs " << expected.es);
      CHECK(expected.var > 0.0);
      CHECK(std::abs(got[l].var - expected.var) <= 1e-12 * std::abs(expected.var));
      CHECK(std::abs(got[l].es - expected.es) <= 1e-12 * std::abs(expected.es));
      CHECK(got[l].var_scenario == expected.var_scenario);
      CHECK(got_cut[l].var == got[l].var);
      CHECK(got_cut[l].es == got[l].es);
      // The VaR scenario is a dated window.
      CHECK(model.scenario_date(got[l].var_scenario) ==
            h.dates[expected.var_scenario + static_cast<std::size_t>(horizon) - 1]);
    }
  }
}

TEST_CASE("A horizon longer than the history gives zero scenarios and is refused",
          "[scenario][historical][errors]") {
  const auto h = small_history();
  try {
    (void)historical_model(h, {.horizon_days = 6});
    FAIL("accepted a 6-day horizon on 5 rows");
  } catch (const rg::model_error& e) {
    CHECK(std::string(e.what()) ==
          "historical_model: zero scenarios: horizon 6 days longer than the history of 5 rows");
  }
  CHECK_THROWS_WITH(historical_model(h, {.horizon_days = 0}), Catch::Contains("at least one day, got 0"));
  CHECK_THROWS_AS(rg::scenario::filtered_historical_model(h, {.ewma = {}, .horizon_days = 6}), rg::model_error);
}

TEST_CASE("A history built in code is checked: sizes, increasing dates, finite shocks",
          "[scenario][history][errors]") {
  auto h = small_history();
  REQUIRE_NOTHROW(rg::scenario::check_history(h));
  auto short_shocks = h;
  short_shocks.shocks.pop_back();
  CHECK_THROWS_WITH(historical_model(short_shocks, {}), Catch::Contains("got 9 shocks, expected 5 rows"));
  auto same_day = h;
  same_day.dates[3] = same_day.dates[2];
  CHECK_THROWS_WITH(historical_model(same_day, {}),
                    Catch::Contains("not strictly increasing") && Catch::Contains("2026-01-07"));
  auto nan = h;
  nan.shocks[5] = std::nan("");
  CHECK_THROWS_WITH(rg::scenario::bootstrap_model(nan, {}),
                    Catch::Contains("IR.USD.1Y on 2026-01-07 is not finite"));
  CHECK_THROWS_WITH(historical_model(history{}, {}), Catch::Contains("no factor"));
}

TEST_CASE("History windows keep the rows, dates and factors they select", "[scenario][history]") {
  const auto h = small_history();
  const auto w = rg::scenario::window(h, 1, 3);
  REQUIRE(w.rows() == 3);
  CHECK(w.factors == h.factors);
  CHECK(w.dates.front() == day("2026-01-06"));
  CHECK(w.shock(2, 1) == 1.1e-3);
  CHECK(w.row(0)[0] == 0.2);
  const auto last = rg::scenario::last_rows(h, 2);
  REQUIRE(last.rows() == 2);
  CHECK(last.dates.back() == day("2026-01-09"));
  CHECK(last.shock(0, 0) == -0.7);
  CHECK(rg::scenario::last_rows(h, 5).shocks == h.shocks);
  CHECK_THROWS_AS(rg::scenario::last_rows(h, 6), rg::error);
  CHECK_THROWS_AS(rg::scenario::last_rows(h, 0), rg::error);
  CHECK_THROWS_AS(rg::scenario::window(h, 4, 2), rg::error);
  // FRTB's current window: the latest 250 rows at h = 10 give 241 scenarios.
  const historical_model frtb(rg::scenario::last_rows(bundled(), 250), {.horizon_days = 10});
  CHECK(frtb.scenario_count() == 241);
  CHECK(frtb.scenario_date(240) == day("2026-11-25"));
}
