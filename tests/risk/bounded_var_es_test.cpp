#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/threads.hpp"
#include "riskgrid/risk/bounded_var_es.hpp"
#include "riskgrid/risk/rank_selection_pass.hpp"
#include "riskgrid/risk/tail_sums.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"

namespace rg = riskgrid;
using rg::confidence;
using rg::risk::bounded_var_es;
using rg::risk::var_es_result;

namespace {

// A chunked job over a fixed P&L vector: chunk c pushes its scenarios in blocks of 7,
// like exec::pipeline does with shock blocks. Scenario i's P&L is pnl[i] on every pass.
template <class State>
struct pnl_job {
  using state_type = State;
  const std::vector<double>* pnl;
  std::uint64_t chunk;
  State prototype;

  [[nodiscard]] std::uint64_t chunk_count() const noexcept { return (pnl->size() + chunk - 1) / chunk; }
  [[nodiscard]] State empty() const { return prototype; }
  [[nodiscard]] State run_chunk(std::uint64_t c) const {
    State s = prototype;
    const auto first = c * chunk, end = std::min<std::uint64_t>(first + chunk, pnl->size());
    for (auto b = first; b < end; b += 7) {
      const auto n = std::min<std::uint64_t>(7, end - b);
      s.push(rg::pnl_block{b, std::span<const double>(pnl->data() + b, n)});
    }
    return s;
  }
};

std::vector<confidence> levels_of(std::initializer_list<const char*> texts) {
  std::vector<confidence> out;
  for (const auto* t : texts) out.push_back(confidence::parse(t));
  return out;
}

std::vector<var_es_result> in_memory(const std::vector<double>& pnl, const std::vector<confidence>& levels) {
  const pnl_job<rg::risk::var_es_aggregator> job{&pnl, 1000, rg::risk::var_es_aggregator(pnl.size(), levels)};
  return rg::exec::serial{}.run(job).results();
}

template <class Executor>
std::vector<var_es_result> bounded(const std::vector<double>& pnl, const std::vector<confidence>& levels,
                                   std::uint64_t budget, const Executor& executor, std::uint64_t chunk = 1000,
                                   int* passes = nullptr) {
  bounded_var_es selection(pnl.size(), levels, {.entry_budget = budget});
  auto out = selection.run([&](rg::risk::rank_selection_pass prototype) {
    return executor.run(pnl_job<rg::risk::rank_selection_pass>{&pnl, chunk, std::move(prototype)});
  });
  if (passes) *passes = selection.passes();
  return out;
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }
std::uint64_t bits(const std::optional<double>& x) { return x ? bits(*x) : 0x7ff8dead; }

// Every reported figure, bit for bit.
void require_same(const std::vector<var_es_result>& a, const std::vector<var_es_result>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t l = 0; l < a.size(); ++l) {
    INFO("level " << a[l].confidence.text());
    CHECK(bits(a[l].var) == bits(b[l].var));
    CHECK(a[l].var_scenario == b[l].var_scenario);
    CHECK(bits(a[l].es) == bits(b[l].es));
    CHECK(bits(a[l].es_stderr) == bits(b[l].es_stderr));
    CHECK(bits(a[l].var_ci_low) == bits(b[l].var_ci_low));
    CHECK(bits(a[l].var_ci_high) == bits(b[l].var_ci_high));
  }
}

}  // namespace

TEST_CASE("Bounded VaR/ES equals the in-memory tail bit for bit on continuous P&L", "[risk][bounded_var_es]") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0e6);
  std::vector<double> pnl(20000);
  for (auto& x : pnl) x = normal(rng);
  const auto levels = levels_of({"0.99", "0.975", "0.9", "0.5"});
  const auto expected = in_memory(pnl, levels);
  int passes = 0;
  // 64 entries over 12 ranks: 5 per bin, so the 16-bit bins of pass 1 must be refined.
  require_same(bounded(pnl, levels, 64, rg::exec::serial{}, 1000, &passes), expected);
  CHECK(passes >= 3);
  // A budget that holds every bin of pass 1: two passes.
  require_same(bounded(pnl, levels, 1 << 20, rg::exec::serial{}, 1000, &passes), expected);
  CHECK(passes == 1);  // 20000 scenarios fit the budget: pass 1 collects them all
  require_same(bounded(pnl, levels, 20000, rg::exec::serial{}, 1000, &passes), expected);
  CHECK(passes == 2);
}

TEST_CASE("Bounded VaR/ES breaks heavy ties by scenario index like the in-memory tail", "[risk][bounded_var_es]") {
  // Four distinct losses, zero P&L of both signs among them (-0 and +0 tie), so the VaR
  // ranks fall inside runs of equal losses and only the index bits separate them.
  std::mt19937_64 rng(5);
  std::vector<double> pnl(5000);
  const double values[] = {0.0, -0.0, -1.0, -2.0, -5.0, 3.0};
  for (auto& x : pnl) x = values[rng() % 6];
  const auto levels = levels_of({"0.99", "0.975", "0.8"});
  const auto expected = in_memory(pnl, levels);
  int passes = 0;
  require_same(bounded(pnl, levels, 9, rg::exec::serial{}, 1000, &passes), expected);
  CHECK(passes >= 5);  // 4 passes through the loss bits, then into the index
  require_same(bounded(pnl, levels, 9, rg::exec::threads(3), 333), expected);

  // All losses equal: the VaR scenario is the k-th smallest index.
  const std::vector<double> flat(3000, -7.25);
  const auto flat_expected = in_memory(flat, levels);
  require_same(bounded(flat, levels, 1, rg::exec::serial{}, 1000, &passes), flat_expected);
  CHECK(flat_expected[0].var_scenario == 30);  // k = 31 at 0.99
  CHECK(passes == 9);                          // 8 histograms of 16 bits, then collect
}

