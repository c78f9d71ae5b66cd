#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/core/date.hpp"
#include "riskgrid/risk/frtb.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/historical_model.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/shock_block.hpp"
#include "riskgrid/scenario/subset_historical_model.hpp"

namespace rg = riskgrid;
namespace frtb = riskgrid::risk::frtb;
using rg::scenario::factor_set;
using rg::scenario::history;
using rg::scenario::subset_historical_model;

static_assert(rg::scenario::scenario_generator<subset_historical_model>);

namespace {

const rg::confidence alpha975 = rg::confidence::parse("0.975");

// Daily dates from 2020-01-01 on, one per row (weekends included: only the order matters).
std::vector<rg::date> dates(std::size_t rows) {
  std::vector<rg::date> out;
  auto d = *rg::parse_iso_date("2020-01-01");
  for (std::size_t r = 0; r < rows; ++r) {
    out.push_back(d);
    d += std::chrono::days(1);
  }
  return out;
}

// P&L of every scenario of `model` for a linear book Σ_f delta[f]·shock_f, in blocks of 64.
std::vector<double> linear_pnl(const subset_historical_model& model, const std::vector<double>& delta) {
  const auto n = model.scenario_count();
  std::vector<double> pnl(n);
  rg::scenario::shock_block block(model.factors().size(), 64);
  for (std::size_t first = 0; first < n; first += 64) {
    const rg::scenario_range range{first, std::min<std::size_t>(64, n - first)};
    model.generate(range, block);
    for (std::size_t i = 0; i < range.count; ++i) {
      double p = 0.0;
      for (std::size_t f = 0; f < delta.size(); ++f) p += delta[f] * block.factor(f)[i];
      pnl[first + i] = p;
    }
  }
  return pnl;
}

}  // namespace

TEST_CASE("FRTB cascade: ES 10, 8, 6, 4, 2 give sqrt(100 + 64 + 2*36 + 2*16 + 6*4)", "[risk][frtb]") {
  const std::array<double, 5> es{10, 8, 6, 4, 2};
  const auto c = frtb::liquidity_adjust(es);
  CHECK(c.es == Approx(std::sqrt(292.0)).epsilon(1e-15));
  CHECK(c.es == Approx(17.08800749063506).epsilon(1e-15));
  const std::array<double, 5> scales{1.0, 1.0, std::sqrt(2.0), std::sqrt(2.0), std::sqrt(6.0)};
  const std::array<int, 5> horizons{10, 20, 40, 60, 120};
  for (std::size_t j = 0; j < 5; ++j) {
    CHECK(c.terms[j].liquidity_horizon == horizons[j]);
    CHECK(c.terms[j].es == es[j]);
    CHECK(c.terms[j].scale == Approx(scales[j]).epsilon(1e-15));
    CHECK(c.terms[j].term == c.terms[j].es * c.terms[j].scale);
  }
  // Only the base term: the ES itself.
  CHECK(frtb::liquidity_adjust(std::array<double, 5>{7, 0, 0, 0, 0}).es == 7.0);
  // A factor with a 120-day horizon counts in every term: sqrt(1 + 1 + 2 + 2 + 6) = sqrt(12).
  CHECK(frtb::liquidity_adjust(std::array<double, 5>{1, 1, 1, 1, 1}).es == Approx(std::sqrt(12.0)).epsilon(1e-15));
}

TEST_CASE("FRTB ES of a P&L sample is var_es's exact estimator: 241 scenarios weigh 6.025 losses", "[risk][frtb]") {
  // P&L −1 … −241: the worst losses 241 … 236 fully and a 0.025 share of 235, over 6.025.
  std::vector<double> pnl(241);
  for (std::size_t i = 0; i < pnl.size(); ++i) pnl[i] = -static_cast<double>(i + 1);
  std::shuffle(pnl.begin(), pnl.end(), std::mt19937(7));
  const double expected = (241.0 + 240 + 239 + 238 + 237 + 236 + 0.025 * 235) / 6.025;
  CHECK(frtb::expected_shortfall(pnl, alpha975) == Approx(expected).epsilon(1e-15));

  // The same bits as risk::var_es over the fully sorted sample.
  std::mt19937_64 rng(11);
  std::student_t_distribution<double> t(3.0);
  std::vector<double> sample(1000);
  for (auto& x : sample) x = 1e6 * t(rng);
  std::vector<rg::risk::tail_entry> sorted;
  for (std::size_t i = 0; i < sample.size(); ++i) sorted.push_back({-sample[i], i});
  std::sort(sorted.begin(), sorted.end(), rg::risk::worse);
  CHECK(frtb::expected_shortfall(sample, alpha975) == rg::risk::var_es(sorted, sample.size(), alpha975).es);

  std::vector<double> bad{1.0, NAN, 2.0};
  CHECK_THROWS_AS(frtb::expected_shortfall(bad, alpha975), rg::model_error);
  CHECK_THROWS_AS(frtb::expected_shortfall(std::vector<double>{}, alpha975), rg::error);
}

