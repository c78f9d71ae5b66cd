// The P&L loop on the bundled sample book (180 trades, 65 shocked factors): scenario
// generation, revaluation of a block, and a whole chunk through the pipeline. The
// baseline in the same run is the naive loop a first implementation would write —
// scenario-outer over an array of trade structs — so the ratio measures what the
// structure-of-arrays, trade-outer layout buys. Items are revaluations (scenario × trade)
// for the revaluation benchmarks and scenarios otherwise.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "riskgrid/riskgrid.hpp"

namespace {

namespace rg = riskgrid;

struct sample {
  rg::market::base_market market = rg::io::load_market(RISKGRID_EXAMPLES_DATA "/market.csv");
  rg::scenario::gaussian_model model{rg::io::load_covariance(RISKGRID_EXAMPLES_DATA "/covariance.csv"),
                                     {.seed = 42, .horizon_days = 1}};
  std::vector<rg::portfolio::trade> trades = rg::io::load_portfolio(RISKGRID_EXAMPLES_DATA "/portfolio.csv");
  rg::portfolio::book book{trades, market, model.factors(), {}};
};

const sample& data() {
  static const sample s;
  return s;
}

constexpr std::size_t block_size = 256;

void gaussian_generate_block(benchmark::State& state) {
  const auto& s = data();
  rg::scenario::shock_block block(s.model.factors().size(), block_size);
  std::uint64_t first = 0;
  for (auto _ : state) {
    s.model.generate({first, block_size}, block);
    benchmark::DoNotOptimize(block.factor(0).data());
    first += block_size;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(gaussian_generate_block);

void book_revalue_block(benchmark::State& state) {
  const auto& s = data();
  rg::scenario::shock_block block(s.model.factors().size(), block_size);
  s.model.generate({0, block_size}, block);
  std::vector<double> pnl(block_size);
  for (auto _ : state) {
    s.book.revalue(block, pnl);
    benchmark::DoNotOptimize(pnl.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size * s.book.size()));
}
BENCHMARK(book_revalue_block);

// Baseline: array of structs, scenario-outer, one branch per trade type.
struct naive_trade {
  bool is_equity;
  double quantity, spot, fx, base_value, delta, gamma;
  long spot_row, fx_row;
  bool inverse;
};

void baseline_naive_revalue_block(benchmark::State& state) {
  const auto& s = data();
  std::vector<naive_trade> trades;
  for (const auto& t : s.trades) {
    naive_trade n{};
    if (t.type == rg::portfolio::trade_type::equity) {
      const auto spot = *s.market.find("EQ." + t.underlying + ".SPOT");
      const auto fx = s.market.fx_to_base(t.currency, "USD");
      n.is_equity = true;
      n.quantity = *t.quantity;
      n.spot = s.market.value(spot);
      n.fx = fx.factor ? s.market.value(*fx.factor) : 1.0;
      n.inverse = fx.direction == rg::market::quote_direction::inverse;
      const auto spot_row = s.model.factors().find(s.market.name(spot));
      n.spot_row = spot_row ? static_cast<long>(*spot_row) : -1;
      const auto fx_row = fx.factor ? s.model.factors().find(s.market.name(*fx.factor)) : std::nullopt;
      n.fx_row = fx_row ? static_cast<long>(*fx_row) : -1;
      n.base_value = n.inverse ? n.quantity * n.spot / n.fx : n.quantity * n.spot * n.fx;
    } else {
      n.delta = *t.delta;
      n.gamma = t.gamma.value_or(0.0);
      n.spot_row = static_cast<long>(*s.model.factors().find(t.factor));
    }
    trades.push_back(n);
  }
  rg::scenario::shock_block block(s.model.factors().size(), block_size);
  s.model.generate({0, block_size}, block);
  std::vector<double> pnl(block_size);
  for (auto _ : state) {
    for (std::size_t i = 0; i < block_size; ++i) {
      double total = 0.0;
      for (const auto& t : trades) {
        const double sh = t.spot_row >= 0 ? block.factor(static_cast<std::size_t>(t.spot_row))[i] : 0.0;
        if (t.is_equity) {
          const double sx = t.fx_row >= 0 ? block.factor(static_cast<std::size_t>(t.fx_row))[i] : 0.0;
          const double v = t.inverse ? t.quantity * t.spot * std::exp(sh) / (t.fx * std::exp(sx))
                                     : t.quantity * t.spot * std::exp(sh) * (t.fx * std::exp(sx));
          total += v - t.base_value;
        } else {
          total += t.delta * sh + 0.5 * t.gamma * sh * sh;
        }
      }
      pnl[i] = total;
    }
    benchmark::DoNotOptimize(pnl.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size * trades.size()));
}
BENCHMARK(baseline_naive_revalue_block);

void pipeline_chunk(benchmark::State& state) {
  const auto& s = data();
  const std::uint64_t n = 1u << 20;
  const rg::risk::var_es_aggregator prototype(n, {rg::confidence(0.99), rg::confidence(0.975)});
  const rg::exec::pipeline job(s.model, s.book, prototype, {.scenarios = n, .chunk_size = 8192});
  std::uint64_t c = 0;
  for (auto _ : state) {
    auto st = job.run_chunk(c++ % job.chunk_count());
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 8192));
}
BENCHMARK(pipeline_chunk)->Unit(benchmark::kMillisecond);

}  // namespace