TEST_CASE("Bounded VaR/ES is the same on serial and threads with any chunking", "[risk][bounded_var_es]") {
  std::mt19937_64 rng(77);
  std::student_t_distribution<double> t(3.0);
  std::vector<double> pnl(4321);
  for (auto& x : pnl) x = std::round(t(rng) * 1000.0) / 8.0;  // heavy tails and ties
  const auto levels = levels_of({"0.999", "0.99", "0.975"});
  const auto expected = in_memory(pnl, levels);
  require_same(bounded(pnl, levels, 30, rg::exec::serial{}, 4096), expected);
  require_same(bounded(pnl, levels, 30, rg::exec::threads(2), 100), expected);
  require_same(bounded(pnl, levels, 30, rg::exec::threads(4), 17), expected);
}

TEST_CASE("Bounded VaR/ES covers thin tails and tiny scenario counts", "[risk][bounded_var_es]") {
  const auto levels = levels_of({"0.99", "0.5"});
  for (const std::size_t n : {1, 2, 5, 99, 100, 101}) {
    std::vector<double> pnl(n);
    for (std::size_t i = 0; i < n; ++i) pnl[i] = std::sin(static_cast<double>(i) * 1.7) * 100.0;
    INFO("n = " << n);
    require_same(bounded(pnl, levels, 1, rg::exec::serial{}, 3), in_memory(pnl, levels));
  }
}

TEST_CASE("Bounded VaR/ES refuses non-finite P&L and a pass that does not match its counts", "[risk][bounded_var_es]") {
  std::vector<double> pnl(100, 1.0);
  pnl[42] = std::nan("");
  pnl[77] = -INFINITY;
  const auto levels = levels_of({"0.99"});
  CHECK_THROWS_AS(bounded(pnl, levels, 4, rg::exec::serial{}), rg::model_error);

  // Scenarios that change between passes (not a pure function of their index).
  std::vector<double> moving(1000);
  for (std::size_t i = 0; i < moving.size(); ++i) moving[i] = static_cast<double>(i);
  bounded_var_es selection(moving.size(), levels, {.entry_budget = 2});
  const rg::exec::serial serial;
  selection.finish_pass(serial.run(pnl_job<rg::risk::rank_selection_pass>{&moving, 100, selection.next_pass()}));
  for (auto& x : moving) x = -x;
  CHECK_THROWS_AS(
      selection.finish_pass(serial.run(pnl_job<rg::risk::rank_selection_pass>{&moving, 100, selection.next_pass()})),
      rg::error);
}

TEST_CASE("A pass state round-trips through its flat payload and merges in any order", "[risk][bounded_var_es]") {
  std::vector<double> pnl(3000);
  for (std::size_t i = 0; i < pnl.size(); ++i) pnl[i] = std::cos(static_cast<double>(i)) * 50.0;
  const auto levels = levels_of({"0.95"});
  bounded_var_es selection(pnl.size(), levels, {.entry_budget = 3});
  const pnl_job<rg::risk::rank_selection_pass> job{&pnl, 500, selection.next_pass()};
  auto forward = job.empty(), backward = job.empty();
  for (std::uint64_t c = 0; c < job.chunk_count(); ++c) {
    rg::byte_writer w;
    job.run_chunk(c).save(w);
    rg::byte_reader r(w.bytes());
    auto copy = job.empty();
    copy.load(r);
    forward.merge(copy);
    backward.merge(job.run_chunk(job.chunk_count() - 1 - c));
  }
  CHECK(forward.counts(0) == backward.counts(0));
  CHECK(forward.count() == pnl.size());
  auto wrong = rg::risk::rank_selection_pass({}, rg::risk::pass_moments::skip);
  rg::byte_writer w;
  forward.save(w);
  rg::byte_reader r(w.bytes());
  CHECK_THROWS_AS(wrong.load(r), rg::error);
}

TEST_CASE("Tail sums give the exact variance where the one-pass double formula cancels", "[risk][tail_sums]") {
  // 1e8 + i, i = 0..9: variance 8.25 exactly. In doubles, Σx²/n − mean² loses it:
  // x² ≈ 1e16 is beyond 2^53, so the formula's rounding errors are about 1.
  rg::risk::tail_sums sums, reversed;
  for (int i = 0; i < 10; ++i) sums.add(1e8 + i);
  for (int i = 9; i >= 0; --i) reversed.add(1e8 + i);
  CHECK(sums.variance() == 8.25);
  CHECK(sums.count() == 10);
  CHECK(bits(sums.variance()) == bits(reversed.variance()));
  CHECK(sums.sum().value() == 1e9 + 45);

  rg::risk::tail_sums negative;
  for (const double x : {-1.0, -2.0, -3.0, -4.0}) negative.add(x);
  CHECK(negative.variance() == 1.25);
  rg::risk::tail_sums one;
  one.add(3.0);
  CHECK(one.variance() == 0.0);
}
