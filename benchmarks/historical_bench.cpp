// Scenario generation from the bundled history (1,600 days, 65 factors) at a 10-day
// horizon: historical simulation (overlapping sums of 10 rows), filtered historical
// simulation (the same sums over rescaled rows) and the bootstrap (10 Philox-drawn days per
// scenario). The baseline in the same run is the Gaussian model on the bundled covariance
// (same 65 factors) at the same horizon. Items are scenarios; a block is 256 scenarios.

#include <cstdint>

#include <benchmark/benchmark.h>

#include "riskgrid/io/covariance_csv.hpp"
#include "riskgrid/io/history_csv.hpp"
#include "riskgrid/scenario/bootstrap_model.hpp"
#include "riskgrid/scenario/filtered_historical_model.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"
#include "riskgrid/scenario/historical_model.hpp"

namespace {

namespace rg = riskgrid;

constexpr int horizon = 10;
constexpr std::size_t block_size = 256;

struct history_sample {
  rg::scenario::history history = rg::io::load_history(RISKGRID_EXAMPLES_DATA "/history.csv");
  rg::scenario::historical_model historical{history, {.horizon_days = horizon}};
  rg::scenario::filtered_historical_model filtered{history, {.ewma = {}, .horizon_days = horizon}};
  rg::scenario::bootstrap_model bootstrap{history, {.seed = 42, .horizon_days = horizon}};
  rg::scenario::gaussian_model gaussian{rg::io::load_covariance(RISKGRID_EXAMPLES_DATA "/covariance.csv"),
                                        {.seed = 42, .horizon_days = horizon}};
};

const history_sample& data() {
  static const history_sample s;
  return s;
}

// Historical models have rows − h + 1 = 1,591 scenarios: walk the blocks that fit, cyclically.
template <class Model>
void run_windowed(benchmark::State& state, const Model& model) {
  rg::scenario::shock_block block(model.factors().size(), block_size);
  const std::uint64_t last_first = model.scenario_count() - block_size;
  std::uint64_t first = 0;
  for (auto _ : state) {
    model.generate({first, block_size}, block);
    benchmark::DoNotOptimize(block.factor(0).data());
    benchmark::ClobberMemory();
    first = first + block_size > last_first ? 0 : first + block_size;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}

template <class Model>
void run_unbounded(benchmark::State& state, const Model& model) {
  rg::scenario::shock_block block(model.factors().size(), block_size);
  std::uint64_t first = 0;
  for (auto _ : state) {
    model.generate({first, block_size}, block);
    benchmark::DoNotOptimize(block.factor(0).data());
    benchmark::ClobberMemory();
    first += block_size;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}

void history_gaussian_baseline_h10(benchmark::State& state) { run_unbounded(state, data().gaussian); }
BENCHMARK(history_gaussian_baseline_h10);

void historical_generate_block_h10(benchmark::State& state) { run_windowed(state, data().historical); }
BENCHMARK(historical_generate_block_h10);

void filtered_historical_generate_block_h10(benchmark::State& state) { run_windowed(state, data().filtered); }
BENCHMARK(filtered_historical_generate_block_h10);

void bootstrap_generate_block_h10(benchmark::State& state) { run_unbounded(state, data().bootstrap); }
BENCHMARK(bootstrap_generate_block_h10);

}  // namespace
