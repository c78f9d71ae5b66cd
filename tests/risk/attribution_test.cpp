#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/exec/attribution_job.hpp"
#include "riskgrid/exec/incremental_job.hpp"
#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/threads.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/risk/attribution.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"
#include "riskgrid/scenario/historical_model.hpp"
#include "riskgrid/scenario/shock_block.hpp"
#include "support/test_support.hpp"

namespace rg = riskgrid;
using rg::confidence;
using rg::risk::attribution_plan;
using rg::risk::component_sums;

namespace {

// Position P&Ls of n scenarios, positions × n, and their total in position order.
struct sample {
  std::size_t positions = 0;
  std::uint64_t n = 0;
  std::vector<double> pnl;  // position-major
  std::vector<double> total;
  [[nodiscard]] double at(std::size_t p, std::uint64_t i) const { return pnl[p * n + i]; }
};

sample normal_positions(std::vector<double> stdevs, std::uint64_t n, std::uint64_t seed) {
  sample s{stdevs.size(), n, std::vector<double>(stdevs.size() * n), std::vector<double>(n, 0.0)};
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> z;
  for (std::uint64_t i = 0; i < n; ++i)
    for (std::size_t p = 0; p < s.positions; ++p) {
      s.pnl[p * n + i] = stdevs[p] * z(engine);
      s.total[i] += s.pnl[p * n + i];
    }
  return s;
}

std::vector<rg::risk::tail_entry> sorted_tail(const sample& s, std::size_t capacity) {
  rg::risk::tail_keeper keeper(capacity);
  std::vector<double> losses(s.n);
  for (std::uint64_t i = 0; i < s.n; ++i) losses[i] = -s.total[i];
  keeper.push(0, losses);
  return keeper.sorted();
}

component_sums direct_sums(const sample& s, const attribution_plan& plan) {
  component_sums sums(s.positions, plan.measures());
  for (std::size_t j = 0; j < plan.scenarios().size(); ++j)
    for (std::size_t p = 0; p < s.positions; ++p)
      sums.add(p, plan.weights(j), -s.at(p, plan.scenarios()[j]));
  return sums;
}

}  // namespace

