#include <cmath>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/exec/attribution_job.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/threads.hpp"
#include "riskgrid/risk/attribution.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

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
