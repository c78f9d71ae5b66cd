// Throughput of the random layer, with baselines in the same run so that ratios can be
// quoted: Random123's own Philox4x32 for the raw generator, std::mt19937_64 with
// Boost.Math's normal quantile and with std::normal_distribution for normal draws.
// Items are 128-bit Philox blocks for the generator benchmarks and draws otherwise.
//
// The SIMD benchmarks run the same template at each width the target has (double, SSE2,
// AVX2, AVX-512 batches); every width gives the same bits (tests/random). The counter
// `tsc_cycles_per_item` is CPU time per item times the time-stamp counter's rate, which
// is measured at start-up against std::chrono::steady_clock over 200 ms (x86 only; the
// TSC ticks at the nominal clock, constant_tsc, not at the turbo clock).

#include <riskgrid/random.hpp>

#include <Random123/philox.h>
#include <benchmark/benchmark.h>
#include <boost/math/distributions/normal.hpp>

#include <x86intrin.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <thread>

namespace {

using riskgrid::random::philox_counter;
using riskgrid::random::philox_key;
using riskgrid::random::philox_stream;

constexpr std::size_t block_size = 256;  // draws per call, as in a ShockBlock

// Time-stamp counter ticks per second, measured once against steady_clock.
double tsc_hz() {
  static const double hz = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t c0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::uint64_t c1 = __rdtsc();
    const auto t1 = std::chrono::steady_clock::now();
    return static_cast<double>(c1 - c0) / std::chrono::duration<double>(t1 - t0).count();
  }();
  return hz;
}

// Items per second, and TSC cycles per item (CPU time per item × TSC rate).
void count_items(benchmark::State& state, std::size_t per_iteration) {
  const auto items = static_cast<double>(state.iterations()) * static_cast<double>(per_iteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(items));
  state.counters["tsc_cycles_per_item"] =
      benchmark::Counter(items / tsc_hz(), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["tsc_ghz"] = tsc_hz() * 1e-9;
}

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
  count_items(state, block_size);
}
BENCHMARK(baseline_mt19937_64_std_normal_distribution);

// Philox + AS241 at one width V: 256 consecutive draws of one scenario per call
// (standard_normals<V>: lanes are consecutive Philox blocks).
template <class V>
void simd_standard_normals(benchmark::State& state) {
  const philox_stream stream(42u);
  std::array<double, block_size> out{};
  std::uint64_t scenario_id = 0;
  for (auto _ : state) {
    riskgrid::random::standard_normals<V>(stream, scenario_id++, 0, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_items(state, block_size);
}
BENCHMARK(simd_standard_normals<double>)->Name("simd_standard_normals/scalar");
#if XSIMD_WITH_SSE2
BENCHMARK(simd_standard_normals<xsimd::batch<double, xsimd::sse2>>)->Name("simd_standard_normals/sse2");
#endif
#if XSIMD_WITH_AVX2
BENCHMARK(simd_standard_normals<xsimd::batch<double, xsimd::avx2>>)->Name("simd_standard_normals/avx2");
#endif
#if XSIMD_WITH_AVX512F
BENCHMARK(simd_standard_normals<xsimd::batch<double, xsimd::avx512f>>)->Name("simd_standard_normals/avx512f");
#endif

// The Gaussian model's layout: draws 2b and 2b + 1 of V::size consecutive scenarios
// (standard_normal_pair_lanes), 128 blocks per call = 256 normals per lane.
template <class V>
void simd_normal_pairs_across_scenarios(benchmark::State& state) {
  using U = riskgrid::random::lane_word_t<V>;
  constexpr std::size_t lanes = riskgrid::random::lane_count_v<V>;
  const philox_stream stream(42u);
  std::uint64_t first = 0;
  for (auto _ : state) {
    const U ids = riskgrid::random::iota_lanes<U>(first);
    for (std::uint64_t b = 0; b < block_size / 2; ++b) {
      auto pair = riskgrid::random::standard_normal_pair_lanes<V>(stream, ids, b);
      benchmark::DoNotOptimize(pair);
    }
    first += lanes;
  }
  count_items(state, block_size * lanes);
}
BENCHMARK(simd_normal_pairs_across_scenarios<double>)->Name("simd_normal_pairs_across_scenarios/scalar");
#if XSIMD_WITH_AVX2
BENCHMARK(simd_normal_pairs_across_scenarios<xsimd::batch<double, xsimd::avx2>>)
    ->Name("simd_normal_pairs_across_scenarios/avx2");
#endif
#if XSIMD_WITH_AVX512F
BENCHMARK(simd_normal_pairs_across_scenarios<xsimd::batch<double, xsimd::avx512f>>)
    ->Name("simd_normal_pairs_across_scenarios/avx512f");
#endif

// The Gaussian model's layout since 0.3: the uniforms of 64 draws × 64 scenarios
// (uniform_pair_lanes), then Φ⁻¹ over the block with its tail lanes gathered into dense
// batches (inverse_normal_cdf_in_place). Same bits as the pair benchmark above.
template <class V>
void simd_normal_block_across_scenarios(benchmark::State& state) {
  using U = riskgrid::random::lane_word_t<V>;
  constexpr std::size_t lanes = riskgrid::random::lane_count_v<V>;
  constexpr std::size_t scenarios = 64, draws = 64;
  const philox_stream stream(42u);
  alignas(64) std::array<double, scenarios * draws> z{};
  std::uint64_t first = 0;
  for (auto _ : state) {
    for (std::size_t s = 0; s < scenarios; s += lanes) {
      const U ids = riskgrid::random::iota_lanes<U>(first + s);
      for (std::uint64_t b = 0; b < draws / 2; ++b) {
        const auto pair = riskgrid::random::uniform_pair_lanes<V>(stream, ids, b);
        if constexpr (lanes == 1) {
          z[2 * b * scenarios + s] = pair.first;
          z[(2 * b + 1) * scenarios + s] = pair.second;
        } else {
          pair.first.store_unaligned(z.data() + 2 * b * scenarios + s);
          pair.second.store_unaligned(z.data() + (2 * b + 1) * scenarios + s);
        }
      }
    }
    riskgrid::random::inverse_normal_cdf_in_place<V>(z);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
    first += scenarios;
  }
  count_items(state, scenarios * draws);
}
BENCHMARK(simd_normal_block_across_scenarios<double>)->Name("simd_normal_block_across_scenarios/scalar");
#if XSIMD_WITH_AVX2
BENCHMARK(simd_normal_block_across_scenarios<xsimd::batch<double, xsimd::avx2>>)
    ->Name("simd_normal_block_across_scenarios/avx2");
#endif
#if XSIMD_WITH_AVX512F
BENCHMARK(simd_normal_block_across_scenarios<xsimd::batch<double, xsimd::avx512f>>)
    ->Name("simd_normal_block_across_scenarios/avx512f");
#endif

}  // namespace