TEST_CASE("attribution plan uses the ES estimator's weights: 6.25 losses at N = 250, 97.5%",
          "[risk][attribution]") {
  std::vector<rg::risk::tail_entry> tail;
  for (std::uint64_t r = 0; r < 40; ++r) tail.push_back({100.0 - static_cast<double>(r), 1000 + r});
  const std::vector<confidence> levels{confidence::parse("0.975")};
  const attribution_plan plan(tail, 250, levels);
  REQUIRE(plan.measures() == 2);
  CHECK(plan.divisor(0) == 6.25);
  for (std::size_t r = 0; r < 6; ++r) CHECK(plan.weights(r)[0] == 1.0);
  CHECK(plan.weights(6)[0] == 0.25);
  CHECK(plan.weights(7)[0] == 0.0);
  // VaR rank k = 7, half-width ceil(sqrt(7)) = 3: ranks 4..10, Epanechnikov in (r − 7)/4.
  CHECK(plan.weights(2)[1] == 0.0);
  CHECK(plan.weights(6)[1] == 1.0);
  CHECK(plan.weights(3)[1] == Approx(1.0 - 9.0 / 16.0));
  CHECK(plan.weights(9)[1] == Approx(1.0 - 9.0 / 16.0));
  CHECK(plan.scenarios().size() == 10);
  CHECK(plan.scenarios()[0] == 1000);
  // The window is symmetric around a linear tail, so the smoothed VaR is the VaR.
  CHECK(plan.scale(1) == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("attribution plan refuses a tail shorter than it needs", "[risk][attribution]") {
  std::vector<rg::risk::tail_entry> tail(8, {1.0, 0});
  const std::vector<confidence> levels{confidence::parse("0.975")};
  CHECK(rg::risk::attribution_tail_capacity(250, levels) == 10);
  CHECK_THROWS_AS(attribution_plan(tail, 250, levels), rg::error);
}

TEST_CASE("component ES and VaR add up to ES and VaR", "[risk][attribution]") {
  const std::vector<confidence> levels{confidence::parse("0.99"), confidence::parse("0.975")};
  for (const std::uint64_t n : {250ULL, 1000ULL, 20011ULL}) {
    const auto s = normal_positions({1.0, 2.0, 0.5, 3.0, 1.5}, n, 7 + n);
    const auto tail = sorted_tail(s, rg::risk::attribution_tail_capacity(n, levels));
    const attribution_plan plan(tail, n, levels);
    const auto sums = direct_sums(s, plan);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const auto measured = rg::risk::var_es(tail, n, levels[l]);
      double es = 0.0, var = 0.0;
      for (std::size_t p = 0; p < s.positions; ++p) {
        es += sums.component(plan, p, 2 * l);
        var += sums.component(plan, p, 2 * l + 1);
      }
      INFO("n = " << n << ", level " << levels[l].text());
      CHECK(std::abs(es - measured.es) <= 1e-12 * std::abs(measured.es));
      CHECK(std::abs(var - measured.var) <= 1e-12 * std::abs(measured.var));
    }
  }
}

TEST_CASE("component ES and VaR of independent normal positions match Euler closed forms",
          "[risk][attribution][statistical]") {
  // Independent zero-mean normals with stdevs σ_p: E[x_p | L = ℓ] = ℓ·σ_p²/Σσ², so
  // each component is its measure times σ_p²/Σσ² (Euler allocation of a normal book).
  // N = 200,000 at 99%: the ES tail holds 2,000 scenarios, whose conditional stdev of x_p
  // (≤ 1.5 here) gives a component ES standard error ≤ 0.034; the VaR window holds 91
  // scenarios (half-width 45): standard error ≤ 0.2. Bounds at 4 standard errors.
  const std::vector<double> stdevs{1.0, 2.0, 0.5};
  const double total_var = 1.0 + 4.0 + 0.25;
  const std::uint64_t n = 200000;
  const std::vector<confidence> levels{confidence::parse("0.99")};
  const auto s = normal_positions(stdevs, n, 2024);
  const auto tail = sorted_tail(s, rg::risk::attribution_tail_capacity(n, levels));
  const attribution_plan plan(tail, n, levels);
  const auto sums = direct_sums(s, plan);
  const auto measured = rg::risk::var_es(tail, n, levels[0]);
  for (std::size_t p = 0; p < stdevs.size(); ++p) {
    const double beta = stdevs[p] * stdevs[p] / total_var;
    INFO("position " << p);
    CHECK(std::abs(sums.component(plan, p, 0) - beta * measured.es) < 4 * 0.034);
    CHECK(std::abs(sums.component(plan, p, 1) - beta * measured.var) < 4 * 0.2);
  }
}

namespace {

// Two factors; scenario i's shocks are simple functions of i, so a scenario can be
// regenerated from its index alone (the property the attribution pass relies on).
struct index_generator {
  rg::scenario::factor_set factors_{std::vector<std::string>{"A", "B"}};
  [[nodiscard]] const rg::scenario::factor_set& factors() const { return factors_; }
  void generate(rg::scenario_range range, rg::scenario::shock_block& block) const {
    block.reset(range);
    for (std::size_t j = 0; j < range.count; ++j) {
      const auto i = static_cast<double>(range.first + j);
      block.factor(0)[j] = std::sin(0.37 * i);
      block.factor(1)[j] = std::cos(1.91 * i) * 0.5;
    }
  }
};

// Trade t: P&L = a_t·A + b_t·B², so per-trade and total P&L are known in closed form.
struct toy_book {
  std::vector<double> a{1.0, -2.0, 0.25, 3.0}, b{0.5, 1.0, -4.0, 0.0};
  [[nodiscard]] std::size_t size() const { return a.size(); }
  void revalue_trade(std::size_t t, const rg::scenario::shock_block& block, std::span<double> pnl) const {
    for (std::size_t j = 0; j < pnl.size(); ++j) {
      const double y = block.factor(1)[j];
      pnl[j] = a[t] * block.factor(0)[j] + b[t] * y * y;
    }
  }
};

}  // namespace

TEST_CASE("attribution job regenerates the tail scenarios and gives the same bits on any executor",
          "[risk][attribution][exec]") {
  const index_generator generator;
  const toy_book book;
  const std::uint64_t n = 5000;
  sample s{book.size(), n, std::vector<double>(book.size() * n), std::vector<double>(n, 0.0)};
  rg::scenario::shock_block block(2, n);
  generator.generate({0, n}, block);
  std::vector<double> pnl(n);
  for (std::size_t t = 0; t < book.size(); ++t) {
    book.revalue_trade(t, block, pnl);
    for (std::uint64_t i = 0; i < n; ++i) {
      s.pnl[t * n + i] = pnl[i];
      s.total[i] += pnl[i];
    }
  }
  const std::vector<confidence> levels{confidence::parse("0.99"), confidence::parse("0.975")};
  const auto tail = sorted_tail(s, rg::risk::attribution_tail_capacity(n, levels));
  const attribution_plan plan(tail, n, levels);
  const auto expected = direct_sums(s, plan);

  const rg::exec::attribution_job job(generator, book, plan, 16);
  REQUIRE(job.chunk_count() == (plan.scenarios().size() + 15) / 16);
  const auto serial = rg::exec::run(job, rg::exec::serial{});
  for (std::size_t t = 0; t < book.size(); ++t)
    for (std::size_t q = 0; q < plan.measures(); ++q)
      CHECK(serial.sum(t, q) == Approx(expected.sum(t, q)).epsilon(1e-13).margin(1e-13));
  for (const unsigned workers : {1U, 2U, 3U}) {
    const auto threaded = rg::exec::run(job, rg::exec::threads(workers));
    for (std::size_t t = 0; t < book.size(); ++t)
      for (std::size_t q = 0; q < plan.measures(); ++q) CHECK(threaded.sum(t, q) == serial.sum(t, q));
  }
}

// ---- Incremental and marginal VaR/ES (issue 5, item 2) ----

namespace {

// The exact estimators over a full sort of the losses: the oracle for the aggregator.
std::vector<rg::risk::var_es_result> sorted_measures(const std::vector<double>& losses,
                                                     const std::vector<confidence>& levels) {
  std::vector<rg::risk::tail_entry> all;
  for (std::size_t i = 0; i < losses.size(); ++i) all.push_back({losses[i], i});
  std::sort(all.begin(), all.end(), rg::risk::worse);
  std::vector<rg::risk::var_es_result> out;
  for (const auto& level : levels) out.push_back(rg::risk::var_es(all, losses.size(), level));
  return out;
}

rg::portfolio::trade european_call(std::string id, std::string desk, double quantity, double strike) {
  rg::portfolio::trade t;
  t.id = std::move(id);
  t.desk = std::move(desk);
  t.type = rg::portfolio::trade_type::european;
  t.underlying = "ACME";
  t.currency = "USD";
  t.quantity = quantity;
  t.strike = strike;
  t.maturity = rg::parse_iso_date("2027-05-25");
  t.option = rg::portfolio::option_type::call;
  return t;
}

rg::portfolio::trade on_desk(rg::portfolio::trade t, std::string desk) {
  t.desk = std::move(desk);
  return t;
}

}  // namespace

TEST_CASE("incremental aggregator keeps each set's exact tail for any chunking and merge order",
          "[risk][attribution][incremental]") {
  const std::vector<confidence> levels{confidence::parse("0.99"), confidence::parse("0.9")};
  const std::uint64_t n = 3001;
  std::mt19937_64 engine(11);
  std::normal_distribution<double> z;
  std::vector<std::vector<double>> losses(3, std::vector<double>(n));
  for (auto& set : losses)
    for (auto& x : set) x = std::round(z(engine) * 8.0) / 4.0;  // many ties: the order must break them
  rg::risk::incremental_aggregator whole(n, levels, 3);
  for (std::size_t s = 0; s < 3; ++s) whole.push(s, 0, losses[s]);
  // Chunks of 97 merged backwards, each through a save/load round trip.
  rg::risk::incremental_aggregator backwards(n, levels, 3);
  for (std::uint64_t first = (n - 1) / 97 * 97;; first -= 97) {
    rg::risk::incremental_aggregator chunk(n, levels, 3);
    const auto count = std::min<std::uint64_t>(97, n - first);
    for (std::size_t s = 0; s < 3; ++s)
      chunk.push(s, first, std::span<const double>(losses[s].data() + first, count));
    rg::byte_writer w;
    chunk.save(w);
    rg::risk::incremental_aggregator reloaded(n, levels, 3);
    rg::byte_reader r(w.bytes());
    reloaded.load(r);
    backwards.merge(reloaded);
    if (first == 0) break;
  }
  for (std::size_t s = 0; s < 3; ++s) {
    const auto expected = sorted_measures(losses[s], levels);
    const auto a = whole.results(s), b = backwards.results(s);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      CHECK(a[l].var == expected[l].var);
      CHECK(a[l].es == expected[l].es);
      CHECK(a[l].var_scenario == expected[l].var_scenario);
      CHECK(b[l].var == expected[l].var);
      CHECK(b[l].es == expected[l].es);
      CHECK(b[l].var_scenario == expected[l].var_scenario);
    }
  }
  rg::risk::incremental_aggregator short_run(n, levels, 3);
  short_run.push(0, 0, losses[0]);
  CHECK_THROWS_AS(short_run.results(1), rg::error);
  CHECK_THROWS_AS(whole.merge(rg::risk::incremental_aggregator(n, levels, 2)), rg::error);
}