TEST_CASE("FRTB sliding ES equals the ES of each window", "[risk][frtb]") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> z;
  std::vector<double> pnl(400);
  for (auto& x : pnl) x = z(rng);
  const auto es = frtb::sliding_expected_shortfall(pnl, 241, alpha975);
  REQUIRE(es.size() == 160);
  for (std::size_t w = 0; w < es.size(); ++w)
    CHECK(es[w] == frtb::expected_shortfall(std::span<const double>(pnl).subspan(w, 241), alpha975));
  CHECK_THROWS_AS(frtb::sliding_expected_shortfall(pnl, 401, alpha975), rg::error);
  CHECK_THROWS_AS(frtb::sliding_expected_shortfall(pnl, 0, alpha975), rg::error);
}

TEST_CASE("FRTB stressed calibration: ES_R,S * max(ES_F,C / ES_R,C, 1) and the 75% check", "[risk][frtb]") {
  SECTION("the full set shows more loss: scaled up") {
    const auto s = frtb::stress_calibrate(20.0, 12.0, 10.0);
    CHECK(s.ratio == 1.2);
    CHECK(s.es == 24.0);
    REQUIRE(s.explained);
    CHECK(*s.explained == 10.0 / 12.0);
    CHECK(s.reduced_set_ok);
  }
  SECTION("the reduced set shows more loss: the ratio is floored at 1") {
    const auto s = frtb::stress_calibrate(20.0, 9.0, 10.0);
    CHECK(s.ratio == 1.0);
    CHECK(s.es == 20.0);
    CHECK(*s.explained == 10.0 / 9.0);
    CHECK(s.reduced_set_ok);
  }
  SECTION("a reduced set below 75% is flagged, and still scales") {
    const auto s = frtb::stress_calibrate(20.0, 10.0, 6.0);
    CHECK(*s.explained == 0.6);
    CHECK_FALSE(s.reduced_set_ok);
    CHECK(s.ratio == 10.0 / 6.0);
    CHECK(s.es == 20.0 * (10.0 / 6.0));
  }
  SECTION("exactly 75% passes") {
    const auto s = frtb::stress_calibrate(1.0, 4.0, 3.0);
    CHECK(*s.explained == 0.75);
    CHECK(s.reduced_set_ok);
  }
  SECTION("nothing to explain: ratio 1") {
    const auto s = frtb::stress_calibrate(5.0, 0.0, 0.0);
    CHECK(s.ratio == 1.0);
    CHECK(s.es == 5.0);
    CHECK_FALSE(s.explained);
    CHECK(s.reduced_set_ok);
  }
  SECTION("a reduced set without loss against a full set with loss has no calibration") {
    CHECK_THROWS_AS(frtb::stress_calibrate(5.0, 3.0, 0.0), rg::model_error);
  }
}

TEST_CASE("FRTB IMCC = 0.5 * unconstrained + 0.5 * sum of constrained", "[risk][frtb]") {
  const std::vector<double> constrained{30.0, 50.0, 40.0};
  const auto r = frtb::imcc(100.0, constrained);
  CHECK(r.unconstrained == 100.0);
  CHECK(r.constrained_sum == 120.0);
  CHECK(r.imcc == 110.0);
  CHECK(frtb::imcc(8.0, std::vector<double>{}).imcc == 4.0);
}

TEST_CASE("FRTB SES: idiosyncratic at zero correlation, the others at rho = 0.6", "[risk][frtb]") {
  const std::vector<double> idio{3.0, 4.0}, others{10.0, 20.0};
  const auto r = frtb::aggregate_ses(idio, others);
  CHECK(r.idiosyncratic == 5.0);
  // sqrt((0.6 * 30)^2 + (1 - 0.36) * (100 + 400)) = sqrt(324 + 320)
  CHECK(r.correlated == Approx(std::sqrt(644.0)).epsilon(1e-15));
  CHECK(r.ses == r.idiosyncratic + r.correlated);
  // One correlated scenario alone: sqrt(0.36 x² + 0.64 x²) = x.
  CHECK(frtb::aggregate_ses({}, std::vector<double>{7.0}).ses == Approx(7.0).epsilon(1e-15));
  CHECK(frtb::aggregate_ses({}, {}).ses == 0.0);
  CHECK_THROWS_AS(frtb::aggregate_ses(std::vector<double>{-1.0}, {}), rg::error);
  CHECK(frtb::ses_horizon(10) == 20);
  CHECK(frtb::ses_horizon(20) == 20);
  CHECK(frtb::ses_horizon(60) == 60);
}

