#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"

using riskgrid::confidence;
using riskgrid::risk::tail_entry;
using riskgrid::risk::tail_keeper;

namespace {

std::vector<tail_entry> sorted_losses(const std::vector<double>& losses) {
  std::vector<tail_entry> out;
  for (std::size_t i = 0; i < losses.size(); ++i) out.push_back({losses[i], i});
  std::sort(out.begin(), out.end(), riskgrid::risk::worse);
  return out;
}

}  // namespace

TEST_CASE("VaR is the loss of rank floor(N(1-a))+1 and ES the Acerbi-Tasche average", "[risk][var_es]") {
  // Losses 1..10 in scenario order; sorted worst first: 10, 9, ..., 1.
  std::vector<double> losses{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const auto tail = sorted_losses(losses);

  const auto r90 = riskgrid::risk::var_es(tail, 10, confidence::parse("0.9"));  // m = 1
  CHECK(r90.var == 9.0);
  CHECK(r90.es == 10.0);
  CHECK(r90.var_scenario == 8);

  const auto r75 = riskgrid::risk::var_es(tail, 10, confidence::parse("0.75"));  // m = 2.5
  CHECK(r75.var == 8.0);
  CHECK(r75.es == (10.0 + 9.0 + 0.5 * 8.0) / 2.5);
}

TEST_CASE("N = 250 at 97.5% weights the worst 6 losses fully and the 7th by a quarter", "[risk][var_es]") {
  std::vector<double> losses(250);
  for (std::size_t i = 0; i < losses.size(); ++i) losses[i] = static_cast<double>((i * 37) % 250);
  const auto tail = sorted_losses(losses);
  const auto r = riskgrid::risk::var_es(tail, 250, confidence(0.975));
  CHECK(r.tail.whole == 6);
  CHECK(r.tail.m == 6.25);
  CHECK(r.var == 243.0);  // 7th largest of 0..249
  CHECK(r.es == Approx((249.0 + 248 + 247 + 246 + 245 + 244 + 0.25 * 243) / 6.25).epsilon(1e-15));
}

TEST_CASE("N = 100 at 90% uses rank 11, not the rank 10 binary arithmetic would give", "[risk][var_es]") {
  std::vector<double> losses(100);
  for (std::size_t i = 0; i < losses.size(); ++i) losses[i] = static_cast<double>(i);
  const auto tail = sorted_losses(losses);
  REQUIRE(std::floor(100 * (1 - 0.9)) + 1 == 10);  // the trap the exact rational avoids
  const auto r = riskgrid::risk::var_es(tail, 100, confidence(0.9));
  CHECK(r.var == 89.0);
  CHECK(r.es == (99.0 + 98 + 97 + 96 + 95 + 94 + 93 + 92 + 91 + 90) / 10.0);
}

TEST_CASE("Ties are ranked by ascending scenario index", "[risk][var_es]") {
  std::vector<double> losses{5, 7, 7, 7, 1};
  const auto tail = sorted_losses(losses);
  REQUIRE(tail[0].scenario == 1);
  REQUIRE(tail[1].scenario == 2);
  const auto r = riskgrid::risk::var_es(tail, 5, confidence(0.6));  // m = 2, VaR rank 3
  CHECK(r.var == 7.0);
  CHECK(r.var_scenario == 3);
}

TEST_CASE("With fewer than one tail scenario ES is the worst loss and the result says so", "[risk][var_es]") {
  const auto tail = sorted_losses({3, -1, 8, 2});
  const auto r = riskgrid::risk::var_es(tail, 4, confidence(0.99));
  CHECK(r.thin_tail());
  CHECK(r.var == 8.0);
  CHECK(r.es == 8.0);
}

TEST_CASE("The estimators refuse a tail shorter than the VaR rank", "[risk][var_es]") {
  const auto tail = sorted_losses({3, 2});
  CHECK_THROWS_AS(riskgrid::risk::var_es(std::span(tail).first(1), 100, confidence(0.98)), riskgrid::error);
}

TEST_CASE("A tail keeper keeps exactly the worst k under any push order and merge tree", "[risk][tail_keeper]") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::vector<double> losses(20000);
  for (auto& x : losses) x = std::round(normal(rng) * 100.0) / 100.0;  // many ties
  const std::size_t k = 301;
  auto expected = sorted_losses(losses);
  expected.resize(k);

  tail_keeper one(k);
  one.push(0, losses);
  CHECK(one.sorted() == expected);

  // Blocks of uneven size, merged in a scrambled tree.
  std::vector<tail_keeper> parts;
  for (std::size_t first = 0; first < losses.size();) {
    const auto n = std::min<std::size_t>(1 + rng() % 1500, losses.size() - first);
    tail_keeper part(k);
    part.push(first, std::span(losses).subspan(first, n));
    parts.push_back(part);
    first += n;
  }
  std::shuffle(parts.begin(), parts.end(), rng);
  while (parts.size() > 1) {
    const auto i = rng() % (parts.size() - 1);
    parts[i].merge(parts[i + 1]);
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  }
  CHECK(parts.front().sorted() == expected);
}