TEST_CASE("marginal VaR/ES per unit is the component over the quantity, none without a quantity",
          "[risk][attribution][incremental]") {
  CHECK(rg::risk::marginal_per_unit(-12.5, 250.0) == -0.05);
  CHECK(rg::risk::marginal_per_unit(3.0, -4.0) == -0.75);
  CHECK_FALSE(rg::risk::marginal_per_unit(0.0, 0.0).has_value());
  CHECK_FALSE(rg::risk::marginal_per_unit(1.0, std::nullopt).has_value());
}

TEST_CASE("incremental VaR/ES on historical scenarios equal the pipeline run on the book without the position",
          "[risk][attribution][incremental][exec]") {
  // 260 days of shocks to an equity (spot, vol), a rate and a credit factor; a book of
  // equities, calls and sensitivities on two desks. The oracle prices the book without
  // the trade (or the desk) through the ordinary pipeline on the same scenarios.
  rg::scenario::history h;
  h.factors = rg::scenario::factor_set({"EQ.ACME.SPOT", "EQ.ACME.VOL", "IR.USD.1Y", "X.CREDIT"});
  std::mt19937_64 engine(5);
  std::normal_distribution<double> z;
  rg::date day = *rg::parse_iso_date("2025-01-01");
  for (int r = 0; r < 260; ++r) {
    h.dates.push_back(day);
    day += std::chrono::days(1);
    for (const double scale : {0.02, 0.05, 0.001, 0.01}) h.shocks.push_back(scale * z(engine));
  }
  const rg::scenario::historical_model model(h, {.horizon_days = 2});
  const std::uint64_t n = model.scenario_count();
  rg::market::base_market market;
  market.add("EQ.ACME.SPOT", 100.0);
  market.add("EQ.ACME.VOL", 0.25);
  market.add("IR.USD.1Y", 0.03);
  const std::vector<rg::portfolio::trade> trades{
      on_desk(rg::testing::equity("E1", "ACME", "USD", 100), "cash"),
      european_call("C1", "options", -300, 105.0),
      on_desk(rg::testing::sensitivity("S1", "X.CREDIT", -4e4, 1e5), "cash"),
      european_call("C2", "options", 200, 90.0),
      on_desk(rg::testing::sensitivity("S2", "IR.USD.1Y", 2e5), "options"),
      on_desk(rg::testing::equity("E2", "ACME", "USD", -20), "cash")};
  const rg::portfolio::book_options options{"USD", *rg::parse_iso_date("2026-11-25")};
  const rg::portfolio::book book(trades, market, model.factors(), options);
  const std::vector<confidence> levels{confidence::parse("0.99"), confidence::parse("0.95"), confidence::parse("0.5")};
  const auto measure = [&](const rg::portfolio::book& b, const std::vector<confidence>& at) {
    const rg::exec::pipeline pipeline(model, b, rg::risk::var_es_aggregator(n, at),
                                      {.scenarios = n, .chunk_size = 64, .block_size = 16});
    return rg::exec::run(pipeline, rg::exec::serial{}).results();
  };
  const auto portfolio = measure(book, levels);

  // The empty set is the portfolio itself, to the bit: the job sums the trades in the
  // book's order. Summed in input order instead, 31 of these 259 P&Ls differ in the last
  // bit, which a VaR sees only if it is one of them: the VaRs at 50 levels compare 50
  // order statistics.
  std::vector<confidence> dense;
  for (int i = 1; i < 100; i += 2) dense.emplace_back(i / 100.0);
  const auto dense_portfolio = measure(book, dense);
  const rg::exec::incremental_job itself_job(model, book, {{}}, rg::risk::incremental_aggregator(n, dense, 1),
                                             {.scenarios = n, .chunk_size = 64, .block_size = 16});
  const auto itself = rg::exec::run(itself_job, rg::exec::serial{}).results(0);
  for (std::size_t l = 0; l < dense.size(); ++l) {
    INFO("level " << dense[l].text());
    CHECK(itself[l].var == dense_portfolio[l].var);
    CHECK(itself[l].var_scenario == dense_portfolio[l].var_scenario);
    CHECK(itself[l].es == dense_portfolio[l].es);
  }

  std::vector<std::size_t> cash_desk;
  for (std::size_t t = 0; t < book.size(); ++t)
    if (book.desks()[book.desk_of(t)] == "cash") cash_desk.push_back(t);
  const std::vector<std::vector<std::size_t>> sets{{}, {0}, {1}, {3}, {4}, cash_desk};
  const rg::exec::incremental_job job(model, book, sets, rg::risk::incremental_aggregator(n, levels, sets.size()),
                                      {.scenarios = n, .chunk_size = 64, .block_size = 16});
  const auto serial = rg::exec::run(job, rg::exec::serial{});
  const auto threaded = rg::exec::run(job, rg::exec::threads(3));

  for (std::size_t l = 0; l < levels.size(); ++l) {
    CHECK(serial.results(0)[l].var == portfolio[l].var);
    CHECK(serial.results(0)[l].es == portfolio[l].es);
  }
  for (std::size_t s = 1; s < sets.size(); ++s) {
    std::vector<rg::portfolio::trade> rest;
    for (std::size_t t = 0; t < trades.size(); ++t)
      if (std::find(sets[s].begin(), sets[s].end(), t) == sets[s].end()) rest.push_back(trades[t]);
    const auto without = measure(rg::portfolio::book(rest, market, model.factors(), options), levels);
    const auto got = serial.results(s), again = threaded.results(s);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      INFO("set " << s << ", level " << levels[l].text());
      const double scale = std::abs(portfolio[l].var);
      CHECK(got[l].var_scenario == without[l].var_scenario);
      CHECK(std::abs(got[l].var - without[l].var) <= 1e-12 * std::abs(without[l].var));
      CHECK(std::abs(got[l].es - without[l].es) <= 1e-12 * std::abs(without[l].es));
      const double incremental_var = portfolio[l].var - got[l].var;
      CHECK(std::abs(incremental_var - (portfolio[l].var - without[l].var)) <= 1e-12 * scale);
      CHECK(again[l].var == got[l].var);
      CHECK(again[l].es == got[l].es);
    }
  }
  // A position that matters changes the VaR: the comparison above is not vacuous.
  CHECK(std::abs(portfolio[0].var - serial.results(5)[0].var) > 1e-3 * std::abs(portfolio[0].var));
  CHECK_THROWS_AS(rg::exec::incremental_job(model, book, {{0, 0}}, rg::risk::incremental_aggregator(n, levels, 1),
                                            {.scenarios = n}),
                  rg::error);
  CHECK_THROWS_AS(rg::exec::incremental_job(model, book, {{6}}, rg::risk::incremental_aggregator(n, levels, 1),
                                            {.scenarios = n}),
                  rg::error);
}

