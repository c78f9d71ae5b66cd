// End-to-end baseline (issue 8): the sample book through QuantLib 1.29
// (tests/support/quantlib_book.hpp: each trade a QuantLib instrument with its analytic
// engine, every market quote moved per scenario) against riskgrid on the same Gaussian
// scenarios, in one run; compiled in only when QuantLib is found.
//
// e2e_quantlib/<N>: N scenarios of the sample's model (seed 42, blocks of 256), both
// paths timed in thread CPU time on the same blocks: riskgrid = generate + revalue +
// var_es_aggregator; QuantLib = set the quotes + NPV of every trade + the same
// aggregator. Counters: revals/core-s of each, their ratio, and then (untimed) the
// agreement: the relative VaR and ES differences at 0.99 and 0.975 for the whole book and
// for the book without its Americans (QuantLib ships Bjerksund-Stensland 1993, riskgrid
// prices the 2002 version), the largest per-trade P&L difference by type in USD
// (dpnl_<type>), and the largest relative value gap of the Americans (american_gap).
// N = 1,000 by default (about 5 s of CPU); RISKGRID_E2E_QL_SCENARIOS=2000 for the README's run.
#ifdef RISKGRID_HAVE_QUANTLIB

#include <riskgrid/riskgrid.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "../tests/support/quantlib_book.hpp"

namespace {

namespace rg = riskgrid;
namespace rp = riskgrid::portfolio;
namespace rs = riskgrid::scenario;

std::string data_file(const char* file) { return std::string(RISKGRID_EXAMPLES_DATA) + "/" + file; }

double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::vector<rg::risk::var_es_result> measures_of(const std::vector<double>& pnl,
                                                 const std::vector<rg::confidence>& levels) {
  rg::risk::var_es_aggregator a(pnl.size(), levels);
  a.push(rg::pnl_block{0, pnl});
  return a.results();
}

double relative(double a, double b) { return std::fabs(a - b) / std::fabs(a); }

void e2e_quantlib(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t block_size = 256;
  const auto market = rg::io::load_market(data_file("market.csv"));
  const auto trades = rg::io::load_portfolio(data_file("portfolio.csv"));
  const rs::gaussian_model model(rg::io::load_covariance(data_file("covariance.csv")), rs::gaussian_options{.seed = 42});
  const auto as_of = *rg::parse_iso_date("2026-11-25");
  const rp::book book(trades, market, model.factors(), {"USD", as_of});
  riskgrid_quantlib::quantlib_book theirs(trades, market, model.factors(), "USD", as_of);
  const std::vector<rg::confidence> levels{rg::confidence::parse("0.99"), rg::confidence::parse("0.975")};
  rs::shock_block block(model.factors().size(), block_size);
  std::vector<double> ours(n), ql(n);
  double t_ours = 0.0, t_ql = 0.0;
  for (auto _ : state) {
    rg::risk::var_es_aggregator a(n, levels), b(n, levels);
    for (std::size_t first = 0; first < n; first += block_size) {
      const rg::scenario_range range{first, std::min(block_size, n - first)};
      const double t0 = thread_seconds();
      model.generate(range, block);
      const std::span<double> out(ours.data() + first, range.count);
      book.revalue(block, out);
      a.push(rg::pnl_block{range.first, out});
      const double t1 = thread_seconds();
      for (std::size_t i = 0; i < range.count; ++i) ql[first + i] = theirs.pnl(block, i);
      b.push(rg::pnl_block{range.first, std::span<const double>(ql.data() + first, range.count)});
      const double t2 = thread_seconds();
      t_ours += t1 - t0;
      t_ql += t2 - t1;
    }
    benchmark::DoNotOptimize(a.results().data());
    benchmark::DoNotOptimize(b.results().data());
  }
  const double revals = static_cast<double>(state.iterations()) * static_cast<double>(n * book.size());
  state.counters["riskgrid_revals/core-s"] = revals / t_ours;
  state.counters["quantlib_revals/core-s"] = revals / t_ql;
  state.counters["ratio"] = t_ql / t_ours;

  // Agreement, untimed: per trade and in total, with and without the Americans.
  std::vector<double> all_ours(n, 0.0), all_ql(n, 0.0), rest_ours(n, 0.0), rest_ql(n, 0.0), lane(block_size),
      row(book.size());
  std::array<double, rp::trade_type_names.size()> worst{};
  double american_gap = 0.0;
  for (std::size_t first = 0; first < n; first += block_size) {
    const rg::scenario_range range{first, std::min(block_size, n - first)};
    model.generate(range, block);
    std::vector<std::vector<double>> ql_rows(range.count, std::vector<double>(book.size()));
    for (std::size_t i = 0; i < range.count; ++i) theirs.trade_pnl(block, i, ql_rows[i]);
    for (std::size_t t = 0; t < book.size(); ++t) {
      const std::span<double> out(lane.data(), range.count);
      book.revalue_trade(t, block, out);
      const auto type = static_cast<std::size_t>(trades[t].type);
      const bool american = trades[t].type == rp::trade_type::american;
      const double base = book.trades()[t].base_value;
      for (std::size_t i = 0; i < range.count; ++i) {
        const double x = out[i], y = ql_rows[i][t];
        worst[type] = std::max(worst[type], std::fabs(x - y));
        if (american) american_gap = std::max(american_gap, relative(base + x, theirs.base_value(t) + y));
        all_ours[first + i] += x;
        all_ql[first + i] += y;
        if (!american) {
          rest_ours[first + i] += x;
          rest_ql[first + i] += y;
        }
      }
    }
  }
  const auto a = measures_of(all_ours, levels), b = measures_of(all_ql, levels);
  const auto c = measures_of(rest_ours, levels), d = measures_of(rest_ql, levels);
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const std::string at = levels[l].text();
    state.counters["var_rel_diff_" + at] = relative(a[l].var, b[l].var);
    state.counters["es_rel_diff_" + at] = relative(a[l].es, b[l].es);
    state.counters["var_rel_diff_no_american_" + at] = relative(c[l].var, d[l].var);
    state.counters["es_rel_diff_no_american_" + at] = relative(c[l].es, d[l].es);
  }
  for (std::size_t type = 0; type < worst.size(); ++type)
    state.counters["dpnl_" + std::string(rp::trade_type_names[type])] = worst[type];
  state.counters["american_gap"] = american_gap;
  state.SetLabel(std::to_string(book.size()) + " trades, VaR(0.99) " + std::to_string(a[0].var));
}

[[maybe_unused]] const bool registered = [] {
  std::int64_t n = 1000;
  if (const char* text = std::getenv("RISKGRID_E2E_QL_SCENARIOS")) n = std::strtoll(text, nullptr, 10);
  benchmark::RegisterBenchmark("e2e_quantlib", e2e_quantlib)->Arg(n)->Iterations(1)->Unit(benchmark::kSecond);
  return true;
}();

}  // namespace

#endif  // RISKGRID_HAVE_QUANTLIB
