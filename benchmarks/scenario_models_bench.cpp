// Shock generation of the scenario models on the bundled covariance
// (examples/data/covariance.csv), one block of 256 scenarios per iteration, with the
// plain Gaussian model as the baseline in the same run. Items are scenarios.

#include <riskgrid/io/covariance_csv.hpp>
#include <riskgrid/scenario/gaussian_model.hpp>
#include <riskgrid/scenario/loadings_product.hpp>
#include <riskgrid/scenario/student_t_model.hpp>

#include <Eigen/Dense>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

// --- Correlated Gaussian shocks for K = 100 factors -----------------------------------
// A dense 100 × 100 covariance of full rank (B·Bᵀ with fixed pseudo-random B). Items are
// scenarios. The product benchmarks compute the same 100 × 256 block of shocks from the
// same normals: riskgrid's loadings_product at each width, and Eigen's GEMM
// (C = L·Z, L the 100 × 100 loadings with their zeros) and TRMM (L known triangular in
// pivot order) on the same shape. `useful_gflops` counts 2 flops per non-zero loading
// and scenario (about n²: the triangle), `gemm_gflops` 2·n·rank per scenario.

constexpr std::size_t k100 = 100;

const rs::covariance& covariance_k100() {
  static const rs::covariance cov = [] {
    rs::covariance c;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < k100; ++i) names.push_back("F" + std::to_string(100 + i));
    c.factors = rs::factor_set(names);
    Eigen::MatrixXd b(static_cast<Eigen::Index>(k100), static_cast<Eigen::Index>(k100));
    const riskgrid::random::philox_stream stream(77u, 9u);
    for (Eigen::Index i = 0; i < b.rows(); ++i)
      for (Eigen::Index j = 0; j < b.cols(); ++j)
        b(i, j) = 0.01 * (stream.uniform(static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j)) - 0.3);
    c.matrix = b * b.transpose();
    return c;
  }();
  return cov;
}

void gaussian_k100_generate(benchmark::State& state) {
  const rs::gaussian_model model(covariance_k100(), {.seed = 42, .horizon_days = 10});
  run_blocks(state, model);
}
BENCHMARK(gaussian_k100_generate);

struct k100_product_inputs {
  std::vector<double> loadings;        // n × rank row-major
  std::vector<std::size_t> leading;
  std::size_t rank = 0;
  Eigen::MatrixXd l;                   // the same loadings, n × rank
  Eigen::MatrixXd l_pivoted;           // rows in pivot order: lower triangular
  Eigen::MatrixXd z;                   // rank × block_size normals (column-major: row k strided)
  std::vector<double> z_rows;          // the same normals, row k contiguous
  double nonzero = 0;                  // non-zero loadings
};

const k100_product_inputs& product_inputs() {
  static const k100_product_inputs in = [] {
    k100_product_inputs p;
    const rs::covariance& cov = covariance_k100();
    const rs::covariance_factor factor = rs::pivoted_cholesky(cov.matrix);
    p.rank = static_cast<std::size_t>(factor.loadings.cols());
    p.leading = factor.leading;
    p.l = factor.loadings;
    p.loadings.resize(k100 * p.rank);
    for (std::size_t f = 0; f < k100; ++f)
      for (std::size_t k = 0; k < p.rank; ++k) {
        const double v = factor.loadings(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(k));
        p.loadings[f * p.rank + k] = v;
        p.nonzero += v != 0.0 ? 1.0 : 0.0;
      }
    std::vector<std::size_t> order(k100);
    for (std::size_t f = 0; f < k100; ++f) order[f] = f;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.leading[a] < p.leading[b]; });
    p.l_pivoted.resize(static_cast<Eigen::Index>(k100), static_cast<Eigen::Index>(p.rank));
    for (std::size_t i = 0; i < k100; ++i) p.l_pivoted.row(static_cast<Eigen::Index>(i)) = p.l.row(static_cast<Eigen::Index>(order[i]));
    p.z.resize(static_cast<Eigen::Index>(p.rank), static_cast<Eigen::Index>(block_size));
    p.z_rows.resize(p.rank * block_size);
    const riskgrid::random::philox_stream stream(1u);
    for (std::size_t s = 0; s < block_size; ++s)
      for (std::size_t k = 0; k < p.rank; ++k) {
        const double x = riskgrid::random::standard_normal(stream, s, k);
        p.z(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(s)) = x;
        p.z_rows[k * block_size + s] = x;
      }
    return p;
  }();
  return in;
}

void count_product(benchmark::State& state, const k100_product_inputs& in) {
  const auto scenarios = static_cast<double>(state.iterations()) * static_cast<double>(block_size);
  state.SetItemsProcessed(static_cast<std::int64_t>(scenarios));
  state.counters["useful_gflops"] = benchmark::Counter(2.0 * in.nonzero * scenarios * 1e-9, benchmark::Counter::kIsRate);
  state.counters["gemm_gflops"] =
      benchmark::Counter(2.0 * static_cast<double>(k100 * in.rank) * scenarios * 1e-9, benchmark::Counter::kIsRate);
}

template <class V>
void k100_product(benchmark::State& state) {
  const k100_product_inputs& in = product_inputs();
  const rs::loadings_product product(in.loadings, in.rank, in.leading);
  rs::shock_block block(k100, block_size);
  block.reset({0, block_size});
  for (auto _ : state) {
    product.multiply_add<V>([&block](std::size_t f) { return block.padded_factor(f).data(); }, block_size,
                            in.z_rows.data(), block_size, 0, in.rank);
    benchmark::DoNotOptimize(block.factor(0).data());
    benchmark::ClobberMemory();
  }
  count_product(state, in);
}
BENCHMARK(k100_product<double>)->Name("k100_product/scalar");
#if XSIMD_WITH_AVX2
BENCHMARK(k100_product<xsimd::batch<double, xsimd::avx2>>)->Name("k100_product/avx2");
#endif
#if XSIMD_WITH_AVX512F
BENCHMARK(k100_product<xsimd::batch<double, xsimd::avx512f>>)->Name("k100_product/avx512f");
#endif

void baseline_eigen_gemm_k100(benchmark::State& state) {
  const k100_product_inputs& in = product_inputs();
  Eigen::MatrixXd c(static_cast<Eigen::Index>(k100), static_cast<Eigen::Index>(block_size));
  for (auto _ : state) {
    c.noalias() = in.l * in.z;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  count_product(state, in);
}
BENCHMARK(baseline_eigen_gemm_k100);

void baseline_eigen_trmm_k100(benchmark::State& state) {
  const k100_product_inputs& in = product_inputs();
  Eigen::MatrixXd c(static_cast<Eigen::Index>(k100), static_cast<Eigen::Index>(block_size));
  for (auto _ : state) {
    c.noalias() = in.l_pivoted.triangularView<Eigen::Lower>() * in.z;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  count_product(state, in);
}
BENCHMARK(baseline_eigen_trmm_k100);

}  // namespace
