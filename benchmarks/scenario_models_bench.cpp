// Shock generation of the scenario models on the bundled covariance
// (examples/data/covariance.csv), one block of 256 scenarios per iteration, with the
// plain Gaussian model as the baseline in the same run. Items are scenarios.

#include <riskgrid/io/covariance_csv.hpp>
#include <riskgrid/scenario/gaussian_model.hpp>
#include <riskgrid/scenario/student_t_model.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

namespace rs = riskgrid::scenario;

constexpr std::size_t block_size = 256;

const rs::covariance& bundled_covariance() {
  static const rs::covariance cov = riskgrid::io::load_covariance(std::string(RISKGRID_EXAMPLES_DATA) + "/covariance.csv");
  return cov;
}

template <class Model>
void run_blocks(benchmark::State& state, const Model& model) {
  rs::shock_block block(model.factors().size(), block_size);
  std::uint64_t first = 0;
  for (auto _ : state) {
    model.generate({first, block_size}, block);
    first += block_size;
    benchmark::DoNotOptimize(block.factor(0).data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
  state.counters["factors"] = static_cast<double>(model.factors().size());
  state.counters["rank"] = static_cast<double>(model.rank());
}

void baseline_gaussian_pseudo_random(benchmark::State& state) {
  const rs::gaussian_model model(bundled_covariance(), {.seed = 42, .horizon_days = 10});
  run_blocks(state, model);
}
BENCHMARK(baseline_gaussian_pseudo_random);

void gaussian_antithetic(benchmark::State& state) {
  const rs::gaussian_model model(bundled_covariance(),
                                 {.seed = 42, .horizon_days = 10, .variates = rs::variates::antithetic});
  run_blocks(state, model);
}
BENCHMARK(gaussian_antithetic);

void gaussian_sobol(benchmark::State& state) {
  const rs::gaussian_model model(bundled_covariance(), {.seed = 42, .horizon_days = 10, .sequence = rs::sequence::sobol});
  run_blocks(state, model);
}
BENCHMARK(gaussian_sobol);

void gaussian_randomized_sobol(benchmark::State& state) {
  const rs::gaussian_model model(bundled_covariance(),
                                 {.seed = 42, .horizon_days = 10, .sequence = rs::sequence::randomized_sobol});
  run_blocks(state, model);
}
BENCHMARK(gaussian_randomized_sobol);

void student_t(benchmark::State& state) {
  const rs::student_t_model model(bundled_covariance(),
                                  {.seed = 42, .horizon_days = 10, .degrees_of_freedom = static_cast<double>(state.range(0))});
  run_blocks(state, model);
}
BENCHMARK(student_t)->Arg(4)->Arg(30);

}  // namespace
