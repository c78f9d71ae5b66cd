#include <riskgrid/random/normal.hpp>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using riskgrid::random::inverse_normal_cdf;
using riskgrid::random::philox_stream;
using riskgrid::random::standard_normal;
using riskgrid::random::standard_normals;

double boost_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

// p in (0, 1) over the whole double range: log-spaced in both tails (down to 1e-300 and up
// to 1 - 1e-16), a uniform grid in the centre, the last representable values below 1, and
// neighbourhoods of AS241's three branch switches.
std::vector<double> probability_grid() {
  std::vector<double> grid;
  for (int step = -30000; step < -301; ++step) {  // 10^-300 ... 10^-3.02, 100 per decade
    grid.push_back(std::pow(10.0, step / 100.0));
  }
  for (int step = -1600; step < -301; ++step) {  // 1 - 10^-16 ... 1 - 10^-3.02
    grid.push_back(1.0 - std::pow(10.0, step / 100.0));
  }
  for (int k = 1; k < 10'000; ++k) {  // 0.0001 ... 0.9999
    grid.push_back(k * 1e-4);
  }
  for (int k = 1; k <= 1'000; ++k) {
    grid.push_back(1.0 - k * 0x1p-53);
    grid.push_back(k * 0x1p-53);
  }
  // Branch switches: |p - 0.5| = 0.425, and sqrt(-log(min(p, 1 - p))) = 5.
  for (const double edge : {0.075, 0.925, std::exp(-25.0), 1.0 - std::exp(-25.0)}) {
    double below = edge;
    double above = edge;
    for (int k = 0; k < 1'000; ++k) {
      grid.push_back(below);
      grid.push_back(above);
      below = std::nextafter(below, 0.0);
      above = std::nextafter(above, 1.0);
    }
  }
  return grid;
}

}  // namespace

TEST_CASE("inverse_normal_cdf agrees with Boost.Math to 1e-15 relative over the whole range",
          "[random][normal]") {
  // Both sides carry rounding error. Measured against a 50-digit reference (Boost.Math with
  // cpp_bin_float_50): AS241 evaluated in double is within 7e-16 (its approximation error is
  // about 1e-16, the rest is rounding in the degree-7 rational functions), Boost's double
  // quantile within 2.6e-16; so their difference stays below 1e-15. Measured maximum on
  // this grid: 8.4e-16 (near p = 1e-193); on a 10^6-point central grid: 8.7e-16.
  const std::vector<double> grid = probability_grid();
  double worst = 0.0;
  double worst_p = 0.0;
  for (const double p : grid) {
    REQUIRE(p > 0.0);
    REQUIRE(p < 1.0);
    const double x = inverse_normal_cdf(p);
    const double reference = boost_quantile(p);
    const double error = std::fabs(x - reference) / std::fabs(reference);
    if (error > worst) {
      worst = error;
      worst_p = p;
    }
  }
  INFO("worst relative error " << worst << " at p = " << worst_p << " over " << grid.size() << " points");
  CHECK(worst < 1e-15);
  // The reference is 0 only at p = 0.5, where relative error is meaningless.
  CHECK(inverse_normal_cdf(0.5) == 0.0);
}