TEST_CASE("FRTB worst window: the largest ES, the earliest among ties within 1e-9 relative", "[risk][frtb]") {
  CHECK(frtb::worst_window(std::vector<double>{1.0, 3.0, 2.0}) == 1);
  CHECK(frtb::worst_window(std::vector<double>{3.0, 1.0, 3.0}) == 0);
  CHECK(frtb::worst_window(std::vector<double>{1.0, 2.0, 2.0 * (1 + 1e-12)}) == 1);
  CHECK(frtb::worst_window(std::vector<double>{1.0, 2.0, 2.0 * (1 + 1e-6)}) == 2);
  CHECK(frtb::worst_window(std::vector<double>{-5.0, -2.0, -2.0 * (1 - 1e-12)}) == 1);
  CHECK_THROWS_AS(frtb::worst_window(std::vector<double>{}), rg::error);
}

TEST_CASE("FRTB liquidity horizons and MAR33.12 defaults", "[risk][frtb]") {
  using frtb::risk_class;
  CHECK(frtb::is_liquidity_horizon(10));
  CHECK(frtb::is_liquidity_horizon(120));
  CHECK_FALSE(frtb::is_liquidity_horizon(30));
  CHECK(frtb::default_liquidity_horizon("IR.USD.10Y", risk_class::ir) == 10);
  CHECK(frtb::default_liquidity_horizon("IR.NZD.10Y", risk_class::ir) == 20);
  CHECK(frtb::default_liquidity_horizon("IR.NZD.10Y", risk_class::ir, "NZD") == 10);
  CHECK(frtb::default_liquidity_horizon("EQ.AAPL.SPOT", risk_class::equity) == 10);
  CHECK(frtb::default_liquidity_horizon("EQ.AAPL.VOL", risk_class::equity) == 20);
  CHECK(frtb::default_liquidity_horizon("EQ.AAPL.DIV", risk_class::equity) == 60);
  CHECK(frtb::default_liquidity_horizon("FX.EURUSD.SPOT", risk_class::fx) == 10);
  CHECK(frtb::default_liquidity_horizon("FX.USDJPY.SPOT", risk_class::fx) == 10);
  CHECK(frtb::default_liquidity_horizon("FX.EURAUD.SPOT", risk_class::fx) == 10);  // first-order cross
  CHECK(frtb::default_liquidity_horizon("FX.USDTHB.SPOT", risk_class::fx) == 20);
  CHECK(frtb::default_liquidity_horizon("FX.EURUSD.VOL", risk_class::fx) == 40);
  CHECK_FALSE(frtb::default_liquidity_horizon("CR.ACME.5Y", risk_class::credit));
  CHECK_FALSE(frtb::default_liquidity_horizon("EQ.AAPL.SPOT", risk_class::ir));
  CHECK(frtb::parse_risk_class("Equity") == risk_class::equity);
  CHECK(frtb::parse_risk_class("F-X") == risk_class::fx);
  CHECK_FALSE(frtb::parse_risk_class("rates"));
}

TEST_CASE("subset_historical_model: the historical model's bits on the shocked rows, zeros elsewhere",
          "[risk][frtb][scenario]") {
  history h;
  h.factors = factor_set({"A", "B", "C"});
  h.dates = dates(40);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> z(0.0, 0.01);
  for (std::size_t i = 0; i < 40 * 3; ++i) h.shocks.push_back(z(rng));
  const rg::scenario::historical_model reference(h, {10});
  // A wider layout, in another order, with a factor the history lacks.
  const subset_historical_model model(h, {10}, factor_set({"C", "X", "A", "B"}));
  REQUIRE(model.scenario_count() == 31);
  CHECK(model.shocked_count() == 3);
  CHECK_FALSE(model.shocked(1));
  CHECK(model.row_date(39) == h.dates[39]);
  const auto only_a = model.restricted({false, true, true, false});
  CHECK(only_a.shocked_flags() == std::vector<bool>{false, false, true, false});
  CHECK_THROWS_AS(model.restricted({true}), rg::error);

  rg::scenario::shock_block expected(3, 31), all(4, 31), restricted(4, 31);
  reference.generate({0, 31}, expected);
  model.generate({0, 31}, all);
  only_a.generate({0, 31}, restricted);
  for (std::size_t i = 0; i < 31; ++i) {
    CHECK(all.factor(0)[i] == expected.factor(2)[i]);
    CHECK(all.factor(1)[i] == 0.0);
    CHECK(all.factor(2)[i] == expected.factor(0)[i]);
    CHECK(all.factor(3)[i] == expected.factor(1)[i]);
    CHECK(restricted.factor(0)[i] == 0.0);
    CHECK(restricted.factor(2)[i] == expected.factor(0)[i]);
    CHECK(restricted.factor(3)[i] == 0.0);
  }
  // A block in the middle gives the same shocks (no state between blocks).
  rg::scenario::shock_block part(4, 5);
  model.generate({20, 5}, part);
  for (std::size_t i = 0; i < 5; ++i) CHECK(part.factor(2)[i] == expected.factor(0)[20 + i]);
}