TEST_CASE("A tail keeper counts non-finite losses instead of ranking them", "[risk][tail_keeper]") {
  tail_keeper keeper(3);
  const std::vector<double> losses{1.0, std::numeric_limits<double>::quiet_NaN(), 5.0,
                                   std::numeric_limits<double>::infinity(), 2.0};
  keeper.push(10, losses);
  CHECK(keeper.non_finite_count() == 2);
  CHECK(keeper.first_non_finite() == 11);
  const auto kept = keeper.sorted();
  REQUIRE(kept.size() == 3);
  CHECK(kept[0] == tail_entry{5.0, 12});
  CHECK(kept[2] == tail_entry{1.0, 10});
}

TEST_CASE("A tail keeper's state round-trips through its flat payload", "[risk][tail_keeper]") {
  tail_keeper keeper(50);
  std::vector<double> losses(1000);
  for (std::size_t i = 0; i < losses.size(); ++i) losses[i] = std::sin(static_cast<double>(i));
  keeper.push(0, losses);
  riskgrid::byte_writer w;
  keeper.save(w);
  tail_keeper copy(1);
  riskgrid::byte_reader r(w.bytes());
  copy.load(r);
  CHECK(copy.capacity() == 50);
  CHECK(copy.sorted() == keeper.sorted());
  // Truncated payloads are refused, not read past the end.
  auto bytes = w.bytes();
  bytes.resize(bytes.size() - 3);
  riskgrid::byte_reader truncated(bytes);
  CHECK_THROWS_AS(copy.load(truncated), riskgrid::error);
}

TEST_CASE("The VaR/ES aggregator gives the same bits for any split of the scenarios", "[risk][var_es_aggregator]") {
  std::mt19937_64 rng(11);
  std::student_t_distribution<double> t(3.0);
  std::vector<double> pnl(10007);
  for (auto& x : pnl) x = t(rng) * 1e5;
  const std::vector<confidence> levels{confidence(0.99), confidence(0.975), confidence(0.5)};

  riskgrid::risk::var_es_aggregator whole(pnl.size(), levels);
  whole.push({0, pnl});
  const auto expected = whole.results();

  for (const std::size_t chunk : {1u, 97u, 1000u, 5000u}) {
    riskgrid::risk::var_es_aggregator total(pnl.size(), levels);
    for (std::size_t first = 0; first < pnl.size(); first += chunk) {
      riskgrid::risk::var_es_aggregator part(pnl.size(), levels);
      part.push({first, std::span(pnl).subspan(first, std::min(chunk, pnl.size() - first))});
      total.merge(part);
    }
    const auto got = total.results();
    for (std::size_t i = 0; i < levels.size(); ++i) {
      CHECK(got[i].var == expected[i].var);
      CHECK(got[i].es == expected[i].es);
    }
  }
  // Reference: the definition applied to a full sort.
  std::vector<double> losses(pnl.size());
  for (std::size_t i = 0; i < pnl.size(); ++i) losses[i] = -pnl[i];
  const auto sorted = sorted_losses(losses);
  CHECK(expected[0].var == sorted[100].loss);  // m = 100.07, k = 101
}

TEST_CASE("The aggregator refuses non-finite P&L and a wrong scenario count", "[risk][var_es_aggregator]") {
  const std::vector<confidence> levels{confidence(0.9)};
  riskgrid::risk::var_es_aggregator a(4, levels);
  const std::vector<double> pnl{1.0, std::nan(""), 2.0, 3.0};
  a.push({0, pnl});
  CHECK_THROWS_AS(a.results(), riskgrid::model_error);
  riskgrid::risk::var_es_aggregator b(5, levels);
  const std::vector<double> ok{1.0, 2.0, 3.0, 4.0};
  b.push({0, ok});
  CHECK_THROWS_AS(b.results(), riskgrid::error);
}