TEST_CASE("incremental and marginal VaR/ES of Gaussian delta positions match their closed forms",
          "[risk][attribution][incremental][statistical]") {
  // Three equities with tiny daily vols (1e-4 .. 2e-4), so P&L_i = q_i·S_i·(e^s − 1) is
  // linear in s to 2e-4 relative: a Gaussian book with position covariance
  // M = D·Σ·D, D = diag(q_i·S_i). Closed forms at level α, z = Φ⁻¹(α), λ = φ(z)/(1 − α):
  //   incremental VaR_i = z·(σ_P − σ_{P−i}), incremental ES_i = λ·(σ_P − σ_{P−i}),
  //   marginal VaR_i per share = z·(M·1)_i/(σ_P·q_i), marginal ES_i = λ·(M·1)_i/(σ_P·q_i).
  // Standard errors at N = 100,000 (all stated below as formulas):
  //   quantile: se_VaR(σ) = σ·sqrt(α(1 − α)/N)/φ(z); ES: DESIGN.md §4's se_ES with the
  //   normal tail's Var(L | L > VaR) = σ²·(1 + zλ − λ²). The incremental's error is at most
  //   se(ρ(P)) + se(ρ(P − i)) (triangle inequality; the two are positively correlated, so
  //   this overstates it). Marginal: x_i = β·L_P + e with β = (M·1)_i/σ_P², e independent;
  //   ES: sqrt(β²·se_ES(σ_P)² + Var(e)/m); VaR (Epanechnikov window, rescaled to the VaR):
  //   sqrt(β²·se_VaR(σ_P)² + Var(e)·Σw²/(Σw)²). Every check at 4 standard errors.
  // Power: the Euler component differs from the incremental by more than 40 of these
  // bounds for trades 1 and 2, the standalone measure by more than 75, and a marginal not
  // divided by the quantity (10, −30, 100 shares) by far more.
  const std::vector<double> spot{100.0, 50.0, 20.0}, quantity{10.0, -30.0, 100.0}, vol{1e-4, 2e-4, 1.5e-4};
  const double corr[3][3] = {{1.0, 0.5, -0.3}, {0.5, 1.0, 0.2}, {-0.3, 0.2, 1.0}};
  Eigen::MatrixXd sigma(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) sigma(i, j) = corr[i][j] * vol[static_cast<std::size_t>(i)] * vol[static_cast<std::size_t>(j)];
  const rg::scenario::covariance cov{rg::scenario::factor_set({"EQ.A.SPOT", "EQ.B.SPOT", "EQ.C.SPOT"}), sigma};
  const rg::scenario::gaussian_model model(cov, {.seed = 2026, .horizon_days = 1});
  rg::market::base_market market;
  market.add("EQ.A.SPOT", spot[0]);
  market.add("EQ.B.SPOT", spot[1]);
  market.add("EQ.C.SPOT", spot[2]);
  const rg::portfolio::book book({rg::testing::equity("A", "A", "USD", quantity[0]),
                                  rg::testing::equity("B", "B", "USD", quantity[1]),
                                  rg::testing::equity("C", "C", "USD", quantity[2])},
                                 market, model.factors(), {});
  const std::uint64_t n = 100000;
  const std::vector<confidence> levels{confidence::parse("0.99"), confidence::parse("0.975")};
  const rg::exec::pipeline pipeline(model, book, rg::risk::var_es_aggregator(n, levels), {.scenarios = n});
  const auto main = rg::exec::run(pipeline, rg::exec::serial{});
  const auto portfolio = main.results();
  const auto worst = main.tail().sorted();
  const attribution_plan plan(worst, n, levels);
  const auto components = rg::exec::run(rg::exec::attribution_job(model, book, plan), rg::exec::serial{});
  const std::vector<std::vector<std::size_t>> sets{{0}, {1}, {2}};
  const rg::exec::incremental_job job(model, book, sets, rg::risk::incremental_aggregator(n, levels, 3),
                                      {.scenarios = n});
  const auto without = rg::exec::run(job, rg::exec::serial{});

  double m[3][3], row[3] = {0.0, 0.0, 0.0}, total = 0.0;
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      m[i][j] = quantity[i] * spot[i] * quantity[j] * spot[j] * sigma(static_cast<long>(i), static_cast<long>(j));
      row[i] += m[i][j];
      total += m[i][j];
    }
  const double sigma_p = std::sqrt(total);
  const auto count = static_cast<double>(n);
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const double a = levels[l].value(), zq = rg::random::inverse_normal_cdf(a), density = std::exp(-0.5 * zq * zq) / std::sqrt(2.0 * std::numbers::pi);
    const double lambda = density / (1.0 - a), tail_var = 1.0 + zq * lambda - lambda * lambda;
    const auto se_var = [&](double s) { return s * std::sqrt(a * (1.0 - a) / count) / density; };
    const auto se_es = [&](double s) {
      return s * std::sqrt((tail_var + a * (lambda - zq) * (lambda - zq)) / (count * (1.0 - a)));
    };
    // The kernel's Σw²/(Σw)² over ranks k ± h, as attribution_plan weights them.
    const auto k = levels[l].tail(n).var_rank();
    const auto hw = static_cast<double>(rg::risk::component_var_half_width(k));
    double w1 = 0.0, w2 = 0.0;
    for (double r = -hw; r <= hw; r += 1.0) {
      const double w = 1.0 - (r / (hw + 1.0)) * (r / (hw + 1.0));
      w1 += w;
      w2 += w * w;
    }
    const auto results = [&](std::size_t s) { return without.results(s)[l]; };
    for (std::size_t i = 0; i < 3; ++i) {
      INFO("level " << levels[l].text() << ", trade " << i);
      const double sigma_rest = std::sqrt(total - 2.0 * row[i] + m[i][i]);
      const auto rest = results(i);
      CHECK(std::abs((portfolio[l].var - rest.var) - zq * (sigma_p - sigma_rest)) <=
            4.0 * (se_var(sigma_p) + se_var(sigma_rest)));
      CHECK(std::abs((portfolio[l].es - rest.es) - lambda * (sigma_p - sigma_rest)) <=
            4.0 * (se_es(sigma_p) + se_es(sigma_rest)));
      const double beta = row[i] / total, residual = m[i][i] - beta * beta * total;
      const double per_unit = row[i] / (sigma_p * quantity[i]);
      const auto marginal_var = rg::risk::marginal_per_unit(components.component(plan, i, 2 * l + 1), quantity[i]);
      const auto marginal_es = rg::risk::marginal_per_unit(components.component(plan, i, 2 * l), quantity[i]);
      REQUIRE(marginal_var.has_value());
      REQUIRE(marginal_es.has_value());
      const double tail_count = levels[l].tail(n).m;
      CHECK(std::abs(*marginal_var - zq * per_unit) <=
            4.0 * std::sqrt(beta * beta * se_var(sigma_p) * se_var(sigma_p) + residual * w2 / (w1 * w1)) /
                std::abs(quantity[i]));
      CHECK(std::abs(*marginal_es - lambda * per_unit) <=
            4.0 * std::sqrt(beta * beta * se_es(sigma_p) * se_es(sigma_p) + residual / tail_count) / std::abs(quantity[i]));
    }
  }
}