TEST_CASE("FRTB stress-window search finds a planted crisis; ties pick the earliest window", "[risk][frtb]") {
  // 1,000 days of three factors with liquidity horizons 10, 20 and 60 and a linear book
  // long each of them; in calm times only A moves (noise). On a crisis row one factor
  // takes a constant shock and the others none, so every 10-day scenario inside a crisis
  // has the same bits and the windows holding ≥ 7 of them tie exactly.
  constexpr std::size_t rows = 1000;
  struct crisis {
    std::size_t factor, begin, end;
    double daily;
  };
  const auto make = [&](std::vector<crisis> crises) {
    history h;
    h.factors = factor_set({"A10", "B20", "C60"});
    h.dates = dates(rows);
    std::mt19937_64 rng(17);
    std::normal_distribution<double> z(0.0, 0.002);
    for (std::size_t r = 0; r < rows; ++r) {
      std::array<double, 3> s{z(rng), 0.0, 0.0};  // calm: only A moves
      for (const auto& c : crises)
        if (r >= c.begin && r < c.end) {
          s = {0.0, 0.0, 0.0};
          s[c.factor] = c.daily;
        }
      h.shocks.insert(h.shocks.end(), s.begin(), s.end());
    }
    return h;
  };
  const std::array<int, 3> horizon{10, 20, 60};
  const std::vector<double> delta{1e6, 1e6, 1e6};
  const auto search = [&](const history& h) {
    const subset_historical_model model(h, {10}, h.factors);
    std::array<std::vector<double>, 5> pnl;
    std::array<std::span<const double>, 5> spans;
    for (std::size_t j = 0; j < 5; ++j) {
      std::vector<bool> keep(3);
      for (std::size_t f = 0; f < 3; ++f) keep[f] = horizon[f] >= frtb::liquidity_horizons[j];
      if (std::none_of(keep.begin(), keep.end(), [](bool b) { return b; })) continue;  // LH 120: empty
      pnl[j] = linear_pnl(model.restricted(keep), delta);
      spans[j] = pnl[j];
    }
    return frtb::find_stress_window(spans, model.scenario_count(), 241, alpha975);
  };

  SECTION("one crisis: the earliest of the tied windows that hold it") {
    // Crisis rows [600, 640): scenarios 600 … 630 lie inside it, each a loss of 10 × 0.05.
    const auto found = search(make({{0, 600, 640, -0.05}}));
    REQUIRE(found.es_by_window.size() == rows - 250 + 1);
    // Window w holds scenarios [w, w + 240]; it has ≥ 7 crisis scenarios once
    // w + 240 ≥ 606 and w ≤ 624, i.e. from w = 366 to 624: all tie, the earliest wins.
    CHECK(found.first == 366);
    const double crisis_loss = 1e6 * 0.5;
    CHECK(found.terms.terms[0].es == Approx(crisis_loss).epsilon(1e-12));
    CHECK(found.es == found.es_by_window[366]);
    CHECK(found.es_by_window[624] == found.es);
    CHECK(found.es_by_window[365] < found.es);
    CHECK(found.es_by_window[625] < found.es);
  }
  SECTION("two crises: the more severe one, even when it comes later") {
    const auto found = search(make({{0, 200, 240, -0.03}, {0, 600, 640, -0.05}}));
    CHECK(found.first == 366);
  }
  SECTION("two equal crises: the earlier one") {
    const auto found = search(make({{0, 200, 240, -0.05}, {0, 600, 640, -0.05}}));
    CHECK(found.first == 0);  // scenarios 200 … 230 are in window 0 already
  }
  SECTION("windows rank by the liquidity-adjusted ES, not the 10-day ES") {
    // A 10-day factor crashing 0.05/day at rows 200–240 against a 60-day factor crashing
    // 0.03/day at rows 600–640: the latter counts in four cascade terms, weights
    // sqrt(1 + 1 + 2 + 2) = 2.449, so 0.3 · 2.449 > 0.5.
    const auto found = search(make({{0, 200, 240, -0.05}, {2, 600, 640, -0.03}}));
    CHECK(found.first == 366);
    CHECK(found.terms.terms[3].es == Approx(1e6 * 0.3).epsilon(1e-6));
  }
}
