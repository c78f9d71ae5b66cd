// Throughput of the random layer, with baselines in the same run so that ratios can be
// quoted: Random123's own Philox4x32 for the raw generator, std::mt19937_64 with
// Boost.Math's normal quantile and with std::normal_distribution for normal draws.
// Items are 128-bit Philox blocks for the generator benchmarks and draws otherwise.

#include <riskgrid/random.hpp>

#include <Random123/philox.h>
#include <benchmark/benchmark.h>
#include <boost/math/distributions/normal.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>

namespace {

using riskgrid::random::philox_counter;
using riskgrid::random::philox_key;
using riskgrid::random::philox_stream;

constexpr std::size_t block_size = 256;  // draws per call, as in a ShockBlock

void philox4x32_10_blocks(benchmark::State& state) {
  const philox_key key{0x01234567u, 0x89abcdefu};
  std::uint32_t counter = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < block_size; ++k) {
      philox_counter out = riskgrid::random::philox4x32_10({counter++, 0u, 7u, 0u}, key);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(philox4x32_10_blocks);

void baseline_r123_philox4x32_blocks(benchmark::State& state) {
  const r123::Philox4x32 generator;
  const r123::Philox4x32::key_type key = {{0x01234567u, 0x89abcdefu}};
  std::uint32_t counter = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < block_size; ++k) {
      const r123::Philox4x32::ctr_type in = {{counter++, 0u, 7u, 0u}};
      r123::Philox4x32::ctr_type out = generator(in, key);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(baseline_r123_philox4x32_blocks);

void philox_stream_uniforms(benchmark::State& state) {
  const philox_stream stream(42u);
  std::array<double, block_size> out{};
  std::uint64_t scenario_id = 0;
  for (auto _ : state) {
    stream.uniforms(scenario_id++, 0, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(philox_stream_uniforms);

void standard_normals(benchmark::State& state) {
  const philox_stream stream(42u);
  std::array<double, block_size> out{};
  std::uint64_t scenario_id = 0;
  for (auto _ : state) {
    riskgrid::random::standard_normals(stream, scenario_id++, 0, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(standard_normals);

// The quantile functions alone, on the same 256 uniforms.
void inverse_normal_cdf_only(benchmark::State& state) {
  std::array<double, block_size> uniforms{};
  philox_stream(42u).uniforms(0, 0, uniforms);
  std::array<double, block_size> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(uniforms.data());
    for (std::size_t k = 0; k < block_size; ++k) {
      out[k] = riskgrid::random::inverse_normal_cdf(uniforms[k]);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(inverse_normal_cdf_only);

void baseline_boost_normal_quantile_only(benchmark::State& state) {
  std::array<double, block_size> uniforms{};
  philox_stream(42u).uniforms(0, 0, uniforms);
  std::array<double, block_size> out{};
  const boost::math::normal_distribution<double> normal;
  for (auto _ : state) {
    benchmark::DoNotOptimize(uniforms.data());
    for (std::size_t k = 0; k < block_size; ++k) {
      out[k] = boost::math::quantile(normal, uniforms[k]);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(baseline_boost_normal_quantile_only);

// A sequential generator with the same uniform mapping and Boost's quantile: what a
// straightforward implementation without counter-based streams would cost.
void baseline_mt19937_64_boost_quantile(benchmark::State& state) {
  std::mt19937_64 generator(42u);
  const boost::math::normal_distribution<double> normal;
  std::array<double, block_size> out{};
  for (auto _ : state) {
    for (double& x : out) {
      x = boost::math::quantile(normal, riskgrid::random::detail::to_open_unit(generator()));
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(baseline_mt19937_64_boost_quantile);

void baseline_mt19937_64_std_normal_distribution(benchmark::State& state) {
  std::mt19937_64 generator(42u);
  std::normal_distribution<double> normal;
  std::array<double, block_size> out{};
  for (auto _ : state) {
    for (double& x : out) {
      x = normal(generator);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block_size));
}
BENCHMARK(baseline_mt19937_64_std_normal_distribution);

}  // namespace