TEST_CASE("inverse_normal_cdf is exactly odd where 1 - p is exact", "[random][normal]") {
  std::vector<double> probabilities = probability_grid();
  const philox_stream stream(31u);
  std::vector<double> uniforms(100'000);
  stream.uniforms(0u, 0u, uniforms);
  probabilities.insert(probabilities.end(), uniforms.begin(), uniforms.end());
  std::size_t checked = 0;
  for (const double p : probabilities) {
    const double complement = 1.0 - p;
    if (1.0 - complement != p) {
      continue;  // 1 - p rounded: the two arguments are not mirror images
    }
    ++checked;
    REQUIRE(inverse_normal_cdf(complement) == -inverse_normal_cdf(p));
  }
  CHECK(checked > 100'000);
}

TEST_CASE("inverse_normal_cdf reproduces known quantiles", "[random][normal]") {
  // Expected values: quantiles of the double nearest to each p (not of the decimal p),
  // computed with Boost.Math in 50-digit arithmetic (cpp_bin_float_50), rounded to 17 digits.
  struct known_quantile {
    double p;
    double x;
  };
  const known_quantile known[] = {
      {0.975, 1.9599639845400539}, {0.025, -1.9599639845400542}, {0.99, 2.3263478740408408},
      {0.999, 3.0902323061678133}, {0.75, 0.67448975019608174},  {1e-10, -6.3613409024040562},
      {1e-300, -37.047096299361199},
  };
  for (const known_quantile& k : known) {
    INFO("p = " << k.p);
    CHECK(inverse_normal_cdf(k.p) == Approx(k.x).epsilon(1e-15).margin(0.0));
  }
  // The textbook 97.5% point (quantile of the decimal 0.975, which differs by 2e-16 relative).
  CHECK(inverse_normal_cdf(0.975) == Approx(1.959963984540054).epsilon(1e-15).margin(0.0));
  CHECK(inverse_normal_cdf(0.5) == 0.0);
}

TEST_CASE("standard normal draws stay finite at the extreme uniforms", "[random][normal]") {
  const double lowest = inverse_normal_cdf(0x1p-53);  // smallest philox_stream uniform
  CHECK(std::isfinite(lowest));
  CHECK(lowest == Approx(boost_quantile(0x1p-53)).epsilon(1e-15).margin(0.0));
  CHECK(inverse_normal_cdf(1.0 - 0x1p-53) == -lowest);
  CHECK(lowest > -8.3);
}

TEST_CASE("standard_normals equals per-draw standard_normal and the inverse CDF of uniform",
          "[random][normal]") {
  const philox_stream stream(77u, 2u);
  for (const std::uint64_t first_draw : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1001}}) {
    std::vector<double> block(257);
    standard_normals(stream, 12u, first_draw, block);
    for (std::size_t k = 0; k < block.size(); ++k) {
      REQUIRE(block[k] == standard_normal(stream, 12u, first_draw + k));
      REQUIRE(block[k] == inverse_normal_cdf(stream.uniform(12u, first_draw + k)));
    }
  }
}

TEST_CASE("standard normal draws have the moments of the standard normal distribution",
          "[random][normal]") {
  constexpr std::size_t scenarios = 4'000;
  constexpr std::size_t draws_per_scenario = 250;
  constexpr double n = static_cast<double>(scenarios * draws_per_scenario);  // 10^6
  const philox_stream stream(0xC0FFEEu, 1u);
  std::vector<double> block(draws_per_scenario);
  double s1 = 0.0;
  double s2 = 0.0;
  double s3 = 0.0;
  double s4 = 0.0;
  for (std::size_t id = 0; id < scenarios; ++id) {
    standard_normals(stream, id, 0, block);
    for (const double z : block) {
      const double z2 = z * z;
      s1 += z;
      s2 += z2;
      s3 += z2 * z;
      s4 += z2 * z2;
    }
  }
  const double mean = s1 / n;
  const double m2 = s2 / n - mean * mean;
  const double m3 = s3 / n - 3.0 * mean * s2 / n + 2.0 * mean * mean * mean;
  const double m4 = s4 / n - 4.0 * mean * s3 / n + 6.0 * mean * mean * s2 / n - 3.0 * mean * mean * mean * mean;
  const double skewness = m3 / std::pow(m2, 1.5);
  const double excess_kurtosis = m4 / (m2 * m2) - 3.0;
  INFO("mean " << mean << ", variance " << m2 << ", skewness " << skewness << ", excess kurtosis "
               << excess_kurtosis);
  // Large-n standard errors under N(0, 1): mean sqrt(1/n), variance sqrt(2/n), skewness
  // sqrt(6/n), excess kurtosis sqrt(24/n). Bound: 5 standard errors each (two-sided false
  // alarm probability 6e-7 per statistic for a correct generator; the seed is fixed).
  constexpr double k = 5.0;
  CHECK(std::fabs(mean) < k * std::sqrt(1.0 / n));
  CHECK(std::fabs(m2 - 1.0) < k * std::sqrt(2.0 / n));
  CHECK(std::fabs(skewness) < k * std::sqrt(6.0 / n));
  CHECK(std::fabs(excess_kurtosis) < k * std::sqrt(24.0 / n));
}
