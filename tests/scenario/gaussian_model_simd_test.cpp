#include <riskgrid/scenario/gaussian_model.hpp>
#include <riskgrid/scenario/student_t_model.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "random/simd_widths.hpp"

namespace {

namespace rs = riskgrid::scenario;
namespace rr = riskgrid::random;
using riskgrid_test::for_each_width;

// A dense K × K covariance (K = 100 by default: more normals than one chunk of 64), or of
// rank `rank` < K: B·Bᵀ with B a K × rank matrix of fixed pseudo-random entries.
rs::covariance random_covariance(std::size_t k, std::size_t rank) {
  rs::covariance c;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < k; ++i) names.push_back("F" + std::to_string(100 + i));
  c.factors = rs::factor_set(names);
  Eigen::MatrixXd b(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(rank));
  const rr::philox_stream stream(77u, 9u);
  for (Eigen::Index i = 0; i < b.rows(); ++i)
    for (Eigen::Index j = 0; j < b.cols(); ++j)
      b(i, j) = 0.01 * (stream.uniform(static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j)) - 0.3);
  c.matrix = b * b.transpose();
  return c;
}

std::vector<std::uint64_t> bits_of(const rs::shock_block& block) {
  std::vector<std::uint64_t> out;
  for (std::size_t f = 0; f < block.factor_count(); ++f)
    for (const double x : block.padded_factor(f)) out.push_back(std::bit_cast<std::uint64_t>(x));
  return out;
}

template <class Model>
void check_widths_agree(const Model& model, riskgrid::scenario_range range) {
  rs::shock_block reference_block(model.factors().size(), 203);
  model.template generate_as<double>(range, reference_block);
  const auto reference = bits_of(reference_block);
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width << ", first " << range.first << ", count " << range.count);
    rs::shock_block block(model.factors().size(), 203);
    model.template generate_as<V>(range, block);
    CHECK(bits_of(block) == reference);
  });
  rs::shock_block native(model.factors().size(), 203);
  model.generate(range, native);
  CHECK(bits_of(native) == reference);
}

}  // namespace

TEST_CASE("Gaussian shocks are the same bits for double and every SIMD width", "[scenario][gaussian][simd]") {
  for (const auto& cov : {random_covariance(100, 100), random_covariance(37, 9)}) {
    for (const auto variates : {rs::variates::plain, rs::variates::antithetic}) {
      for (const auto sequence : {rs::sequence::pseudo_random, rs::sequence::sobol, rs::sequence::randomized_sobol}) {
        const rs::gaussian_model model(cov, {.seed = 5, .horizon_days = 3, .variates = variates, .sequence = sequence});
        check_widths_agree(model, {0, 203});
        check_widths_agree(model, {12345, 131});
        check_widths_agree(model, {(std::uint64_t{1} << 32) - 3, 9});  // draw sets cross 2^32
      }
    }
  }
}

TEST_CASE("Gaussian shocks equal the sum of loading times normal in ascending draw order",
          "[scenario][gaussian][simd]") {
  // An independent restatement of the model: shock_f = Σ_k loading(f, k)·z_k, one fused
  // multiply-add (a single rounding) per term, z_k = standard_normal(seed, tag 0, draw set, k).
  const auto cov = random_covariance(100, 100);
  const rs::gaussian_model model(cov, {.seed = 99, .horizon_days = 10, .variates = rs::variates::antithetic});
  const rr::philox_stream stream(99u, rs::gaussian_model::normal_stream_tag);
  rs::shock_block block(100, 70);
  const std::uint64_t first = 1001;
  model.generate({first, 70}, block);
  std::size_t mismatches = 0;
  for (std::size_t s = 0; s < 70; ++s) {
    const std::uint64_t id = first + s;
    for (std::size_t f = 0; f < 100; ++f) {
      double shock = 0.0;
      for (std::size_t k = 0; k < model.rank(); ++k) {
        const double z = rr::standard_normal(stream, id >> 1, k);
        shock = std::fma(model.loading(f, k), (id & 1) != 0 ? -z : z, shock);
      }
      mismatches += shock == block.factor(f)[s] ? 0 : 1;
    }
  }
  CHECK(model.rank() == 100);
  CHECK(mismatches == 0);
}

TEST_CASE("Padding lanes of a Gaussian block stay zero", "[scenario][gaussian][simd]") {
  const rs::gaussian_model model(random_covariance(20, 20), {.seed = 1});
  rs::shock_block block(20, 13);  // stride 16
  model.generate({3, 13}, block);
  for (std::size_t f = 0; f < 20; ++f)
    for (std::size_t s = 13; s < block.stride(); ++s) CHECK(block.padded_factor(f)[s] == 0.0);
}

TEST_CASE("Student-t shocks are the same bits for double and every SIMD width", "[scenario][student_t][simd]") {
  const auto cov = random_covariance(100, 100);
  for (const auto variates : {rs::variates::plain, rs::variates::antithetic}) {
    const rs::student_t_model model(cov, {.seed = 8, .horizon_days = 10, .degrees_of_freedom = 4.5, .variates = variates});
    check_widths_agree(model, {0, 203});
    check_widths_agree(model, {777, 65});
  }
}
